import { z } from 'zod';
import type { EpochMs } from '../common/time.js';
import { parseDurationSeconds } from '../common/time.js';
import { countSchema } from './limits.js';
import { isVersion } from './version.js';

/** How a feature is consumed: concurrent counts are leased, metered units are used up. */
export const LICENSE_MODELS = ['concurrent', 'metered'] as const;
export type LicenseModel = (typeof LICENSE_MODELS)[number];

export interface MeteredTerms {
  /** Capped features refuse use past their count; uncapped ones serve it and record overage. */
  capped: boolean;
  /** Reusable units can be given back; others can only be undone within the undo interval. */
  reusable: boolean;
  /** Seconds after a consumption during which it can be undone; 0 means never. */
  undoInterval: number;
}

/** One feature record of a signed license, as the server holds it. */
export interface FeatureRecord {
  id: string;
  licenseId: string;
  name: string;
  version: string;
  count: number;
  /** Start as written in the license (`2026-01-01`), null when it has no start. */
  start: string | null;
  /** Expiry as written in the license: `permanent` or a date. */
  expiry: string;
  startsAt: EpochMs | null;
  /** Null for permanent records. */
  expiresAt: EpochMs | null;
  vendorString: string | null;
  productName: string | null;
  productVersion: string | null;
  activationId: string | null;
  entitlementId: string | null;
  model: LicenseModel;
  metered: MeteredTerms | null;
  /** Uncounted features are always served (still recorded). */
  counted: boolean;
  /** Counts served past `count`, only once the regular counts are all in use. */
  overdraft: number;
  /** The producer's borrow interval for this feature in seconds; null uses the server's. */
  borrowInterval: number | null;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * Reads a license date. A bare date is a whole UTC day, so a record that expires on
 * 2026-12-31 is still valid all that day; full ISO timestamps are taken as written.
 */
export function parseLicenseDate(text: string, edge: 'start' | 'end'): EpochMs | undefined {
  if (DATE_ONLY.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return undefined;
    return edge === 'end' ? ms + DAY_MS : ms;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const optionalText = (max: number) => z.string().max(max).nullable().optional();

const durationField = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as 3600, 90m, 12h, 7d or 1w' });
      return z.NEVER;
    }
    return seconds;
  });

/** The fields of a feature as a producer writes it; products and license files both use them. */
export const featureFields = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes, colons or underscores')
    .optional(),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.\- ]{1,128}$/, 'must be 1-128 letters, digits, spaces, dots, dashes or underscores'),
  version: z.string().refine(isVersion, 'must be an a.b version of two whole numbers, e.g. 1.0'),
  count: countSchema,
  start: z
    .string()
    .refine((s) => parseLicenseDate(s, 'start') !== undefined, 'must be a date (YYYY-MM-DD) or ISO timestamp')
    .nullable()
    .optional(),
  expiry: z
    .string()
    .refine(
      (s) => s === 'permanent' || parseLicenseDate(s, 'end') !== undefined,
      'must be "permanent", a date (YYYY-MM-DD) or an ISO timestamp',
    ),
  vendorString: optionalText(1024),
  productName: optionalText(256),
  productVersion: optionalText(64),
  activationId: optionalText(128),
  entitlementId: optionalText(128),
  model: z.enum(LICENSE_MODELS).default('concurrent'),
  metered: z
    .object({
      capped: z.boolean().default(true),
      reusable: z.boolean().default(false),
      undoInterval: durationField.default(0),
    })
    .strict()
    .optional(),
  counted: z.boolean().default(true),
  overdraft: countSchema.default(0),
  borrowInterval: durationField.nullable().optional(),
};

/** Metered terms belong to metered features only. */
export function checkMeteredTerms(f: { model: LicenseModel; metered?: unknown }, ctx: z.RefinementCtx): void {
  if (f.model === 'concurrent' && f.metered !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['metered'], message: 'only metered features have metered terms' });
  }
}

/** One feature as a producer writes it in features.json before signing. */
export const featureRecordInputSchema = z
  .object(featureFields)
  .strict()
  .superRefine((f, ctx) => {
    checkMeteredTerms(f, ctx);
    if (f.start && f.expiry !== 'permanent') {
      const s = parseLicenseDate(f.start, 'start');
      const e = parseLicenseDate(f.expiry, 'end');
      if (s !== undefined && e !== undefined && e <= s) {
        ctx.addIssue({ code: 'custom', path: ['expiry'], message: 'must be after start' });
      }
    }
  });

export type FeatureRecordInput = z.input<typeof featureRecordInputSchema>;
export type FeatureRecordParsed = z.output<typeof featureRecordInputSchema>;

/** Builds the server's record from a validated feature of a license. */
export function toFeatureRecord(input: FeatureRecordParsed & { id: string }, licenseId: string): FeatureRecord {
  const start = input.start ?? null;
  return {
    id: input.id,
    licenseId,
    name: input.name,
    version: input.version,
    count: input.count,
    start,
    expiry: input.expiry,
    startsAt: start === null ? null : (parseLicenseDate(start, 'start') ?? null),
    expiresAt: input.expiry === 'permanent' ? null : (parseLicenseDate(input.expiry, 'end') ?? null),
    vendorString: input.vendorString ?? null,
    productName: input.productName ?? null,
    productVersion: input.productVersion ?? null,
    activationId: input.activationId ?? null,
    entitlementId: input.entitlementId ?? null,
    model: input.model,
    metered:
      input.model === 'metered'
        ? {
            capped: input.metered?.capped ?? true,
            reusable: input.metered?.reusable ?? false,
            undoInterval: input.metered?.undoInterval ?? 0,
          }
        : null,
    counted: input.counted,
    overdraft: input.overdraft,
    borrowInterval: input.borrowInterval ?? null,
  };
}

/** Where a record stands at a moment: usable, not yet started, or expired. */
export type RecordStatus = 'active' | 'not-started' | 'expired';

export function recordStatus(record: FeatureRecord, now: EpochMs): RecordStatus {
  if (record.startsAt !== null && now < record.startsAt) return 'not-started';
  if (record.expiresAt !== null && now >= record.expiresAt) return 'expired';
  return 'active';
}
