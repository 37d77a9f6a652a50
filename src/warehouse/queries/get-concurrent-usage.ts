import { z } from 'zod';
import { filterSql } from '../duckdb/filter-sql.js';
import { factsSource, grainForBucket } from '../duckdb/sources.js';
import { bucketFor, bucketSchema, usageFilters } from '../filters.js';
import type { ReportQuery } from '../warehouse.js';

export const concurrentUsageSchema = z.object({
  bucket: bucketSchema,
  /** One row per feature and bucket, in time order. */
  rows: z.array(z.object({ feature: z.string(), bucketStart: z.string(), inUse: z.number(), capacity: z.number().nullable(), peak: z.number(), overdraft: z.number() })),
});
export type ConcurrentUsage = z.infer<typeof concurrentUsageSchema>;

/**
 * Concurrent usage over time per feature, summed over the instances that serve it:
 * `inUse` is what was in use at the end of the bucket (the last event's `inUseAfter`, carried
 * over buckets without events), `peak` the most in use at any moment in the bucket, `capacity`
 * the regular counts at the end of the bucket — null when the feature is uncounted (or its
 * capacity unknown) on any of its servers, so that in use and capacity always cover the same
 * servers — and `overdraft` what is in use past capacity, server by server (one server's free
 * counts cannot serve another's devices). Usage before the first event in the range is not
 * known to the query, so a series starts at its first event.
 */
export const getConcurrentUsage: ReportQuery<Record<string, never>, ConcurrentUsage> = {
  name: 'concurrent-usage',
  duckdb: (all) => {
    const filters = usageFilters(all);
    const bucket = bucketFor(filters);
    const { where, params } = filterSql(filters);
    const facts = factsSource(filters, params, grainForBucket(bucket));
    params.push(filters.from * 1000, filters.to * 1000);
    const from = `make_timestamptz($${params.length - 1}::BIGINT)`;
    const to = `make_timestamptz($${params.length}::BIGINT)`;
    return [{
      sql: `
        WITH per_bucket AS (
          SELECT e.instance_id, e.feature, date_trunc('${bucket}', e.ts AT TIME ZONE 'UTC') AS b,
                 max(e.peak) AS peak, arg_max(e.last_in_use, e.last_ts) AS last_in_use, arg_max(e.last_capacity, e.cap_ts) AS last_capacity
          FROM ${facts} e WHERE ${where} AND e.model = 'concurrent'
          GROUP BY ALL),
        buckets AS (
          SELECT unnest(generate_series(date_trunc('${bucket}', ${from} AT TIME ZONE 'UTC'), ${to} AT TIME ZONE 'UTC' - INTERVAL 1 MICROSECOND, INTERVAL 1 ${bucket})) AS b),
        series AS (SELECT DISTINCT instance_id, feature, min(b) OVER (PARTITION BY instance_id, feature) AS first_b FROM per_bucket),
        grid AS (SELECT s.instance_id, s.feature, k.b FROM series s CROSS JOIN buckets k WHERE k.b >= s.first_b),
        filled AS (
          SELECT g.instance_id, g.feature, g.b, p.peak,
                 last_value(p.last_in_use IGNORE NULLS) OVER w AS in_use,
                 last_value(p.last_capacity IGNORE NULLS) OVER w AS capacity
          FROM grid g LEFT JOIN per_bucket p ON p.instance_id = g.instance_id AND p.feature = g.feature AND p.b = g.b
          WINDOW w AS (PARTITION BY g.instance_id, g.feature ORDER BY g.b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
        SELECT feature, strftime(b, '%Y-%m-%dT%H:%M:%SZ') AS bucket_start, sum(in_use) AS in_use,
               CASE WHEN count(capacity) = count(*) THEN sum(capacity) END AS capacity,
               sum(coalesce(peak, in_use)) AS peak,
               coalesce(sum(greatest(0, in_use - capacity)), 0) AS overdraft
        FROM filled GROUP BY feature, b ORDER BY feature, b`,
      params,
    }];
  },
  map: ([rows], filters) => ({
    bucket: bucketFor(filters),
    rows: (rows ?? []).map((r) => ({
      feature: String(r.feature),
      bucketStart: String(r.bucket_start),
      inUse: Number(r.in_use ?? 0),
      capacity: r.capacity === null ? null : Number(r.capacity),
      peak: Number(r.peak ?? 0),
      overdraft: Number(r.overdraft ?? 0),
    })),
  }),
};
