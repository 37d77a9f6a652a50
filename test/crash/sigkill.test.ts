import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProducerKeys, signLicense } from '../../src/licensing/license-file.js';
import { outboxEvents, storedHoldings } from '../support/storage.js';
import type { ServerProcess } from '../support/server-process.js';
import { startServerProcess } from '../support/server-process.js';

const CLIENTS = 24;
const dir = mkdtempSync(join(tmpdir(), 'tally-crash-'));
const CAPABILITY = '/api/1.0/instances/~/capability';

/**
 * Starts `tally server` as its own process, with durable (FULL) commits held open 15 ms each so
 * that the kill surely lands on uncommitted writes, and waits for it to listen.
 */
function startServer(): Promise<ServerProcess> {
  return startServerProcess(dir, join(dir, 'data'), { TALLY_STORAGE_SYNCHRONOUS: 'FULL', TALLY_FAULT_COMMIT_DELAY_MS: '15' });
}

async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url + CAPABILITY, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

interface ClientLog {
  device: string;
  /** Seats held according to the last acknowledged answer. */
  ackedSeats: number;
  /** Seats the request in flight at the crash asked for, if one was in flight. */
  inFlightSeats: number | null;
  ackedUnits: number;
  inFlightUnits: number;
}

describe('a license server killed with SIGKILL under load', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged grant and exactly one outbox event per state change', async () => {
    const keys = generateProducerKeys();
    writeFileSync(join(dir, 'producer.pub'), keys.publicKeyPem);
    const license = signLicense(
      {
        licenseId: 'crash',
        features: [
          { name: 'seat', version: '1.0', count: 1000, expiry: 'permanent' },
          { name: 'units', version: '1.0', count: 1_000_000, model: 'metered', expiry: 'permanent' },
        ],
      },
      keys.privateKeyPem,
    );
    writeFileSync(join(dir, 'license.json'), JSON.stringify(license));

    const first = await startServer();
    const logs: ClientLog[] = Array.from({ length: CLIENTS }, (_, i) => ({ device: `crash-${i}`, ackedSeats: 0, inFlightSeats: null, ackedUnits: 0, inFlightUnits: 0 }));
    let crashed = false;
    let acknowledged = 0;
    const clients = logs.map(async (log, i) => {
      for (let n = 0; !crashed; n++) {
        const device = { hostId: { value: log.device, type: 'STRING' } };
        const consume = (n + i) % 4 === 0;
        const seats = (n * 7 + i) % 4;
        if (consume) log.inFlightUnits = 1;
        else log.inFlightSeats = seats;
        try {
          const r = await post(first.url, consume
            ? { device, incremental: true, features: [{ name: 'units', version: '1.0', count: 1 }] }
            : { device, features: [{ name: 'seat', version: '1.0', count: seats }] });
          if (crashed) return; // an answer racing the kill proves nothing either way
          acknowledged += 1;
          log.ackedSeats = r.granted.filter((g: any) => g.feature === 'seat').reduce((s: number, g: any) => s + g.count, 0);
          log.ackedUnits = r.granted.filter((g: any) => g.feature === 'units').reduce((s: number, g: any) => s + g.count, 0);
          log.inFlightSeats = null;
          log.inFlightUnits = 0;
        } catch {
          return; // the server died with this request in flight
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    crashed = true;
    first.child.kill('SIGKILL');
    await Promise.allSettled(clients);
    await new Promise((resolve) => first.child.exitCode !== null || first.child.signalCode ? resolve(null) : first.child.once('exit', resolve));
    expect(acknowledged).toBeGreaterThan(100);

    const second = await startServer();
    try {
      for (const log of logs) {
        const status = await post(second.url, { device: { hostId: { value: log.device, type: 'STRING' } } });
        const seats = status.granted.filter((g: any) => g.feature === 'seat').reduce((s: number, g: any) => s + g.count, 0);
        const units = status.granted.filter((g: any) => g.feature === 'units').reduce((s: number, g: any) => s + g.count, 0);
        // Held is what was last acknowledged, or what the request in flight at the kill asked for.
        expect([log.ackedSeats, log.inFlightSeats ?? log.ackedSeats]).toContain(seats);
        expect([log.ackedUnits, log.ackedUnits + log.inFlightUnits]).toContain(units);
      }
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    }

    // Replaying the outbox gives exactly the stored holdings: no event lost, none written twice.
    const events = outboxEvents(join(dir, 'data'));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const replayed = new Map<string, number>();
    for (const e of events) {
      const key = `STRING:${e.deviceId}|${e.feature}`;
      const sign = e.kind === 'checkout' || e.kind === 'consume' ? 1 : e.kind === 'deny' ? 0 : -1;
      replayed.set(key, (replayed.get(key) ?? 0) + sign * e.count);
    }
    const stored = new Map<string, number>();
    for (const h of storedHoldings(join(dir, 'data'))) stored.set(`${h.device_key}|${h.feature}`, (stored.get(`${h.device_key}|${h.feature}`) ?? 0) + h.count);
    for (const [key, count] of replayed) if (count === 0) replayed.delete(key);
    expect(Object.fromEntries(replayed)).toEqual(Object.fromEntries(stored));
  }, 60_000);
});
