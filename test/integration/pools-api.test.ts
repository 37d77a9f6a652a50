import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, startTestServer } from '../support/test-server.js';
import { outboxEvents, storedPoolHoldings } from '../support/storage.js';

const BASE = '/api/1.0/instances/~';
const FEATURES = [
  { id: 'cad-a', name: 'cad', version: '2.0', count: 6, expiry: 'permanent' },
  { id: 'cad-b', name: 'cad', version: '2.0', count: 2, expiry: '2030-01-01' },
  { id: 'viewer', name: 'viewer', version: '1.0', count: 4, expiry: 'permanent' },
  { id: 'android', name: 'eb-feature-android-eval', version: '2.0', count: 8, expiry: 'permanent' },
];

// Written with comments, odd spacing and CRLF line ends: it must come back byte for byte.
const MODEL = [
  'model "site" {',
  '  // 8 cad: 5 for engineering, 2 for the build farm, 1 left in default',
  '  partitions {',
  '    partition "eng"   { "cad" 2.0 5   "viewer" 1.0 50% }',
  '    partition "build" { "cad" 2.0 2 }',
  '  }',
  '  on dictionary("dept":"eng") { use "eng" max 3 continue }',
  '  on hostname("build-*")      { use "build" accept }',
  '  on hosttype("KIOSK")        { deny }',
  '}',
  '',
].join('\r\n');

// The example of the reference document: its pools add up to 11 counts of a feature with 8.
const SEED_EXAMPLE = `model "exampleModelDefinition" {
  partitions {
    partition "0800 - PUNE" { "eb-feature-android-eval" 2.0 3 }
    partition "0800 - PUNE" { "eb-feature-android-eval" 2.0 2 }
    partition "2200 - NECKARSULM" { "eb-feature-android-eval" 2.0 3 }
    partition "4600 - BRUSSELS" { "eb-feature-android-eval" 2.0 2 }
    partition "1400 - KASSEL" { "eb-feature-android-eval" 2.0 1 }
  }
}`;

/** Counts per pool of grant lines or events (a pool's counts may come from several records). */
const byPool = (lines: Array<{ pool: string | null; count: number }>) =>
  lines.reduce<Record<string, number>>((acc, l) => ({ ...acc, [String(l.pool)]: (acc[String(l.pool)] ?? 0) + l.count }), {});
const device = (id: string, extra: Record<string, unknown> = {}) => ({ hostId: { value: id, type: 'STRING' }, ...extra });
const ask = (id: string, count: number, extra: Record<string, unknown> = {}, more: Record<string, unknown> = {}) => ({
  device: device(id, extra),
  features: [{ name: 'cad', version: '2.0', count }],
  ...more,
});

describe('named license pools over the admin API', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  let readOnly: Record<string, string>;
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-pools-'));

  beforeAll(async () => {
    server = await startTestServer({ features: FEATURES, dataDir });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    readOnly = { authorization: `Bearer ${await server.userToken('viewer', 'read-only')}` };
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has no model at first: 404 for the model, an empty pool listing, and grants without a pool', async () => {
    expect((await server.get(`${BASE}/model`, auth)).status).toBe(404);
    expect((await server.get(`${BASE}/pools`, auth)).body).toMatchObject({ model: null, total: 0, items: [] });
    const grant = await server.post(CAPABILITY, ask('plain', 1));
    expect(grant.body.granted).toMatchObject([{ feature: 'cad', count: 1, pool: null }]);
    await server.post(CAPABILITY, ask('plain', 0));
  });

  it('lets only admins change the model, and every role read it', async () => {
    expect((await server.call('PUT', `${BASE}/model`, { text: MODEL })).status).toBe(401);
    const forbidden = await server.call('PUT', `${BASE}/model`, { text: MODEL }, readOnly);
    expect(forbidden.status).toBe(403);
    expect((await server.call('DELETE', `${BASE}/model`, undefined, readOnly)).status).toBe(403);
    expect((await server.get(`${BASE}/pools`, readOnly)).status).toBe(200);
  });

  it.each([
    [{}, 'body.text', /required/],
    [{ text: 42 }, 'body.text', /model definition as text/],
    [{ text: '' }, 'body.text', /not be empty/],
    [{ text: MODEL, extra: 1 }, 'body.extra', /not a known field/],
  ])('refuses the body %j naming %s', async (body, field, message) => {
    const res = await server.call('PUT', `${BASE}/model`, body, auth);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe(field);
    expect(res.body.error.details[0].message).toMatch(message);
  });

  it("refuses the reference document's over-allocating model with the line, and activates nothing", async () => {
    const res = await server.call('PUT', `${BASE}/model`, { text: SEED_EXAMPLE }, auth);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('MODEL_REJECTED');
    expect(res.body.error.message).toMatch(/^Line 4, column 5: Partition "0800 - PUNE" is already defined on line 3/);
    expect(res.body.error.details.map((d: { field: string; message: string }) => d.message)).toEqual([
      expect.stringMatching(/^line 4, column 5: Partition "0800 - PUNE" is already defined/),
      expect.stringMatching(/^line 6, column 35: The pools now take 10 of "eb-feature-android-eval" 2\.0, but the server holds 8/),
      expect.stringMatching(/^line 7, column 33: The pools now take 11 of "eb-feature-android-eval" 2\.0, but the server holds 8/),
    ]);
    expect(res.body.error.details[0]).toMatchObject({ field: 'body.text' });
    expect((await server.get(`${BASE}/model`, auth)).status).toBe(404);
  });

  it('refuses a syntax error with line and column, and checks a model without activating it', async () => {
    const broken = await server.call('PUT', `${BASE}/model`, { text: 'model "m" {\n  on any() { use "default" }\n}' }, auth);
    expect(broken.status).toBe(422);
    expect(broken.body.error.message).toMatch(/^Line 2, column 28: Expected "use", "all from", "max"/);
    const checked = await server.post(`${BASE}/model/validate`, { text: MODEL }, auth);
    expect(checked.status).toBe(200);
    expect(checked.body.model).toEqual({
      name: 'site',
      rules: 3,
      pools: [
        { name: 'eng', features: 2, allocated: 7 },
        { name: 'build', features: 1, allocated: 2 },
        { name: 'default', features: 3, allocated: 11 },
      ],
    });
    expect((await server.get(`${BASE}/model`, auth)).status).toBe(404);
  });

  it('activates a model and reads its text back exactly as uploaded', async () => {
    const res = await server.call('PUT', `${BASE}/model`, { text: MODEL }, auth);
    expect(res.status).toBe(200);
    expect(res.body.replaced).toBe(false);
    const model = await server.get(`${BASE}/model`, readOnly);
    expect(model.body).toMatchObject({ name: 'site', text: MODEL, activatedBy: 'admin' });
  });

  it('draws grants from the pools the rules allow, and puts the pool on the grant and its usage event', async () => {
    const eng = await server.post(CAPABILITY, ask('eng-1', 4, { vendorDictionary: { dept: 'eng' } }));
    expect(eng.body.denied).toEqual([]);
    // max 3 from eng, the fourth from default (the rule continues, no rule accepts).
    expect(byPool(eng.body.granted)).toEqual({ default: 1, eng: 3 });
    const build = await server.post(CAPABILITY, ask('b1', 2, { alias: 'build-01' }));
    expect(build.body.granted).toMatchObject([{ pool: 'build', count: 2 }]);
    // The build farm has no access to default: its third count is refused although default has one.
    const more = await server.post(CAPABILITY, ask('b2', 1, { alias: 'build-02' }));
    expect(more.body.denied).toMatchObject([{ code: 7, name: 'INSUFFICIENT_COUNT' }]);
    const kiosk = await server.post(CAPABILITY, ask('k1', 1, { hostType: 'KIOSK' }));
    expect(kiosk.body.denied).toMatchObject([{ code: 80, name: 'RULE_REJECTION' }]);
    const capped = await server.post(CAPABILITY, ask('eng-1', 1, { vendorDictionary: { dept: 'eng' } }, { incremental: true }));
    expect(capped.body.denied).toMatchObject([{ code: 81, name: 'RULE_MAX_EXCEEDED' }]);
    await server.service.flush();
    const events = outboxEvents(dataDir).filter((e) => e.deviceId === 'eng-1' || e.deviceId === 'k1' || e.deviceId === 'b1');
    expect(byPool(events.filter((e) => e.kind === 'checkout').map((e) => ({ pool: `${e.deviceId}/${e.pool}`, count: e.count })))).toEqual({
      'b1/build': 2,
      'eng-1/default': 1,
      'eng-1/eng': 3,
    });
    expect(events.filter((e) => e.kind === 'deny').map((e) => e.statusCode).sort()).toEqual([80, 81]);
  });

  it('lists every pool with allocated, used, expiration and status for the License Server Manager', async () => {
    const res = await server.get(`${BASE}/pools?pageSize=2`, readOnly);
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('site');
    expect(res.body.total).toBe(3);
    expect(res.body.items).toEqual([
      {
        id: 1,
        name: 'eng',
        features: [
          { feature: 'cad', version: '2.0', expiration: 'permanent', allocated: 5, used: 3, status: 'normal' },
          { feature: 'viewer', version: '1.0', expiration: 'permanent', allocated: 2, used: 0, status: 'normal' },
        ],
      },
      { id: 2, name: 'build', features: [{ feature: 'cad', version: '2.0', expiration: 'permanent', allocated: 2, used: 2, status: 'normal' }] },
    ]);
    expect((await server.get(`${BASE}/pools?page=2&pageSize=2`, readOnly)).body.items[0].name).toBe('default');
  });

  it('keeps the model and the pool of every holding across a restart', async () => {
    await server.stop();
    server = await startTestServer({ dataDir, keys: server.keys });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    expect((await server.get(`${BASE}/model`, auth)).body.text).toBe(MODEL);
    const pools = (await server.get(`${BASE}/pools`, auth)).body.items;
    expect(pools.find((p: { name: string }) => p.name === 'build').features[0].used).toBe(2);
    const renewed = await server.post(CAPABILITY, ask('b1', 2, { alias: 'build-01' }));
    expect(renewed.body.granted).toMatchObject([{ pool: 'build', count: 2 }]);
  });

  it('never over-allocates a pool while many devices race for it over HTTP', async () => {
    const clients = 30;
    for (let round = 0; round < 8; round++) {
      const results = await Promise.all(
        Array.from({ length: clients }, (_, i) =>
          server.post(CAPABILITY, ask(`racer-${i}`, 1 + ((i + round) % 3), i % 2 === 0 ? { vendorDictionary: { dept: 'eng' } } : { alias: `build-r${i}` }, { partial: i % 4 === 0 })),
        ),
      );
      for (const r of results) expect(r.status).toBe(200);
      const rows = storedPoolHoldings(dataDir).filter((h) => h.feature === 'cad');
      const byPool = (pool: string) => rows.filter((h) => h.pool === pool).reduce((n, h) => n + h.count, 0);
      expect(byPool('eng')).toBeLessThanOrEqual(5);
      expect(byPool('build')).toBeLessThanOrEqual(2);
      expect(byPool('default')).toBeLessThanOrEqual(1);
      expect(rows.reduce((n, h) => n + h.count, 0)).toBeLessThanOrEqual(8);
    }
    const listed = (await server.get(`${BASE}/pools`, auth)).body.items;
    for (const pool of listed) for (const f of pool.features) expect(f.used).toBeLessThanOrEqual(f.allocated);
  });

  it('refuses reservations while the model is active, saying what to remove first', async () => {
    const res = await server.post(`${BASE}/reservationgroups`, {
      name: 'vip',
      reservations: [{ hostId: { value: 'x', type: 'STRING' }, reservationEntries: [{ featureName: 'cad', featureVersion: '1.0', featureCount: 1 }] }],
    }, auth);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/delete it before adding reservations/);
  });

  it('replaces the model, and deletes it so that every count is in the default pool again', async () => {
    const replaced = await server.call('PUT', `${BASE}/model`, { text: 'model "open" { }' }, auth);
    expect(replaced.body).toMatchObject({ replaced: true, model: { name: 'open' } });
    expect((await server.call('DELETE', `${BASE}/model`, undefined, auth)).status).toBe(204);
    expect((await server.call('DELETE', `${BASE}/model`, undefined, auth)).status).toBe(404);
    expect((await server.get(`${BASE}/pools`, auth)).body.model).toBeNull();
    // Counts drawn from pools stay held until given back; a full request gives them back as usual.
    for (const id of ['eng-1', 'b1', ...Array.from({ length: 30 }, (_, i) => `racer-${i}`)]) {
      expect((await server.post(CAPABILITY, ask(id, 0))).body.granted).toEqual([]);
    }
    const grant = await server.post(CAPABILITY, ask('after', 1, { hostType: 'KIOSK' }));
    expect(grant.body.granted).toMatchObject([{ pool: null }]);
  });
});

describe('a model activated while devices hold counts, over the admin API', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-pools-held-'));
  const features = [
    { id: 'cad', name: 'cad', version: '2.0', count: 8, expiry: 'permanent' },
    { id: 'viewer', name: 'viewer', version: '1.0', count: 0, counted: false, expiry: 'permanent' },
  ];
  const HELD_MODEL = `model "held" {
  partitions { partition "eng" { "cad" 2.0 5 } partition "build" { "cad" 2.0 2 } }
  on dictionary("dept":"eng") { use "eng" max 3 continue }
  on hostname("build-*") { use "build" accept }
}`;
  const viewer = (id: string) => ({ device: device(id), features: [{ name: 'viewer', version: '1.0', count: 1 }] });
  const line = (items: Array<{ name: string; features: Array<{ feature: string }> }>, pool: string, feature: string) =>
    items.find((p) => p.name === pool)?.features.find((f) => f.feature === feature);

  beforeAll(async () => {
    server = await startTestServer({ features, dataDir });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts leases taken before activation in the pools their devices would draw from', async () => {
    expect((await server.post(CAPABILITY, ask('eng-early', 3, { vendorDictionary: { dept: 'eng' } }))).status).toBe(200);
    expect((await server.post(CAPABILITY, ask('build-early', 1, { alias: 'build-01' }))).status).toBe(200);
    expect((await server.post(CAPABILITY, ask('anyone-early', 1))).status).toBe(200);
    expect((await server.call('PUT', `${BASE}/model`, { text: HELD_MODEL }, auth)).status).toBe(200);
    const items = (await server.get(`${BASE}/pools`, auth)).body.items;
    expect(line(items, 'eng', 'cad')).toMatchObject({ allocated: 5, used: 3, status: 'normal' });
    expect(line(items, 'build', 'cad')).toMatchObject({ allocated: 2, used: 1, status: 'normal' });
    expect(line(items, 'default', 'cad')).toMatchObject({ allocated: 1, used: 1, status: 'normal' });
    // The pools know what is taken: eng has 2 left for a new engineer, default none for a newcomer.
    expect((await server.post(CAPABILITY, ask('eng-late', 2, { vendorDictionary: { dept: 'eng' } }))).body.granted).toMatchObject([{ pool: 'eng', count: 2 }]);
    expect((await server.post(CAPABILITY, ask('anyone-late', 1))).body.denied).toMatchObject([{ code: 7, name: 'INSUFFICIENT_COUNT' }]);
  });

  it('shows an uncounted feature as uncounted, not over-used, however many devices use it', async () => {
    for (const id of ['v1', 'v2']) expect((await server.post(CAPABILITY, viewer(id))).body.granted).toMatchObject([{ feature: 'viewer', count: 1 }]);
    const items = (await server.get(`${BASE}/pools`, auth)).body.items;
    expect(line(items, 'default', 'viewer')).toMatchObject({ allocated: 0, used: 2, status: 'uncounted' });
  });

  it('keeps the pools of the counts placed at activation across a restart', async () => {
    await server.stop();
    server = await startTestServer({ dataDir, keys: server.keys });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    const items = (await server.get(`${BASE}/pools`, auth)).body.items;
    expect(line(items, 'eng', 'cad')).toMatchObject({ used: 5 });
    expect(line(items, 'build', 'cad')).toMatchObject({ used: 1 });
    expect(storedPoolHoldings(dataDir).filter((h) => h.feature === 'cad' && h.pool === null)).toEqual([]);
  });
});
