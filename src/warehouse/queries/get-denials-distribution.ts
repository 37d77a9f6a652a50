import { z } from 'zod';
import { DENIALS, NOT_A_DENIAL, denialReason } from '../../licensing/denials.js';
import type { DenialCode } from '../../licensing/denials.js';
import { filterSql } from '../duckdb/filter-sql.js';
import { factsSource } from '../duckdb/sources.js';
import type { ReportQuery } from '../warehouse.js';

export const denialsDistributionSchema = z.object({
  /** Denial events counted (malformed requests never are). */
  total: z.number(),
  /** One row per denial code, most frequent first. */
  rows: z.array(z.object({ code: z.number(), label: z.string().describe('the reason as people read it: Insufficient count (7)'), name: z.string(), description: z.string(), count: z.number(), percentage: z.number() })),
});
export type DenialsDistribution = z.infer<typeof denialsDistributionSchema>;

/** Denials by status code: how many, and their share of all denials in the filters. */
export const getDenialsDistribution: ReportQuery<Record<string, never>, DenialsDistribution> = {
  name: 'denials-distribution',
  duckdb: (filters) => {
    const { where, params } = filterSql(filters, { denialsOnly: true });
    const facts = factsSource(filters, params, 'day');
    return [{ sql: `SELECT e.status_code AS code, sum(e.n) AS count FROM ${facts} e WHERE ${where} AND e.status_code NOT IN (${[...NOT_A_DENIAL].join(', ')}) GROUP BY 1 ORDER BY 2 DESC, 1`, params }];
  },
  map: ([rows]) => {
    const total = (rows ?? []).reduce((n, r) => n + Number(r.count), 0);
    return {
      total,
      rows: (rows ?? []).map((r) => {
        const code = Number(r.code);
        const entry = DENIALS[code as DenialCode] as (typeof DENIALS)[DenialCode] | undefined;
        return {
          code,
          label: denialReason(code),
          name: entry?.name ?? `CODE_${code}`,
          description: entry?.description ?? 'Unknown denial code.',
          count: Number(r.count),
          percentage: total === 0 ? 0 : Math.round((Number(r.count) * 10_000) / total) / 100,
        };
      }),
    };
  },
};
