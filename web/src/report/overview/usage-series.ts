import type { ConcurrentUsage } from '../../../../src/warehouse/queries/get-concurrent-usage.js';
import type { MeteredUsage } from '../../../../src/warehouse/queries/get-metered-usage.js';

type Row = { feature: string; bucketStart: string } & Record<string, unknown>;

/**
 * Per time bucket, in time order, the sum over features of each measure; and each feature's
 * last row, whose values are where the range ends.
 */
function byBucket<M extends string>(rows: readonly Row[], measures: readonly M[]) {
  const buckets = new Map<string, Record<M, number>>();
  const last = new Map<string, Record<M, number>>();
  for (const r of rows) {
    const values = Object.fromEntries(measures.map((m) => [m, Number(r[m] ?? 0)])) as Record<M, number>;
    const sum = buckets.get(r.bucketStart) ?? (Object.fromEntries(measures.map((m) => [m, 0])) as Record<M, number>);
    for (const m of measures) sum[m] += values[m];
    buckets.set(r.bucketStart, sum);
    last.set(r.feature, values);
  }
  const total = (m: M, of: Iterable<Record<M, number>>) => [...of].reduce((a, v) => a + v[m], 0);
  return { series: [...buckets.entries()].sort(([a], [b]) => a.localeCompare(b)), atEnd: (m: M) => total(m, last.values()), overRange: (m: M) => total(m, buckets.values()) };
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

/** Concurrent usage summed over features per bucket, and the figures where the range ends. */
export function concurrentTotals(data: ConcurrentUsage) {
  const { series, atEnd } = byBucket(data.rows, ['inUse', 'capacity', 'peak'] as const);
  const inUse = atEnd('inUse');
  const capacity = atEnd('capacity');
  return { series, inUse, capacity, available: Math.max(0, capacity - inUse), utilization: percent(inUse, capacity), peak: Math.max(0, ...series.map(([, b]) => b.peak)) };
}

/** Metered consumption summed over features per bucket, and totals over the range. */
export function meteredTotals(data: MeteredUsage) {
  const { series, atEnd, overRange } = byBucket(data.rows, ['consumed', 'cap', 'overage'] as const);
  const consumed = overRange('consumed');
  const cap = atEnd('cap');
  return { series, consumed, cap, overage: overRange('overage'), utilization: percent(consumed, cap) };
}

/** A bucket's start as a short label for the time axis. */
export function bucketLabel(iso: string, bucket: string): string {
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
