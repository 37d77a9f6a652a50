import { z } from 'zod';
import { text } from '../common/text.js';
import { DENIAL_CODES } from './denials.js';
import { HOSTID_TYPES } from './hostid.js';
import { LICENSE_MODELS } from './feature-record.js';
import { countSchema } from './limits.js';
import { VERSION_PATTERN } from './version.js';

/** What happened: a lease taken, given back or lapsed, metered units used, or a refusal. */
export const USAGE_EVENT_KINDS = ['checkout', 'return', 'expire', 'consume', 'deny'] as const;
export type UsageEventKind = (typeof USAGE_EVENT_KINDS)[number];

/** Where an event came from: a Tally server or a log or poll of another license manager. */
export const USAGE_SOURCES = ['server', 'flexlm', 'rlm', 'lmstat'] as const;
export type UsageSource = (typeof USAGE_SOURCES)[number];

/** Who is writing the events: filled into every event the domain produces. */
export interface EventContext {
  instanceId: string;
  accountId: string | null;
}

const required = (max: number) => text().min(1, 'must not be empty').max(max);

/**
 * The atom of analytics: one row per grant, return, lapse, consumption and denial. The
 * license server writes it in the same transaction as the state change it describes; sync and
 * import check it field by field with this schema.
 */
export const usageEventSchema = z
  .object({
    /** Unique; ingest ignores an event it already stored. */
    eventId: required(64),
    /** ISO timestamp. */
    ts: z.iso.datetime({ offset: true, error: 'must be an ISO timestamp' }),
    instanceId: required(64),
    accountId: required(128).nullable(),
    kind: z.enum(USAGE_EVENT_KINDS, { error: `must be ${USAGE_EVENT_KINDS.slice(0, -1).join(', ')} or ${USAGE_EVENT_KINDS.at(-1)}` }),
    feature: required(128),
    version: z.string().regex(VERSION_PATTERN, 'must be an a.b version'),
    count: countSchema,
    model: z.enum(LICENSE_MODELS).nullable(),
    deviceId: required(256),
    deviceIdType: z.enum(HOSTID_TYPES, { error: 'must be a known hostid type' }),
    deviceAlias: text().max(256).nullable(),
    user: text().max(256).nullable(),
    pool: text().max(128).nullable(),
    /** The denial code of a `deny` event; null otherwise. */
    statusCode: z.literal(DENIAL_CODES, { error: `must be a denial code (${DENIAL_CODES.join(', ')})` }).nullable(),
    /** Counts of the feature in use on the server right after this event. */
    inUseAfter: countSchema,
    /** Regular counts of the feature's active records; null when the feature is uncounted. */
    capacity: countSchema.nullable(),
    /** Counts of this event served from overdraft (checkout) or past an uncapped cap (consume). */
    overdraft: countSchema,
    recordId: text().max(64).nullable(),
    correlationId: text().max(64).nullable(),
    source: z.enum(USAGE_SOURCES, { error: `must be one of ${USAGE_SOURCES.join(', ')}` }),
  })
  .strict()
  .superRefine((e, ctx) => {
    const problem = eventRuleProblem(e);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });
export type UsageEvent = z.output<typeof usageEventSchema>;

/** The one rule of an event that spans fields: a denial code on deny events and only there. */
export function eventRuleProblem(e: { kind: string; statusCode: number | null }): { field: 'statusCode'; message: string } | null {
  if (e.kind === 'deny' && e.statusCode === null) return { field: 'statusCode', message: 'is required for a deny event' };
  if (e.kind !== 'deny' && e.statusCode !== null) return { field: 'statusCode', message: 'is only for deny events' };
  return null;
}
