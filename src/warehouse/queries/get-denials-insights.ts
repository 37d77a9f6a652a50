import { z } from 'zod';
import { DENIAL, DENIALS, NOT_A_DENIAL, denialReason } from '../../licensing/denials.js';
import type { DenialCode } from '../../licensing/denials.js';
import { filterSql } from '../duckdb/filter-sql.js';
import { factsSource } from '../duckdb/sources.js';
import type { ReportQuery } from '../warehouse.js';
import { HIGH_UTILIZATION } from './get-account-utilization.js';
import { DENIAL_ADVICE } from './denial-advice.js';

/** The fewest true insufficient-count denials at high utilization that make an account a buyer. */
export const BUYER_MIN_DENIALS = 3;
/** How far back the in-use before a denial is looked for. */
const LOOKBACK_DAYS = 30;

export const denialsInsightsSchema = z.object({
  /** Checkouts granted and denials counted in the filters: the denial rate's denominator is their sum. */
  checkouts: z.number(),
  denials: z.number(),
  /** One row per reason that occurred, most denials first. */
  rows: z.array(z.object({
    code: z.number(),
    /** The reason as people read it: Insufficient count (7). */
    label: z.string(),
    name: z.string(),
    description: z.string(),
    count: z.number(),
    /** Denials of this reason / (checkouts + denials), in percent. */
    denialRate: z.number(),
    meaning: z.string(),
    action: z.string(),
  })),
  buyers: z.object({
    threshold: z.number(),
    minDenials: z.number(),
    /** Accounts with at least `minDenials` true insufficient-count denials at `threshold` % or more, most first. */
    rows: z.array(z.object({ accountId: z.string().nullable(), accountName: z.string().nullable(), denials: z.number(), features: z.array(z.string()) })),
  }),
});
export type DenialsInsights = z.infer<typeof denialsInsightsSchema>;

/**
 * The denial reasons with their rate, meaning and suggested action, and the accounts that would
 * buy more. A buyer's denial is an insufficient-count (7) denial that is true — the same device
 * or user did not get the feature within the tolerance (5 minutes unless set) before or after —
 * and came while that feature's server had 80 % or more of its capacity in use: what the latest
 * checkout, return or expiry of the feature on that server (within 30 days before) left in use,
 * over the capacity then — the same measure as the account utilization.
 */
export const getDenialsInsights: ReportQuery<Record<string, never>, DenialsInsights> = {
  names: { accountId: { kind: 'account', into: 'accountName', at: 'buyers' } },
  name: 'denials-insights',
  duckdb: (filters) => {
    const counted = filterSql({ ...filters, kinds: ['checkout', 'deny'] });
    const facts = factsSource(filters, counted.params, 'day');
    const excluded = [...NOT_A_DENIAL].join(', ');
    const denials = filterSql({ ...filters, trueDenials: true }, { denialsOnly: true });
    const p = denials.params;
    p.push((filters.from - LOOKBACK_DAYS * 86_400_000) * 1000, filters.to * 1000, HIGH_UTILIZATION, BUYER_MIN_DENIALS);
    const n = p.length;
    return [
      {
        sql: `SELECT CASE WHEN e.kind = 'deny' THEN e.status_code END AS code, sum(e.n) AS count FROM ${facts} e
              WHERE ${counted.where} AND (e.kind <> 'deny' OR e.status_code NOT IN (${excluded})) GROUP BY 1`,
        params: counted.params,
      },
      {
        sql: `
          WITH d AS (SELECT e.account_id, e.instance_id, e.feature, e.ts FROM usage_events e WHERE ${denials.where} AND e.status_code = ${DENIAL.INSUFFICIENT_COUNT}),
          s AS (
            SELECT e.instance_id, e.feature, e.ts, e.in_use_after, e.capacity FROM usage_events e
            WHERE e.ts >= make_timestamptz($${n - 3}::BIGINT) AND e.ts < make_timestamptz($${n - 2}::BIGINT) AND e.capacity > 0
              AND e.model = 'concurrent' AND e.kind IN ('checkout', 'return', 'expire') AND (e.instance_id, e.feature) IN (SELECT DISTINCT instance_id, feature FROM d))
          SELECT d.account_id, count(*) AS denials, list(DISTINCT d.feature ORDER BY d.feature) AS features
          FROM d ASOF JOIN s ON d.instance_id = s.instance_id AND d.feature = s.feature AND d.ts >= s.ts
          WHERE s.in_use_after * 100 >= $${n - 1} * s.capacity
          GROUP BY 1 HAVING count(*) >= $${n} ORDER BY 2 DESC, 1 NULLS LAST LIMIT 20`,
        params: p,
      },
    ];
  },
  map: ([counts, buyers]) => {
    const rows = (counts ?? []).filter((r) => r.code !== null).map((r) => ({ code: Number(r.code) as DenialCode, count: Number(r.count) }));
    const checkouts = Number((counts ?? []).find((r) => r.code === null)?.count ?? 0);
    const denials = rows.reduce((s, r) => s + r.count, 0);
    const asked = checkouts + denials;
    return {
      checkouts,
      denials,
      rows: rows
        .sort((a, b) => b.count - a.count || a.code - b.code)
        .map((r) => ({
          code: r.code,
          label: denialReason(r.code),
          name: DENIALS[r.code]?.name ?? String(r.code),
          description: DENIALS[r.code]?.description ?? '',
          count: r.count,
          denialRate: asked === 0 ? 0 : Math.round((r.count * 10_000) / asked) / 100,
          ...(DENIAL_ADVICE[r.code] ?? { meaning: '', action: '' }),
        })),
      buyers: {
        threshold: HIGH_UTILIZATION,
        minDenials: BUYER_MIN_DENIALS,
        rows: (buyers ?? []).map((r) => ({ accountId: (r.account_id as string | null) ?? null, accountName: null, denials: Number(r.denials), features: (r.features as string[]).map(String) })),
      },
    };
  },
};
