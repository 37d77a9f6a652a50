import type { EpochMs } from '../common/time.js';

/** Where a stretch of time is read from: raw events, or the hourly or daily rollup. */
export type Grain = 'raw' | 'hour' | 'day' | 'month';

/** A half-open stretch of time [from, to) and the table that answers it. */
export interface Piece {
  grain: Grain;
  from: EpochMs;
  to: EpochMs;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

const floorTo = (t: EpochMs, unit: number) => Math.floor(t / unit) * unit;
const ceilTo = (t: EpochMs, unit: number) => Math.ceil(t / unit) * unit;

/**
 * Splits a time range into the fewest rows to read: whole days from the daily rollup, whole
 * hours around them from the hourly rollup, and the ragged minutes at both ends from raw
 * events. `coarsest` caps the grain, so a chart bucketed by hour never reads days, and `raw`
 * reads everything from raw events (filters a rollup cannot answer, such as a device search).
 * Pieces are returned in time order, never empty, and cover the range exactly once.
 */
export function planPieces(from: EpochMs, to: EpochMs, coarsest: Grain): Piece[] {
  if (to <= from) return [];
  if (coarsest === 'raw') return [{ grain: 'raw', from, to }];
  const h1 = ceilTo(from, HOUR);
  const h2 = floorTo(to, HOUR);
  if (h1 >= h2) return [{ grain: 'raw', from, to }];
  const d1 = ceilTo(from, DAY);
  const d2 = floorTo(to, DAY);
  const pieces: Piece[] = [{ grain: 'raw', from, to: h1 }];
  if (coarsest === 'day' && d1 < d2) {
    pieces.push({ grain: 'hour', from: h1, to: d1 }, { grain: 'day', from: d1, to: d2 }, { grain: 'hour', from: d2, to: h2 });
  } else {
    pieces.push({ grain: 'hour', from: h1, to: h2 });
  }
  pieces.push({ grain: 'raw', from: h2, to });
  return pieces.filter((p) => p.to > p.from);
}

const monthStart = (t: EpochMs, offset = 0) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
};

/**
 * The same for distinct clients, kept as daily and monthly sets (an hourly one would be as
 * large as the events): whole months, then whole days, then raw events at the ends.
 */
export function planClientPieces(from: EpochMs, to: EpochMs, useRollup: boolean): Piece[] {
  if (to <= from) return [];
  const d1 = ceilTo(from, DAY);
  const d2 = floorTo(to, DAY);
  if (!useRollup || d1 >= d2) return [{ grain: 'raw', from, to }];
  const m1 = monthStart(d1) === d1 ? d1 : monthStart(d1, 1);
  const m2 = monthStart(d2);
  const middle: Piece[] =
    m1 < m2
      ? [{ grain: 'day', from: d1, to: m1 }, { grain: 'month', from: m1, to: m2 }, { grain: 'day', from: m2, to: d2 }]
      : [{ grain: 'day', from: d1, to: d2 }];
  return [{ grain: 'raw' as const, from, to: d1 }, ...middle, { grain: 'raw' as const, from: d2, to }].filter((p) => p.to > p.from);
}
