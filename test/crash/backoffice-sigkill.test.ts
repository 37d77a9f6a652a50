import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openBackofficeDb } from '../../src/backoffice/store/db.js';
import { InstanceRegistry } from '../../src/backoffice/instances/instance-registry.js';
import { systemClock } from '../../src/common/time.js';
import type { UsageEvent } from '../../src/licensing/usage-event.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { toFilters } from '../../src/warehouse/filters.js';
import { getEvents } from '../../src/warehouse/queries/get-events.js';
import type { TallyProcess } from '../support/tally-cli.js';
import { spawnTally, stopProcess } from '../support/tally-cli.js';
import { seededRandom } from '../support/random.mjs';
import { buildEvent } from '../support/factories.js';

const SYNC = '/usage/api/1.0/sync';
const root = mkdtempSync(join(tmpdir(), 'tally-bo-crash-'));
const seed = Number(process.env.TALLY_CRASH_SEED ?? Date.now() % 100_000);
const random = seededRandom(seed).next;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Compaction after every few hundred rollup rows, so that kills land in merges too. */
const ENV = { TALLY_FAULT_COMPACT_AFTER_ROWS: '300' };

/** What the test, acting as a license server, has sent and what the back office acknowledged. */
class Sender {
  readonly sent = new Map<string, UsageEvent>();
  readonly acked = new Set<string>();
  /** Events the back office cannot store (one a batch), to be set aside in its quarantine. */
  readonly sentBad = new Set<string>();
  readonly ackedBad = new Set<string>();
  /** Batches sent but not acknowledged (the kill came first): sent again later, as a server would. */
  private unacked: UsageEvent[][] = [];
  private day = 0;

  constructor(
    private readonly instanceId: string,
    private readonly credential: string,
  ) {}

  private batch(): UsageEvent[] {
    const again = this.unacked.shift();
    if (again) return again;
    // Several days, so that ingest and compaction touch several day ranges.
    const base = Date.parse('2026-05-01T00:00:00Z') + (this.day++ % 9) * 86_400_000;
    const events = Array.from({ length: between(50, 400) }, () =>
      buildEvent({
        instanceId: this.instanceId,
        ts: new Date(base + between(0, 86_400_000)).toISOString(),
        kind: random() < 0.2 ? 'deny' : 'checkout',
        deviceId: `ws-${between(0, 40)}`,
        feature: ['cad', 'sim', 'viewer'][between(0, 3)]!,
      }),
    ).map((e) => (e.kind === 'deny' ? { ...e, statusCode: 7 as const } : e));
    for (const e of events) this.sent.set(e.eventId, e);
    const bad = { ...buildEvent({ instanceId: this.instanceId, ts: events[0]!.ts }), kind: 'borrow' } as unknown as UsageEvent;
    this.sentBad.add(bad.eventId);
    // At least once: some events already acknowledged travel again.
    const resent = [...this.acked].slice(-between(0, 20)).map((id) => this.sent.get(id)!);
    return [...events, bad, ...resent];
  }

  /** Posts batches from a few parallel streams until the back office stops answering. */
  async run(url: string, streams = 3): Promise<void> {
    await Promise.all(
      Array.from({ length: streams }, async () => {
        for (;;) {
          const events = this.batch();
          let ok = false;
          try {
            const res = await fetch(url + SYNC, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${this.credential}` },
              body: JSON.stringify({ instanceId: this.instanceId, events }),
            });
            ok = res.status === 200;
            if (!ok) throw new Error(`sync answered ${res.status}: ${await res.text()}`);
            await res.arrayBuffer();
          } catch (error) {
            if (!ok && !(error as Error).message.startsWith('sync answered')) {
              this.unacked.push(events);
              return; // the back office died with this batch in flight
            }
            throw error;
          }
          for (const e of events) (this.sentBad.has(e.eventId) ? this.ackedBad : this.acked).add(e.eventId);
        }
      }),
    );
  }

  unsent(): UsageEvent[] {
    const all = this.unacked.flat();
    this.unacked = [];
    return all;
  }
}

/**
 * What the warehouse holds right after a kill, read from a copy of its files (so that the
 * back office's own next start still finds them exactly as the kill left them).
 */
async function storedAfterKill(dataDir: string): Promise<{ events: string[]; quarantined: string[] }> {
  const copy = mkdtempSync(join(root, 'copy-'));
  for (const name of ['warehouse.duckdb', 'warehouse.duckdb.wal', 'backoffice.db', 'backoffice.db-wal']) if (existsSync(join(dataDir, name))) copyFileSync(join(dataDir, name), join(copy, name));
  const db = new Database(join(copy, 'backoffice.db'));
  const quarantined = db.prepare('SELECT event_id FROM quarantine').pluck().all() as string[];
  db.close();
  const warehouse = await DuckDbWarehouse.open(join(copy, 'warehouse.duckdb'));
  try {
    const count = await warehouse.countEvents();
    // The rollups (appended by ingest, merged by compaction) count each stored event once too.
    const filters = toFilters({ from: '2026-04-30T00:00:00Z', to: '2026-05-11T00:00:00Z' }, Date.now());
    const fromRollups = await warehouse.report(getEvents, filters, { page: 1, pageSize: 1, sort: 'ts', order: 'desc', conditions: [] });
    expect(fromRollups.total).toBe(count);
    return { events: (await warehouse.events({ limit: count + 1 })).map((e) => e.eventId), quarantined };
  } finally {
    await warehouse.close();
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The one-time admin password a start announced works (its user and its file agree). */
async function expectAdminPasswordWorks(url: string, dataDir: string): Promise<void> {
  const password = readFileSync(join(dataDir, 'admin-password.txt'), 'utf8').trim();
  const res = await fetch(`${url}/api/1.0/instances/~/authorize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password }) });
  expect(((await res.json()) as { error?: { code?: string } }).error?.code).toBe('PASSWORD_CHANGE_REQUIRED');
}

async function startsAgain(dataDir: string): Promise<{ process: TallyProcess; url: string }> {
  const process = spawnTally('backoffice', ['--data', dataDir], ENV);
  const url = await process.listening;
  const health = (await (await fetch(`${url}/api/1.0/health`)).json()) as { status: string };
  expect(health.status).toBe('ok');
  return { process, url };
}

describe('a back office killed with SIGKILL', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('starts again after a kill within the first seconds of a fresh data folder, however far its start got', async () => {
    for (let round = 0; round < 3; round++) {
      const dataDir = join(root, `fresh-${round}`);
      // Before it listens (opening, migrating), or just after (nothing checkpointed yet).
      const first = spawnTally('backoffice', ['--data', dataDir], ENV);
      if (round === 1) {
        await first.listening;
        await sleep(between(0, 400));
      } else await sleep(between(200, 2500));
      await stopProcess(first, 'SIGKILL');
      const { process, url } = await startsAgain(dataDir);
      await expectAdminPasswordWorks(url, dataDir);
      await stopProcess(process, 'SIGKILL');
    }
  }, 180_000);

  it('keeps every event it acknowledged (stored or set aside), once, through kills at start, during ingest and during compaction', async () => {
    const dataDir = join(root, 'ingest');
    mkdirSync(dataDir);
    const first = await startsAgain(dataDir);
    const db = openBackofficeDb(dataDir);
    const registry = new InstanceRegistry(db, systemClock);
    registry.addAccount({ id: 'acme', name: 'acme' });
    const { instance, credential } = registry.addInstance({ accountId: 'acme', name: 'crash', kind: 'local', hostId: null });
    db.close();
    const sender = new Sender(instance.id, credential);
    await stopProcess(first.process, 'SIGKILL');

    for (let round = 0; round < 7; round++) {
      const { process, url } = await startsAgain(dataDir);
      if (round === 3) {
        // Straight after the start, before any ingest.
        await sleep(between(0, 200));
        await stopProcess(process, 'SIGKILL');
      } else {
        const sending = sender.run(url);
        await sleep(between(150, 1200));
        await stopProcess(process, 'SIGKILL');
        await sending;
      }
      const { events: stored, quarantined } = await storedAfterKill(dataDir);
      expect(stored.length).toBe(new Set(stored).size);
      const storedSet = new Set(stored);
      const lost = [...sender.acked].filter((id) => !storedSet.has(id));
      expect(lost, `acknowledged events missing after kill ${round + 1}`).toEqual([]);
      expect(stored.filter((id) => !sender.sent.has(id))).toEqual([]);
      // What it set aside is kept too, once.
      expect(quarantined.length).toBe(new Set(quarantined).size);
      expect([...sender.ackedBad].filter((id) => !quarantined.includes(id))).toEqual([]);
    }

    // What was in flight at the kills is sent again; then everything sent is stored (or set aside) once.
    const last = await startsAgain(dataDir);
    const unsent = sender.unsent();
    for (let i = 0; i < unsent.length; i += 2000) {
      const res = await fetch(last.url + SYNC, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
        body: JSON.stringify({ instanceId: instance.id, events: unsent.slice(i, i + 2000) }),
      });
      expect(res.status).toBe(200);
    }
    await stopProcess(last.process, 'SIGKILL');
    const { events: stored, quarantined } = await storedAfterKill(dataDir);
    expect(stored.length).toBe(sender.sent.size);
    expect(new Set(stored)).toEqual(new Set(sender.sent.keys()));
    expect(quarantined.length).toBe(sender.sentBad.size);
    expect(new Set(quarantined)).toEqual(sender.sentBad);
  }, 180_000);
});
