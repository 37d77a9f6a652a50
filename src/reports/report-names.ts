import type { NamedKind, ReportQuery, Warehouse } from '../warehouse/warehouse.js';

/** The names the registry gives to accounts and instances, by ID; IDs it does not know are left out. */
export type NameBook = (kind: NamedKind, ids: readonly string[]) => ReadonlyMap<string, string>;

type ReportReader = Pick<Warehouse, 'report' | 'stream'>;

/** Fills the name columns of a query's rows (in place) from the book, one look-up per kind. */
function fillNames<R>(query: ReportQuery<unknown, R>, answer: R, book: NameBook): R {
  if (!query.names) return answer;
  for (const [idColumn, { kind, into, at }] of Object.entries(query.names)) {
    const holder = (at ? (answer as Record<string, unknown>)[at] : answer) as { rows?: unknown } | undefined;
    const rows = holder?.rows;
    if (!Array.isArray(rows) || rows.length === 0) continue;
    const ids = [...new Set(rows.map((r: Record<string, unknown>) => r[idColumn]).filter((id): id is string => typeof id === 'string'))];
    const names = book(kind, ids);
    for (const row of rows as Array<Record<string, unknown>>) row[into] = typeof row[idColumn] === 'string' ? (names.get(row[idColumn]) ?? null) : null;
  }
  return answer;
}

/**
 * The warehouse as the report reads it: every answer and every streamed chunk with the names of
 * its accounts and instances, so that the API and every export show the same names.
 */
export function namedReader(warehouse: ReportReader, book: NameBook): ReportReader {
  return {
    report: async (query, filters, options) => fillNames(query as ReportQuery<unknown, never>, await warehouse.report(query, filters, options), book),
    stream: (query, filters, options) =>
      (async function* () {
        for await (const chunk of warehouse.stream(query, filters, options)) yield fillNames(query as ReportQuery<unknown, never>, chunk, book);
      })(),
  };
}
