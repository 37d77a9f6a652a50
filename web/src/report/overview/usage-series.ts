import type { Bucket } from '../../../../src/warehouse/filters.js';
import type { ConcurrentUsage } from '../../../../src/warehouse/queries/get-concurrent-usage.js';
import type { MeteredUsage } from '../../../../src/warehouse/queries/get-metered-usage.js';

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

/** Rows grouped by bucket start, in time order. */
function byBucket<R extends { bucketStart: string }>(rows: readonly R[]): Array<[string, R[]]> {
  const buckets = new Map<string, R[]>();
  for (const r of rows) {
    const bucket = buckets.get(r.bucketStart);
    if (bucket) bucket.push(r);
    else buckets.set(r.bucketStart, [r]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Each feature's last row: where the range ends. */
function lastOfEach<R extends { feature: string; bucketStart: string }>(rows: readonly R[]): R[] {
  const last = new Map<string, R>();
  for (const r of rows) if ((last.get(r.feature)?.bucketStart ?? '') <= r.bucketStart) last.set(r.feature, r);
  return [...last.values()];
}

const sum = <R>(rows: readonly R[], of: (r: R) => number) => rows.reduce((a, r) => a + of(r), 0);

type ConcurrentRow = ConcurrentUsage['rows'][number];
/** A feature without a capacity (uncounted, or the source did not say) has nothing to be measured against. */
const counted = (r: ConcurrentRow) => r.capacity !== null;

/**
 * Concurrent usage per bucket and the figures where the range ends. In use, peak, capacity and
 * utilization cover counted features only, so that use is always measured against the capacity
 * it draws on; counts served past capacity (overdraft) and uncounted use are given apart.
 */
export function concurrentTotals(data: ConcurrentUsage) {
  const series = byBucket(data.rows).map(([t, rows]) => {
    const c = rows.filter(counted);
    return [t, { inUse: sum(c, (r) => r.inUse), peak: sum(c, (r) => r.peak), capacity: sum(c, (r) => r.capacity ?? 0), overdraft: sum(c, (r) => r.overdraft), uncounted: sum(rows.filter((r) => !counted(r)), (r) => r.inUse) }] as const;
  });
  const end = lastOfEach(data.rows);
  const c = end.filter(counted);
  const capacity = sum(c, (r) => r.capacity ?? 0);
  const overdraft = sum(c, (r) => r.overdraft);
  const inUse = sum(c, (r) => r.inUse);
  return {
    series,
    inUse,
    capacity,
    overdraft,
    uncounted: sum(end.filter((r) => !counted(r)), (r) => r.inUse),
    available: sum(c, (r) => Math.max(0, (r.capacity ?? 0) - (r.inUse - r.overdraft))),
    utilization: percent(inUse - overdraft, capacity),
    peak: Math.max(0, ...series.map(([, b]) => b.peak)),
  };
}

/**
 * Metered consumption per bucket and totals over the range. Units of different features are
 * not comparable, so caps are never added up: the cap is given for a single feature, and the
 * utilization is the highest of each feature's consumption against its own cap.
 */
export function meteredTotals(data: MeteredUsage) {
  const features = new Set(data.rows.map((r) => r.feature)).size;
  const series = byBucket(data.rows).map(([t, rows]) => [t, { consumed: sum(rows, (r) => r.consumed), overage: sum(rows, (r) => r.overage), cap: features === 1 ? rows[0]!.cap : null }] as const);
  const end = lastOfEach(data.rows);
  const consumedBy = new Map<string, number>();
  for (const r of data.rows) consumedBy.set(r.feature, (consumedBy.get(r.feature) ?? 0) + r.consumed);
  let utilization: number | null = null;
  let utilizationFeature: string | null = null;
  for (const r of end) {
    const u = r.cap === null ? null : percent(consumedBy.get(r.feature) ?? 0, r.cap);
    if (u !== null && (utilization === null || u > utilization)) [utilization, utilizationFeature] = [u, r.feature];
  }
  return {
    series,
    features,
    consumed: sum(data.rows, (r) => r.consumed),
    cap: features === 1 ? (end[0]?.cap ?? null) : null,
    overage: sum(data.rows, (r) => r.overage),
    utilization,
    utilizationFeature,
  };
}

/** A bucket's start as a short label for the time axis. */
export function bucketLabel(iso: string, bucket: Bucket): string {
  const d = new Date(iso);
  if (bucket === 'minute' || bucket === 'hour') return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: '2-digit' });
}

/** A chart over time: the buckets along the bottom, a legend on top, the given series. */
export function timeChartOption(labels: string[], yName: string, series: object[]) {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', name: yName, minInterval: 1 },
    series,
  };
}
