import { z } from 'zod';
import { filterSql } from '../duckdb/filter-sql.js';
import { clientsSource, factsSource } from '../duckdb/sources.js';
import type { ReportQuery } from '../warehouse.js';
import { NOT_A_DENIAL } from '../../licensing/denials.js';

export const activeRankingSchema = z.object({
  /** The measure rows are ranked by. */
  rankedBy: z.literal('usage'),
  rows: z.array(z.object({
    id: z.string().nullable(),
    /** The account's or instance's name in the registry; null when it has none there. */
    name: z.string().nullable(),
    /** Counts checked out or consumed: what the ranking is by. */
    usage: z.number(),
    checkouts: z.number(),
    clients: z.number(),
    denials: z.number(),
  })),
});
export type ActiveRanking = z.infer<typeof activeRankingSchema>;

/** Ranks accounts or instances by the counts they checked out or consumed in the filters. */
function activeBy(column: 'account_id' | 'instance_id', name: string): ReportQuery<{ limit: number }, ActiveRanking> {
  return {
    name,
    names: { id: { kind: column === 'account_id' ? 'account' : 'instance', into: 'name' } },
    duckdb: (filters, { limit }) => {
      const { where, params } = filterSql(filters);
      const facts = factsSource(filters, params, 'day');
      const clients = clientsSource(filters, params);
      return [{
        sql: `WITH ranked AS (
                SELECT e.${column} AS id,
                  coalesce(sum(e.units) FILTER (WHERE e.kind IN ('checkout', 'consume')), 0) AS usage,
                  coalesce(sum(e.n) FILTER (WHERE e.kind = 'checkout'), 0) AS checkouts,
                  coalesce(sum(e.n) FILTER (WHERE e.kind = 'deny' AND e.status_code NOT IN (${[...NOT_A_DENIAL].join(', ')})), 0) AS denials
                FROM ${facts} e WHERE ${where}
                GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${Math.trunc(limit)}),
              served AS (
                SELECT e.${column} AS id, count(DISTINCT e.device_key) AS clients
                FROM ${clients} e WHERE ${where}
                GROUP BY 1)
              SELECT r.id, r.usage, r.checkouts, coalesce(s.clients, 0) AS clients, r.denials
              FROM ranked r LEFT JOIN served s ON s.id IS NOT DISTINCT FROM r.id
              ORDER BY r.usage DESC, r.id`,
        params,
      }];
    },
    map: ([rows]) => ({
      rankedBy: 'usage',
      rows: (rows ?? []).map((r) => ({ id: (r.id as string | null) ?? null, name: null, usage: Number(r.usage), checkouts: Number(r.checkouts), clients: Number(r.clients), denials: Number(r.denials) })),
    }),
  };
}

export const getActiveAccounts = activeBy('account_id', 'active-accounts');
export const getActiveInstances = activeBy('instance_id', 'active-instances');

export const uniqueClientsSchema = z.object({
  rows: z.array(z.object({ feature: z.string(), devices: z.number(), users: z.number(), capacity: z.number().nullable(), clientsPerLicense: z.number().nullable() })),
});
export type UniqueClients = z.infer<typeof uniqueClientsSchema>;

/** Distinct devices and users served per feature, and how many clients share each license count. */
export const getUniqueClients: ReportQuery<Record<string, never>, UniqueClients> = {
  name: 'unique-clients',
  duckdb: (filters) => {
    const { where, params } = filterSql(filters);
    const facts = factsSource(filters, params, 'day');
    const clients = clientsSource(filters, params);
    return [{
      sql: `WITH served AS (
              SELECT e.feature, count(DISTINCT e.device_key) AS devices, count(DISTINCT e.user_key) AS users
              FROM ${clients} e WHERE ${where} GROUP BY 1),
            capacity AS (
              SELECT e.feature, max(e.max_capacity) AS capacity
              FROM ${facts} e WHERE ${where} AND e.kind IN ('checkout', 'consume') GROUP BY 1)
            SELECT s.feature AS feature, s.devices, s.users, c.capacity
            FROM served s LEFT JOIN capacity c ON c.feature = s.feature
            ORDER BY 2 DESC, 1`,
      params,
    }];
  },
  map: ([rows]) => ({
    rows: (rows ?? []).map((r) => {
      const capacity = r.capacity === null ? null : Number(r.capacity);
      const devices = Number(r.devices);
      return { feature: String(r.feature), devices, users: Number(r.users), capacity, clientsPerLicense: capacity ? Math.round((devices / capacity) * 100) / 100 : null };
    }),
  }),
};
