import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { buildEvent } from '../../support/factories.js';

const REPORT = '/api/reports/usage-denials';
const RANGE = 'from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z';
const at = (minute: number) => new Date(Date.parse('2026-05-01T08:00:00Z') + minute * 60_000).toISOString();

describe('the events listing, rankings and unique clients of the report', () => {
  let bo: TestBackoffice;
  const get = (path: string) => bo.adminGet(path);

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest([
      // acme: 5 seats of cad; four devices, three users; it reaches 80 % and 100 %.
      buildEvent({ ts: at(0), accountId: 'acme', instanceId: 'a1', deviceId: 'w1', user: 'ann', count: 2, inUseAfter: 2, capacity: 5 }),
      buildEvent({ ts: at(1), accountId: 'acme', instanceId: 'a1', deviceId: 'w2', user: 'bob', count: 2, inUseAfter: 4, capacity: 5 }),
      buildEvent({ ts: at(2), accountId: 'acme', instanceId: 'a2', deviceId: 'w3', user: 'bob', count: 1, inUseAfter: 5, capacity: 5 }),
      buildEvent({ ts: at(3), accountId: 'acme', instanceId: 'a2', deviceId: 'w4', user: 'cy', kind: 'deny', statusCode: 7, count: 1, inUseAfter: 5, capacity: 5, recordId: null }),
      buildEvent({ ts: at(4), accountId: 'acme', instanceId: 'a1', deviceId: 'w1', user: 'ann', kind: 'return', count: 2, inUseAfter: 3, capacity: 5 }),
      // globex: metered units; one device.
      buildEvent({ ts: at(5), accountId: 'globex', instanceId: 'g1', feature: 'hours', model: 'metered', kind: 'consume', deviceId: 'g-box', user: 'gil', count: 30, inUseAfter: 30, capacity: 100 }),
    ]);
  });
  afterAll(async () => bo.stop());

  it('lists every event with every column, newest first by default', async () => {
    const res = await get(`${REPORT}/events?${RANGE}`);
    expect(res.body.total).toBe(6);
    expect(res.body.rows[0]).toMatchObject({ kind: 'consume', feature: 'hours', accountId: 'globex', usagePercentage: 30 });
    expect(res.body.rows.find((r: { kind: string }) => r.kind === 'deny')).toMatchObject({ statusCode: 7, denialName: 'INSUFFICIENT_COUNT', user: 'cy', usagePercentage: 100 });
  });

  it('finds the moments of 80 % utilization or more', async () => {
    const res = await get(`${REPORT}/events?${RANGE}&where=usagePercentage>=80&sort=ts&order=asc`);
    expect(res.body.rows.map((r: { deviceId: string; usagePercentage: number }) => [r.deviceId, r.usagePercentage])).toEqual([
      ['w2', 80],
      ['w3', 100],
      ['w4', 100],
    ]);
  });

  it('sorts by any column and pages', async () => {
    const res = await get(`${REPORT}/events?${RANGE}&sort=count&order=desc&page=2&pageSize=2`);
    expect(res.body).toMatchObject({ total: 6, page: 2, pageSize: 2 });
    expect(res.body.rows.map((r: { count: number }) => r.count)).toEqual([2, 2]);
  });

  it('refuses an unknown column or a text compared as a number, naming it', async () => {
    const res = await get(`${REPORT}/events?${RANGE}&where=colour=red`);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('querystring.where.0');
    expect((await get(`${REPORT}/events?${RANGE}&where=usagePercentage>=lots`)).status).toBe(400);
    expect((await get(`${REPORT}/events?${RANGE}&sort=colour`)).body.error.details[0].field).toBe('querystring.sort');
  });

  it('lists denials one by one with client, user, feature, time and reason', async () => {
    const res = await get(`${REPORT}/denials-summary?${RANGE}`);
    expect(res.body.rows).toEqual([expect.objectContaining({ deviceId: 'w4', user: 'cy', feature: 'cad', ts: at(3), statusCode: 7, denialDescription: expect.any(String) })]);
  });

  it('ranks accounts and instances by the counts they used, and says so', async () => {
    const accounts = await get(`${REPORT}/active-accounts?${RANGE}`);
    expect(accounts.body).toEqual({
      rankedBy: 'usage',
      rows: [
        { id: 'globex', name: null, usage: 30, checkouts: 0, clients: 1, denials: 0 },
        { id: 'acme', name: null, usage: 5, checkouts: 3, clients: 3, denials: 1 },
      ],
    });
    const instances = await get(`${REPORT}/active-instances?${RANGE}&features=cad`);
    expect(instances.body.rows.map((r: { id: string; usage: number }) => [r.id, r.usage])).toEqual([
      ['a1', 4],
      ['a2', 1],
    ]);
  });

  it('counts distinct devices and users served per feature, and clients per license', async () => {
    const res = await get(`${REPORT}/unique-clients?${RANGE}`);
    expect(res.body.rows).toEqual([
      { feature: 'cad', devices: 3, users: 2, capacity: 5, clientsPerLicense: 0.6 },
      { feature: 'hours', devices: 1, users: 1, capacity: 100, clientsPerLicense: 0.01 },
    ]);
  });
});
