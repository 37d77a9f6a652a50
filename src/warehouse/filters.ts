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

/** The time buckets over-time widgets count in, finest first. */
export const BUCKETS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export const bucketSchema = z.enum(BUCKETS);
export type Bucket = z.infer<typeof bucketSchema>;
/** A bucket the caller chose, or `auto`: the one that fits the range. */
export type Grouping = Bucket | 'auto';

/** The most buckets a chart over time is drawn with: more are more points than pixels. */
export const MAX_BUCKETS = 2000;
/** Each bucket's shortest length (a month of 28 days), so that a count of buckets over a range is never too low. */
export const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000, month: 2_419_200_000 } as const satisfies Record<Bucket, number>;
const DEFAULT_SPAN_MS = 365 * 86_400_000;

/** How many buckets of `bucket` a range of `spanMs` spreads over (at most: months are taken as 28 days). */
export function bucketCount(bucket: Bucket, spanMs: number): number {
  return Math.ceil(spanMs / BUCKET_MS[bucket]) + 1;
}

/** A query's report filters name these; a widget that does not apply one says so. */
export type FilterName = 'accounts' | 'instances' | 'features' | 'model' | 'kinds' | 'codes' | 'search' | 'true';

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
    bucket: z
      .enum(['auto', ...BUCKETS], { error: `must be auto or one of ${BUCKETS.join(', ')}` })
      .optional()
      .describe('time grouping of charts over time (default auto: fitted to the range)'),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' })
  .superRefine((q, ctx) => {
    if (!q.bucket || q.bucket === 'auto') return;
    const to = q.to ? Date.parse(q.to) : Date.now();
    const span = q.from ? to - Date.parse(q.from) : DEFAULT_SPAN_MS;
    const count = bucketCount(q.bucket, span);
    if (count > MAX_BUCKETS) {
      ctx.addIssue({ code: 'custom', path: ['bucket'], message: `${q.bucket} gives about ${count} periods over this range, more than ${MAX_BUCKETS}: choose a coarser grouping or a shorter range` });
    }
  });

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
  /** The time bucket charts over time count in; null: the one that fits the range. */
  bucket: Bucket | null;
}

/** Turns validated query parameters into filters; the time range defaults to the last 12 months. */
export function toFilters(q: z.output<typeof reportQuerySchema>, now: EpochMs): ReportFilters {
  const to = q.to ? Date.parse(q.to) : now;
  const from = q.from ? Date.parse(q.from) : to - DEFAULT_SPAN_MS;
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
    bucket: q.bucket === undefined || q.bucket === 'auto' ? null : q.bucket,
  };
}

/**
 * The filters a usage query applies: event kinds, denial codes and true denials narrow denials
 * only, and usage is counted from every event in use (see `ignores` of the usage widgets).
 */
export function usageFilters(filters: ReportFilters): ReportFilters {
  return { ...filters, kinds: [], codes: [], trueDenials: false };
}

/**
 * The time bucket of charts over time: the one chosen, else one that fits the range — minutes
 * up to 6 hours, hours up to 7 days, days up to 180 days, weeks up to two years, months beyond.
 */
export function bucketFor(filters: Pick<ReportFilters, 'from' | 'to' | 'bucket'>): Bucket {
  if (filters.bucket) return filters.bucket;
  const span = filters.to - filters.from;
  if (span <= 6 * 3_600_000) return 'minute';
  if (span <= 7 * 86_400_000) return 'hour';
  if (span <= 180 * 86_400_000) return 'day';
  if (span <= 2 * 366 * 86_400_000) return 'week';
  return 'month';
}
