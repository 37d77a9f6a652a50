import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/licensing/usage-event.js';
import { writeOutboxEvent } from '../support/outbox.js';
import { outboxEvents } from '../support/storage.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import type { TestServer } from '../support/test-server.js';
import { runTally } from '../support/tally-cli.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

/**
 * An event the back office cannot store (a count past what an event may carry, like the event
 * of a million-unit request repeated a thousand times), put into the server's outbox.
 */
function writeUnstorableEvent(dataDir: string, model: UsageEvent): string {
  const event = { ...model, eventId: 'unstorable-1', inUseAfter: 1_001_000_000, ts: new Date().toISOString() };
  writeOutboxEvent(dataDir, event);
  return event.eventId;
}

describe('an event the back office cannot store, among good ones', () => {
  let bo: TestBackoffice;
  let server: TestServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-sync-q-'));
  beforeAll(async () => {
    bo = await startTestBackoffice();
    // A first start makes the server's instance ID, which the back office registers.
    const probe = await startTestServer({ dataDir });
    const instanceId = probe.service.instanceId;
    const keys = probe.keys;
    await probe.adminToken(); // sets the admin's own password, used after the restart
    await probe.stop();
    const { credential } = await bo.register('acme', instanceId);
    server = await startTestServer({
      dataDir,
      keys,
      features: [{ name: 'cad', version: '1.0', count: 20, expiry: 'permanent' }],
      settings: { 'sync.enabled': true, 'sync.url': bo.url, 'sync.credential': credential, 'sync.batchSize': 4 },
    });
  });
  afterAll(async () => {
    await server.stop();
    await bo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is set aside in the quarantine while every good event before and after it is stored, and sync moves on', async () => {
    for (let i = 0; i < 3; i++) await server.post(CAPABILITY, capability(`before-${i}`, [{ name: 'cad', count: 1 }]));
    await until(() => outboxEvents(server.dataDir).length === 0);
    const model = (await bo.warehouse.events({ limit: 1 }))[0]!;
    const bad = writeUnstorableEvent(server.dataDir, model);
    for (let i = 0; i < 5; i++) await server.post(CAPABILITY, capability(`after-${i}`, [{ name: 'cad', count: 1 }]));
    await until(() => outboxEvents(server.dataDir).length === 0);

    const stored = await bo.warehouse.events({ instanceId: model.instanceId, limit: 100 });
    expect(stored.map((e) => e.deviceId).sort()).toEqual([...['0', '1', '2'].map((i) => `before-${i}`), ...['0', '1', '2', '3', '4'].map((i) => `after-${i}`)].sort());
    expect(stored.map((e) => e.eventId)).not.toContain(bad);

    const quarantine = await bo.adminGet('/api/1.0/backoffice/quarantine');
    expect(quarantine.status).toBe(200);
    expect(quarantine.body.total).toBe(1);
    expect(quarantine.body.items[0]).toMatchObject({ instanceId: model.instanceId, eventId: bad, field: 'inUseAfter' });
    expect(quarantine.body.items[0].reason).not.toBe('');
    expect(JSON.parse(quarantine.body.items[0].event)).toMatchObject({ eventId: bad, inUseAfter: 1_001_000_000 });
    expect(Date.parse(quarantine.body.items[0].receivedAt)).not.toBeNaN();
  });

  it("shows on the license server's health and properties that the back office quarantined it", async () => {
    const health = (await server.get('/api/1.0/health')).body;
    expect(health.sync).toMatchObject({ state: 'quarantining', quarantined: 1, backlog: 0, stalledSince: null, lastError: null });
    const properties = await server.get('/api/1.0/instances/~/properties', { authorization: `Bearer ${await server.adminToken()}` });
    expect(properties.body.syncStatus).toMatchObject({ state: 'quarantining', quarantined: 1 });
  });

  it('is listed by `tally backoffice quarantine list`', async () => {
    const run = await runTally(['backoffice', 'quarantine', 'list', '--data', bo.dataDir], process.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/unstorable-1\s+inUseAfter\s+/);
    expect(run.stdout).toMatch(/1 event set aside/);
    const json = JSON.parse((await runTally(['backoffice', 'quarantine', 'list', '--data', bo.dataDir, '--json'], process.env)).stdout);
    expect(json.items[0]).toMatchObject({ eventId: 'unstorable-1', field: 'inUseAfter' });
  });
});
