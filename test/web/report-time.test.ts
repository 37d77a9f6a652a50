import { describe, expect, it } from 'vitest';
import { groupingFits } from '../../web/src/report/grouping.js';
import type { TimePoint } from '../../web/src/report/overview/usage-series.js';
import { bucketStarts, needsMarkers } from '../../web/src/report/overview/usage-series.js';

const HOUR = 3_600_000;
const line = (values: Array<number | null>): TimePoint[] => values.map((v, i) => [i * HOUR, v]);

describe('markers on a chart over time', () => {
  it('are drawn when the points are few, so that a lone period is seen', () => {
    expect(needsMarkers(line([3]))).toBe(true);
    expect(needsMarkers(line(Array.from({ length: 40 }, () => 1)))).toBe(true);
  });

  it('are left out of a long unbroken line, and drawn when one of its points has no neighbour to join', () => {
    const long: Array<number | null> = Array.from({ length: 200 }, () => 1);
    expect(needsMarkers(line(long))).toBe(false);
    long[100] = null;
    long[102] = null;
    expect(needsMarkers(line(long))).toBe(true);
  });
});

describe('the groupings offered for a range', () => {
  const days = (n: number) => ({ from: '2026-01-01T00:00:00Z', to: new Date(Date.parse('2026-01-01T00:00:00Z') + n * 24 * HOUR).toISOString() });

  it('leave out one that would give the API more periods than it draws', () => {
    expect(groupingFits('hour', days(30))).toBe(true);
    expect(groupingFits('hour', days(365))).toBe(false);
    expect(groupingFits('minute', days(1))).toBe(true);
    expect(groupingFits('minute', days(2))).toBe(false);
  });

  it('always keep the automatic one and the coarse ones', () => {
    expect(groupingFits('auto', days(3650))).toBe(true);
    expect(groupingFits('day', days(365))).toBe(true);
    expect(groupingFits('month', days(3650))).toBe(true);
  });
});

describe('the periods of a range a bar chart spreads over', () => {
  const iso = (starts: number[]) => starts.map((t) => new Date(t).toISOString().slice(0, 10));

  it('start where the API starts them: weeks on Monday, months on the first, in UTC', () => {
    expect(iso(bucketStarts({ from: '2026-05-06T10:00:00Z', to: '2026-05-20T00:00:00Z' }, 'week'))).toEqual(['2026-05-04', '2026-05-11', '2026-05-18']);
    expect(iso(bucketStarts({ from: '2026-01-31T10:00:00Z', to: '2026-03-02T00:00:00Z' }, 'month'))).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    expect(bucketStarts({ from: '2026-05-06T10:30:00Z', to: '2026-05-06T13:00:00Z' }, 'hour')).toHaveLength(3);
  });
});
