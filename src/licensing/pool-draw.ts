import type { Decider, DesiredFeature } from './capability.js';
import type { FeatureRecord } from './feature-record.js';
import { recordStatus } from './feature-record.js';
import type { Holding } from './holding.js';
import { slotOf } from './holding.js';
import type { LicenseState, StateChange } from './license-state.js';
import type { PoolGrant } from './pool.js';
import { poolUseKey, poolsFor } from './pool.js';
import type { PoolPlan } from './model-definition/validate.js';
import { DEFAULT_POOL, featureKey } from './model-definition/validate.js';
import { RESERVATIONS_POOL, heldForOthers, holdersOf } from './reservation.js';
import type { Candidate } from './select-records.js';
import { compareVersions, satisfiesVersion } from './version.js';

/**
 * Where a device may draw counts of one feature from when the server has pools or
 * reservations: which of its holdings stay valid, in which order they are given back, and
 * the candidates to draw from, in the order they are drawn.
 */
export interface RestrictedSource {
  /** Why the rules of access refuse the device (RULE_REJECTION); null when they do not. */
  denied: string | null;
  allows(h: Holding): boolean;
  /** Lower ranks are drawn first and given back last. */
  rank(h: Holding): number;
  /** Candidates in drawing order; `withMax: false` ignores the rules' `max` (to tell RULE_MAX_EXCEEDED from INSUFFICIENT_COUNT). */
  candidates(capped: boolean, withMax?: boolean): Candidate[];
  /** True when a rule's `max` limits some of the candidates. */
  maxLimited: boolean;
}

export function restrictedSource(d: Decider, desired: DesiredFeature, records: FeatureRecord[]): RestrictedSource {
  if (d.state.pools !== null) return poolSource(d, desired, records);
  return reservationSource(d, desired, records);
}

/** Named pools: the pools the rules grant, in rule order; each pool's counts split over its records. */
function poolSource(d: Decider, desired: DesiredFeature, records: FeatureRecord[]): RestrictedSource {
  const plan = d.state.pools!;
  d.access ??= poolsFor(plan, d.request.device);
  const access = d.access;
  if (access.kind === 'deny') {
    return {
      denied: `The rule of access on line ${access.rule.line} of model "${plan.model.name}" refuses this device.`,
      // Counts it holds from pools can still be given back.
      allows: (h) => h.pool !== null,
      rank: () => 0,
      candidates: () => [],
      maxLimited: false,
    };
  }
  const grants = access.grants;
  const index = new Map(grants.map((g, i) => [g.pool, i]));
  return {
    denied: null,
    allows: (h) =>
      h.pool !== null && h.reservedFor === null && (index.has(h.pool) || (h.pool === DEFAULT_POOL && d.state.record(h.recordId)?.counted === false)),
    rank: (h) => index.get(h.pool ?? '') ?? grants.length,
    maxLimited: grants.some((g) => g.max !== null),
    candidates: (_capped, withMax = true) => {
      const recordLeft = new Map<string, number>();
      const out: Candidate[] = [];
      // Uncounted features belong to no named pool: everyone is served them from default.
      for (const r of records) if (!r.counted) out.push({ record: r, free: Number.POSITIVE_INFINITY, overdraftFree: 0, pool: DEFAULT_POOL, reservedFor: null });
      for (const g of grants) {
        const poolLeft = new Map<string, number>();
        let capLeft = withMax && g.max ? Math.max(0, g.max.count - heldFromPool(d, g, desired.name)) : Number.POSITIVE_INFINITY;
        const allocated = plan.allocated.get(g.pool);
        for (const r of records) {
          if (!r.counted) continue;
          const fk = featureKey(r.name, r.version);
          if (!poolLeft.has(fk)) poolLeft.set(fk, Math.max(0, (allocated?.get(fk) ?? 0) - d.state.usedInPool(`${g.pool}\u0000${fk}`)));
          const used = d.state.usedOf(r.id);
          const left = recordLeft.get(r.id) ?? Math.max(0, r.count - used);
          const n = Math.min(left, poolLeft.get(fk)!, capLeft);
          // Overdraft is never split into pools: only the default pool serves it.
          const overdraftFree = g.pool === DEFAULT_POOL ? Math.min(capLeft - n, Math.max(0, Math.min(r.overdraft, r.count + r.overdraft - used))) : 0;
          if (n <= 0 && overdraftFree <= 0) continue;
          out.push({ record: r, free: n, overdraftFree, pool: g.pool, reservedFor: null });
          recordLeft.set(r.id, left - n);
          poolLeft.set(fk, poolLeft.get(fk)! - n);
          capLeft -= n;
        }
      }
      return out;
    },
  };
}

/** Counts of a feature the device (or, for `max … per user`, its user on any device) holds from a pool. */
function heldFromPool(d: Decider, g: PoolGrant, feature: string): number {
  const user = d.request.device.user;
  if (g.max?.per === 'user' && user !== null) {
    let n = 0;
    for (const h of d.state.allHoldings()) {
      if (h.pool !== g.pool || h.feature !== feature) continue;
      if (h.deviceKey === d.key || d.state.device(h.deviceKey)?.user === user) n += h.count;
    }
    return n;
  }
  return d.state.holdingsOf(d.key).reduce((n, h) => (h.pool === g.pool && h.feature === feature ? n + h.count : n), 0);
}

/**
 * Reservations: a device first draws what is reserved for it (or its user), then shared
 * counts — never the unused reservations of others.
 */
function reservationSource(d: Decider, desired: DesiredFeature, records: FeatureRecord[]): RestrictedSource {
  const book = d.state.reservations!;
  const holders = holdersOf(d.request.device);
  return {
    denied: null,
    allows: (h) => h.pool === null || (h.pool === RESERVATIONS_POOL && h.reservedFor !== null && holders.includes(h.reservedFor)),
    rank: (h) => (h.pool === RESERVATIONS_POOL ? 0 : 1),
    maxLimited: false,
    candidates: () => {
      const all = d.state.recordsNamed(desired.name).filter((r) => recordStatus(r, d.now) === 'active');
      const used = (holder: string) => d.state.usedByReservation(holder, desired.name);
      const held = heldForOthers(book, desired.name, all, (id) => d.state.usedOf(id), d.state.coveredReservations(desired.name), used, holders);
      const left = new Map(records.map((r) => [r.id, Math.max(0, r.count - d.state.usedOf(r.id) - (held.get(r.id) ?? 0))]));
      const out: Candidate[] = [];
      for (const holder of holders) {
        const entries = book.entriesOf(holder, desired.name);
        if (entries.length === 0) continue;
        let unused = entries.reduce((n, e) => n + e.count, 0) - d.state.usedByReservation(holder, desired.name);
        const lowest = [...entries].sort((a, b) => compareVersions(a.version, b.version))[0]!.version;
        for (const r of records) {
          if (unused <= 0) break;
          if (!r.counted || !satisfiesVersion(r.version, lowest)) continue;
          const n = Math.min(unused, left.get(r.id)!);
          if (n <= 0) continue;
          out.push({ record: r, free: n, overdraftFree: 0, pool: RESERVATIONS_POOL, reservedFor: holder });
          left.set(r.id, left.get(r.id)! - n);
          unused -= n;
        }
      }
      for (const r of records) {
        if (!r.counted) {
          out.push({ record: r, free: Number.POSITIVE_INFINITY, overdraftFree: 0, pool: null, reservedFor: null });
          continue;
        }
        const used = d.state.usedOf(r.id);
        const overdraftFree = Math.max(0, Math.min(r.overdraft, r.count + r.overdraft - used - (held.get(r.id) ?? 0)));
        out.push({ record: r, free: left.get(r.id)!, overdraftFree, pool: null, reservedFor: null });
      }
      return out;
    },
  };
}

/**
 * What a request naming no features is served: with reservations, everything reserved for the
 * device and its user; with pools, one count of each feature of the pools its rules serve
 * unasked (`all from`, `without requested features`). Empty when there is nothing of the kind.
 */
export function unrequestedFeatures(d: Decider): DesiredFeature[] {
  const wanted = new Map<string, DesiredFeature>();
  const add = (name: string, version: string, count: number, sumCounts: boolean) => {
    const prior = wanted.get(name);
    if (!prior) {
      wanted.set(name, { name, version, count });
      return;
    }
    if (compareVersions(version, prior.version) < 0) prior.version = version;
    prior.count = sumCounts ? prior.count + count : Math.max(prior.count, count);
  };
  if (d.state.reservations !== null) {
    for (const holder of holdersOf(d.request.device)) {
      for (const [feature, entries] of d.state.reservations.featuresOf(holder)) for (const e of entries) add(feature, e.version, e.count, true);
    }
  } else if (d.state.pools !== null) {
    const plan = d.state.pools;
    d.access ??= poolsFor(plan, d.request.device);
    if (d.access.kind === 'pools') {
      for (const g of d.access.grants) {
        if (!g.servesUnrequested) continue;
        for (const [key, n] of plan.allocated.get(g.pool) ?? new Map<string, number>()) {
          const info = plan.features.get(key);
          if (info && n > 0) add(info.name, info.version, 1, false);
        }
      }
    }
  }
  return [...wanted.values()];
}

/**
 * When a model is activated, counts devices already hold were drawn without pools (or from
 * pools the new model no longer has), so no pool would count them. They are placed where the
 * device would draw them now: the pools its rules grant, in order, as far as each has room
 * for them, and the rest (with overdraft and uncounted features, and all of a device the
 * rules refuse) in `default`. A holding may split over pools; a piece that lands where the
 * device already holds the same record merges into that holding (one holding per slot).
 * Nothing is given back or renewed and no usage event is written: only the pools' books change.
 * A piece that merges into nothing is a new holding, its ID from `newId`.
 */
export function placeHeldCounts(state: LicenseState, plan: PoolPlan, newId: () => string): StateChange {
  const change: StateChange = { upserts: [], removals: [], devices: [], events: [] };
  const inPlan = new Set(plan.pools);
  const moving = [...state.allHoldings()]
    .filter((h) => h.pool === null || !inPlan.has(h.pool))
    .sort((a, b) => a.grantedAt - b.grantedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (moving.length === 0) return change;

  const placed = new Map<string, number>();
  const room = (pool: string, h: Holding) =>
    Math.max(0, (plan.allocated.get(pool)?.get(featureKey(h.feature, h.version)) ?? 0) - state.usedInPool(poolUseKey(pool, h.feature, h.version)) - (placed.get(poolUseKey(pool, h.feature, h.version)) ?? 0));
  const place = (pool: string, h: Holding, n: number) => placed.set(poolUseKey(pool, h.feature, h.version), (placed.get(poolUseKey(pool, h.feature, h.version)) ?? 0) + n);

  // Leases and metered holdings are one per device, kind and slot; consumptions are one per request.
  const slotKey = (h: Holding, pool: string) => `${h.deviceKey}\u0000${h.kind}\u0000${slotOf(h.recordId, pool, null)}`;
  const movingIds = new Set(moving.map((h) => h.id));
  const bySlot = new Map<string, Holding>();
  for (const h of state.allHoldings()) if (h.kind !== 'consumption' && !movingIds.has(h.id) && h.pool !== null) bySlot.set(slotKey(h, h.pool), h);
  const upserts = new Map<string, Holding>();
  const land = (h: Holding, pool: string, count: number, overdraft: number) => {
    const key = slotKey(h, pool);
    const there = h.kind === 'consumption' ? undefined : bySlot.get(key);
    const piece: Holding = there
      ? {
          ...there,
          count: there.count + count,
          overdraft: there.overdraft + overdraft,
          renewedAt: Math.max(there.renewedAt, h.renewedAt),
          expiresAt: there.expiresAt === null || h.expiresAt === null ? null : Math.max(there.expiresAt, h.expiresAt),
        }
      : { ...h, id: newId(), pool, reservedFor: null, count, overdraft };
    if (h.kind !== 'consumption') bySlot.set(key, piece);
    upserts.set(piece.id, piece);
  };

  for (const h of moving) {
    change.removals.push(h);
    const device = state.device(h.deviceKey);
    const access = device ? poolsFor(plan, device) : null;
    const counted = state.record(h.recordId)?.counted ?? true;
    const pools = counted && access?.kind === 'pools' ? access.grants.map((g) => g.pool) : [];
    // Overdraft is served only from default, so it stays there.
    let regular = h.count - h.overdraft;
    for (const pool of pools) {
      if (pool === DEFAULT_POOL || regular === 0) continue;
      const n = Math.min(regular, room(pool, h));
      if (n === 0) continue;
      land(h, pool, n, 0);
      place(pool, h, n);
      regular -= n;
    }
    if (regular + h.overdraft > 0) {
      land(h, DEFAULT_POOL, regular + h.overdraft, h.overdraft);
      place(DEFAULT_POOL, h, regular + h.overdraft);
    }
  }
  change.upserts = [...upserts.values()];
  return change;
}
