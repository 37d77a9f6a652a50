import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';

const BASE = '/api/1.0/instances/~';
const group = (name: string, host: string, count: number) => ({
  name,
  reservations: [{ hostId: { value: host, type: 'STRING' }, reservationEntries: [{ featureName: 'cad', featureVersion: '1.0', featureCount: count }] }],
});

describe('pools and reservations in trusted storage', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-alloc-'));

  beforeAll(async () => {
    server = await startTestServer({ dataDir, features: [{ name: 'cad', version: '1.0', count: 2, expiry: 'permanent' }] });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    // Storage refuses a group or a model named "doomed", as a full disk would.
    const db = new Database(join(dataDir, 'server.db'));
    db.exec(`CREATE TRIGGER doomed_group BEFORE INSERT ON reservation_groups WHEN NEW.name = 'doomed'
               BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END;
             CREATE TRIGGER doomed_model BEFORE INSERT ON license_model WHEN NEW.name = 'doomed'
               BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END;`);
    db.close();
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('forgets a reservation group storage refused: 503, and its counts stay free', async () => {
    const res = await server.post(`${BASE}/reservationgroups`, group('doomed', 'vip', 2), auth);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('STORAGE_UNAVAILABLE');
    expect((await server.get(`${BASE}/reservationgroups`, auth)).body.total).toBe(0);
    const walkIn = await server.post(CAPABILITY, capability('walk-in', [{ name: 'cad', count: 2 }]));
    expect(walkIn.body.denied).toEqual([]);
    await server.post(CAPABILITY, capability('walk-in', [{ name: 'cad', count: 0 }]));
  });

  it('forgets a model storage refused: 503, no model, no rules applied', async () => {
    const res = await server.call('PUT', `${BASE}/model`, { text: 'model "doomed" { on any() { deny } }' }, auth);
    expect(res.status).toBe(503);
    expect((await server.get(`${BASE}/model`, auth)).status).toBe(404);
    expect((await server.post(CAPABILITY, capability('anyone', [{ name: 'cad', count: 1 }]))).body.denied).toEqual([]);
    await server.post(CAPABILITY, capability('anyone', [{ name: 'cad', count: 0 }]));
  });

  it('keeps reservation groups, and what devices drew from them, across a restart', async () => {
    expect((await server.post(`${BASE}/reservationgroups`, group('desk', 'vip', 1), auth)).status).toBe(201);
    const vip = await server.post(CAPABILITY, capability('vip', [{ name: 'cad', count: 1 }]));
    expect(vip.body.granted).toMatchObject([{ pool: 'reservations', count: 1 }]);
    const exported = (await server.get(`${BASE}/reservationgroups/export`, auth)).body;

    await server.stop();
    server = await startTestServer({ dataDir, keys: server.keys });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    expect((await server.get(`${BASE}/reservationgroups/export`, auth)).body).toEqual(exported);
    // The reserved count is still the vip's: renewing it keeps it, and the one shared count is all others get.
    expect((await server.post(CAPABILITY, capability('vip', [{ name: 'cad', count: 1 }]))).body.granted).toMatchObject([{ pool: 'reservations', count: 1 }]);
    expect((await server.post(CAPABILITY, capability('other', [{ name: 'cad', count: 2 }]))).body.denied).toMatchObject([{ code: 7 }]);
    expect((await server.post(CAPABILITY, capability('other', [{ name: 'cad', count: 1 }]))).body.denied).toEqual([]);
  });
});
