import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, startTestServer } from '../support/test-server.js';
import { outboxEvents, storedPoolHoldings } from '../support/storage.js';

const BASE = '/api/1.0/instances/~';
const FEATURES = [
  { id: 'cad', name: 'cad', version: '2.0', count: 4, expiry: 'permanent' },
  { id: 'viewer', name: 'viewer', version: '1.0', count: 4, expiry: 'permanent' },
];

// Comments, odd spacing and CRLF line ends: it must come back byte for byte.
const FILTER = [
  'filter "site" {',
  '  // CAD on workstations only; guests view.',
  '  deny   feature("cad") and devicetype(VIRTUAL)   because "CAD runs on workstations only"',
  '  deny feature("cad") and user("guest*")',
  '  default allow',
  '}',
  '',
].join('\r\n');

const MODEL = 'model "m" { partitions { partition "eng" { "cad" 2.0 2 } } on user("eng-*") { use "eng" accept } on any() { deny } }';

const ask = (id: string, features: Array<{ name: string; version: string; count: number }>, device: Record<string, unknown> = {}) => ({
  device: { hostId: { value: id, type: 'STRING' }, ...device },
  features,
});
const cad = (count: number) => [{ name: 'cad', version: '2.0', count }];

describe('checkout filters over the admin API', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  let readOnly: Record<string, string>;
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-filters-'));

  beforeAll(async () => {
    server = await startTestServer({ features: FEATURES, dataDir });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    readOnly = { authorization: `Bearer ${await server.userToken('viewer', 'read-only')}` };
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has no filter at first: 404 to read or delete it, and every request is decided as before', async () => {
    expect((await server.get(`${BASE}/filters`, auth)).status).toBe(404);
    expect((await server.call('DELETE', `${BASE}/filters`, undefined, auth)).body.error.code).toBe('NOT_FOUND');
    const granted = await server.post(CAPABILITY, ask('vm-1', cad(1), { deviceType: 'VIRTUAL' }));
    expect(granted.body.denied).toEqual([]);
    await server.post(CAPABILITY, ask('vm-1', cad(0)));
  });

  it('validates a filter without activating it, answering a mistake with its line and column under body.text', async () => {
    const ok = await server.post(`${BASE}/filters/validate`, { text: FILTER }, auth);
    expect(ok.status).toBe(200);
    expect(ok.body.filter).toEqual({
      name: 'site',
      timeZone: 'UTC',
      defaultAction: 'allow',
      rules: [
        { line: 3, action: 'deny', text: 'deny feature("cad") and devicetype(VIRTUAL) because "CAD runs on workstations only"', reason: 'CAD runs on workstations only' },
        { line: 4, action: 'deny', text: 'deny feature("cad") and user("guest*")', reason: null },
      ],
    });
    const bad = await server.post(`${BASE}/filters/validate`, { text: 'filter "f" {\n  deny hours(09:00-17:60)\n}' }, auth);
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'FILTER_REJECTED', details: [{ field: 'body.text', message: expect.stringMatching(/^line 2, column 20: Expected a time of day/) }] });
    expect((await server.get(`${BASE}/filters`, auth)).status).toBe(404);
  });

  it('refuses malformed bodies with 400 naming the field', async () => {
    for (const body of [{}, { text: 5 }, { text: '' }, { text: FILTER, extra: 1 }]) {
      const res = await server.call('PUT', `${BASE}/filters`, body, auth);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toMatch(/^body/);
    }
  });

  it('lets only admins change or validate the filter, and every role read it', async () => {
    expect((await server.call('PUT', `${BASE}/filters`, { text: FILTER })).status).toBe(401);
    expect((await server.call('PUT', `${BASE}/filters`, { text: FILTER }, readOnly)).status).toBe(403);
    expect((await server.post(`${BASE}/filters/validate`, { text: FILTER }, readOnly)).status).toBe(403);
    expect((await server.call('DELETE', `${BASE}/filters`, undefined, readOnly)).status).toBe(403);
    const put = await server.call('PUT', `${BASE}/filters`, { text: FILTER }, auth);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ replaced: false, filter: { name: 'site' } });
    const read = await server.get(`${BASE}/filters`, readOnly);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ name: 'site', text: FILTER, activatedBy: 'admin', filter: { defaultAction: 'allow' } });
  });

  it('keeps the active filter when a replacement is refused: nothing half-applied', async () => {
    const res = await server.call('PUT', `${BASE}/filters`, { text: 'filter "broken" { deny user( }' }, auth);
    expect(res.status).toBe(422);
    expect((await server.get(`${BASE}/filters`, auth)).body.name).toBe('site');
    expect((await server.post(CAPABILITY, ask('vm-2', cad(1), { deviceType: 'VIRTUAL' }))).body.denied.map((d: { code: number }) => d.code)).toEqual([67]);
  });

  it('denies a filtered feature with 67 FILTER_REJECTION, saying which rule, records a deny event, and grants what the filter allows', async () => {
    const res = await server.post(CAPABILITY, ask('vm-3', [...cad(1), { name: 'viewer', version: '1.0', count: 1 }], { deviceType: 'VIRTUAL' }));
    expect(res.status).toBe(200);
    expect(res.body.denied).toEqual([
      { feature: 'cad', version: '2.0', count: 1, code: 67, name: 'FILTER_REJECTION', description: 'Checkout filter "site", line 3: CAD runs on workstations only' },
    ]);
    expect(res.body.granted).toMatchObject([{ feature: 'viewer', count: 1 }]);
    const guest = await server.post(CAPABILITY, ask('ws-9', cad(1), { user: 'guest-7' }));
    expect(guest.body.denied[0].description).toBe('Checkout filter "site", line 4: deny feature("cad") and user("guest*")');
    const physical = await server.post(CAPABILITY, ask('ws-1', cad(2), { deviceType: 'PHYSICAL', user: 'ann' }));
    expect(physical.body.denied).toEqual([]);
    await server.service.flush();
    const denials = outboxEvents(dataDir).filter((e) => e.kind === 'deny');
    expect(denials.map((e) => [e.deviceId, e.feature, e.statusCode])).toEqual(expect.arrayContaining([['vm-3', 'cad', 67], ['ws-9', 'cad', 67]]));
  });

  it('decides before pools: a filtered request draws nothing from a pool and is not refused by its rules', async () => {
    expect((await server.call('PUT', `${BASE}/model`, { text: MODEL }, auth)).status).toBe(200);
    const filtered = await server.post(CAPABILITY, ask('vm-4', cad(1), { deviceType: 'VIRTUAL', user: 'eng-4' }));
    expect(filtered.body.denied.map((d: { code: number }) => d.code)).toEqual([67]);
    const ruled = await server.post(CAPABILITY, ask('ws-5', cad(1), { user: 'sales-5' }));
    expect(ruled.body.denied.map((d: { code: number }) => d.code)).toEqual([80]);
    const drawn = await server.post(CAPABILITY, ask('ws-6', cad(1), { user: 'eng-6' }));
    expect(drawn.body.granted).toMatchObject([{ feature: 'cad', pool: 'eng', count: 1 }]);
    await server.service.flush();
    expect(storedPoolHoldings(dataDir).filter((h) => h.pool === 'eng').map((h) => h.device_key)).toEqual(['STRING:ws-6']);
    await server.post(CAPABILITY, ask('ws-6', cad(0)));
    await server.post(CAPABILITY, ask('ws-1', cad(0)));
    expect((await server.call('DELETE', `${BASE}/model`, undefined, auth)).status).toBe(204);
  });

  it('decides before reservations: a filtered device draws nothing of what is reserved for it', async () => {
    const group = { name: 'vms', reservations: [{ hostId: { value: 'vm-7', type: 'STRING' }, reservationEntries: [{ featureName: 'cad', featureVersion: '2.0', featureCount: 2 }] }] };
    const added = await server.post(`${BASE}/reservationgroups`, group, auth);
    expect(added.status).toBe(201);
    const filtered = await server.post(CAPABILITY, ask('vm-7', cad(1), { deviceType: 'VIRTUAL' }));
    expect(filtered.body).toMatchObject({ granted: [], denied: [{ code: 67 }] });
    // Asking for nothing is served what is reserved, and the filter decides that too.
    const unasked = await server.post(CAPABILITY, ask('vm-7', [], { deviceType: 'VIRTUAL' }));
    expect(unasked.body).toMatchObject({ granted: [], denied: [{ feature: 'cad', count: 2, code: 67 }] });
    const physical = await server.post(CAPABILITY, ask('vm-7', cad(1), { deviceType: 'PHYSICAL' }));
    expect(physical.body.granted).toMatchObject([{ feature: 'cad', pool: 'reservations', count: 1 }]);
    await server.post(CAPABILITY, ask('vm-7', cad(0)));
    expect((await server.post(`${BASE}/reservationgroups/delete`, { ids: [added.body.id] }, auth)).status).toBeLessThan(300);
  });

  it('answers a preview as the request would be decided, filter included, changing nothing', async () => {
    const preview = await server.post(CAPABILITY, { ...ask('vm-8', cad(1), { deviceType: 'VIRTUAL' }), operation: 'preview' });
    expect(preview.body).toMatchObject({ preview: true, granted: [], denied: [{ code: 67 }] });
  });

  it('never filters a return: a device the filter refuses gives back what it held', async () => {
    const held = await server.post(CAPABILITY, ask('vm-5', cad(1)));
    expect(held.body.granted).toMatchObject([{ feature: 'cad', count: 1 }]);
    const back = await server.post(CAPABILITY, ask('vm-5', cad(0), { deviceType: 'VIRTUAL' }));
    expect(back.body).toMatchObject({ denied: [], granted: [] });
  });

  it('keeps the filter exactly as uploaded across a restart, still deciding with it', async () => {
    await server.stop();
    server = await startTestServer({ dataDir, keys: server.keys });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    expect((await server.get(`${BASE}/filters`, auth)).body.text).toBe(FILTER);
    expect((await server.post(CAPABILITY, ask('vm-6', cad(1), { deviceType: 'VIRTUAL' }))).body.denied.map((d: { code: number }) => d.code)).toEqual([67]);
  });

  it('replaces the filter at once, and deleting it lets every device check out again', async () => {
    const replaced = await server.call('PUT', `${BASE}/filters`, { text: 'filter "night" { deny hours(00:00-24:00) }' }, auth);
    expect(replaced.body).toMatchObject({ replaced: true, filter: { name: 'night' } });
    expect((await server.post(CAPABILITY, ask('ws-7', cad(1)))).body.denied.map((d: { code: number }) => d.code)).toEqual([67]);
    expect((await server.call('DELETE', `${BASE}/filters`, undefined, auth)).status).toBe(204);
    expect((await server.get(`${BASE}/filters`, auth)).status).toBe(404);
    expect((await server.post(CAPABILITY, ask('ws-7', cad(1)))).body.denied).toEqual([]);
  });
});
