import { describe, expect, it } from 'vitest';
import type { ConcurrentUsage } from '../../src/warehouse/queries/get-concurrent-usage.js';
import type { MeteredUsage } from '../../src/warehouse/queries/get-metered-usage.js';
import { concurrentTotals, meteredTotals } from '../../web/src/report/overview/usage-series.js';

const T1 = '2026-07-01T08:00:00Z';
const T2 = '2026-07-01T09:00:00Z';
const concurrent = (rows: Array<Partial<ConcurrentUsage['rows'][number]> & { feature: string; bucketStart: string }>): ConcurrentUsage => ({
  bucket: 'hour',
  rows: rows.map((r) => ({ inUse: 0, capacity: null, peak: r.inUse ?? 0, overdraft: 0, ...r })),
});
const metered = (rows: Array<Partial<MeteredUsage['rows'][number]> & { feature: string; bucketStart: string }>): MeteredUsage => ({
  bucket: 'hour',
  rows: rows.map((r) => ({ consumed: 0, cap: null, inUseAfter: 0, overage: 0, ...r })),
});

/** The overview's headline figures, from the usage widgets' rows. */
describe('the overview figures', () => {
  it('leave uncounted features out of in use, capacity and utilization, and count them apart', () => {
    const t = concurrentTotals(
      concurrent([
        { feature: 'cad', bucketStart: T1, inUse: 3, capacity: 5 },
        { feature: 'viewer', bucketStart: T1, inUse: 4, capacity: null },
        { feature: 'viewer', bucketStart: T2, inUse: 6, capacity: null },
      ]),
    );
    expect({ inUse: t.inUse, capacity: t.capacity, available: t.available, utilization: t.utilization, uncounted: t.uncounted, overdraft: t.overdraft }).toEqual({
      inUse: 3,
      capacity: 5,
      available: 2,
      utilization: 60,
      uncounted: 6,
      overdraft: 0,
    });
  });

  it('never pass 100 % utilization: counts served from overdraft are shown apart', () => {
    const t = concurrentTotals(
      concurrent([
        { feature: 'cad', bucketStart: T1, inUse: 7, capacity: 5, overdraft: 2 },
        { feature: 'sim', bucketStart: T1, inUse: 1, capacity: 10 },
      ]),
    );
    expect({ inUse: t.inUse, capacity: t.capacity, available: t.available, utilization: t.utilization, overdraft: t.overdraft }).toEqual({
      inUse: 8,
      capacity: 15,
      available: 9,
      utilization: 40,
      overdraft: 2,
    });
  });

  it('show no utilization when only uncounted features are in use', () => {
    const t = concurrentTotals(concurrent([{ feature: 'viewer', bucketStart: T1, inUse: 4, capacity: null }]));
    expect({ inUse: t.inUse, capacity: t.capacity, utilization: t.utilization, uncounted: t.uncounted }).toEqual({ inUse: 0, capacity: 0, utilization: null, uncounted: 4 });
  });

  it('chart counted use, peak and capacity apart from uncounted use in each period', () => {
    const { series } = concurrentTotals(
      concurrent([
        { feature: 'cad', bucketStart: T1, inUse: 3, capacity: 5, peak: 4 },
        { feature: 'viewer', bucketStart: T1, inUse: 4, capacity: null, peak: 9 },
      ]),
    );
    expect(series).toEqual([[T1, { inUse: 3, peak: 4, capacity: 5, overdraft: 0, uncounted: 4 }]]);
  });

  it('never add up the caps of different metered features', () => {
    const t = meteredTotals(
      metered([
        { feature: 'render-hours', bucketStart: T1, consumed: 50, cap: 100 },
        { feature: 'tokens', bucketStart: T1, consumed: 900, cap: 1000 },
      ]),
    );
    expect(t.cap).toBeNull();
    // Each feature's share of its own cap; the figure is the highest, naming its feature.
    expect(t.utilization).toBe(90);
    expect(t.utilizationFeature).toBe('tokens');
    expect(t.features).toBe(2);
    expect(t.series.every(([, b]) => b.cap === null)).toBe(true);
  });

  it('give the cap and utilization of a single metered feature', () => {
    const t = meteredTotals(
      metered([
        { feature: 'tokens', bucketStart: T1, consumed: 300, cap: 1000 },
        { feature: 'tokens', bucketStart: T2, consumed: 450, cap: 1000 },
      ]),
    );
    expect({ cap: t.cap, consumed: t.consumed, utilization: t.utilization }).toEqual({ cap: 1000, consumed: 750, utilization: 75 });
    expect(t.series.map(([, b]) => b.cap)).toEqual([1000, 1000]);
  });
});
