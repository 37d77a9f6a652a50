import type { ConcurrentUsage } from '../../../../src/warehouse/queries/get-concurrent-usage.js';
import type { MeteredUsage } from '../../../../src/warehouse/queries/get-metered-usage.js';

/** Concurrent usage summed over features per bucket, and the figures of its last bucket. */
export function concurrentTotals(data: ConcurrentUsage) {
  const buckets = new Map<string, { inUse: number; capacity: number; peak: number }>();
  const lastOfFeature = new Map<string, { inUse: number; capacity: number }>();
  for (const r of data.rows) {
    const b = buckets.get(r.bucketStart) ?? { inUse: 0, capacity: 0, peak: 0 };
    b.inUse += r.inUse;
    b.capacity += r.capacity ?? 0;
    b.peak += r.peak;
    buckets.set(r.bucketStart, b);
    lastOfFeature.set(r.feature, { inUse: r.inUse, capacity: r.capacity ?? 0 });
  }
  const series = [...buckets.entries()].sort(([a], [b]) => a.localeCompare(b));
  let inUse = 0;
  let capacity = 0;
  for (const f of lastOfFeature.values()) {
    inUse += f.inUse;
    capacity += f.capacity;
  }
  const peak = Math.max(0, ...series.map(([, b]) => b.peak));
  return { series, inUse, capacity, available: Math.max(0, capacity - inUse), utilization: capacity > 0 ? Math.round((1000 * inUse) / capacity) / 10 : null, peak };
}

/** Metered consumption summed over features per bucket, and totals over the range. */
export function meteredTotals(data: MeteredUsage) {
  const buckets = new Map<string, { consumed: number; cap: number; overage: number }>();
  const capOfFeature = new Map<string, number>();
  let consumed = 0;
  let overage = 0;
  for (const r of data.rows) {
    const b = buckets.get(r.bucketStart) ?? { consumed: 0, cap: 0, overage: 0 };
    b.consumed += r.consumed;
    b.cap += r.cap ?? 0;
    b.overage += r.overage;
    buckets.set(r.bucketStart, b);
    capOfFeature.set(r.feature, r.cap ?? 0);
    consumed += r.consumed;
    overage += r.overage;
  }
  const cap = [...capOfFeature.values()].reduce((a, b) => a + b, 0);
  return { series: [...buckets.entries()].sort(([a], [b]) => a.localeCompare(b)), consumed, cap, overage, utilization: cap > 0 ? Math.round((1000 * consumed) / cap) / 10 : null };
}

/** A bucket's start as a short label for the time axis. */
export function bucketLabel(iso: string, bucket: string): string {
  const d = new Date(iso);
  if (bucket === 'minute' || bucket === 'hour') return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: '2-digit' });
}
