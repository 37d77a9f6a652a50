import type { BUCKET_MS as BucketMs, Grouping, MAX_BUCKETS as MaxBuckets } from '../../../src/warehouse/filters.js';

// The API's limits, checked against its own by type: a grouping the API would refuse is not offered.
const MAX_BUCKETS: typeof MaxBuckets = 2000;
const BUCKET_MS: typeof BucketMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000, month: 2_419_200_000 };

/** Whether a grouping gives few enough periods over the range for the API to draw it. */
export function groupingFits(grouping: Grouping, range: { from: string; to: string }): boolean {
  if (grouping === 'auto') return true;
  const span = Date.parse(range.to) - Date.parse(range.from);
  return Math.ceil(span / BUCKET_MS[grouping]) + 1 <= MAX_BUCKETS;
}
