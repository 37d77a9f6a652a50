import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProducerKeys } from '../../../src/licensing/license-file.js';
import { outboxEvents } from '../../support/storage.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { CAPABILITY, startTestServer } from '../../support/test-server.js';
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

describe('denials of a checkout filter in the usage report', () => {
  it('reach the back office by usage sync and show as 67 FILTER_REJECTION, apart from shortages', async () => {
    const bo = await startTestBackoffice({ dataDir: tempDir('tally-bo-') });
    const serverDir = tempDir('tally-ls-');
    const keys = generateProducerKeys();
    const probe = await startTestServer({ dataDir: serverDir, keys });
    const instanceId = probe.service.instanceId;
    await probe.adminToken();
    await probe.stop();
    const { credential } = await bo.register('acme', instanceId);
    const server = await startTestServer({
      dataDir: serverDir,
      keys,
      features: [{ name: 'cad', version: '1.0', count: 1, expiry: 'permanent' }],
      settings: { 'sync.enabled': true, 'sync.url': bo.url, 'sync.credential': credential },
    });
    try {
      const admin = { authorization: `Bearer ${await server.adminToken()}` };
      expect((await server.call('PUT', '/api/1.0/instances/~/filters', { text: 'filter "f" { deny devicetype(VIRTUAL) }' }, admin)).status).toBe(200);
      const ask = (id: string, deviceType: string) => server.post(CAPABILITY, { device: { hostId: { value: id, type: 'STRING' }, deviceType }, features: [{ name: 'cad', version: '1.0', count: 1 }] });
      for (const id of ['vm-1', 'vm-2', 'vm-3']) expect((await ask(id, 'VIRTUAL')).body.denied[0].code).toBe(67);
      expect((await ask('ws-1', 'PHYSICAL')).body.denied).toEqual([]);
      expect((await ask('ws-2', 'PHYSICAL')).body.denied[0].code).toBe(7);
      await until(() => outboxEvents(serverDir).length === 0);

      const day = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.parse(day) - 86_400_000).toISOString();
      const to = new Date(Date.parse(day) + 2 * 86_400_000).toISOString();
      const res = await fetch(`${bo.url}/api/reports/usage-denials/denials-distribution?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${await bo.adminToken()}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { rows: Array<{ code: number; name: string; count: number }> };
      expect(body.rows.map((r) => [r.code, r.name, r.count]).sort()).toEqual([[67, 'FILTER_REJECTION', 3], [7, 'INSUFFICIENT_COUNT', 1]].sort());
    } finally {
      await server.stop();
      await bo.stop();
    }
  }, 60_000);
});
