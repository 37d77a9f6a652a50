import { z } from 'zod';
import { filterSql } from '../duckdb/filter-sql.js';
import { factsSource } from '../duckdb/sources.js';
import type { ReportQuery } from '../warehouse.js';
import { NOT_A_DENIAL } from '../../licensing/denials.js';

export const denialsByAccountSchema = z.object({
  total: z.number(),
  rows: z.array(z.object({ accountId: z.string().nullable(), accountName: z.string().nullable(), count: z.number(), percentage: z.number() })),
});
export type DenialsByAccount = z.infer<typeof denialsByAccountSchema>;

/** Denials per account, most first. */
export const getDenialsByAccount: ReportQuery<{ limit: number }, DenialsByAccount> = {
  name: 'denials-by-account',
  names: { accountId: { kind: 'account', into: 'accountName' } },
  duckdb: (filters, { limit }) => {
    const { where, params } = filterSql(filters, { denialsOnly: true });
    const facts = factsSource(filters, params, 'day');
    return [{ sql: `SELECT e.account_id AS account_id, sum(e.n) AS count FROM ${facts} e WHERE ${where} AND e.status_code NOT IN (${[...NOT_A_DENIAL].join(', ')}) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${Math.trunc(limit)}`, params }];
  },
  map: ([rows]) => {
    const total = (rows ?? []).reduce((n, r) => n + Number(r.count), 0);
    return {
      total,
      rows: (rows ?? []).map((r) => ({
        accountId: (r.account_id as string | null) ?? null,
        accountName: null,
        count: Number(r.count),
        percentage: total === 0 ? 0 : Math.round((Number(r.count) * 10_000) / total) / 100,
      })),
    };
  },
};
