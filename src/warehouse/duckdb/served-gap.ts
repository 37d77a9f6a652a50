import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Whether a denial was "true" depends on grants that may arrive later than the denial itself,
 * and on a tolerance the reader chooses. So each stored denial keeps `served_gap_us`: how far
 * (in microseconds, either side) the nearest grant of the same feature to the same device or
 * user lies, or NULL when there is none within the longest tolerance. A query then only
 * compares that column with its tolerance instead of joining denials with grants.
 */

/** The longest tolerance a report may ask for (24 hours); gaps beyond it need not be exact. */
export const LONGEST_TOLERANCE_US = 86_400_000_000;

/**
 * The statement that sets `served_gap_us` of denials within the longest tolerance of a span
 * (microseconds of event time). With the name of a table of new events, only those denials
 * whose feature and device or user appear among them are worked out again: the new denials,
 * and older ones a new grant may have served.
 */
export function servedGapUpdate(scope: { lo: number; hi: number; fresh?: string }): string {
  const between = (column: string, reach: number) =>
    `AND ${column} >= make_timestamptz(${Math.trunc(scope.lo - reach)}::BIGINT) AND ${column} <= make_timestamptz(${Math.trunc(scope.hi + reach)}::BIGINT)`;
  const touched = scope.fresh
    ? `AND (EXISTS (SELECT 1 FROM ${scope.fresh} f WHERE f.feature = usage_events.feature AND f.device_id = usage_events.device_id)
         OR EXISTS (SELECT 1 FROM ${scope.fresh} f WHERE f.feature = usage_events.feature AND f.user_name = usage_events.user_name))`
    : '';
  // Nearest grant at or before and at or after, by device and by user: four sort-merge as-of
  // joins, so a user with thousands of grants costs no more than a device with a few.
  const nearest = (key: 'device_id' | 'user_name', side: '<=' | '>=') => `
      SELECT d.event_id, ${side === '<=' ? 'epoch_us(d.ts) - epoch_us(g.ts)' : 'epoch_us(g.ts) - epoch_us(d.ts)'} AS gap
      FROM (SELECT * FROM d WHERE ${key} IS NOT NULL) d
      ASOF JOIN g ON g.feature = d.feature AND g.${key} = d.${key} AND g.ts ${side} d.ts`;
  return `
    UPDATE usage_events AS u SET served_gap_us = s.gap
    FROM (
      WITH d AS (
        SELECT event_id, feature, device_id, user_name, ts FROM usage_events
        WHERE kind = 'deny' ${between('ts', LONGEST_TOLERANCE_US)} ${touched}),
      g AS (
        SELECT feature, device_id, user_name, ts FROM usage_events
        WHERE kind IN ('checkout', 'consume') ${between('ts', 2 * LONGEST_TOLERANCE_US)})
      SELECT event_id, min(gap) AS gap FROM (
        ${nearest('device_id', '<=')} UNION ALL ${nearest('device_id', '>=')} UNION ALL
        ${nearest('user_name', '<=')} UNION ALL ${nearest('user_name', '>=')})
      GROUP BY event_id HAVING min(gap) <= ${LONGEST_TOLERANCE_US}
    ) s
    WHERE u.event_id = s.event_id ${between('u.ts', LONGEST_TOLERANCE_US)}`;
}

/**
 * Works out the distance of every stored denial, a week of them at a time: all at once would
 * hold every denial and grant of the warehouse in memory.
 */
export async function fillServedGaps(c: DuckDBConnection): Promise<void> {
  const span = (await c.runAndReadAll(`SELECT epoch_us(min(ts)) AS lo, epoch_us(max(ts)) AS hi FROM usage_events WHERE kind = 'deny'`)).getRowObjectsJS()[0];
  if (span?.lo === null || span?.lo === undefined) return;
  for (const week of servedGapSpans(Number(span.lo), Number(span.hi))) await c.run(servedGapUpdate(week));
}

/** Stretches of a week covering [lo, hi] (microseconds). */
export function servedGapSpans(lo: number, hi: number): Array<{ lo: number; hi: number }> {
  const week = 7 * LONGEST_TOLERANCE_US;
  const spans: Array<{ lo: number; hi: number }> = [];
  for (let from = lo; from <= hi; from += week) spans.push({ lo: from, hi: Math.min(from + week, hi) });
  return spans;
}
