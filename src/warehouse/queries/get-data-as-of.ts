import { z } from 'zod';
import type { ReportQuery } from '../warehouse.js';

export const dataAsOfSchema = z.object({
  /** The time of the newest event the warehouse holds; null when it holds none. */
  newestEvent: z.string().nullable(),
  /** When events were last stored; null when none ever were. */
  lastIngest: z.string().nullable(),
});
export type DataAsOf = z.infer<typeof dataAsOfSchema>;

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(Number(value) / 1000).toISOString());

/** How fresh the report's data is, whatever the filters: the newest event and the last ingest. */
export const getDataAsOf: ReportQuery<Record<string, never>, DataAsOf> = {
  name: 'data-as-of',
  duckdb: () => [{ sql: 'SELECT epoch_us(max(ts)) AS newest, epoch_us(max(ingested_at)) AS ingested FROM usage_events', params: [] }],
  map: ([rows]) => ({ newestEvent: iso(rows?.[0]?.newest), lastIngest: iso(rows?.[0]?.ingested) }),
};
