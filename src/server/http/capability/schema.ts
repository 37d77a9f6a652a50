import { z } from 'zod';
import { text } from '../../../common/text.js';
import { parseDurationSeconds } from '../../../common/time.js';
import { denialSchema } from '../../../licensing/denials.js';
import { LICENSE_MODELS } from '../../../licensing/feature-record.js';
import { HOLDING_KINDS } from '../../../licensing/holding.js';
import { DEVICE_TYPES, HOSTID_TYPES } from '../../../licensing/hostid.js';
import { MAX_DESIRED_FEATURES, requestCountSchema } from '../../../licensing/limits.js';
import { isVersion } from '../../../licensing/version.js';

/** Messages that tell a missing field from a wrong one. */
const required = (what: string) => ({ error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const featureName = z
  .string(required('text'))
  .regex(/^[A-Za-z0-9_.\- ]{1,128}$/, 'must be 1-128 letters, digits, spaces, dots, dashes or underscores');

const desiredFeature = z
  .object({
    name: featureName,
    version: z.string(required('an a.b version such as 1.0')).refine(isVersion, 'must be an a.b version of two whole numbers, e.g. 1.0'),
    count: requestCountSchema,
  })
  .strict();

export const deviceSchema = z
  .object({
    hostId: z
      .object(
        {
          value: text(required('text')).trim().min(1, 'must not be empty').max(256),
          // Clients write hostid types in any case (ethernet, Ethernet, ETHERNET).
          type: z.preprocess(
            (v) => (typeof v === 'string' ? v.toUpperCase() : v),
            z.enum(HOSTID_TYPES, { error: (issue) => (issue.input === undefined ? 'is required' : `must be one of ${HOSTID_TYPES.join(', ')}`) }),
          ),
        },
        required('an object {value, type}'),
      )
      .strict(),
    deviceType: z.enum(DEVICE_TYPES).default('UNKNOWN'),
    hostType: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores').default('FLX_CLIENT'),
    alias: text().max(256).nullable().default(null),
    user: text().max(256).nullable().default(null),
    vendorDictionary: z
      .record(text().min(1).max(64), z.union([text().max(1024), z.number().int()]))
      .refine((d) => Object.keys(d).length <= 64, 'must have at most 64 entries')
      .default({}),
  }, required('an object with hostId'))
  .strict();

/** `POST /api/1.0/instances/~/capability` body. */
export const capabilityRequestSchema = z
  .object({
    device: deviceSchema,
    features: z.array(desiredFeature).max(MAX_DESIRED_FEATURES, `must hold at most ${MAX_DESIRED_FEATURES} features`).default([]),
    incremental: z.boolean().default(false),
    partial: z.boolean().default(false),
    borrowInterval: z
      .union([z.number(), z.string()])
      .transform((value, ctx) => {
        const seconds = parseDurationSeconds(value);
        if (seconds === undefined || seconds < 1 || seconds > 10 * 365 * 86_400) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration between 1 second and 10 years, e.g. 3600, 90m, 7d' });
          return z.NEVER;
        }
        return seconds;
      })
      .nullable()
      .default(null),
    operation: z.enum(['request', 'preview', 'undo']).default('request'),
    correlationId: text().min(1).max(64).nullable().default(null),
  })
  .strict()
  .superRefine((req, ctx) => {
    const seen = new Map<string, number>();
    req.features.forEach((f, i) => {
      const first = seen.get(f.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['features', i, 'name'], message: `feature ${f.name} is already asked for in features.${first}` });
      }
      seen.set(f.name, i);
      if (!req.incremental && f.count < 0) {
        ctx.addIssue({ code: 'custom', path: ['features', i, 'count'], message: 'must not be negative in a full request; send incremental: true to give counts back' });
      }
    });
    if (req.incremental && req.features.some((f) => f.count > 0) && req.features.some((f) => f.count < 0)) {
      ctx.addIssue({ code: 'custom', path: ['features'], message: 'an incremental request either adds (positive counts) or gives back (negative counts), not both' });
    }
    if (req.operation === 'undo' && req.correlationId === null) {
      ctx.addIssue({ code: 'custom', path: ['correlationId'], message: 'is required to undo a consumption' });
    }
    if (req.operation !== 'undo' && req.correlationId !== null) {
      ctx.addIssue({ code: 'custom', path: ['correlationId'], message: 'is only used with operation "undo"' });
    }
  });

/** What a client sends: the body before defaults and normalisation. */
export type CapabilityBody = z.input<typeof capabilityRequestSchema>;
export type DeviceIdentity = CapabilityBody['device'];

/** One line of a capability response: counts of one record that the device holds. */
const grantedFeatureSchema = z.object({
  feature: z.string(),
  version: z.string().describe('Version of the record the counts come from.'),
  count: z.number(),
  model: z.enum(LICENSE_MODELS),
  kind: z.enum(HOLDING_KINDS),
  recordId: z.string(),
  overdraft: z.number().describe('Counts of this line served from overdraft (or, for uncapped metered, past the cap).'),
  expires: z.string().nullable().describe('When the lease lapses; null while the record is permanent.'),
  renewAt: z.string().nullable().describe('When the client should renew (leases only).'),
  pool: z.string().nullable().describe('The pool the counts came from: a named pool, default or reservations; null when the server has neither.'),
});

export type GrantedFeature = z.output<typeof grantedFeatureSchema>;

export const capabilityResponseSchema = z.object({
  correlationId: z.string().describe('Identifies this request; undo a metered consumption with it.'),
  serverTime: z.string(),
  instanceId: z.string(),
  renewInterval: z.number().describe('Renew leases after this percentage of their length.'),
  granted: z.array(grantedFeatureSchema).describe('Everything the device holds after this request.'),
  denied: z.array(denialSchema),
  preview: z.boolean().describe('True when the request was a preview and nothing was changed.'),
});

export type CapabilityResponse = z.output<typeof capabilityResponseSchema>;
