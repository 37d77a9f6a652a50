import { z } from 'zod';
import { filterSql } from '../duckdb/filter-sql.js';
import { factsSource, grainForBucket } from '../duckdb/sources.js';
import { bucketFor, bucketSchema } from '../filters.js';
import type { ReportQuery } from '../warehouse.js';
import { NOT_A_DENIAL } from '../../licensing/denials.js';

export const denialsOverTimeSchema = z.object({
  bucket: bucketSchema,
  /** One row per bucket and code that had denials, in time order. */
  rows: z.array(z.object({ bucketStart: z.string(), code: z.number(), count: z.number() })),
});
export type DenialsOverTime = z.infer<typeof denialsOverTimeSchema>;

/** Denials per time bucket (sized to the range) and code. */
export const getDenialsOverTime: ReportQuery<Record<string, never>, DenialsOverTime> = {
  name: 'denials-over-time',
  duckdb: (filters) => {
    const { where, params } = filterSql(filters, { denialsOnly: true });
    const bucket = bucketFor(filters);
    const facts = factsSource(filters, params, grainForBucket(bucket));
    return [{
      sql: `SELECT strftime(date_trunc('${bucket}', e.ts AT TIME ZONE 'UTC'), '%Y-%m-%dT%H:%M:%SZ') AS bucket_start, e.status_code AS code, sum(e.n) AS count
            FROM ${facts} e WHERE ${where} AND e.status_code NOT IN (${[...NOT_A_DENIAL].join(', ')}) GROUP BY 1, 2 ORDER BY 1, 2`,
      params,
    }];
  },
  map: ([rows], filters) => ({
    bucket: bucketFor(filters),
    rows: (rows ?? []).map((r) => ({ bucketStart: String(r.bucket_start), code: Number(r.code), count: Number(r.count) })),
  }),
};
