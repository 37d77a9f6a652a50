import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { at, buildEvent } from '../../support/factories.js';

const REPORT = '/api/reports/usage-denials';
const RANGE = 'from=2026-07-01T08:00:00Z&to=2026-07-02T08:00:00Z';

describe('usage over time in the report', () => {
  let bo: TestBackoffice;
  const get = (path: string) => bo.adminGet(path);

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest([
      buildEvent({ ts: at('08:10'), instanceId: 'a1', inUseAfter: 2, count: 2, capacity: 5 }),
      buildEvent({ ts: at('08:40'), instanceId: 'a1', inUseAfter: 4, count: 2, capacity: 5 }),
      buildEvent({ ts: at('08:50'), instanceId: 'a1', kind: 'return', inUseAfter: 3, count: 1, capacity: 5 }),
      buildEvent({ ts: at('10:05'), instanceId: 'a2', inUseAfter: 1, count: 1, capacity: 3 }),
      buildEvent({ ts: at('08:10'), instanceId: 'g1', feature: 'hours', model: 'metered', kind: 'consume', count: 30, inUseAfter: 30, capacity: 100 }),
      buildEvent({ ts: at('09:20'), instanceId: 'g1', feature: 'hours', model: 'metered', kind: 'consume', count: 80, inUseAfter: 110, capacity: 100 }),
    ]);
  });
  afterAll(async () => bo.stop());

  it('shows concurrent use at the end of each hour, the peak within it, and capacity, over every instance', async () => {
    const res = await get(`${REPORT}/concurrent-usage?${RANGE}`);
    expect(res.body.bucket).toBe('hour');
    const cad = res.body.rows.filter((r: { feature: string }) => r.feature === 'cad');
    expect(cad).toHaveLength(24);
    expect(cad.slice(0, 3)).toEqual([
      { feature: 'cad', bucketStart: '2026-07-01T08:00:00Z', inUse: 3, capacity: 5, peak: 4, overdraft: 0 },
      { feature: 'cad', bucketStart: '2026-07-01T09:00:00Z', inUse: 3, capacity: 5, peak: 3, overdraft: 0 },
      { feature: 'cad', bucketStart: '2026-07-01T10:00:00Z', inUse: 4, capacity: 8, peak: 4, overdraft: 0 },
    ]);
    // Quiet hours keep the last known use.
    expect(cad[23]).toEqual({ feature: 'cad', bucketStart: '2026-07-02T07:00:00Z', inUse: 4, capacity: 8, peak: 4, overdraft: 0 });
    expect(res.body.rows.some((r: { feature: string }) => r.feature === 'hours')).toBe(false);
  });

  it('shows metered consumption per hour with its cap and the overage past it', async () => {
    const res = await get(`${REPORT}/metered-usage?${RANGE}`);
    expect(res.body.rows).toEqual([
      { feature: 'hours', bucketStart: '2026-07-01T08:00:00Z', consumed: 30, cap: 100, inUseAfter: 30, overage: 0 },
      { feature: 'hours', bucketStart: '2026-07-01T09:00:00Z', consumed: 80, cap: 100, inUseAfter: 110, overage: 10 },
    ]);
  });

  it('uses minute buckets for a range of a few hours and day buckets for months', async () => {
    expect((await get(`${REPORT}/concurrent-usage?from=2026-07-01T08:00:00Z&to=2026-07-01T09:00:00Z`)).body.bucket).toBe('minute');
    expect((await get(`${REPORT}/concurrent-usage?from=2026-06-01T00:00:00Z&to=2026-08-01T00:00:00Z`)).body.bucket).toBe('day');
  });

  it('groups by the period asked for, on every chart over time', async () => {
    for (const widget of ['concurrent-usage', 'metered-usage', 'denials-over-time']) {
      expect((await get(`${REPORT}/${widget}?${RANGE}&bucket=day`)).body.bucket).toBe('day');
    }
    const monthly = await get(`${REPORT}/metered-usage?${RANGE}&bucket=month`);
    expect(monthly.body.rows).toEqual([{ feature: 'hours', bucketStart: '2026-07-01T00:00:00Z', consumed: 110, cap: 100, inUseAfter: 110, overage: 10 }]);
    expect((await get(`${REPORT}/concurrent-usage?${RANGE}&bucket=auto`)).body.bucket).toBe('hour');
  });

  it('refuses a grouping that is none, or that would give too many periods for the range, naming the field', async () => {
    const unknown = await get(`${REPORT}/concurrent-usage?${RANGE}&bucket=fortnight`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ field: 'querystring.bucket', message: 'must be auto or one of minute, hour, day, week, month' }]);
    const tooMany = await get(`${REPORT}/denials-over-time?from=2025-07-01T00:00:00Z&to=2026-07-01T00:00:00Z&bucket=hour`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0].field).toBe('querystring.bucket');
    expect(tooMany.body.error.details[0].message).toContain('choose a coarser grouping or a shorter range');
  });

  it('says how fresh the data is: the newest event and the last ingest', async () => {
    const res = await get(`${REPORT}/data-as-of`);
    expect(res.status).toBe(200);
    expect(res.body.newestEvent).toBe('2026-07-01T10:05:00.000Z');
    expect(Date.now() - Date.parse(res.body.lastIngest)).toBeLessThan(60_000);
  });
});
