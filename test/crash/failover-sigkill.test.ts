import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envName } from '../../src/common/config.js';
import { seededRandom } from '../support/random.mjs';
import { expectExactlyOnce, outboxEvents, storedHoldings } from '../support/storage.js';
import type { ServerProcess } from '../support/server-process.js';
import { startServerProcess, writeLicenseFiles } from '../support/server-process.js';
import { stopProcess } from '../support/tally-cli.js';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, startTestServer } from '../support/test-server.js';
import { FAST_FAILOVER, PAIR_SECRET, freePort } from '../support/failover-pair.js';
import { until } from '../support/until.js';

const SEATS = 20;
const CLIENTS = 30;
// The backup (in this process) holds every change 30 ms before applying it: a main that answered
// before its backup had the change would be caught by a kill right after that answer.
process.env.TALLY_FAULT_REPLICATION_DELAY_MS = '30';
const dir = mkdtempSync(join(tmpdir(), 'tally-failover-crash-'));
/** Well above the heartbeat and the answer timeout: a main slowed down by the load is not taken for a dead one. */
const SLOW_TAKEOVER = { 'failover.takeoverDelay': 4 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Client {
  device: string;
  /** Seats held according to the last acknowledged answer, from whichever server gave it. */
  acked: number;
  /** The smallest count asked for by the requests sent since the last answer (in flight, or without an answer because their server died or refused): any may have been applied. */
  unanswered: number | null;
  answers: number;
  /** What the client may hold: its last answer, and the count of each request sent since (any may have been applied). */
  possible: number[];
  busy: boolean;
}

/** Answers the server's reply, or null when it refused to serve or could not be reached. */
async function ask(url: string, device: string, count: number): Promise<any> {
  try {
    const res = await fetch(url + CAPABILITY, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device: { hostId: { value: device, type: 'STRING' } }, features: [{ name: 'seat', version: '1.0', count }] }),
      signal: AbortSignal.timeout(10_000),
    });
    return res.status === 200 ? await res.json() : null;
  } catch {
    return null;
  }
}

const heldSeats = (answer: any) => answer.granted.filter((g: any) => g.feature === 'seat').reduce((n: number, g: any) => n + g.count, 0);

describe('a main license server killed with SIGKILL under load, its backup serving, and the main back', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never has more seats acknowledged than the license allows, loses no acknowledged grant, and keeps every usage event once', async () => {
    const keys = writeLicenseFiles(dir, { licenseId: 'pair-crash', features: [{ name: 'seat', version: '1.0', count: SEATS, expiry: 'permanent' }] });
    const random = seededRandom(20261129);
    const backupPort = await freePort();
    const env = Object.fromEntries(
      Object.entries({ 'failover.role': 'main', 'failover.peerUrl': `http://127.0.0.1:${backupPort}`, 'failover.secret': PAIR_SECRET, 'storage.synchronous': 'FULL', ...FAST_FAILOVER, ...SLOW_TAKEOVER }).map(([k, v]) => [envName(k), String(v)]),
    );
    const startMain = (license: boolean): Promise<ServerProcess> => startServerProcess(dir, join(dir, 'main'), env, { license });
    let main = await startMain(true);
    mkdirSync(join(dir, 'backup'));
    const backup: TestServer = await startTestServer({
      keys,
      dataDir: join(dir, 'backup'),
      settings: { 'server.port': backupPort, 'failover.role': 'backup', 'failover.peerUrl': main.url, 'failover.secret': PAIR_SECRET, ...FAST_FAILOVER, ...SLOW_TAKEOVER },
    });
    // The main catches its backup up (the license included) before the load starts.
    await until(async () => (await backup.get('/api/1.0/health')).body.licenses.served === 1, 15_000);

    const clients: Client[] = Array.from({ length: CLIENTS }, (_, i) => ({ device: `pair-${i}`, acked: 0, unanswered: null, answers: 0, possible: [0], busy: false }));
    let mainUrl = main.url;
    let stop = false;
    let mostAcked = 0;
    const overAllocations: string[] = [];
    let acknowledged = 0;
    const killAfter = 100 + random.int(200);
    let killed: () => void = () => undefined;
    const killedNow = new Promise<void>((resolve) => (killed = resolve));
    // Holds the clients between requests while the test looks at what a server holds.
    let gate: Promise<void> | null = null;
    let openGate: () => void = () => undefined;
    const closeGate = async () => {
      gate = new Promise((resolve) => (openGate = resolve));
      await until(() => clients.every((c) => !c.busy), 20_000);
    };
    /** Every client's seats in a server's storage are its last answer's, or those of a request sent since. */
    const expectAcknowledgedGrantsOn = (dataDir: string, when: string) => {
      const seats = new Map<string, number>();
      for (const h of storedHoldings(dataDir)) seats.set(h.device_key, (seats.get(h.device_key) ?? 0) + h.count);
      for (const c of clients) expect(c.possible, `${c.device} ${when}`).toContain(seats.get(`STRING:${c.device}`) ?? 0);
    };

    const run = async (client: Client, i: number) => {
      // A client asks the main, and turns to the backup when the main does not serve it.
      let target: 'main' | 'backup' = 'main';
      for (let n = 0; !stop; n++) {
        if (gate) await gate;
        const count = (n * 7 + i) % 3;
        client.busy = true;
        client.possible.push(count);
        // Until its answer arrives, the request may have been applied (and another client's answer may arrive first).
        client.unanswered = Math.min(client.unanswered ?? client.acked, count);
        const answer = await ask(target === 'main' ? mainUrl : backup.url, client.device, count);
        client.busy = false;
        if (answer === null) {
          target = target === 'main' ? 'backup' : 'main';
          await sleep(50);
          continue;
        }
        client.acked = heldSeats(answer);
        client.possible = [client.acked];
        client.unanswered = null;
        client.answers += 1;
        acknowledged += 1;
        // A client holds what its last answer said, or what a later unanswered request asked for if
        // that was applied: the smallest of these is held for sure, and their sum may never pass the licenses.
        const total = clients.reduce((sum, c) => sum + (c.unanswered ?? c.acked), 0);
        mostAcked = Math.max(mostAcked, total);
        if (total > SEATS) overAllocations.push(`${total} seats acknowledged after answer ${acknowledged} from the ${target}`);
        if (acknowledged === killAfter) {
          main.child.kill('SIGKILL');
          killed();
        }
        // Think time: the load leaves the machine room to start the main again.
        await sleep(20);
      }
    };
    const load = Promise.all(clients.map(run));

    await killedNow;
    await stopProcess(main, 'SIGKILL');
    await closeGate();
    const atKill = acknowledged;
    await until(async () => (await backup.get('/api/1.0/health')).body.failover.serving === true, 15_000);
    // Before anyone is served by it, the backup holds every grant the main acknowledged.
    expectAcknowledgedGrantsOn(backup.dataDir, 'on the backup when it took over');
    gate = null;
    openGate();
    // The backup serves the clients for a while.
    await until(() => acknowledged > atKill + 100, 20_000);
    await closeGate();
    main = await startMain(false);
    mainUrl = main.url;
    await until(async () => (await backup.get('/api/1.0/health')).body.failover.state === 'standby', 15_000);
    await until(async () => (await fetch(mainUrl + '/api/1.0/health').then((r) => r.json() as Promise<any>)).failover.serving === true, 15_000);
    // Before it serves again, the main holds every grant the backup acknowledged.
    expectAcknowledgedGrantsOn(join(dir, 'main'), 'on the main when it took back');
    gate = null;
    openGate();
    const atReturn = acknowledged;
    await until(() => acknowledged > atReturn + 100, 20_000);
    stop = true;
    await load;

    expect(overAllocations).toEqual([]);
    expect(mostAcked).toBeGreaterThan(SEATS / 2);
    expect(clients.every((c) => c.answers > 0)).toBe(true);
    // Each client's acknowledged seats are on the main again, and nothing else.
    for (const c of clients) {
      const status = await ask(mainUrl, c.device, c.acked);
      expect(status && heldSeats(status), c.device).toBe(c.acked);
    }
    const onMain = storedHoldings(join(dir, 'main'));
    expect(onMain.reduce((n, h) => n + h.count, 0)).toBe(clients.reduce((n, c) => n + c.acked, 0));
    await stopProcess(main);
    await backup.stop();
    // Replaying the main's usage events gives its holdings: none lost, none twice.
    expectExactlyOnce(outboxEvents(join(dir, 'main')), join(dir, 'main'));
  }, 60_000);
});
