import { z } from 'zod';
import { filterSql } from '../duckdb/filter-sql.js';
import { factsSource, grainForBucket } from '../duckdb/sources.js';
import { bucketFor, bucketSchema, usageFilters } from '../filters.js';
import type { ReportQuery } from '../warehouse.js';

export const meteredUsageSchema = z.object({
  bucket: bucketSchema,
  /**
   * One row per metered feature and bucket with consumption: units consumed in the bucket
   * (returns and undos subtracted), the cap (the feature's regular units at the end of the
   * bucket, summed over instances), what was in use at its end, and the overage past the cap.
   */
  rows: z.array(z.object({ feature: z.string(), bucketStart: z.string(), consumed: z.number(), cap: z.number().nullable(), inUseAfter: z.number(), overage: z.number() })),
});
export type MeteredUsage = z.infer<typeof meteredUsageSchema>;

/** Metered consumption over time per feature. */
export const getMeteredUsage: ReportQuery<Record<string, never>, MeteredUsage> = {
  name: 'metered-usage',
  duckdb: (all) => {
    const filters = usageFilters(all);
    const bucket = bucketFor(filters);
    const { where, params } = filterSql(filters);
    const facts = factsSource(filters, params, grainForBucket(bucket));
    return [{
      sql: `
        WITH per_bucket AS (
          SELECT e.instance_id, e.feature, date_trunc('${bucket}', e.ts AT TIME ZONE 'UTC') AS b,
                 sum(CASE WHEN e.kind = 'consume' THEN e.units WHEN e.kind IN ('return', 'expire') THEN -e.units ELSE 0 END) AS consumed,
                 arg_max(e.last_in_use, e.last_ts) AS in_use, arg_max(e.last_capacity, e.cap_ts) AS cap
          FROM ${facts} e WHERE ${where} AND e.model = 'metered'
          GROUP BY ALL)
        SELECT feature, strftime(b, '%Y-%m-%dT%H:%M:%SZ') AS bucket_start, sum(consumed) AS consumed, sum(cap) AS cap, sum(in_use) AS in_use,
               sum(greatest(0, in_use - coalesce(cap, in_use))) AS overage
        FROM per_bucket GROUP BY feature, b ORDER BY feature, b`,
      params,
    }];
  },
  map: ([rows], filters) => ({
    bucket: bucketFor(filters),
    rows: (rows ?? []).map((r) => ({
      feature: String(r.feature),
      bucketStart: String(r.bucket_start),
      consumed: Number(r.consumed),
      cap: r.cap === null ? null : Number(r.cap),
      inUseAfter: Number(r.in_use),
      overage: Number(r.overage),
    })),
  }),
};
