import type { EventColumn } from '../../../../src/warehouse/queries/get-events.js';
import { GRID_COLUMNS } from './event-columns.js';

/** One column condition of the events listing, as the API's `where` writes it. */
export interface Condition {
  column: EventColumn;
  op: string;
  value: string;
}

/** The operators a column offers, with the words the page shows: text is searched, numbers compared. */
export const TEXT_OPS = [
  { op: '~', label: 'contains' },
  { op: '=', label: 'is' },
  { op: '!=', label: 'is not' },
] as const;
export const NUMBER_OPS = [
  { op: '>=', label: '≥' },
  { op: '>', label: '>' },
  { op: '=', label: '=' },
  { op: '!=', label: '≠' },
  { op: '<', label: '<' },
  { op: '<=', label: '≤' },
] as const;

export const opsOf = (column: EventColumn) => (GRID_COLUMNS[column].numeric ? NUMBER_OPS : TEXT_OPS);
export const opLabel = (c: Condition) => opsOf(c.column).find((o) => o.op === c.op)?.label ?? c.op;

/** The columns a condition may be on: every column but the time (the time range narrows that). */
export const CONDITION_COLUMNS = (Object.keys(GRID_COLUMNS) as EventColumn[]).filter((c) => c !== 'ts');

/** `usagePercentage>=80,user~ali` → conditions; a part that names no known column is dropped. */
export function parseWhere(where: string | null): Condition[] {
  return (where ?? '')
    .split(',')
    .map((part) => /^\s*([A-Za-z]+)\s*(>=|<=|!=|=|>|<|~)\s*(.*?)\s*$/.exec(part))
    .filter((m): m is RegExpExecArray => m !== null && (CONDITION_COLUMNS as string[]).includes(m[1]!) && m[3] !== '')
    .map((m) => ({ column: m[1] as EventColumn, op: m[2]!, value: m[3]! }));
}

export const formatWhere = (conditions: Condition[]): string => conditions.map((c) => `${c.column}${c.op}${c.value}`).join(',');

/** Why a value cannot be a condition on this column, if it cannot. */
export function valueProblem(column: EventColumn, value: string): string | null {
  if (value.trim() === '') return 'Type a value';
  // The API separates conditions with commas.
  if (value.includes(',')) return 'A value cannot hold a comma';
  if (GRID_COLUMNS[column].numeric && !Number.isFinite(Number(value))) return 'Type a number';
  return null;
}
