import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/support/random.mjs';
import { planClientPieces, planPieces } from './rollup-plan.js';

const t = (iso: string) => Date.parse(iso);
const show = (pieces: ReturnType<typeof planPieces>) => pieces.map((p) => `${p.grain} ${new Date(p.from).toISOString().slice(5, 16)}..${new Date(p.to).toISOString().slice(5, 16)}`);

describe('reading a time range from rollups', () => {
  it('reads whole days from the daily rollup, whole hours around them hourly, and the ragged ends raw', () => {
    expect(show(planPieces(t('2026-03-02T10:05:00Z'), t('2026-03-05T08:42:00Z'), 'day'))).toEqual([
      'raw 03-02T10:05..03-02T11:00',
      'hour 03-02T11:00..03-03T00:00',
      'day 03-03T00:00..03-05T00:00',
      'hour 03-05T00:00..03-05T08:00',
      'raw 03-05T08:00..03-05T08:42',
    ]);
  });

  it('never reads days when the chart is bucketed by hour', () => {
    expect(show(planPieces(t('2026-03-02T10:05:00Z'), t('2026-03-05T08:42:00Z'), 'hour'))).toEqual([
      'raw 03-02T10:05..03-02T11:00',
      'hour 03-02T11:00..03-05T08:00',
      'raw 03-05T08:00..03-05T08:42',
    ]);
  });

  it('reads a range with aligned ends from rollups only', () => {
    expect(show(planPieces(t('2026-03-02T00:00:00Z'), t('2026-03-04T00:00:00Z'), 'day'))).toEqual(['day 03-02T00:00..03-04T00:00']);
  });

  it('reads raw events when no whole hour fits, or when told to', () => {
    expect(show(planPieces(t('2026-03-02T10:05:00Z'), t('2026-03-02T10:55:00Z'), 'day'))).toEqual(['raw 03-02T10:05..03-02T10:55']);
    expect(show(planPieces(t('2026-03-02T10:05:00Z'), t('2026-03-09T10:55:00Z'), 'raw'))).toEqual(['raw 03-02T10:05..03-09T10:55']);
  });

  it('reads nothing for an empty range', () => {
    expect(planPieces(t('2026-03-02T10:05:00Z'), t('2026-03-02T10:05:00Z'), 'day')).toEqual([]);
  });

  it('covers every range exactly once, in time order', () => {
    const random = seededRandom(3).next;
    for (let i = 0; i < 500; i++) {
      const from = t('2026-01-01T00:00:00Z') + Math.floor(random() * 40 * 86_400_000);
      const to = from + Math.floor(random() * (i % 2 ? 20 : 200) * 86_400_000);
      for (const pieces of [planPieces(from, to, 'day'), planPieces(from, to, 'hour'), planClientPieces(from, to, true)]) {
        expect(pieces[0]?.from ?? to).toBe(from);
        expect(pieces.at(-1)?.to ?? from).toBe(to);
        pieces.forEach((p, k) => {
          expect(p.to).toBeGreaterThan(p.from);
          if (k > 0) expect(p.from).toBe(pieces[k - 1]!.to);
        });
      }
    }
  });

  it('reads distinct clients from monthly sets for whole months, daily sets for whole days, raw events for the rest', () => {
    expect(show(planClientPieces(t('2026-01-20T10:05:00Z'), t('2026-04-03T08:42:00Z'), true))).toEqual([
      'raw 01-20T10:05..01-21T00:00',
      'day 01-21T00:00..02-01T00:00',
      'month 02-01T00:00..04-01T00:00',
      'day 04-01T00:00..04-03T00:00',
      'raw 04-03T00:00..04-03T08:42',
    ]);
    expect(show(planClientPieces(t('2025-12-01T00:00:00Z'), t('2026-02-01T00:00:00Z'), true))).toEqual(['month 12-01T00:00..02-01T00:00']);
  });

  it('keeps distinct clients within a month in daily sets', () => {
    expect(show(planClientPieces(t('2026-03-02T10:05:00Z'), t('2026-03-05T08:42:00Z'), true))).toEqual([
      'raw 03-02T10:05..03-03T00:00',
      'day 03-03T00:00..03-05T00:00',
      'raw 03-05T00:00..03-05T08:42',
    ]);
    expect(show(planClientPieces(t('2026-03-02T10:05:00Z'), t('2026-03-05T08:42:00Z'), false))).toEqual(['raw 03-02T10:05..03-05T08:42']);
  });
});
