import type { UsageEvent } from '../licensing/usage-event.js';

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
  close(): Promise<void>;
}
