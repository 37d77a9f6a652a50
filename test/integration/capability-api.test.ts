import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';
import { outboxEvents } from '../support/storage.js';

const FEATURES = {
  licenseId: 'api-test',
  features: [
    { name: 'cad', version: '2.0', count: 3, expiry: 'permanent' },
    { name: 'cam', version: '1.0', count: 2, overdraft: 1, expiry: 'permanent', borrowInterval: '1h' },
    { name: 'hours', version: '1.0', count: 10, model: 'metered', metered: { capped: true, undoInterval: '5m' }, expiry: 'permanent' },
    { name: 'old', version: '1.0', count: 1, expiry: '2020-01-01' },
  ],
};

describe('POST /api/1.0/instances/~/capability', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ features: FEATURES });
  });
  afterAll(async () => server.stop());

  it('grants a lease and lists it with version, count, expiry, renew time and record', async () => {
    const res = await server.post(CAPABILITY, capability('api-1', [{ name: 'cad', version: '1.0', count: 2 }]));
    expect(res.status).toBe(200);
    expect(res.body.denied).toEqual([]);
    expect(res.body.granted).toEqual([
      expect.objectContaining({ feature: 'cad', version: '2.0', count: 2, kind: 'lease', model: 'concurrent', overdraft: 0 }),
    ]);
    const line = res.body.granted[0];
    expect(Date.parse(line.expires)).toBeGreaterThan(Date.now());
    expect(Date.parse(line.renewAt)).toBeLessThan(Date.parse(line.expires));
    expect(line.recordId).toMatch(/^[0-9a-f]{16}$/);
    expect(res.body.renewInterval).toBe(15);
  });

  it('refuses with denial code, name and description and records the denial as a usage event', async () => {
    const res = await server.post(CAPABILITY, capability('api-2', [{ name: 'cad', count: 2 }]));
    expect(res.body.denied).toEqual([
      { feature: 'cad', version: '1.0', count: 2, code: 7, name: 'INSUFFICIENT_COUNT', description: expect.any(String) },
    ]);
    const denials = outboxEvents(server.dataDir).filter((e) => e.kind === 'deny' && e.deviceId === 'api-2');
    expect(denials).toEqual([expect.objectContaining({ statusCode: 7, feature: 'cad', count: 2, inUseAfter: 2, capacity: 3 })]);
  });

  it.each([
    { feature: { name: 'nope', count: 1 }, code: 15 },
    { feature: { name: 'cad', version: '3.0', count: 1 }, code: 12 },
    { feature: { name: 'old', count: 1 }, code: 11 },
  ])('answers $code for $feature.name at $feature.version', async ({ feature, code }) => {
    const res = await server.post(CAPABILITY, capability('api-3', [feature]));
    expect(res.status).toBe(200);
    expect(res.body.denied.map((d: { code: number }) => d.code)).toEqual([code]);
  });

  it('returns what the device holds, unchanged, for a request without desired features', async () => {
    const before = outboxEvents(server.dataDir).length;
    const res = await server.post(CAPABILITY, { device: { hostId: { value: 'api-1', type: 'STRING' } } });
    expect(res.body.granted).toEqual([expect.objectContaining({ feature: 'cad', count: 2 })]);
    expect(outboxEvents(server.dataDir).length).toBe(before);
  });

  it('previews a request without changing anything', async () => {
    const before = outboxEvents(server.dataDir).length;
    const res = await server.post(CAPABILITY, capability('api-4', [{ name: 'cad', count: 1 }], { operation: 'preview' }));
    expect(res.body.preview).toBe(true);
    expect(res.body.granted).toEqual([expect.objectContaining({ feature: 'cad', count: 1 })]);
    const status = await server.post(CAPABILITY, { device: { hostId: { value: 'api-4', type: 'STRING' } } });
    expect(status.body.granted).toEqual([]);
    expect(outboxEvents(server.dataDir).length).toBe(before);
  });

  it('frees counts at once when a device gives them back', async () => {
    await server.post(CAPABILITY, capability('api-1', [{ name: 'cad', count: -2 }], { incremental: true }));
    const res = await server.post(CAPABILITY, capability('api-5', [{ name: 'cad', count: 3 }]));
    expect(res.body.denied).toEqual([]);
    expect(res.body.granted[0].count).toBe(3);
    await server.post(CAPABILITY, capability('api-5', [{ name: 'cad', count: 0 }]));
  });

  it('uses the shorter of the feature borrow interval and the client request', async () => {
    const res = await server.post(CAPABILITY, capability('api-6', [{ name: 'cam', count: 1 }], { borrowInterval: '2h' }));
    const ms = Date.parse(res.body.granted[0].expires) - Date.parse(res.body.serverTime);
    expect(ms).toBe(3_600_000);
    const shorter = await server.post(CAPABILITY, capability('api-6', [{ name: 'cam', count: 1 }], { borrowInterval: 600 }));
    expect(Date.parse(shorter.body.granted[0].expires) - Date.parse(shorter.body.serverTime)).toBe(600_000);
  });

  it('serves overdraft once regular counts are gone and says so', async () => {
    const res = await server.post(CAPABILITY, capability('api-7', [{ name: 'cam', count: 2 }]));
    expect(res.body.denied).toEqual([]);
    expect(res.body.granted).toEqual([expect.objectContaining({ feature: 'cam', count: 2, overdraft: 1 })]);
  });

  it('consumes metered units and undoes a consumption by its correlation ID', async () => {
    const consumed = await server.post(CAPABILITY, capability('api-8', [{ name: 'hours', count: 4 }]));
    expect(consumed.body.granted).toEqual([expect.objectContaining({ feature: 'hours', kind: 'consumption', count: 4 })]);
    const capped = await server.post(CAPABILITY, capability('api-9', [{ name: 'hours', count: 7 }]));
    expect(capped.body.denied[0]).toMatchObject({ code: 58, name: 'WOULD_CAUSE_OVERAGE' });
    const undo = await server.post(CAPABILITY, { device: { hostId: { value: 'api-8', type: 'STRING' } }, operation: 'undo', correlationId: consumed.body.correlationId });
    expect(undo.status).toBe(200);
    expect(undo.body.granted).toEqual([]);
    const again = await server.post(CAPABILITY, capability('api-9', [{ name: 'hours', count: 7 }]));
    expect(again.body.denied).toEqual([]);
  });

  it('answers 404 for an undo of a consumption the device never made', async () => {
    const res = await server.post(CAPABILITY, { device: { hostId: { value: 'api-8', type: 'STRING' } }, operation: 'undo', correlationId: 'no-such-id' });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', details: [{ field: 'correlationId', message: expect.any(String) }] });
  });

  it('treats ETHERNET hostids written with or without separators as one device', async () => {
    const a = await server.post(CAPABILITY, { device: { hostId: { value: '72:00:01:4f:5d:f0', type: 'ETHERNET' } }, features: [{ name: 'cam', version: '1.0', count: 0 }] });
    expect(a.status).toBe(200);
    await server.post(CAPABILITY, { device: { hostId: { value: '7200014F5DF0', type: 'ETHERNET' } }, features: [{ name: 'cad', version: '1.0', count: 1 }], partial: true });
    const status = await server.post(CAPABILITY, { device: { hostId: { value: '72-00-01-4F-5D-F0', type: 'ETHERNET' } } });
    expect(status.body.granted.map((g: { feature: string }) => g.feature)).toContain('cad');
  });

  it('accepts hostid types in any case, an encoded ~ and a trailing slash, as clients send them', async () => {
    const res = await fetch(`${server.url}/api/1.0/instances/%7E/capability/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ device: { hostId: { value: 'aa:bb:cc:dd:ee:ff', type: 'ethernet' } }, features: [{ name: 'cam', version: '1.0', count: 0 }] }),
    });
    expect(res.status).toBe(200);
  });

  it('answers health without credentials', async () => {
    const res = await server.get('/api/1.0/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', storage: { ok: true } });
  });

  it('serves the OpenAPI document generated from the route schemas', async () => {
    const res = await server.get('/docs/json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toContain('/api/1.0/instances/~/capability');
    expect(JSON.stringify(res.body.paths['/api/1.0/instances/~/capability'])).toContain('hostId');
  });
});

describe('lease expiry', () => {
  it('ends lapsed leases on the sweeper, records an expire event and frees the count', async () => {
    const server = await startTestServer({
      features: [{ name: 'short', version: '1.0', count: 1, expiry: 'permanent', borrowInterval: 1 }],
      settings: { 'licensing.clientExpiryTimer': 1 },
    });
    try {
      await server.post(CAPABILITY, capability('holder', [{ name: 'short', count: 1 }]));
      expect((await server.post(CAPABILITY, capability('waiter', [{ name: 'short', count: 1 }]))).body.denied).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const expired = outboxEvents(server.dataDir).filter((e) => e.kind === 'expire');
      expect(expired).toEqual([expect.objectContaining({ deviceId: 'holder', feature: 'short', count: 1, inUseAfter: 0 })]);
      expect((await server.post(CAPABILITY, capability('waiter', [{ name: 'short', count: 1 }]))).body.denied).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
