import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, writeLicenseFiles } from '../../support/server-process.js';
import { stopProcess } from '../../support/tally-cli.js';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProducerKeys } from '../../../src/licensing/license-file.js';
import { expectExactlyOnce, outboxEvents } from '../../support/storage.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { CAPABILITY, capability, startTestServer } from '../../support/test-server.js';
import { until } from '../../support/until.js';

const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), name));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('usage from a license server to the back office, exactly once', () => {
  it('arrives once when the back office is down for a while', async () => {
    const bo = await startTestBackoffice({ dataDir: tempDir('tally-bo-') });
    const serverDir = tempDir('tally-ls-');
    const keys = generateProducerKeys();
    const features = [{ name: 'cad', version: '1.0', count: 5, expiry: 'permanent' }];
    const probe = await startTestServer({ dataDir: serverDir, keys });
    const instanceId = probe.service.instanceId;
    await probe.adminToken(); // sets the admin's own password, used after the restart
    await probe.stop();
    const { credential } = await bo.register('acme', instanceId);
    const server = await startTestServer({ dataDir: serverDir, keys, features, settings: { 'sync.enabled': true, 'sync.url': bo.url, 'sync.credential': credential, 'sync.batchSize': 7 } });
    try {
      for (let i = 0; i < 10; i++) await server.post(CAPABILITY, capability(`d${i}`, [{ name: 'cad', count: 1 }]));
      await until(() => outboxEvents(serverDir).length === 0);
      const port = Number(new URL(bo.url).port);
      await bo.stop({ keepData: true });
      for (let i = 0; i < 10; i++) await server.post(CAPABILITY, capability(`d${i}`, [{ name: 'cad', count: 0 }]));
      await until(async () => (await server.get('/api/1.0/health')).body.sync.lastError !== null);
      expect(outboxEvents(serverDir).length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1500));
      const back = await startTestBackoffice({ dataDir: bo.dataDir, port });
      try {
        await until(() => outboxEvents(serverDir).length === 0);
        const events = await back.warehouse.events({ limit: 1000 });
        // 5 checkouts and 5 denials (5 seats, 10 devices), then 5 returns.
        expect(events.length).toBe(15);
        expect(events.every((e) => e.accountId === 'acme' && e.instanceId === instanceId)).toBe(true);
        expectExactlyOnce(events, serverDir);
      } finally {
        await back.stop();
      }
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('arrives once when the license server is killed with SIGKILL while syncing', async () => {
    const bo = await startTestBackoffice({ dataDir: tempDir('tally-bo-') });
    const dir = tempDir('tally-ls-kill-');
    writeLicenseFiles(dir, { licenseId: 'sync', features: [{ name: 'seat', version: '1.0', count: 500, expiry: 'permanent' }] });
    const data = join(dir, 'data');
    const start = (env: Record<string, string>) => startServerProcess(dir, data, env);
    // First start without sync, to learn the instance ID and register it.
    const first = await start({});
    const instanceId = ((await (await fetch(`${first.url}/api/1.0/health`)).json()) as { instanceId: string }).instanceId;
    await stopProcess(first);
    const { credential } = await bo.register('globex', instanceId);
    const syncEnv = { TALLY_SYNC_ENABLED: 'true', TALLY_SYNC_URL: bo.url, TALLY_SYNC_CREDENTIAL: credential, TALLY_SYNC_BATCH_SIZE: '20' };

    const running = await start(syncEnv);
    let stop = false;
    const load = Array.from({ length: 8 }, async (_, c) => {
      for (let n = 0; !stop; n++) {
        await fetch(running.url + CAPABILITY, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(capability(`k${c}`, [{ name: 'seat', count: n % 3 }])),
        }).catch(() => undefined);
      }
    });
    await until(async () => (await bo.warehouse.countEvents()) > 100);
    stop = true;
    running.child.kill('SIGKILL');
    await Promise.all(load);
    await new Promise((r) => (running.child.exitCode !== null || running.child.signalCode ? r(null) : running.child.once('exit', r)));

    const again = await start(syncEnv);
    try {
      await until(() => outboxEvents(data).length === 0);
      const events = await bo.warehouse.events({ limit: 1_000_000 });
      expect(events.length).toBeGreaterThan(100);
      expectExactlyOnce(events, data);
    } finally {
      await stopProcess(again);
      await bo.stop();
    }
  }, 90_000);
});
