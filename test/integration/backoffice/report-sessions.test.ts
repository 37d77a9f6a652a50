import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { at, buildEvent } from '../../support/factories.js';

const REPORT = '/api/reports/usage-denials';

describe('checkout sessions in the report', () => {
  let bo: TestBackoffice;
  const get = (path: string) => bo.adminGet(path);

  beforeAll(async () => {
    bo = await startTestBackoffice();
    const ws = (deviceId: string, hhmm: string, kind: 'checkout' | 'return' | 'expire', count = 1) => buildEvent({ ts: at(hhmm), deviceId, kind, count, user: `${deviceId}-user` });
    await bo.warehouse.ingest([
      // ws-1: takes 1, takes 1 more, returns both 90 minutes after the first checkout.
      ws('ws-1', '08:00', 'checkout'),
      ws('ws-1', '08:30', 'checkout'),
      ws('ws-1', '09:00', 'return'),
      ws('ws-1', '09:30', 'return'),
      // ws-2: its lease lapses after 20 minutes, then it checks out again and still holds it.
      ws('ws-2', '10:00', 'checkout'),
      ws('ws-2', '10:20', 'expire'),
      ws('ws-2', '11:00', 'checkout'),
      // ws-3: a session that began before the range and ends inside it.
      ws('ws-3', '05:00', 'checkout', 2),
      ws('ws-3', '08:15', 'return', 2),
      // Metered use is no session.
      buildEvent({ ts: at('08:05'), deviceId: 'ws-4', kind: 'consume', model: 'metered', feature: 'tokens', count: 5 }),
    ]);
  });
  afterAll(async () => bo.stop());

  it('lists each time a device held a feature, from the checkout that took it to the return or expiry that gave it all back', async () => {
    const res = await get(`${REPORT}/sessions?from=2026-07-01T07:00:00Z&to=2026-07-01T12:00:00Z`);
    expect(res.status).toBe(200);
    const rows = res.body.rows.map((r: Record<string, unknown>) => [r.deviceId, r.start, r.end, r.endedBy, r.peakCount, r.minutes]);
    expect(rows).toEqual([
      ['ws-2', at('11:00'), null, null, 1, 60],
      ['ws-2', at('10:00'), at('10:20'), 'expire', 1, 20],
      ['ws-1', at('08:00'), at('09:30'), 'return', 2, 90],
      // Counted within the range only: 07:00 to 08:15.
      ['ws-3', at('05:00'), at('08:15'), 'return', 2, 75],
    ]);
    expect(res.body).toMatchObject({ total: 4, totalHours: 4.08, medianMinutes: 67.5, page: 1 });
  });

  it('narrows sessions by the report filters and pages them', async () => {
    const res = await get(`${REPORT}/sessions?from=2026-07-01T07:00:00Z&to=2026-07-01T12:00:00Z&search=ws-2&pageSize=1&page=2`);
    expect(res.body.total).toBe(2);
    expect(res.body.rows.map((r: { start: string }) => r.start)).toEqual([at('10:00')]);
  });

  it('refuses a page that is not a number, naming it', async () => {
    const res = await get(`${REPORT}/sessions?page=first`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('page');
  });
});
