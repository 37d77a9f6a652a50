import type { Bucket, ReportFilters } from '../filters.js';
import type { Grain, Piece } from '../rollup-plan.js';
import { planClientPieces, planPieces } from '../rollup-plan.js';

/**
 * The two shapes report queries read, whatever table answers each stretch of time:
 *
 * - usage facts: `ts, instance_id, account_id, feature, model, kind, status_code` and the
 *   measures `n, units, peak, last_ts, last_in_use, cap_ts, last_capacity, max_capacity`
 *   (see migrations/002_rollups.sql). A raw event is a fact with n = 1.
 * - served clients: `ts, instance_id, account_id, feature, model, kind, device_key, user_key`
 *   (hashes of the device ID and user) of checkouts and consumptions.
 *
 * Raw pieces also carry `event_id, device_id, device_alias, user_name, served_gap_us`, so that
 * the filters a rollup cannot answer (device search, true denials) work when everything is read raw.
 */
const DIMS = 'instance_id, account_id, feature, model, kind';
const RAW_FACTS = `ts, ${DIMS}, status_code, event_id, device_id, device_alias, user_name, served_gap_us,
  1 AS n, count AS units, in_use_after AS peak, ts AS last_ts, in_use_after AS last_in_use,
  CASE WHEN capacity IS NOT NULL THEN ts END AS cap_ts, capacity AS last_capacity, capacity AS max_capacity`;
const ROLLUP_FACTS = `t AS ts, ${DIMS}, status_code, n, units, peak, last_ts, last_in_use, cap_ts, last_capacity, max_capacity`;
const KEYS = 'hash(device_id) AS device_key, CASE WHEN user_name IS NOT NULL THEN hash(user_name) END AS user_key';
const RAW_CLIENTS = `ts, ${DIMS}, NULL::INTEGER AS status_code, event_id, device_id, device_alias, user_name, NULL::BIGINT AS served_gap_us, ${KEYS}`;
const ROLLUP_CLIENTS = `t AS ts, ${DIMS}, NULL::INTEGER AS status_code, device_key, user_key`;

/** Whether rollups can answer these filters: they keep no aliases or event IDs. */
export function rollupsAnswer(f: ReportFilters): boolean {
  return f.search === null && !f.trueDenials;
}

/** The coarsest rollup a chart bucketed by `bucket` may read (weeks and months are whole days). */
export function grainForBucket(bucket: Bucket): Grain {
  return bucket === 'minute' ? 'raw' : bucket === 'hour' ? 'hour' : 'day';
}

type Param = (value: unknown) => string;

function paramsOf(params: unknown[]): Param {
  return (value) => {
    params.push(value);
    return `$${params.length}`;
  };
}

function union(pieces: Piece[], p: Param, select: (piece: Piece) => { columns: string; table: string; timeColumn: string; where?: string }): string {
  if (pieces.length === 0) return `(SELECT ${select({ grain: 'raw', from: 0, to: 0 }).columns} FROM usage_events WHERE false)`;
  const parts = pieces.map((piece) => {
    const s = select(piece);
    const range = `${s.timeColumn} >= make_timestamptz(${p(piece.from * 1000)}::BIGINT) AND ${s.timeColumn} < make_timestamptz(${p(piece.to * 1000)}::BIGINT)`;
    return `SELECT ${s.columns} FROM ${s.table} WHERE ${range}${s.where ? ` AND ${s.where}` : ''}`;
  });
  return `(${parts.join('\nUNION ALL BY NAME\n')})`;
}

/** Usage facts over the filters' time range, read from the coarsest table allowed. */
export function factsSource(filters: ReportFilters, params: unknown[], coarsest: Grain): string {
  const pieces = planPieces(filters.from, filters.to, rollupsAnswer(filters) ? coarsest : 'raw');
  return union(pieces, paramsOf(params), (piece) =>
    piece.grain === 'raw'
      ? { columns: RAW_FACTS, table: 'usage_events', timeColumn: 'ts' }
      : { columns: ROLLUP_FACTS, table: piece.grain === 'hour' ? 'usage_hourly' : 'usage_daily', timeColumn: 't' },
  );
}

/** Served clients over the filters' time range, whole months and days from their sets. */
export function clientsSource(filters: ReportFilters, params: unknown[]): string {
  const pieces = planClientPieces(filters.from, filters.to, rollupsAnswer(filters));
  return union(pieces, paramsOf(params), (piece) =>
    piece.grain === 'raw'
      ? { columns: RAW_CLIENTS, table: 'usage_events', timeColumn: 'ts', where: `kind IN ('checkout', 'consume')` }
      : { columns: ROLLUP_CLIENTS, table: piece.grain === 'month' ? 'clients_monthly' : 'clients_daily', timeColumn: 't' },
  );
}

/**
 * Statements that add the rollup rows of the events in `source` (a table or subquery with the
 * columns of usage_events): run in the transaction that stores those events.
 */
export function rollupInserts(source: string): string[] {
  const facts = (table: string, unit: 'hour' | 'day') => `
    INSERT INTO ${table}
    SELECT date_trunc('${unit}', ts) AS t, ${DIMS}, status_code, count(*) AS n, sum(count) AS units, max(in_use_after) AS peak,
           max(ts) AS last_ts, arg_max(in_use_after, ts) AS last_in_use, max(ts) FILTER (WHERE capacity IS NOT NULL) AS cap_ts,
           arg_max(capacity, ts) AS last_capacity, max(capacity) AS max_capacity
    FROM ${source} GROUP BY ALL`;
  return [
    facts('usage_hourly', 'hour'),
    facts('usage_daily', 'day'),
    ...(['day', 'month'] as const).map(
      (unit) => `INSERT INTO clients_${unit === 'day' ? 'daily' : 'monthly'}
        SELECT DISTINCT date_trunc('${unit}', ts) AS t, ${DIMS}, ${KEYS} FROM ${source} WHERE kind IN ('checkout', 'consume')`,
    ),
  ];
}

/**
 * Statements that merge the rows ingest appended for the same hour or day and group, within
 * [from, to) of event time: the answers stay the same, the tables shrink.
 */
export function rollupCompaction(fromMs: number, toMs: number): string[] {
  const range = (column: string) => `${column} >= make_timestamptz(${Math.trunc(fromMs) * 1000}::BIGINT) AND ${column} < make_timestamptz(${Math.trunc(toMs) * 1000}::BIGINT)`;
  const facts = (table: string) => [
    `CREATE OR REPLACE TEMP TABLE compacted AS
     SELECT t, ${DIMS}, status_code, sum(n) AS n, sum(units) AS units, max(peak) AS peak, max(last_ts) AS last_ts,
            arg_max(last_in_use, last_ts) AS last_in_use, max(cap_ts) AS cap_ts, arg_max(last_capacity, cap_ts) AS last_capacity,
            max(max_capacity) AS max_capacity
     FROM ${table} WHERE ${range('t')} GROUP BY ALL`,
    `DELETE FROM ${table} WHERE ${range('t')}`,
    `INSERT INTO ${table} SELECT * FROM compacted`,
  ];
  const sets = (table: string, unit: 'day' | 'month') => {
    const aligned = `t >= date_trunc('${unit}', make_timestamptz(${Math.trunc(fromMs) * 1000}::BIGINT)) AND t < make_timestamptz(${Math.trunc(toMs) * 1000}::BIGINT)`;
    return [
      `CREATE OR REPLACE TEMP TABLE compacted AS SELECT DISTINCT * FROM ${table} WHERE ${aligned}`,
      `DELETE FROM ${table} WHERE ${aligned}`,
      `INSERT INTO ${table} SELECT * FROM compacted`,
    ];
  };
  return [
    ...facts('usage_hourly'),
    ...facts('usage_daily'),
    ...sets('clients_daily', 'day'),
    ...sets('clients_monthly', 'month'),
    'DROP TABLE compacted',
  ];
}
