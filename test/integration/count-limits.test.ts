import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProducerKeys } from '../../src/licensing/license-file.js';
import { MAX_COUNT, MAX_REQUEST_COUNT } from '../../src/licensing/limits.js';
import { outboxEvents } from '../support/storage.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('counts a license server can grant are counts the back office can store', () => {
  it('refuses a count past MAX_REQUEST_COUNT at the edge with 400 naming the field', async () => {
    const server = await startTestServer({ features: [{ name: 'units', version: '1.0', count: 10, model: 'metered', metered: { capped: false }, expiry: 'permanent' }] });
    try {
      const res = await server.post(CAPABILITY, capability('edge', [{ name: 'units', count: MAX_REQUEST_COUNT + 1 }], { incremental: true }));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'body.features.0.count', message: `must be at most ${MAX_REQUEST_COUNT}` }]);
    } finally {
      await server.stop();
    }
  });

  it('refuses a license that would give one feature more than MAX_COUNT counts in all', async () => {
    const server = await startTestServer({ features: [{ name: 'cad', version: '1.0', count: MAX_COUNT, expiry: 'permanent' }] });
    try {
      const more = server.sign({ licenseId: 'more', features: [{ name: 'cad', version: '2.0', count: 1, expiry: 'permanent' }] });
      const res = await server.post('/api/1.0/instances/~/licenses', more, { authorization: `Bearer ${await server.adminToken()}` });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([{ field: 'payload.features', message: `feature cad has more than ${MAX_COUNT} counts in all` }]);
    } finally {
      await server.stop();
    }
  });

  it('refuses the anonymous request that would take an uncapped feature past MAX_COUNT in use, and usage sync keeps flowing', async () => {
    const bo = await startTestBackoffice();
    const serverDir = mkdtempSync(join(tmpdir(), 'tally-ls-'));
    dirs.push(serverDir);
    const keys = generateProducerKeys();
    const probe = await startTestServer({ dataDir: serverDir, keys });
    const instanceId = probe.service.instanceId;
    await probe.adminToken();
    await probe.stop();
    const { credential } = await bo.register('acme', instanceId);
    const features = [
      { name: 'units', version: '1.0', count: 10, model: 'metered', metered: { capped: false }, expiry: 'permanent' },
      { name: 'cad', version: '1.0', count: 5, expiry: 'permanent' },
    ];
    const server = await startTestServer({ dataDir: serverDir, keys, features, settings: { 'sync.enabled': true, 'sync.url': bo.url, 'sync.credential': credential } });
    try {
      const attack = capability('attacker', [{ name: 'units', count: MAX_REQUEST_COUNT }], { incremental: true });
      for (let i = 0; i < MAX_COUNT / MAX_REQUEST_COUNT; i++) {
        const res = await server.post(CAPABILITY, attack);
        expect(res.body.denied).toEqual([]);
      }
      const refused = await server.post(CAPABILITY, attack);
      expect(refused.status).toBe(200);
      expect(refused.body.denied).toEqual([expect.objectContaining({ feature: 'units', code: 58, count: MAX_REQUEST_COUNT })]);
      // A later event of another feature is not held up behind the attack.
      expect((await server.post(CAPABILITY, capability('designer', [{ name: 'cad', count: 1 }]))).body.denied).toEqual([]);

      await until(() => outboxEvents(serverDir).length === 0);
      const health = (await server.get('/api/1.0/health')).body;
      expect(health.sync.lastError).toBeNull();
      const events = await bo.warehouse.events({ limit: 2000 });
      expect(events.filter((e) => e.kind === 'consume')).toHaveLength(MAX_COUNT / MAX_REQUEST_COUNT);
      expect(Math.max(...events.map((e) => e.inUseAfter))).toBe(MAX_COUNT);
      expect(events).toContainEqual(expect.objectContaining({ kind: 'checkout', feature: 'cad', deviceId: 'designer' }));
    } finally {
      await server.stop();
      await bo.stop();
    }
  }, 120_000);
});
