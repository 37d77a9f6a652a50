import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { at, buildEvent } from '../../support/factories.js';

const REPORT = '/api/reports/usage-denials';
const RANGE = 'from=2026-07-01T08:00:00Z&to=2026-07-02T08:00:00Z';

/** Capacity in the usage over time: what is counted, what is not, and what is overdraft. */
describe('capacity in the report\'s usage over time', () => {
  let bo: TestBackoffice;

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest([
      // cad: 7 in use of 5 on a1 (2 from overdraft), 1 of 10 on a2: overdraft does not pool across servers.
      buildEvent({ ts: at('08:10'), instanceId: 'a1', inUseAfter: 7, count: 7, capacity: 5, overdraft: 2 }),
      buildEvent({ ts: at('08:20'), instanceId: 'a2', inUseAfter: 1, count: 1, capacity: 10 }),
      // viewer is uncounted: capacity null.
      buildEvent({ ts: at('08:15'), instanceId: 'a1', feature: 'viewer', inUseAfter: 4, count: 4, capacity: null }),
      // sim is counted on b1 and uncounted on b2: no capacity can be stated for it as a whole.
      buildEvent({ ts: at('08:30'), instanceId: 'b1', feature: 'sim', inUseAfter: 1, count: 1, capacity: 3 }),
      buildEvent({ ts: at('08:35'), instanceId: 'b2', feature: 'sim', inUseAfter: 2, count: 2, capacity: null }),
    ]);
  });
  afterAll(async () => bo.stop());

  it('gives each feature\'s capacity only when every server of it counts it, and the overdraft per server', async () => {
    const res = await bo.adminGet(`${REPORT}/concurrent-usage?${RANGE}`);
    expect(res.status).toBe(200);
    const first = Object.fromEntries(res.body.rows.filter((r: { bucketStart: string }) => r.bucketStart === '2026-07-01T08:00:00Z').map((r: { feature: string }) => [r.feature, r]));
    expect(first.cad).toEqual({ feature: 'cad', bucketStart: '2026-07-01T08:00:00Z', inUse: 8, capacity: 15, peak: 8, overdraft: 2 });
    expect(first.viewer).toEqual({ feature: 'viewer', bucketStart: '2026-07-01T08:00:00Z', inUse: 4, capacity: null, peak: 4, overdraft: 0 });
    expect(first.sim).toEqual({ feature: 'sim', bucketStart: '2026-07-01T08:00:00Z', inUse: 3, capacity: null, peak: 3, overdraft: 0 });
  });

  it('exports the overdraft with the concurrent usage table', async () => {
    const res = await fetch(`${bo.url}${REPORT}/concurrent-usage.csv?${RANGE}`, { headers: { authorization: `Bearer ${await bo.adminToken()}` } });
    const [heading, ...lines] = (await res.text()).trim().split('\r\n');
    expect(heading).toBe('Period start,Feature,In use at end,Peak,Capacity,Overdraft');
    expect(lines).toContain('2026-07-01T08:00:00Z,cad,8,8,15,2');
    expect(lines).toContain('2026-07-01T08:00:00Z,viewer,4,4,,0');
  });
});
