import type { SourceRecord } from './imported-event.js';

/** One checkout seen in a status snapshot (lmstat, a REST server's clients). */
export interface SnapshotCheckout {
  /** What identifies the checkout on its server while it lasts (server, handle, start...). */
  key: string;
  daemon: string;
  feature: string;
  version: string;
  user: string | null;
  host: string | null;
  count: number;
  /** UTC epoch ms the checkout started, when the status says (lmstat does, to the minute). */
  since: number | null;
}

/** What a license server said at one moment: counts per feature and who holds what. */
export interface UsageSnapshot {
  /** UTC epoch ms. */
  takenAt: number;
  /** False when a server or daemon did not answer: such a snapshot is never diffed (no mass return). */
  complete: boolean;
  /** Why it is incomplete, or what else was wrong. */
  problems: string[];
  /** `users`: the licenses the user lines account for, where the status lists users (lmstat). */
  features: Array<{ daemon: string; feature: string; issued: number | null; inUse: number; queued: number; reserved: number; users?: number }>;
  checkouts: SnapshotCheckout[];
}

/**
 * The checkouts of a snapshot as checkout records at their start times (or the snapshot time
 * when unknown), with in-use counted up in start order: what importing one status capture says.
 */
export function snapshotCheckouts(s: UsageSnapshot): SourceRecord[] {
  const issued = new Map(s.features.map((f) => [`${f.daemon}\u0000${f.feature}`, f.issued]));
  const running = new Map<string, number>();
  return [...s.checkouts]
    .sort((a, b) => (a.since ?? s.takenAt) - (b.since ?? s.takenAt))
    .map((c) => {
      const k = `${c.daemon}\u0000${c.feature}`;
      const inUse = (running.get(k) ?? 0) + c.count;
      running.set(k, inUse);
      return record('checkout', c, c.since ?? s.takenAt, inUse, issued.get(k) ?? null);
    });
}

/**
 * The difference between two complete snapshots of one server as events: checkouts that
 * appeared (at their start time when known, else the new snapshot's time) and checkouts that
 * went (at the new snapshot's time: the return happened between the two polls).
 */
export function diffSnapshots(previous: UsageSnapshot, next: UsageSnapshot): SourceRecord[] {
  const before = new Map(previous.checkouts.map((c) => [c.key, c]));
  const after = new Map(next.checkouts.map((c) => [c.key, c]));
  const issued = new Map(next.features.map((f) => [`${f.daemon}\u0000${f.feature}`, f.issued]));
  const inUse = new Map<string, number>();
  for (const c of previous.checkouts) inUse.set(`${c.daemon}\u0000${c.feature}`, (inUse.get(`${c.daemon}\u0000${c.feature}`) ?? 0) + c.count);
  const out: SourceRecord[] = [];
  // New checkouts first: they started before this poll, while the ones that went were still held.
  for (const [key, c] of after) {
    if (before.has(key)) continue;
    const k = `${c.daemon}\u0000${c.feature}`;
    const n = (inUse.get(k) ?? 0) + c.count;
    inUse.set(k, n);
    // A start time before the previous poll is a clock or listing oddity: keep it between the polls.
    const at = c.since !== null && c.since > previous.takenAt && c.since <= next.takenAt ? c.since : next.takenAt;
    out.push(record('checkout', c, at, n, issued.get(k) ?? null));
  }
  for (const [key, c] of before) {
    if (after.has(key)) continue;
    const k = `${c.daemon}\u0000${c.feature}`;
    const n = Math.max(0, (inUse.get(k) ?? 0) - c.count);
    inUse.set(k, n);
    out.push(record('return', c, next.takenAt, n, issued.get(k) ?? null));
  }
  return out;
}

function record(kind: 'checkout' | 'return', c: SnapshotCheckout, utcMs: number, inUse: number, capacity: number | null): SourceRecord {
  return { kind, utcMs, daemon: c.daemon, feature: c.feature, version: c.version, count: c.count, user: c.user, host: c.host, detail: c.key, inUseAfter: inUse, capacity, statusCode: null };
}
