import type { UsageEvent } from '../licensing/usage-event.js';
import type { ReportFilters } from './filters.js';

export interface IngestResult {
  /** Events stored now. */
  accepted: number;
  /** Events already stored before (same eventId), or repeated within the batch: ignored. */
  duplicates: number;
}

/**
 * Where usage events are kept for the reports. Every engine (DuckDB embedded; ClickHouse for
 * producers who outgrow one machine) passes the same contract tests; SQL that differs per
 * engine stays behind this interface.
 */
export interface Warehouse {
  /** Stores the events it does not have yet (by eventId); durable once resolved. */
  ingest(events: readonly UsageEvent[]): Promise<IngestResult>;
  /** How many events are stored, optionally of one instance. */
  countEvents(filter?: { instanceId?: string }): Promise<number>;
  /** Stored events in time order (oldest first), for listings and checks. */
  events(filter: { instanceId?: string; limit: number; offset?: number }): Promise<UsageEvent[]>;
  /** Runs one report query (see `queries/`: one file each, with its SQL per engine). */
  report<O, R>(query: ReportQuery<O, R>, filters: ReportFilters, options: O): Promise<R>;
  /**
   * Runs one report query like `report`, but reads the rows of its last statement in chunks on
   * a connection of its own and yields each chunk mapped by the query: exports of any size
   * never hold all rows, and ingest goes on meanwhile. Stopping the iteration ends the read.
   */
  stream<O, R>(query: ReportQuery<O, R>, filters: ReportFilters, options: O): AsyncIterable<R>;
  /** Merges the derived rows ingest appended; answers stay the same. Also runs by itself. */
  compact(): Promise<void>;
  close(): Promise<void>;
}

/** SQL text and its positional parameters ($1, $2, ...). */
export interface Sql {
  sql: string;
  params: unknown[];
}

/**
 * One report query: what it asks of each engine, and how its rows become the answer. The
 * statements run in order; `map` gets the rows of each.
 */
export interface ReportQuery<O, R> {
  name: string;
  duckdb: (filters: ReportFilters, options: O) => Sql[];
  map: (results: Array<Array<Record<string, unknown>>>, filters: ReportFilters, options: O) => R;
  /**
   * The columns of its rows that hold an account's or an instance's ID, each with the column
   * its name goes in. Names live in the back office's registry, not here: the warehouse leaves
   * them null and the back office fills them in (reports/report-names.ts).
   */
  names?: Readonly<Record<string, { kind: NamedKind; into: string; /** Where the rows are, when not the answer's `rows`. */ at?: 'buyers' }>>;
}

/** What has a name in the back office's registry but only an ID in the warehouse. */
export type NamedKind = 'account' | 'instance';
