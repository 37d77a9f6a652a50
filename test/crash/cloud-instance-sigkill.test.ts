import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { TallyProcess } from '../support/tally-cli.js';
import { spawnTally, stopProcess } from '../support/tally-cli.js';
import { seededRandom } from '../support/random.mjs';
import { ADMIN_PASSWORD, adminLogin, callJson, capability } from '../support/test-server.js';

const root = mkdtempSync(join(tmpdir(), 'tally-cloud-crash-'));
const dataDir = join(root, 'backoffice');
const seed = Number(process.env.TALLY_CRASH_SEED ?? Date.now() % 100_000);
const random = seededRandom(seed).next;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const API = '/api/1.0/instances/cloud-1';
const SEATS = 6;
const DEVICES = 10;

/** A back office as a process of its own, so that the test can SIGKILL it. */
async function start(): Promise<{ process: TallyProcess; url: string }> {
  const process = spawnTally('backoffice', ['--data', dataDir]);
  return { process, url: await process.listening };
}

describe(`a cloud instance through SIGKILLs of the back office hosting it (seed ${seed})`, () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps every acknowledged grant and return, never serves more than the licenses allow, and stores each usage event once', async () => {
    let running = await start();
    const boAdmin = { authorization: `Bearer ${await adminLogin(running.url, readFileSync(join(dataDir, 'admin-password.txt'), 'utf8').trim())}` };
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => callJson(running.url, method, path, body, headers);
    await call('POST', '/api/1.0/backoffice/accounts', { id: 'acme', name: 'Acme' }, boAdmin);
    expect((await call('POST', '/api/1.0/backoffice/products', { id: 'cad', name: 'CAD', features: [{ name: 'cad', version: '1.0', count: 1 }] }, boAdmin)).status).toBe(201);
    expect((await call('POST', '/api/1.0/backoffice/entitlements', { id: 'ENT-1', accountId: 'acme', lineItems: [{ activationId: 'ACT-1', productId: 'cad', quantity: SEATS }] }, boAdmin)).status).toBe(201);
    const created = await call('POST', '/api/1.0/backoffice/cloud-instances', { accountId: 'acme', name: 'Acme cloud', id: 'cloud-1' }, boAdmin);
    const login = await call('POST', `${API}/reset-password`, { user: 'admin', currentPassword: created.body.admin.oneTimePassword, newPassword: ADMIN_PASSWORD });
    expect((await call('POST', `${API}/activations`, { activations: [{ activationId: 'ACT-1', count: SEATS }] }, { authorization: `Bearer ${login.body.token}` })).status).toBe(200);

    // Per device: what the back office acknowledged last (held or not), and whether an unanswered request may have changed it.
    const acknowledged = new Map<string, boolean>();
    const uncertain = new Set<string>();
    let grants = 0;
    for (let round = 0; round < 4; round++) {
      const stopAt = Date.now() + 300 + Math.floor(random() * 700);
      const workers = Array.from({ length: DEVICES }, async (_, i) => {
        const device = `dev-${i}`;
        while (Date.now() < stopAt) {
          const take = !(acknowledged.get(device) ?? false);
          const body = take ? capability(device, [{ name: 'cad', version: '1.0', count: 1 }]) : { ...capability(device, [{ name: 'cad', version: '1.0', count: -1 }]), incremental: true };
          try {
            const res = await callJson(running.url, 'POST', `${API}/capability`, body);
            if (res.status !== 200) break;
            uncertain.delete(device);
            if (take && res.body.granted.length === 1) {
              grants += 1;
              acknowledged.set(device, true);
            } else if (!take) acknowledged.set(device, false);
            const held = [...acknowledged.values()].filter(Boolean).length;
            expect(held).toBeLessThanOrEqual(SEATS);
          } catch {
            // The kill came while the request was in flight: it may or may not have been applied.
            uncertain.add(device);
            break;
          }
        }
      });
      await sleep(100 + Math.floor(random() * 400));
      await stopProcess(running.process, 'SIGKILL');
      await Promise.all(workers);
      running = await start();
      const token = { authorization: `Bearer ${(await call('POST', `${API}/authorize`, { user: 'admin', password: ADMIN_PASSWORD })).body.token}` };
      const devices = await call('GET', `${API}/devices?pageSize=100`, undefined, token);
      const holding = new Set<string>(devices.body.items.filter((d: { countHeld: number }) => d.countHeld > 0).map((d: { deviceId: string }) => d.deviceId));
      for (const [device, held] of acknowledged) {
        if (!uncertain.has(device)) expect(holding.has(device), `${device} after round ${round}`).toBe(held);
        else acknowledged.set(device, holding.has(device));
      }
      uncertain.clear();
      const features = await call('GET', `${API}/features`, undefined, token);
      expect(features.body.items[0].used).toBeLessThanOrEqual(SEATS);
      expect(features.body.items[0].used).toBe(holding.size);
    }
    expect(grants).toBeGreaterThan(DEVICES);

    // The outbox left by the last kill is delivered after the restart; then every state change is in the warehouse once.
    const token = { authorization: `Bearer ${(await call('POST', `${API}/authorize`, { user: 'admin', password: ADMIN_PASSWORD })).body.token}` };
    const deadline = Date.now() + 20_000;
    while ((await call('GET', `${API}/health`, undefined, token)).body.sync.backlog > 0 && Date.now() < deadline) await sleep(200);
    expect((await call('GET', `${API}/health`, undefined, token)).body.sync.backlog).toBe(0);
    await stopProcess(running.process, 'SIGTERM');
    const warehouse = await DuckDbWarehouse.open(join(dataDir, 'warehouse.duckdb'));
    try {
      const events = await warehouse.events({ instanceId: 'cloud-1', limit: 1_000_000 });
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      const checkouts = events.filter((e) => e.kind === 'checkout').length;
      const ends = events.filter((e) => e.kind !== 'checkout' && e.kind !== 'deny').length;
      expect(checkouts).toBeGreaterThanOrEqual(grants);
      // What is held now is what was checked out and not yet returned.
      const heldNow = [...acknowledged.values()].filter(Boolean).length;
      expect(checkouts - ends).toBe(heldNow);
    } finally {
      await warehouse.close();
    }
  }, 120_000);
});
