import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../../support/test-server.js';

const BASE = '/api/1.0/instances/~';

describe('the read API of the License Server Manager', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({
      features: {
        licenseId: 'read',
        features: [
          { id: 'cad-a', name: 'cad', version: '1.0', count: 3, expiry: '2030-06-30', vendorString: 'tier:pro', productName: 'CAD', productVersion: '2026', activationId: 'ACT-1', entitlementId: 'ENT-1', overdraft: 1 },
          { id: 'cad-b', name: 'cad', version: '1.0', count: 2, expiry: 'permanent', activationId: 'ACT-2' },
          { id: 'cad-2', name: 'cad', version: '2.0', count: 1, expiry: '2031-01-01' },
          { id: 'hrs', name: 'hours', version: '1.0', count: 100, model: 'metered', metered: { capped: true }, expiry: '2030-01-01' },
          { id: 'view', name: 'viewer', version: '1.0', count: 0, counted: false, expiry: 'permanent' },
        ],
      },
    });
    auth = { authorization: `Bearer ${await server.userToken('reader', 'read-only')}` };
    await server.post(CAPABILITY, { device: { hostId: { value: 'ws-1', type: 'STRING' }, deviceType: 'PHYSICAL', alias: 'workstation 1', user: 'ann' }, features: [{ name: 'cad', version: '1.0', count: 4 }] });
    // ws-1 takes cad-a's 3 (expires first) and cad-2's 1 (2031, before the permanent cad-b);
    // ws-2 takes cad-b's 2; ws-3 then gets the one overdraft count of cad-a.
    await server.post(CAPABILITY, { device: { hostId: { value: 'ws-2', type: 'STRING' }, alias: 'workstation 2', user: 'bob' }, features: [{ name: 'cad', version: '1.0', count: 2 }, { name: 'hours', version: '1.0', count: 30 }] });
    await server.post(CAPABILITY, capability('ws-3', [{ name: 'cad', count: 1 }]));
  });
  afterAll(async () => server.stop());

  it('lists every feature record with all its fields and its usage (Details)', async () => {
    const res = await server.get(`${BASE}/features`, auth);
    expect(res.body.total).toBe(5);
    const a = res.body.items.find((f: { id: string }) => f.id === 'cad-a');
    expect(a).toEqual({
      id: 'cad-a', licenseId: 'read', feature: 'cad', version: '1.0', count: 3, used: 4, available: 0, overdraftUsed: 1, reserved: 0, status: 'active',
      start: null, expiry: '2030-06-30', vendorString: 'tier:pro', productName: 'CAD', productVersion: '2026', activationId: 'ACT-1', entitlementId: 'ENT-1',
      model: 'concurrent', metered: null, counted: true, overdraft: 1, borrowInterval: null,
    });
  });

  it('sums records per name and version (Summary)', async () => {
    const res = await server.get(`${BASE}/features/summaries`, auth);
    const rows = Object.fromEntries(res.body.items.map((s: { feature: string; version: string }) => [`${s.feature} ${s.version}`, s]));
    expect(rows['cad 1.0']).toEqual({
      feature: 'cad', version: '1.0', records: 2, totalCount: 5, totalUsed: 6, totalAvailable: 0, firstExpiration: '2030-06-30', lastExpiration: 'permanent', totalOverdraft: 1, metered: false, counted: true,
    });
    expect(rows['hours 1.0']).toMatchObject({ totalUsed: 30, totalAvailable: 70, metered: true });
    expect(rows['viewer 1.0']).toMatchObject({ totalAvailable: null, counted: false });
  });

  it('finds features by their exact name only', async () => {
    expect((await server.get(`${BASE}/features?name=cad`, auth)).body.total).toBe(3);
    expect((await server.get(`${BASE}/features?name=ca`, auth)).body.total).toBe(0);
    expect((await server.get(`${BASE}/features/summaries?name=cad`, auth)).body.total).toBe(2);
  });

  it('pages every list and reports the total', async () => {
    const first = await server.get(`${BASE}/features?page=1&pageSize=2`, auth);
    const third = await server.get(`${BASE}/features?page=3&pageSize=2`, auth);
    expect([first.body.items.length, third.body.items.length, first.body.total]).toEqual([2, 1, 5]);
    const bad = await server.get(`${BASE}/features?pageSize=5000`, auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'querystring.pageSize', message: 'must be at most 1000' }]);
    expect((await server.get(`${BASE}/devices?page=0`, auth)).body.error.details[0].field).toBe('querystring.page');
  });

  it('shows one record with its used and reserved counts and the devices it serves', async () => {
    const res = await server.get(`${BASE}/features/cad-a`, auth);
    expect(res.body).toMatchObject({ id: 'cad-a', used: 4, reserved: 0 });
    expect(res.body.servedDevices).toEqual([
      expect.objectContaining({ deviceId: 'ws-1', deviceIdType: 'STRING', deviceType: 'PHYSICAL', alias: 'workstation 1', count: 3 }),
      expect.objectContaining({ deviceId: 'ws-3', count: 1 }),
    ]);
    expect(Date.parse(res.body.servedDevices[0].expiry)).toBeGreaterThan(Date.now());
    expect((await server.get(`${BASE}/features/nope`, auth)).status).toBe(404);
  });

  it('lists the devices served with alias, ID type, device type and user', async () => {
    const res = await server.get(`${BASE}/devices`, auth);
    expect(res.body.total).toBe(3);
    expect(res.body.items[0]).toMatchObject({ deviceId: 'ws-1', deviceIdType: 'STRING', deviceType: 'PHYSICAL', alias: 'workstation 1', user: 'ann', countHeld: 4 });
  });

  it('shows a device with what it consumes and when all of it lapses', async () => {
    const res = await server.get(`${BASE}/devices/STRING/ws-2`, auth);
    expect(res.body.consumedFeatures.map((h: { feature: string; kind: string; count: number }) => [h.feature, h.kind, h.count]).sort()).toEqual([
      ['cad', 'lease', 2],
      ['hours', 'consumption', 30],
    ]);
    // The metered units last until their record ends (2030-01-01), later than any lease.
    expect(res.body.deviceExpiry).toBe('2030-01-02T00:00:00.000Z');
    expect((await server.get(`${BASE}/devices/STRING/nobody`, auth)).status).toBe(404);
    expect((await server.get(`${BASE}/devices/WIFI/ws-2`, auth)).status).toBe(400);
  });

  it('answers health without credentials with version, uptime, storage, sync status and no back office when none is configured', async () => {
    const res = await server.get('/api/1.0/health');
    expect(res.body).toMatchObject({ status: 'ok', version: expect.any(String), uptimeSeconds: expect.any(Number), storage: { ok: true }, sync: { enabled: false }, backOffice: null });
  });
});
