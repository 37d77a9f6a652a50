import { Readable } from 'node:stream';

/** A column of an export: the row's key and its heading. */
export interface ExportColumn {
  key: string;
  label: string;
  /** A moment, written as ISO text: a spreadsheet gets it as a date. */
  type?: 'date';
}

/** A cell that is wholly a number, as numbers are written: a spreadsheet reads it as that number. */
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function field(value: unknown): string {
  const text = cellText(value);
  // A leading =, +, -, @, tab or CR can make a spreadsheet evaluate the cell (OWASP CSV
  // injection), `-1+cmd|...` included: prefix a quote unless the cell is only a number.
  const safe = /^[=+\-@\t\r]/.test(text) && !NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A row's value for a column. */
export function cell(row: object, key: string): unknown {
  return (row as Record<string, unknown>)[key];
}

/** A cell as text: report rows hold strings, numbers and nulls. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(field).join(',')}\r\n`;
}

/**
 * CSV of rows that arrive in chunks: the heading line, then each chunk as it comes, read only
 * as fast as the client takes it (a Readable pulls the next chunk when its buffer drains).
 */
export function csvStream(columns: readonly ExportColumn[], chunks: AsyncIterable<readonly object[]>): Readable {
  async function* lines() {
    yield csvLine(columns.map((c) => c.label));
    for await (const rows of chunks) {
      yield rows.map((row) => csvLine(columns.map((c) => cell(row, c.key)))).join('');
    }
  }
  return Readable.from(lines());
}
