import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { UsageEvent } from '../../src/licensing/usage-event.js';

/** Reads the usage outbox straight from a server's trusted storage (committed rows only). */
export function outboxEvents(dataDir: string): UsageEvent[] {
  const db = new Database(join(dataDir, 'server.db'), { readonly: true });
  try {
    return (db.prepare('SELECT event FROM outbox ORDER BY seq').pluck().all() as string[]).map((e) => JSON.parse(e) as UsageEvent);
  } finally {
    db.close();
  }
}

/** Holdings rows per device key, as stored. */
export function storedHoldings(dataDir: string): Array<{ device_key: string; feature: string; count: number; kind: string }> {
  const db = new Database(join(dataDir, 'server.db'), { readonly: true });
  try {
    return db.prepare('SELECT device_key, feature, count, kind FROM holdings').all() as Array<{ device_key: string; feature: string; count: number; kind: string }>;
  } finally {
    db.close();
  }
}

/** Holdings rows with the pool they were drawn from, as stored. */
export function storedPoolHoldings(dataDir: string): Array<{ device_key: string; feature: string; count: number; pool: string | null; reserved_for: string | null }> {
  const db = new Database(join(dataDir, 'server.db'), { readonly: true });
  try {
    return db.prepare('SELECT device_key, feature, count, pool, reserved_for FROM holdings').all() as Array<{
      device_key: string; feature: string; count: number; pool: string | null; reserved_for: string | null;
    }>;
  } finally {
    db.close();
  }
}

/** Usage events a back office refused even alone, as the server keeps them. */
export function refusedEvents(dataDir: string): Array<{ event: string; status: number; reason: string }> {
  const db = new Database(join(dataDir, 'server.db'), { readonly: true });
  try {
    return db.prepare('SELECT event, status, reason FROM sync_refused ORDER BY seq').all() as Array<{ event: string; status: number; reason: string }>;
  } finally {
    db.close();
  }
}

/** Every event exactly once: no ID twice, and replaying them gives the server's holdings. */
export function expectExactlyOnce(events: UsageEvent[], serverDataDir: string): void {
  expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  const replayed = new Map<string, number>();
  for (const e of events) {
    const key = `${e.deviceIdType}:${e.deviceId}|${e.feature}`;
    const sign = e.kind === 'checkout' || e.kind === 'consume' ? 1 : e.kind === 'deny' ? 0 : -1;
    replayed.set(key, (replayed.get(key) ?? 0) + sign * e.count);
  }
  for (const [key, n] of replayed) if (n === 0) replayed.delete(key);
  const stored = new Map<string, number>();
  for (const h of storedHoldings(serverDataDir)) stored.set(`${h.device_key}|${h.feature}`, (stored.get(`${h.device_key}|${h.feature}`) ?? 0) + h.count);
  expect(Object.fromEntries(replayed)).toEqual(Object.fromEntries(stored));
}
