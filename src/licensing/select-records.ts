import type { FeatureRecord } from './feature-record.js';
import { slotOf } from './holding.js';
import { compareVersions } from './version.js';

/**
 * Orders records the way counts are drawn from them: the one that expires first, then the
 * lowest version, then by ID so that the order never depends on load order.
 */
export function preferenceOrder(a: FeatureRecord, b: FeatureRecord): number {
  const ea = a.expiresAt ?? Number.POSITIVE_INFINITY;
  const eb = b.expiresAt ?? Number.POSITIVE_INFINITY;
  if (ea !== eb) return ea < eb ? -1 : 1;
  return compareVersions(a.version, b.version) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A record with what is still free in it for this request. */
export interface Candidate {
  record: FeatureRecord;
  /** Regular counts still free (Infinity when uncounted). */
  free: number;
  /** Overdraft counts still free. */
  overdraftFree: number;
  /** The pool these counts belong to; absent when the server has no pools or reservations. */
  pool?: string | null;
  /** The reservation holder these counts are drawn under. */
  reservedFor?: string | null;
}

/** Counts drawn from one record. */
export interface Allocation {
  record: FeatureRecord;
  count: number;
  /** Of `count`, how many are overdraft (or, for uncapped metered, overage past the cap). */
  overdraft: number;
  pool: string | null;
  reservedFor: string | null;
}

export interface AllocationResult {
  allocations: Allocation[];
  /** Counts that could not be drawn. */
  shortfall: number;
}

/**
 * Draws `need` counts from candidates already in preference order: regular counts of every
 * record first, overdraft only when all regular counts are taken. With `unlimitedSpill`
 * (uncapped metered), whatever is still missing is served from the first record as overage.
 */
export function allocate(candidates: Candidate[], need: number, unlimitedSpill = false): AllocationResult {
  const byRecord = new Map<string, Allocation>();
  let remaining = need;
  const take = (c: Candidate, count: number, overdraft: number) => {
    const pool = c.pool ?? null;
    const reservedFor = c.reservedFor ?? null;
    const key = slotOf(c.record.id, pool, reservedFor);
    const existing = byRecord.get(key);
    if (existing) {
      existing.count += count;
      existing.overdraft += overdraft;
    } else {
      byRecord.set(key, { record: c.record, count, overdraft, pool, reservedFor });
    }
    remaining -= count;
  };
  for (const c of candidates) {
    if (remaining <= 0) break;
    const n = Math.min(remaining, Math.max(0, c.free));
    if (n > 0) take(c, n, 0);
  }
  for (const c of candidates) {
    if (remaining <= 0) break;
    const n = Math.min(remaining, Math.max(0, c.overdraftFree));
    if (n > 0) take(c, n, n);
  }
  if (remaining > 0 && unlimitedSpill && candidates[0]) take(candidates[0], remaining, remaining);
  return { allocations: [...byRecord.values()], shortfall: Math.max(0, remaining) };
}
