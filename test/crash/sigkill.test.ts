import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/random.mjs';
import { expectExactlyOnce, outboxEvents } from '../support/storage.js';
import type { ServerProcess } from '../support/server-process.js';
import { startServerProcess, writeLicenseFiles } from '../support/server-process.js';
import { stopProcess } from '../support/tally-cli.js';
import { CAPABILITY } from '../support/test-server.js';

const CLIENTS = 24;
const KILLS = 6;
/** Seat counts a client cycles through: no value comes back within this many of its requests. */
const SEAT_VALUES = 40;
const dir = mkdtempSync(join(tmpdir(), 'tally-crash-'));

/**
 * Starts `tally server` as its own process, with durable (FULL) commits held open 100 ms each (longer than an answer takes to reach a client on a busy machine) so
 * that a kill right after an answer lands on the commit of that very answer if the writer
 * answered first, and waits for it to listen.
 */
function startServer(): Promise<ServerProcess> {
  return startServerProcess(dir, join(dir, 'data'), { TALLY_STORAGE_SYNCHRONOUS: 'FULL', TALLY_FAULT_COMMIT_DELAY_MS: '100' });
}

async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url + CAPABILITY, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

function held(answer: any, feature: string): number {
  return answer.granted.filter((g: any) => g.feature === feature).reduce((s: number, g: any) => s + g.count, 0);
}

interface ClientLog {
  device: string;
  /** Requests this client has made, over every server life. */
  n: number;
  /** Seats held according to the last acknowledged answer. */
  ackedSeats: number;
  /** Seats the request in flight at the kill asked for, if one was in flight. */
  inFlightSeats: number | null;
  ackedUnits: number;
  inFlightUnits: number;
}

/**
 * Runs every client against one server life and SIGKILLs the server the moment the
 * `killAfter`-th answer arrives: if the writer answered before committing, that answer's
 * commit is still open then, and the grant it acknowledged is lost.
 */
async function runUntilKilled(server: ServerProcess, logs: ClientLog[], killAfter: number): Promise<number> {
  let killed = false;
  let acknowledged = 0;
  const clients = logs.map(async (log, i) => {
    while (!killed) {
      const n = log.n++;
      const device = { hostId: { value: log.device, type: 'STRING' } };
      const consume = (n + i) % 4 === 0;
      const seats = (n * 7 + i) % SEAT_VALUES;
      if (consume) log.inFlightUnits = 1;
      else log.inFlightSeats = seats;
      let answer: any;
      try {
        answer = await post(server.url, consume
          ? { device, incremental: true, features: [{ name: 'units', version: '1.0', count: 1 }] }
          : { device, features: [{ name: 'seat', version: '1.0', count: seats }] });
      } catch {
        return; // the server died with this request in flight
      }
      if (killed) return; // an answer read after the kill proves nothing either way
      acknowledged += 1;
      log.ackedSeats = held(answer, 'seat');
      log.ackedUnits = held(answer, 'units');
      log.inFlightSeats = null;
      log.inFlightUnits = 0;
      if (acknowledged === killAfter) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    }
  });
  await Promise.allSettled(clients);
  await stopProcess(server, 'SIGKILL');
  return acknowledged;
}

describe('a license server killed with SIGKILL under load', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged grant through kills right after an answer, and exactly one outbox event per state change', async () => {
    writeLicenseFiles(dir, {
      licenseId: 'crash',
      features: [
        // Enough seats that no client is ever refused: every answer is a grant to keep.
        { name: 'seat', version: '1.0', count: CLIENTS * SEAT_VALUES, expiry: 'permanent' },
        { name: 'units', version: '1.0', count: 1_000_000, model: 'metered', expiry: 'permanent' },
      ],
    });

    const random = seededRandom(20261129);
    const logs: ClientLog[] = Array.from({ length: CLIENTS }, (_, i) => ({ device: `crash-${i}`, n: 0, ackedSeats: 0, inFlightSeats: null, ackedUnits: 0, inFlightUnits: 0 }));
    let server = await startServer();
    for (let kill = 0; kill < KILLS; kill++) {
      // Kill at a different moment of the load each time, early and late.
      const killAfter = 10 + random.int(150);
      expect(await runUntilKilled(server, logs, killAfter)).toBe(killAfter);

      server = await startServer();
      for (const log of logs) {
        const status = await post(server.url, { device: { hostId: { value: log.device, type: 'STRING' } } });
        const seats = held(status, 'seat');
        const units = held(status, 'units');
        // Held is what was last acknowledged, or what the request in flight at the kill asked for.
        const context = `${log.device} after kill ${kill + 1} (answer ${killAfter})`;
        expect(log.inFlightSeats === null ? [log.ackedSeats] : [log.ackedSeats, log.inFlightSeats], context).toContain(seats);
        expect([log.ackedUnits, log.ackedUnits + log.inFlightUnits], context).toContain(units);
        Object.assign(log, { ackedSeats: seats, ackedUnits: units, inFlightSeats: null, inFlightUnits: 0 });
      }
    }
    await stopProcess(server);

    // Replaying the outbox gives exactly the stored holdings: no event lost, none written twice.
    expectExactlyOnce(outboxEvents(join(dir, 'data')), join(dir, 'data'));
  }, 120_000);
});
