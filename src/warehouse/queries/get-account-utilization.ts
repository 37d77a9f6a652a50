import { z } from 'zod';
import { NOT_A_DENIAL } from '../../licensing/denials.js';
import { filterSql } from '../duckdb/filter-sql.js';
import { factsSource } from '../duckdb/sources.js';
import type { ReportQuery } from '../warehouse.js';

/** The utilization at which an account is close to needing more: highlighted, and a buyer when it is denied. */
export const HIGH_UTILIZATION = 80;

export const accountUtilizationSchema = z.object({
  threshold: z.number(),
  /** Accounts with counted concurrent features in use in the range, highest peak first. */
  rows: z.array(z.object({
    accountId: z.string().nullable(),
    /** The registry's name of the account; null when it has none. */
    accountName: z.string().nullable(),
    /** The highest in use / capacity any of its concurrent features reached on a server, in percent. */
    peakPercentage: z.number(),
    /** The feature and the first moment of that peak. */
    peakFeature: z.string(),
    peakAt: z.string(),
    /** Count-hours in use over count-hours available, over its features' time in the range, in percent. */
    averagePercentage: z.number(),
    /** The counts of its concurrent features at the end of the range (summed over its servers). */
    capacity: z.number(),
    /** Its denials in the filters (malformed requests never count). */
    denials: z.number(),
  })),
});
export type AccountUtilization = z.infer<typeof accountUtilizationSchema>;

const percent = (x: unknown) => Math.round(Number(x ?? 0) * 10_000) / 100;

/**
 * Utilization of each account's concurrent licenses over the range. In use and capacity are a
 * server's for a feature (what each checkout, return or expiry left in use, and the counts then);
 * a feature's utilization holds from one of its events to the next. Peak: the highest in use /
 * capacity at any event. Average: time-weighted, count-hours in use over count-hours available
 * summed over the account's features, each from its first event in the range to the range's end
 * (what was in use before the first event in the range is not known). Uncounted features have no
 * utilization. The account, instance and feature filters apply; the denials follow every filter.
 */
export const getAccountUtilization: ReportQuery<{ limit: number }, AccountUtilization> = {
  names: { accountId: { kind: 'account', into: 'accountName' } },
  name: 'account-utilization',
  duckdb: (filters, { limit }) => {
    const usage = filterSql({ ...filters, model: 'concurrent', kinds: ['checkout', 'return', 'expire'], codes: [], search: null, trueDenials: false });
    const params = usage.params;
    params.push(filters.to * 1000);
    const to = `make_timestamptz($${params.length}::BIGINT)`;
    const denied = filterSql(filters, { denialsOnly: true });
    // The denial filter's placeholders follow the usage filter's.
    const shift = params.length;
    const deniedWhere = denied.where.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + shift}`);
    params.push(...denied.params);
    const facts = factsSource(filters, params, 'day');
    return [{
      sql: `
        WITH ev AS (
          SELECT e.account_id, e.instance_id, e.feature, e.ts, e.in_use_after::DOUBLE AS in_use, e.capacity::DOUBLE AS capacity,
                 least(coalesce(lead(e.ts) OVER (PARTITION BY e.instance_id, e.feature ORDER BY e.ts, e.event_id), ${to}), ${to}) AS until,
                 row_number() OVER (PARTITION BY e.instance_id, e.feature ORDER BY e.ts DESC, e.event_id DESC) AS from_end
          FROM usage_events e WHERE ${usage.where}),
        held AS (SELECT *, in_use / capacity AS utilization, epoch(until - ts) AS secs FROM ev WHERE capacity > 0),
        util AS (
          SELECT account_id, max(utilization) AS peak, sum(in_use * secs) / nullif(sum(capacity * secs), 0) AS average,
                 sum(capacity) FILTER (WHERE from_end = 1) AS capacity
          FROM held GROUP BY account_id),
        peaks AS (
          SELECT account_id, feature, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS at FROM held
          QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY utilization DESC, ts, feature) = 1),
        denials AS (
          SELECT e.account_id, sum(e.n) AS n FROM ${facts} e
          WHERE ${deniedWhere} AND e.status_code NOT IN (${[...NOT_A_DENIAL].join(', ')}) GROUP BY 1)
        SELECT u.account_id, u.peak, u.average, u.capacity, p.feature AS peak_feature, p.at AS peak_at, coalesce(d.n, 0) AS denials
        FROM util u JOIN peaks p ON p.account_id IS NOT DISTINCT FROM u.account_id
        LEFT JOIN denials d ON d.account_id IS NOT DISTINCT FROM u.account_id
        ORDER BY u.peak DESC, u.average DESC NULLS LAST, u.account_id NULLS LAST
        LIMIT ${Math.trunc(limit)}`,
      params,
    }];
  },
  map: ([rows]) => ({
    threshold: HIGH_UTILIZATION,
    rows: (rows ?? []).map((r) => ({
      accountId: (r.account_id as string | null) ?? null,
      accountName: null,
      peakPercentage: percent(r.peak),
      peakFeature: String(r.peak_feature),
      peakAt: String(r.peak_at),
      averagePercentage: percent(r.average),
      capacity: Number(r.capacity ?? 0),
      denials: Number(r.denials),
    })),
  }),
};
