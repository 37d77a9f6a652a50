import { z } from 'zod';
import { TallyError } from '../../common/errors.js';
import { DENIALS, NOT_A_DENIAL, denialReason } from '../../licensing/denials.js';
import type { DenialCode } from '../../licensing/denials.js';
import { filterSql } from '../duckdb/filter-sql.js';
import { factsSource } from '../duckdb/sources.js';
import type { ReportFilters } from '../filters.js';
import type { ReportQuery } from '../warehouse.js';

const text = z.string();
const number = z.number();

/**
 * The columns of the events listing, in the order shown: the name the API and the CSV give
 * each, the label the spreadsheet and the PDF print, its value, and the SQL of those a listing
 * sorts and filters by (the denial's reason, name and description come from the denial code table;
 * account and instance names from the back office's registry).
 */
export const EVENT_COLUMNS = {
  ts: { label: 'Time (UTC)', value: text, sql: 'e.ts' },
  accountId: { label: 'Account ID', value: text.nullable(), sql: 'e.account_id' },
  accountName: { label: 'Account', value: text.nullable() },
  instanceId: { label: 'Instance ID', value: text, sql: 'e.instance_id' },
  instanceName: { label: 'Instance', value: text.nullable() },
  feature: { label: 'Feature', value: text, sql: 'e.feature' },
  version: { label: 'Version', value: text, sql: 'e.version' },
  kind: { label: 'Kind', value: text, sql: 'e.kind' },
  count: { label: 'Count', value: number, sql: 'e.count' },
  deviceId: { label: 'Device', value: text, sql: 'e.device_id' },
  deviceIdType: { label: 'Device ID type', value: text, sql: 'e.device_id_type' },
  alias: { label: 'Alias', value: text.nullable(), sql: 'e.device_alias' },
  user: { label: 'User', value: text.nullable(), sql: 'e.user_name' },
  pool: { label: 'Pool', value: text.nullable(), sql: 'e.pool' },
  inUseAfter: { label: 'In use after', value: number, sql: 'e.in_use_after' },
  capacity: { label: 'Capacity', value: number.nullable(), sql: 'e.capacity' },
  // In hundredths of a percent, rounded half up as shown: whole numbers, so that filtering and
  // sorting a hundred million rows stays integer arithmetic (decimal division was 10× slower).
  usagePercentage: { label: 'Usage percentage', value: number.nullable(), sql: 'CASE WHEN e.capacity > 0 THEN (20000 * e.in_use_after::BIGINT + e.capacity) // (2 * e.capacity) END', scale: 100 },
  statusCode: { label: 'Denial code', value: number.nullable(), sql: 'e.status_code' },
  denialReason: { label: 'Denial reason', value: text.nullable() },
  denialName: { label: 'Denial', value: text.nullable() },
  denialDescription: { label: 'Denial description', value: text.nullable() },
  source: { label: 'Source', value: text, sql: 'e.source' },
} as const satisfies Record<string, { label: string; value: z.ZodType; sql?: string; scale?: number }>;

type Columns = typeof EVENT_COLUMNS;
/** The columns a listing sorts and filters by: those with SQL. */
export type EventColumn = { [K in keyof Columns]: Columns[K] extends { sql: string } ? K : never }[keyof Columns];
export const SORTABLE_COLUMNS = Object.keys(EVENT_COLUMNS).filter((c) => 'sql' in EVENT_COLUMNS[c as keyof Columns]) as [EventColumn, ...EventColumn[]];
const ROW_COLUMNS = Object.keys(EVENT_COLUMNS);
const SQL = Object.fromEntries(SORTABLE_COLUMNS.map((c) => [c, EVENT_COLUMNS[c].sql])) as Record<EventColumn, string>;

export const eventRowSchema = z.object({
  eventId: text,
  ...(Object.fromEntries(Object.entries(EVENT_COLUMNS).map(([name, c]) => [name, c.value])) as { [K in keyof Columns]: Columns[K]['value'] }),
});
export type EventRow = z.infer<typeof eventRowSchema>;

export const eventsPageSchema = z.object({ total: number, page: number, pageSize: number, rows: z.array(eventRowSchema) });
export type EventsPage = z.infer<typeof eventsPageSchema>;

const takesNumbers = (value: z.ZodType) => (value instanceof z.ZodNullable ? value.unwrap() : value) instanceof z.ZodNumber;
/** What the SQL of a column is a multiple of the value the API shows. */
const scaleOf = (column: EventColumn): number => (EVENT_COLUMNS[column] as { scale?: number }).scale ?? 1;
const NUMERIC = new Set(SORTABLE_COLUMNS.filter((c) => takesNumbers(EVENT_COLUMNS[c].value)));
/** Columns the rollups keep, by the same names. */
const ROLLUP_COLUMNS = new Set<EventColumn>(['accountId', 'instanceId', 'feature', 'kind', 'statusCode']);

export interface ColumnCondition {
  column: EventColumn;
  /** `~`: contains the value, whatever the case (text columns only). */
  op: '>=' | '<=' | '>' | '<' | '=' | '!=' | '~';
  value: string;
}

/** The text columns a `~` condition searches: the time is compared, not searched. */
const CONTAINS_COLUMNS = new Set(SORTABLE_COLUMNS.filter((c) => !NUMERIC.has(c) && c !== 'ts'));

/** LIKE's pattern for "contains this text": `_`, `%` and the escape character match only themselves. */
export const containsPattern = (value: string): string => `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Reads `usagePercentage>=80,kind=deny,user~ali` into conditions, refusing unknown columns and operators. */
export function parseConditions(text: string | undefined): ColumnCondition[] {
  if (!text) return [];
  return text.split(',').map((part, i) => {
    const m = /^\s*([^\s<>=!~]+)\s*(>=|<=|!=|=|>|<|~)\s*(.+?)\s*$/.exec(part);
    const field = `querystring.where.${i}`;
    if (!m) throw new TallyError('BAD_REQUEST', `where: write conditions as COLUMN OP VALUE, e.g. usagePercentage>=80`, [{ field, message: 'is not COLUMN OP VALUE' }]);
    const column = m[1] as EventColumn;
    // Own keys only: `in` would also find constructor, toString and the rest of Object's prototype.
    if (!Object.hasOwn(SQL, column)) throw new TallyError('BAD_REQUEST', `where: ${m[1]} is not a column`, [{ field, message: `names no column; columns: ${SORTABLE_COLUMNS.join(', ')}` }]);
    if (m[2] === '~' && !CONTAINS_COLUMNS.has(column)) throw new TallyError('BAD_REQUEST', `where: ~ searches text columns`, [{ field, message: `${column} cannot be searched with ~; text columns: ${[...CONTAINS_COLUMNS].join(', ')}` }]);
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

/** Every event in the filters: paged, sorted by any column, narrowed by column conditions. */
export const getEvents: ReportQuery<EventsOptions, EventsPage> = {
  name: 'events',
  names: { accountId: { kind: 'account', into: 'accountName' }, instanceId: { kind: 'instance', into: 'instanceName' } },
  duckdb: (filters, o) => {
    const { where, params } = filterSql(filters);
    const extra = o.conditions.map((c) => {
      if (c.op === '~') {
        params.push(containsPattern(c.value));
        return `lower(coalesce(${SQL[c.column]}, '')) LIKE $${params.length} ESCAPE '\\'`;
      }
      params.push(NUMERIC.has(c.column) ? Number(c.value) * scaleOf(c.column) : c.value);
      return `${SQL[c.column]} ${c.op === '!=' ? '<>' : c.op} $${params.length}`;
    });
    const clause = [where, ...extra].join(' AND ');
    const select = SORTABLE_COLUMNS.map((name) => {
      if (name === 'ts') return `strftime(e.ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS ts`;
      const scale = scaleOf(name);
      return scale > 1 ? `${SQL[name]} / ${scale}.0 AS "${name}"` : `${SQL[name]} AS "${name}"`;
    }).join(', ');
    // The total is counted from the rollups when the conditions are on what they keep.
    const totalParams = [...params];
    const total = o.conditions.every((c) => ROLLUP_COLUMNS.has(c.column))
      ? `SELECT coalesce(sum(e.n), 0) AS total FROM ${factsSource(filters, totalParams, 'day')} e WHERE ${clause}`
      : `SELECT count(*) AS total FROM usage_events e WHERE ${clause}`;
    return [
      { sql: total, params: totalParams },
      {
        sql: `SELECT e.event_id AS "eventId", ${select} FROM usage_events e WHERE ${clause}
              ORDER BY ${SQL[o.sort]} ${o.order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, e.event_id
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
      const denial = r.statusCode === null ? undefined : (DENIALS[Number(r.statusCode) as DenialCode] as (typeof DENIALS)[DenialCode] | undefined);
      const fromTable: Record<string, string | null> = { accountName: null, instanceName: null, denialReason: r.statusCode === null ? null : denialReason(Number(r.statusCode)), denialName: denial?.name ?? null, denialDescription: denial?.description ?? null };
      // Key by key in the listing's order, which the JSON keeps.
      const row: Record<string, unknown> = { eventId: r.eventId };
      for (const name of ROW_COLUMNS) row[name] = name in fromTable ? fromTable[name] : r[name] !== null && NUMERIC.has(name as EventColumn) ? Number(r[name]) : r[name];
      return row as EventRow;
    }),
  }),
};
