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
const dir = mkdtempSync(join(tmpdir(), 'tally-failover-crash-'));
/** Well above the heartbeat and the answer timeout: a main slowed down by the load is not taken for a dead one. */
const SLOW_TAKEOVER = { 'failover.takeoverDelay': 4 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Client {
  device: string;
  /** Seats held according to the last acknowledged answer, from whichever server gave it. */
  acked: number;
  /** The smallest count asked for by the requests without an answer since the last answer (their server died or refused): any may have been applied. */
  unanswered: number | null;
  answers: number;
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

    const clients: Client[] = Array.from({ length: CLIENTS }, (_, i) => ({ device: `pair-${i}`, acked: 0, unanswered: null, answers: 0 }));
    let mainUrl = main.url;
    let stop = false;
    let mostAcked = 0;
    const overAllocations: string[] = [];
    let acknowledged = 0;
    const killAfter = 100 + random.int(200);
    let killed: () => void = () => undefined;
    const killedNow = new Promise<void>((resolve) => (killed = resolve));

    const run = async (client: Client, i: number) => {
      // A client asks the main, and turns to the backup when the main does not serve it.
      let target: 'main' | 'backup' = 'main';
      for (let n = 0; !stop; n++) {
        const count = (n * 7 + i) % 3;
        const answer = await ask(target === 'main' ? mainUrl : backup.url, client.device, count);
        if (answer === null) {
          client.unanswered = Math.min(client.unanswered ?? client.acked, count);
          target = target === 'main' ? 'backup' : 'main';
          await sleep(50);
          continue;
        }
        client.acked = heldSeats(answer);
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
    const atKill = acknowledged;
    await until(async () => (await backup.get('/api/1.0/health')).body.failover.serving === true, 15_000);
    // The backup serves the clients for a while.
    await until(() => acknowledged > atKill + 100, 20_000);
    main = await startMain(false);
    mainUrl = main.url;
    await until(async () => (await backup.get('/api/1.0/health')).body.failover.state === 'standby', 15_000);
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
