import { TallyError } from '../../common/errors.js';
import { DENIALS, NOT_A_DENIAL } from '../../licensing/denials.js';
import type { DenialCode } from '../../licensing/denials.js';
import { filterSql } from '../duckdb/filter-sql.js';
import { factsSource } from '../duckdb/sources.js';
import type { ReportFilters } from '../filters.js';
import type { ReportQuery } from '../warehouse.js';

/** Columns of the events listing, as the API names them, and their SQL. */
export const EVENT_COLUMNS = {
  ts: 'e.ts',
  accountId: 'e.account_id',
  instanceId: 'e.instance_id',
  feature: 'e.feature',
  version: 'e.version',
  kind: 'e.kind',
  count: 'e.count',
  deviceId: 'e.device_id',
  deviceIdType: 'e.device_id_type',
  alias: 'e.device_alias',
  user: 'e.user_name',
  pool: 'e.pool',
  inUseAfter: 'e.in_use_after',
  capacity: 'e.capacity',
  // In hundredths of a percent, rounded half up as shown: whole numbers, so that filtering and
  // sorting a hundred million rows stays integer arithmetic (decimal division was 10× slower).
  usagePercentage: 'CASE WHEN e.capacity > 0 THEN (20000 * e.in_use_after::BIGINT + e.capacity) // (2 * e.capacity) END',
  statusCode: 'e.status_code',
  source: 'e.source',
} as const;

export type EventColumn = keyof typeof EVENT_COLUMNS;

const NUMERIC = new Set<EventColumn>(['count', 'inUseAfter', 'capacity', 'usagePercentage', 'statusCode']);
/** Columns the rollups keep, by the same names. */
const ROLLUP_COLUMNS = new Set<EventColumn>(['accountId', 'instanceId', 'feature', 'kind', 'statusCode']);
/** Columns whose SQL is a multiple of the value the API shows. */
const SCALE: Partial<Record<EventColumn, number>> = { usagePercentage: 100 };

export interface ColumnCondition {
  column: EventColumn;
  op: '>=' | '<=' | '>' | '<' | '=' | '!=';
  value: string;
}

/** Reads `usagePercentage>=80,kind=deny` into conditions, refusing unknown columns and operators. */
export function parseConditions(text: string | undefined): ColumnCondition[] {
  if (!text) return [];
  return text.split(',').map((part, i) => {
    const m = /^\s*([^\s<>=!]+)\s*(>=|<=|!=|=|>|<)\s*(.+?)\s*$/.exec(part);
    const field = `querystring.where.${i}`;
    if (!m) throw new TallyError('BAD_REQUEST', `where: write conditions as COLUMN OP VALUE, e.g. usagePercentage>=80`, [{ field, message: 'is not COLUMN OP VALUE' }]);
    const column = m[1] as EventColumn;
    // Own keys only: `in` would also find constructor, toString and the rest of Object's prototype.
    if (!Object.hasOwn(EVENT_COLUMNS, column)) throw new TallyError('BAD_REQUEST', `where: ${m[1]} is not a column`, [{ field, message: `names no column; columns: ${Object.keys(EVENT_COLUMNS).join(', ')}` }]);
    if (NUMERIC.has(column) && !Number.isFinite(Number(m[3]))) throw new TallyError('BAD_REQUEST', `where: ${column} compares with numbers`, [{ field, message: `${column} takes a number` }]);
    return { column, op: m[2] as ColumnCondition['op'], value: m[3]! };
  });
}

/** Narrows a listing to denials that count as such: malformed requests (NOT_A_DENIAL) never do. */
export function onlyDenials(filters: ReportFilters, conditions: ColumnCondition[]): void {
  filters.kinds = ['deny'];
  for (const code of NOT_A_DENIAL) conditions.push({ column: 'statusCode', op: '!=', value: String(code) });
}

export interface EventsOptions {
  page: number;
  /** Rows per page; 0: every row from the page's start on (exports stream them). */
  pageSize: number;
  sort: EventColumn;
  order: 'asc' | 'desc';
  conditions: ColumnCondition[];
}

export interface EventRow {
  eventId: string;
  ts: string;
  accountId: string | null;
  instanceId: string;
  feature: string;
  version: string;
  kind: string;
  count: number;
  deviceId: string;
  deviceIdType: string;
  alias: string | null;
  user: string | null;
  pool: string | null;
  inUseAfter: number;
  capacity: number | null;
  usagePercentage: number | null;
  statusCode: number | null;
  denialName: string | null;
  denialDescription: string | null;
  source: string;
}

export interface EventsPage {
  total: number;
  page: number;
  pageSize: number;
  rows: EventRow[];
}

/** Every event in the filters: paged, sorted by any column, narrowed by column conditions. */
export const getEvents: ReportQuery<EventsOptions, EventsPage> = {
  name: 'events',
  duckdb: (filters, o) => {
    const { where, params } = filterSql(filters);
    const extra = o.conditions.map((c) => {
      params.push(NUMERIC.has(c.column) ? Number(c.value) * (SCALE[c.column] ?? 1) : c.value);
      return `${EVENT_COLUMNS[c.column]} ${c.op === '!=' ? '<>' : c.op} $${params.length}`;
    });
    const clause = [where, ...extra].join(' AND ');
    const select = Object.entries(EVENT_COLUMNS)
      .map(([name, sql]) => {
        if (name === 'ts') return `strftime(e.ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS ts`;
        const scale = SCALE[name as EventColumn];
        return scale ? `${sql} / ${scale}.0 AS "${name}"` : `${sql} AS "${name}"`;
      })
      .join(', ');
    // The total is counted from the rollups when the conditions are on what they keep.
    const totalParams = [...params];
    const total = o.conditions.every((c) => ROLLUP_COLUMNS.has(c.column))
      ? `SELECT coalesce(sum(e.n), 0) AS total FROM ${factsSource(filters, totalParams, 'day')} e WHERE ${clause}`
      : `SELECT count(*) AS total FROM usage_events e WHERE ${clause}`;
    return [
      { sql: total, params: totalParams },
      {
        sql: `SELECT e.event_id AS "eventId", ${select} FROM usage_events e WHERE ${clause}
              ORDER BY ${EVENT_COLUMNS[o.sort]} ${o.order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, e.event_id
              ${o.pageSize > 0 ? `LIMIT ${Math.trunc(o.pageSize)} OFFSET ${Math.trunc((o.page - 1) * o.pageSize)}` : ''}`,
        params,
      },
    ];
  },
  map: ([totals, rows], _f, o) => ({
    total: Number(totals?.[0]?.total ?? 0),
    page: o.page,
    pageSize: o.pageSize,
    rows: (rows ?? []).map((r) => {
      const code = r.statusCode === null ? null : Number(r.statusCode);
      const denial = code === null ? undefined : (DENIALS[code as DenialCode] as (typeof DENIALS)[DenialCode] | undefined);
      return {
        eventId: String(r.eventId),
        ts: String(r.ts),
        accountId: (r.accountId as string | null) ?? null,
        instanceId: String(r.instanceId),
        feature: String(r.feature),
        version: String(r.version),
        kind: String(r.kind),
        count: Number(r.count),
        deviceId: String(r.deviceId),
        deviceIdType: String(r.deviceIdType),
        alias: (r.alias as string | null) ?? null,
        user: (r.user as string | null) ?? null,
        pool: (r.pool as string | null) ?? null,
        inUseAfter: Number(r.inUseAfter),
        capacity: r.capacity === null ? null : Number(r.capacity),
        usagePercentage: r.usagePercentage === null ? null : Number(r.usagePercentage),
        statusCode: code,
        denialName: denial?.name ?? null,
        denialDescription: denial?.description ?? null,
        source: String(r.source),
      };
    }),
  }),
};
