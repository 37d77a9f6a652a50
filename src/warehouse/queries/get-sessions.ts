import { z } from 'zod';
import { filterSql } from '../duckdb/filter-sql.js';
import type { ReportFilters } from '../filters.js';
import type { ReportQuery } from '../warehouse.js';

const ENDED_BY = ['return', 'expire'] as const;

export const sessionsSchema = z.object({
  total: z.number(),
  /** Hours of all sessions in the filters, each counted from start to end (or range end). */
  totalHours: z.number(),
  medianMinutes: z.number().nullable(),
  page: z.number(),
  pageSize: z.number(),
  rows: z.array(z.object({
    instanceId: z.string(),
    /** The registry's name of the instance; null when it has none. */
    instanceName: z.string().nullable(),
    accountId: z.string().nullable(),
    accountName: z.string().nullable(),
    feature: z.string(),
    deviceId: z.string(),
    user: z.string().nullable(),
    /** The checkout that opened the session. */
    start: z.string(),
    /** The return or expiry that closed it; null while it is still open at the end of the range. */
    end: z.string().nullable(),
    endedBy: z.enum(ENDED_BY).nullable(),
    /** The most counts the device held during the session. */
    peakCount: z.number(),
    /** From start to end (or to the end of the range while open). */
    minutes: z.number(),
  })),
});
export type Sessions = z.infer<typeof sessionsSchema>;

/** What sessions sort by: the API's names and their SQL over the listed sessions. */
const SORTS = { start: 'started', end: 'ended', minutes: 'minutes', feature: 'feature', deviceId: 'device_id', user: 'user_name', accountId: 'account_id', instanceId: 'instance_id', peakCount: 'peak_count' } as const;
export type SessionSort = keyof typeof SORTS;
export const SESSION_SORTS = Object.keys(SORTS) as [SessionSort, ...SessionSort[]];

export interface SessionsOptions {
  page: number;
  pageSize: number;
  sort: SessionSort;
  order: 'asc' | 'desc';
}

/**
 * The SQL of the sessions that overlap the filters' range (`listed`: one row per session with
 * its minutes within the range), and its parameters.
 */
function listedSessions(filters: ReportFilters): { sql: string; params: unknown[]; to: string } {
  // The history of the matching devices up to the end of the range, not only the range.
  const { where, params } = filterSql({ ...filters, from: 0, kinds: ['checkout', 'return', 'expire'], codes: [] });
  params.push(filters.from * 1000, filters.to * 1000);
  const from = `make_timestamptz($${params.length - 1}::BIGINT)`;
  const to = `make_timestamptz($${params.length}::BIGINT)`;
  const sql = `
      WITH moves AS (
        SELECT e.instance_id, e.account_id, e.feature, e.device_id, e.user_name, e.ts, e.kind, e.event_id,
               CASE WHEN e.kind = 'checkout' THEN e.count ELSE -e.count END AS delta
        FROM usage_events e WHERE ${where} AND e.model = 'concurrent'),
      held AS (
        SELECT *, sum(delta) OVER w AS after FROM moves
        WINDOW w AS (PARTITION BY instance_id, device_id, feature ORDER BY ts, event_id ROWS UNBOUNDED PRECEDING)),
      marked AS (
        SELECT *, sum(CASE WHEN after - delta <= 0 AND after > 0 THEN 1 ELSE 0 END) OVER w AS session
        FROM held WINDOW w AS (PARTITION BY instance_id, device_id, feature ORDER BY ts, event_id ROWS UNBOUNDED PRECEDING)),
      sessions AS (
        SELECT instance_id, any_value(account_id) AS account_id, feature, device_id, arg_min(user_name, ts) AS user_name,
               min(ts) FILTER (WHERE kind = 'checkout') AS started,
               min(ts) FILTER (WHERE after <= 0 AND kind <> 'checkout') AS ended,
               arg_min(kind, ts) FILTER (WHERE after <= 0 AND kind <> 'checkout') AS ended_by,
               max(after) AS peak_count
        FROM marked WHERE session > 0 GROUP BY instance_id, device_id, feature, session),
      listed AS (
        SELECT *, epoch(least(coalesce(ended, ${to}), ${to}) - greatest(started, ${from})) / 60.0 AS minutes
        FROM sessions WHERE started < ${to} AND coalesce(ended, ${to}) > ${from})`;
  return { sql, params, to };
}

/**
 * Checkout sessions of concurrent features: a session is the time a device held counts of a
 * feature on an instance, from the checkout that took it from none to the return or expiry
 * that brought it back to none. Counts are followed from the device's first event, so a
 * session that began before the range and ends in it is known; sessions that overlap the range
 * are listed, most recent first.
 */
export const getSessions: ReportQuery<SessionsOptions, Sessions> = {
  names: { accountId: { kind: 'account', into: 'accountName' }, instanceId: { kind: 'instance', into: 'instanceName' } },
  name: 'sessions',
  duckdb: (filters, { page, pageSize, sort, order }) => {
    const { sql: sessions, params, to } = listedSessions(filters);
    return [
      { sql: `${sessions} SELECT count(*) AS total, coalesce(sum(minutes), 0) / 60.0 AS hours, median(minutes) AS median FROM listed`, params },
      {
        sql: `${sessions}
              SELECT instance_id, account_id, feature, device_id, user_name,
                     strftime(started, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS started,
                     CASE WHEN ended < ${to} THEN strftime(ended, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' END AS ended,
                     CASE WHEN ended < ${to} THEN ended_by END AS ended_by, peak_count, minutes
              FROM listed ORDER BY listed.${SORTS[sort]} ${order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, listed.started DESC, instance_id, device_id, feature
              LIMIT ${Math.trunc(pageSize)} OFFSET ${Math.trunc((page - 1) * pageSize)}`,
        params,
      },
    ];
  },
  map: ([totals, rows], _f, { page, pageSize }) => ({
    total: Number(totals?.[0]?.total ?? 0),
    totalHours: Math.round(Number(totals?.[0]?.hours ?? 0) * 100) / 100,
    medianMinutes: totals?.[0]?.median === null || totals?.[0]?.median === undefined ? null : Math.round(Number(totals[0].median) * 100) / 100,
    page,
    pageSize,
    rows: (rows ?? []).map((r) => ({
      instanceId: String(r.instance_id),
      instanceName: null,
      accountId: (r.account_id as string | null) ?? null,
      accountName: null,
      feature: String(r.feature),
      deviceId: String(r.device_id),
      user: (r.user_name as string | null) ?? null,
      start: String(r.started),
      end: (r.ended as string | null) ?? null,
      endedBy: (r.ended_by as (typeof ENDED_BY)[number] | null) ?? null,
      peakCount: Number(r.peak_count),
      minutes: Math.round(Number(r.minutes) * 100) / 100,
    })),
  }),
};

export const sessionHoursSchema = z.object({
  totalHours: z.number(),
  /** Per account and feature: hours held within the range and the sessions they came from, most hours first. */
  rows: z.array(z.object({ accountId: z.string().nullable(), accountName: z.string().nullable(), feature: z.string(), hours: z.number(), sessions: z.number() })),
});
export type SessionHours = z.infer<typeof sessionHoursSchema>;

/** Hours of checkout sessions within the range per account and feature (sessions counted as `getSessions` lists them). */
export const getSessionHours: ReportQuery<Record<string, never>, SessionHours> = {
  names: { accountId: { kind: 'account', into: 'accountName' } },
  name: 'session-hours',
  duckdb: (filters) => {
    const { sql, params } = listedSessions(filters);
    return [{ sql: `${sql} SELECT account_id, feature, sum(minutes) / 60.0 AS hours, count(*) AS sessions FROM listed GROUP BY ALL ORDER BY hours DESC, account_id NULLS LAST, feature`, params }];
  },
  map: ([rows]) => {
    const all = (rows ?? []).map((r) => ({ accountId: (r.account_id as string | null) ?? null, accountName: null, feature: String(r.feature), hours: Number(r.hours), sessions: Number(r.sessions) }));
    const round = (h: number) => Math.round(h * 100) / 100;
    return { totalHours: round(all.reduce((n, r) => n + r.hours, 0)), rows: all.map((r) => ({ ...r, hours: round(r.hours) })) };
  },
};
