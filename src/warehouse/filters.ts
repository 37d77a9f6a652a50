import { z } from 'zod';
import type { EpochMs } from '../common/time.js';
import { DENIALS } from '../licensing/denials.js';
import { LICENSE_MODELS, type LicenseModel } from '../licensing/feature-record.js';
import { USAGE_EVENT_KINDS } from '../licensing/usage-event.js';

const list = (item: z.ZodType<string, string>) =>
  z
    .string()
    .max(4000)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).max(200, 'must name at most 200 values'));

const CODES = Object.keys(DENIALS);

/** Query parameters every widget of the Usage and Denials report takes. */
export const reportQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true, error: 'must be an ISO timestamp' }).optional(),
    to: z.iso.datetime({ offset: true, error: 'must be an ISO timestamp' }).optional(),
    accounts: list(z.string().min(1).max(128)).optional(),
    instances: list(z.string().min(1).max(64)).optional(),
    features: list(z.string().min(1).max(128)).optional(),
    model: z.enum(LICENSE_MODELS).optional(),
    kinds: list(z.enum(USAGE_EVENT_KINDS, { error: `must be among ${USAGE_EVENT_KINDS.join(', ')}` })).optional(),
    codes: list(z.string().refine((c) => CODES.includes(c), `must be among the denial codes ${CODES.join(', ')}`)).optional(),
    search: z.string().min(1).max(256).optional().describe('part of a device ID, alias or user'),
    true: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional().describe('1: only true denials'),
    tolerance: z.coerce.number().int('must be a whole number of minutes').min(0).max(1440).optional().describe('minutes (default 5)'),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });

/** The report's query parameters as a caller writes them (the browser app builds these). */
export type ReportQueryParams = z.input<typeof reportQuerySchema>;

/** The filters, normalized: what every warehouse query receives. */
export interface ReportFilters {
  from: EpochMs;
  to: EpochMs;
  accounts: string[];
  instances: string[];
  features: string[];
  model: LicenseModel | null;
  kinds: string[];
  codes: number[];
  search: string | null;
  /** Count a denial only when the device or user did not get the feature within the tolerance. */
  trueDenials: boolean;
  toleranceSeconds: number;
}

/** Turns validated query parameters into filters; the time range defaults to the last 12 months. */
export function toFilters(q: z.output<typeof reportQuerySchema>, now: EpochMs): ReportFilters {
  const to = q.to ? Date.parse(q.to) : now;
  const from = q.from ? Date.parse(q.from) : to - 365 * 86_400_000;
  return {
    from,
    to,
    accounts: q.accounts ?? [],
    instances: q.instances ?? [],
    features: q.features ?? [],
    model: q.model ?? null,
    kinds: q.kinds ?? [],
    codes: (q.codes ?? []).map(Number),
    search: q.search ?? null,
    trueDenials: q.true === '1',
    toleranceSeconds: (q.tolerance ?? 5) * 60,
  };
}

/** The time buckets over-time widgets count in, finest first. */
export const bucketSchema = z.enum(['minute', 'hour', 'day', 'week']);
export type Bucket = z.infer<typeof bucketSchema>;

/** A time bucket that fits the range: minutes for hours, hours for days, days for months, weeks beyond. */
export function bucketFor(filters: ReportFilters): Bucket {
  const span = filters.to - filters.from;
  if (span <= 6 * 3_600_000) return 'minute';
  if (span <= 7 * 86_400_000) return 'hour';
  if (span <= 180 * 86_400_000) return 'day';
  return 'week';
}
