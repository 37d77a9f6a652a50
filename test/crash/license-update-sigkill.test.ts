import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { InstanceRegistry } from '../../src/backoffice/instances/instance-registry.js';
import { Catalog } from '../../src/backoffice/licensing/catalog.js';
import { loadOrCreateProducerKey } from '../../src/backoffice/licensing/producer-key.js';
import { openBackofficeDb } from '../../src/backoffice/store/db.js';
import { systemClock } from '../../src/common/time.js';
import { seededRandom } from '../support/random.mjs';
import type { ServerProcess } from '../support/server-process.js';
import { processAdminToken, startServerProcess } from '../support/server-process.js';
import { expectExactlyOnce, outboxEvents } from '../support/storage.js';
import type { TallyProcess } from '../support/tally-cli.js';
import { spawnTally, stopProcess } from '../support/tally-cli.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, adminLogin, callJson, capability, startTestServer } from '../support/test-server.js';

const BASE = '/api/1.0/instances/~';
const root = mkdtempSync(join(tmpdir(), 'tally-exchange-crash-'));
const seed = Number(process.env.TALLY_CRASH_SEED ?? 20261129);
const random = seededRandom(seed);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface EndedLease {
  deviceKey: string;
  count: number;
  left: number;
}
interface Update {
  id: string;
  endedLeases: EndedLease[];
}

const product = { id: 'cad-pro', name: 'Tally CAD Pro', features: [{ name: 'cad', version: '2.0', count: 1 }] };

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('license updates on a license server killed with SIGKILL', () => {
  it('keeps every update it acknowledged, once, with the leases it ended gone and one expire event each, through kills after a poll and during one', async () => {
    const DEVICES = 8;
    const dir = join(root, 'server');
    const dataDir = join(dir, 'data');
    mkdirSync(dir);
    const backoffice: TestBackoffice = await startTestBackoffice();
    let server: ServerProcess | undefined;
    try {
      backoffice.registry.addAccount({ id: 'acme', name: 'Acme' });
      backoffice.catalog.addProduct(product);
      backoffice.catalog.addEntitlement({ id: 'ENT-ACME', accountId: 'acme', lineItems: [{ activationId: 'ACT-CAD', productId: 'cad-pro', quantity: 10 }] });
      writeFileSync(join(dir, 'producer.pub'), backoffice.producerKey.publicKeyPem);
      // Durable commits held open 100 ms each, so that a kill soon after a poll leaves lands inside its commit.
      const start = () =>
        startServerProcess(dir, dataDir, { TALLY_CAPABILITY_POLLING_URL: backoffice.url, TALLY_STORAGE_SYNCHRONOUS: 'FULL', TALLY_FAULT_COMMIT_DELAY_MS: '100' }, { license: false });
      server = await start();
      let admin = { authorization: `Bearer ${await processAdminToken(server)}` };
      const call = (method: string, path: string, body?: unknown) => callJson(server!.url, method, path, body, admin);

      const activated = await call('POST', `${BASE}/activations`, { activations: [{ activationId: 'ACT-CAD', count: 6 }] });
      expect(activated.status).toBe(200);
      const instanceId = backoffice.catalog.activationId('ACT-CAD').servers[0]!.instanceId;

      /** Counts each device holds, as the server's acknowledged answers said. */
      const holds = new Map<string, number>();
      const devices = Array.from({ length: DEVICES }, (_, i) => `dev-${i}`);
      for (const d of devices) holds.set(`STRING:${d}`, 0);
      /** Every update acknowledged (or found applied after a kill), by ID. */
      const known = new Map<string, Update>([[activated.body.update.id, activated.body.update]]);
      let count = 6;
      const endLeases = (update: Update) => {
        for (const l of update.endedLeases) holds.set(l.deviceKey, l.left);
      };
      /** Takes in an answer of the server: the rights it brought and the leases it ended. */
      const acknowledge = (served: number, update: Update | null) => {
        count = served;
        if (!update) return;
        known.set(update.id, update);
        endLeases(update);
      };
      const heldCad = (answer: any) => (answer.granted as Array<{ feature: string; count: number }>).filter((g) => g.feature === 'cad').reduce((n, g) => n + g.count, 0);
      const cadRecords = async () => (await call('GET', `${BASE}/features?name=cad&pageSize=1000`)).body.items as Array<{ licenseId: string; count: number; used: number; overdraft: number }>;
      const history = async () => (await call('GET', `${BASE}/license-updates?pageSize=1000`)).body.items as Update[];

      /** Restarts on the same data folder and checks that what was acknowledged holds; `inFlight` is the count of a poll the kill may have cut short. */
      const restartAndCheck = async (context: string, inFlight: number | null) => {
        server = await start();
        admin = { authorization: `Bearer ${await adminLogin(server.url, '')}` };
        const records = await cadRecords();
        const served = records.filter((r) => r.licenseId === 'backoffice').reduce((n, r) => n + r.count, 0);
        expect(inFlight === null ? [count] : [count, inFlight], context).toContain(served);
        for (const r of records) expect(r.used, `${context}: a record holds more than its count and overdraft`).toBeLessThanOrEqual(r.count + r.overdraft);

        const updates = await history();
        expect(new Set(updates.map((u) => u.id)).size, `${context}: an update recorded twice`).toBe(updates.length);
        const ids = new Set(updates.map((u) => u.id));
        expect([...known.keys()].filter((id) => !ids.has(id)), `${context}: acknowledged updates missing from the history`).toEqual([]);
        // Only the poll the kill cut short may have been applied unacknowledged: its update is in the history and in force.
        const unacknowledged = updates.filter((u) => !known.has(u.id));
        expect(unacknowledged.length, context).toBeLessThanOrEqual(served !== count ? 1 : 0);
        if (served !== count) expect(unacknowledged, `${context}: rights in force without their update in the history`).toHaveLength(1);
        for (const u of unacknowledged) {
          known.set(u.id, u);
          endLeases(u);
        }
        count = served;
        for (const d of devices) {
          const preview = await callJson(server.url, 'POST', CAPABILITY, capability(d, [], { operation: 'preview' }));
          expect(heldCad(preview.body), `${context}: ${d} holds what the server last said`).toBe(holds.get(`STRING:${d}`));
        }
      };

      const ROUNDS = 4;
      for (let round = 0; round < ROUNDS; round++) {
        const polls = 1 + random.int(3);
        const killInFlight = round % 2 === 1;
        let inFlight: number | null = null;
        for (let p = 0; p < polls; p++) {
          // Every device without a lease takes one while the server has room.
          await Promise.all(
            devices.map(async (d) => {
              if (holds.get(`STRING:${d}`)! > 0) return;
              const res = await callJson(server!.url, 'POST', CAPABILITY, capability(d, [{ name: 'cad', version: '2.0', count: 1 }]));
              expect(res.status).toBe(200);
              holds.set(`STRING:${d}`, heldCad(res.body));
            }),
          );
          // The producer alternately takes counts back and gives them again.
          const target = count > 4 ? 1 + random.int(3) : 6 + random.int(3);
          backoffice.catalog.setServerCount('ACT-CAD', instanceId, { count: target });
          const last = p === polls - 1;
          if (last && killInFlight) {
            const polling = call('POST', `${BASE}/capability-poll`).catch(() => null);
            await sleep(random.int(350));
            await stopProcess(server, 'SIGKILL');
            const answer = await polling;
            // An answer that made it out before the kill is acknowledged all the same.
            if (answer?.status === 200) acknowledge(target, answer.body.update);
            else inFlight = target;
            break;
          }
          const res = await call('POST', `${BASE}/capability-poll`);
          // The moment the answer arrives: had the server answered before committing, the update would be lost.
          if (last) server.child.kill('SIGKILL');
          expect(res.status).toBe(200);
          expect(res.body.activations[0].count).toBe(target);
          acknowledge(target, res.body.update);
        }
        await stopProcess(server, 'SIGKILL');
        await restartAndCheck(`round ${round + 1} (seed ${seed}, ${killInFlight ? 'killed during a poll' : 'killed after a poll answered'})`, inFlight);
      }

      // An offline response applied and acknowledged survives a kill, and is refused as already applied after it.
      const target = count > 4 ? 2 : 7;
      backoffice.catalog.setServerCount('ACT-CAD', instanceId, { count: target });
      const request = await call('GET', `${BASE}/offline/capability-request`);
      expect(request.status).toBe(200);
      const response = await backoffice.call('POST', '/api/1.0/backoffice/offline', request.body, { authorization: `Bearer ${await backoffice.adminToken()}` });
      expect(response.status).toBe(200);
      const applied = await call('POST', `${BASE}/offline/response`, response.body);
      server.child.kill('SIGKILL');
      expect(applied.status).toBe(200);
      acknowledge(target, applied.body.update);
      await stopProcess(server, 'SIGKILL');
      await restartAndCheck('after a kill right after an offline response was applied', null);
      const again = await call('POST', `${BASE}/offline/response`, response.body);
      expect(again.status).toBe(422);
      expect(again.body.error.message).toMatch(/already applied/);
      const ended = (await history()).flatMap((u) => u.endedLeases.map((l) => `${l.deviceKey}|${l.count}`)).sort();
      await stopProcess(server);

      // Each ended lease is one expire event in the outbox, and replaying the outbox gives the stored holdings.
      const events = outboxEvents(dataDir);
      expectExactlyOnce(events, dataDir);
      const expired = events.filter((e) => e.kind === 'expire').map((e) => `${e.deviceIdType}:${e.deviceId}|${e.count}`).sort();
      expect(expired).toEqual(ended);
      expect(ended.length).toBeGreaterThan(0);
    } finally {
      if (server) await stopProcess(server, 'SIGKILL');
      await backoffice.stop();
    }
  }, 120_000);
});

describe('activations on a back office killed with SIGKILL', () => {
  it('never activates more than the quantity, keeps every activation it answered with its history, and the next poll brings what it holds', async () => {
    const QUANTITY = 36;
    const SERVERS = 3;
    const boDir = join(root, 'backoffice');
    mkdirSync(boDir);
    const db = openBackofficeDb(boDir);
    const registry = new InstanceRegistry(db, systemClock);
    const catalog = new Catalog(db, systemClock);
    registry.addAccount({ id: 'acme', name: 'Acme' });
    catalog.addProduct(product);
    catalog.addEntitlement({ id: 'ENT-ACME', accountId: 'acme', lineItems: [{ activationId: 'ACT-POOL', productId: 'cad-pro', quantity: QUANTITY }] });
    db.close();
    const key = loadOrCreateProducerKey(boDir);

    let port = '0';
    const startBackoffice = async (): Promise<{ process: TallyProcess; url: string }> => {
      const process = spawnTally('backoffice', ['--data', boDir, '--port', port]);
      const url = await process.listening;
      port = new URL(url).port;
      return { process, url };
    };
    let backoffice = await startBackoffice();
    const servers: TestServer[] = [];
    try {
      for (let i = 0; i < SERVERS; i++) servers.push(await startTestServer({ keys: key, settings: { 'capabilityPolling.url': backoffice.url } }));
      const admins = await Promise.all(servers.map(async (s) => ({ authorization: `Bearer ${await s.adminToken()}` })));
      const cadCount = async (i: number) => ((await servers[i]!.get(`${BASE}/features?name=cad`, admins[i])).body.items as Array<{ count: number }>).reduce((n, r) => n + r.count, 0);
      /** The counts of ACT-POOL each acknowledged activation said the server held, per server. */
      const acknowledged: number[][] = servers.map(() => []);

      /** Each server activates one to three counts at a time until the back office stops answering. */
      const activateUntilDown = () =>
        Promise.all(
          servers.map(async (s, i) => {
            for (;;) {
              const res = await s.post(`${BASE}/activations`, { activations: [{ activationId: 'ACT-POOL', count: 1 + random.int(3) }] }, admins[i]);
              if (res.status === 200) {
                acknowledged[i]!.push((res.body.activations as Array<{ activationId: string; count: number }>).find((a) => a.activationId === 'ACT-POOL')!.count);
              } else if (res.body?.error?.code === 'ACTIVATION_REFUSED') {
                expect(res.body.error.details[0].message).toMatch(/left to activate/);
                await sleep(20);
              } else {
                expect(res.body?.error?.code, JSON.stringify(res.body)).toBe('BACK_OFFICE_UNREACHABLE');
                return;
              }
            }
          }),
        );

      for (let round = 0; round < 3; round++) {
        const activating = activateUntilDown();
        await sleep(150 + random.int(1200));
        await stopProcess(backoffice.process, 'SIGKILL');
        await activating;
        const context = `round ${round + 1} (seed ${seed})`;

        const held = activationsAfterKill(boDir, root);
        const instanceIds = servers.map((s) => s.service.instanceId);
        expect(held.servers.reduce((n, s) => n + s.count, 0), `${context}: counts of ACT-POOL over its quantity`).toBeLessThanOrEqual(QUANTITY);
        for (const s of held.servers) expect(held.history.filter((h) => h.instanceId === s.instanceId).reduce((n, h) => n + h.delta, 0), `${context}: history of ${s.instanceId}`).toBe(s.count);
        for (const [i, id] of instanceIds.entries()) {
          const after = held.history.filter((h) => h.instanceId === id).map((h) => h.countAfter);
          expect(acknowledged[i]!.filter((c) => !after.includes(c)), `${context}: activations answered but not recorded`).toEqual([]);
        }

        backoffice = await startBackoffice();
        for (const [i, s] of servers.entries()) {
          const holds = held.servers.find((h) => h.instanceId === s.service.instanceId)?.count ?? 0;
          const poll = await s.post(`${BASE}/capability-poll`, undefined, admins[i]);
          if (holds === 0 && !held.history.some((h) => h.instanceId === s.service.instanceId)) {
            // A server never activated is not known to the back office yet.
            expect(poll.body?.error?.code, `${context}: ${JSON.stringify(poll.body)}`).toBe('EXCHANGE_REFUSED');
            continue;
          }
          expect(poll.status, `${context}: ${JSON.stringify(poll.body)}`).toBe(200);
          expect(await cadCount(i), `${context}: server ${i} after its poll`).toBe(holds);
        }
      }
      const final = activationsAfterKill(boDir, root);
      expect(final.history.length).toBeGreaterThan(SERVERS);
    } finally {
      await stopProcess(backoffice.process, 'SIGKILL');
      for (const s of servers) await s.stop();
    }
  }, 120_000);
});

/** What a stopped back office holds of ACT-POOL, read from a copy of its database (its next start finds the files as the kill left them). */
function activationsAfterKill(boDir: string, scratch: string): { servers: Array<{ instanceId: string; count: number }>; history: Array<{ instanceId: string; delta: number; countAfter: number }> } {
  const copy = mkdtempSync(join(scratch, 'copy-'));
  try {
    for (const name of ['backoffice.db', 'backoffice.db-wal']) if (existsSync(join(boDir, name))) copyFileSync(join(boDir, name), join(copy, name));
    const db = new Database(join(copy, 'backoffice.db'));
    try {
      return {
        servers: db.prepare("SELECT instance_id AS instanceId, count FROM activations WHERE activation_id = 'ACT-POOL'").all() as Array<{ instanceId: string; count: number }>,
        history: db.prepare("SELECT instance_id AS instanceId, delta, count_after AS countAfter FROM activation_history WHERE activation_id = 'ACT-POOL' ORDER BY seq").all() as Array<{ instanceId: string; delta: number; countAfter: number }>,
      };
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
