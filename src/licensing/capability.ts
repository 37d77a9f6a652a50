import { TallyError } from '../common/errors.js';
import type { EpochMs } from '../common/time.js';
import { checkFilter, refusalText } from './checkout-filter/decide.js';
import type { Denial } from './denials.js';
import { DENIAL, deny, NOT_A_DENIAL } from './denials.js';
import type { FeatureRecord } from './feature-record.js';
import { recordStatus } from './feature-record.js';
import type { Holding, HoldingKind } from './holding.js';
import { isReturnable, slotOf } from './holding.js';
import type { Device } from './hostid.js';
import { deviceKey } from './hostid.js';
import type { LicensingPolicy } from './lease.js';
import { leaseExpiry } from './lease.js';
import type { LicenseState, StateChange } from './license-state.js';
import { emptyChange } from './license-state.js';
import { countRoom, MAX_COUNT } from './limits.js';
import type { Allocation, Candidate } from './select-records.js';
import { allocate } from './select-records.js';
import type { PoolAccess } from './pool.js';
import type { RestrictedSource } from './pool-draw.js';
import { restrictedSource, unrequestedFeatures } from './pool-draw.js';
import type { EventContext, UsageEvent, UsageEventKind } from './usage-event.js';
import { satisfiesVersion } from './version.js';

/** One feature a device asks for. In incremental requests the count may be negative. */
export interface DesiredFeature {
  name: string;
  version: string;
  count: number;
}

export type CapabilityOperation = 'request' | 'preview' | 'undo';

export interface CapabilityRequest {
  device: Device;
  features: DesiredFeature[];
  /** Incremental requests add to or take from what the device holds; full ones replace it. */
  incremental: boolean;
  /** Serve what is available when the whole count is not. */
  partial: boolean;
  /** The lease length the client asks for, in seconds. */
  borrowInterval: number | null;
  /** `preview` decides without changing anything; `undo` takes back a metered consumption. */
  operation: CapabilityOperation;
  /** The consumption an `undo` takes back. */
  correlationId: string | null;
}

/** The outcome of a request: what to write, and which features were refused. */
export interface CapabilityDecision {
  correlationId: string;
  deviceKey: string;
  change: StateChange;
  denials: Denial[];
}

/** All a decision takes from outside the state: with the same ones, the same request on the same state decides the same. */
export interface DecisionInputs {
  now: EpochMs;
  newId: () => string;
}

/** What recording usage needs: where, when, for which device, and the change being built. */
export interface Ledger extends DecisionInputs {
  state: LicenseState;
  context: EventContext;
  /** The device whose holdings change. */
  key: string;
  /** Its identity as it asked (null when the server acts on its own, as on expiry). */
  device: Device | null;
  correlationId: string;
  change: StateChange;
  /** Net change of in-use counts per feature name made so far. */
  inUseDelta: Map<string, number>;
  /** `now` as ISO text, made once for all events. */
  ts: string;
}

/** A ledger deciding one capability request. */
export interface Decider extends Ledger {
  policy: LicensingPolicy;
  request: CapabilityRequest;
  denials: Denial[];
  /** What the rules of access allow this device, worked out on first need (pools only). */
  access: PoolAccess | null;
}

/**
 * Decides a capability request against the current state, without changing it. The rules,
 * checked for each desired feature in this order:
 *   1. no record of that name → NOT_AVAILABLE
 *   2. no record at the requested version or higher → NO_MATCHING_VERSION
 *   3. none of those is current → EXPIRED if any has expired, else NOT_YET_STARTED
 *   4. the checkout filter refuses the feature for this device → FILTER_REJECTION (only when the
 *      request adds or keeps counts: returns are never filtered)
 *   5. the rules of access refuse the device → RULE_REJECTION
 *   6. not enough counts → WOULD_CAUSE_OVERAGE (capped metered), RULE_MAX_EXCEEDED (a rule's max) or INSUFFICIENT_COUNT
 *   7. counts that would take the feature's in-use count past MAX_COUNT (limits.ts), which no usage
 *      event could report → WOULD_CAUSE_OVERAGE or INSUFFICIENT_COUNT, even when uncounted or uncapped
 * Giving back units of a non-reusable metered feature → BAD_REQUEST.
 * Counts come from the record that expires first, then the lowest version; one grant may
 * combine records; overdraft is used only once every regular count is taken.
 */
export function decideCapability(
  state: LicenseState,
  request: CapabilityRequest,
  policy: LicensingPolicy,
  context: EventContext,
  { now, newId }: DecisionInputs,
): CapabilityDecision {
  const d: Decider = {
    state,
    policy,
    now,
    newId,
    context,
    request,
    key: deviceKey(request.device.hostId),
    device: request.device,
    correlationId: newId(),
    change: emptyChange(),
    denials: [],
    inUseDelta: new Map(),
    ts: new Date(now).toISOString(),
    access: null,
  };
  if (request.operation === 'undo') {
    undoConsumption(d);
  } else {
    let features = request.features;
    if (features.length === 0 && (state.pools !== null || state.reservations !== null)) {
      // Without desired features a device gets what is reserved for it (or what its rules serve
      // unasked), as a full request: asking again renews rather than adds.
      features = unrequestedFeatures(d);
      if (features.length > 0) d.request = { ...request, features, incremental: false };
    }
    if (features.length > 0) {
      for (const desired of features) decideFeature(d, desired);
      if (!d.request.incremental) releaseUnlisted(d, features);
    }
  }
  if (d.change.upserts.length + d.change.removals.length > 0) noteDevice(d);
  return { correlationId: d.correlationId, deviceKey: d.key, change: d.change, denials: d.denials };
}

function decideFeature(d: Decider, desired: DesiredFeature): void {
  const named = d.state.recordsNamed(desired.name);
  if (named.length === 0) return refuse(d, desired, DENIAL.NOT_AVAILABLE);
  const matching = named.filter((r) => satisfiesVersion(r.version, desired.version));
  if (matching.length === 0) return refuse(d, desired, DENIAL.NO_MATCHING_VERSION);
  const active = matching.filter((r) => recordStatus(r, d.now) === 'active');
  if (active.length === 0) {
    const anyExpired = matching.some((r) => recordStatus(r, d.now) === 'expired');
    return refuse(d, desired, anyExpired ? DENIAL.EXPIRED : DENIAL.NOT_YET_STARTED);
  }
  if (d.state.filter !== null && desired.count > 0) {
    // Before pools and reservations: a filtered feature never draws on them. What the device
    // holds stays as it is, unrenewed, as with every refusal.
    const verdict = checkFilter(d.state.filter, { device: d.request.device, feature: desired.name, version: desired.version }, d.now);
    if (verdict.action === 'deny') return refuse(d, desired, DENIAL.FILTER_REJECTION, desired.count, refusalText(d.state.filter, verdict));
  }
  const model = active[0]!.model;
  const sameModel = active.filter((r) => r.model === model);
  if (model === 'metered' && !sameModel[0]!.metered!.reusable) return consume(d, desired, sameModel);
  return hold(d, desired, sameModel, model === 'concurrent' ? 'lease' : 'metered');
}

/** Leases (concurrent) and reusable metered units: the device ends up holding a target count. */
function hold(d: Decider, desired: DesiredFeature, records: FeatureRecord[], kind: HoldingKind): void {
  // Pools and reservations restrict where counts come from; without them this stays the plain path.
  const source = d.state.pools === null && d.state.reservations === null ? null : restrictedSource(d, desired, records);
  // A refused device may still give counts back.
  if (source?.denied && desired.count > 0) return refuse(d, desired, DENIAL.RULE_REJECTION, desired.count, source.denied);
  const recordIds = new Set(records.map((r) => r.id));
  const kept: Holding[] = [];
  const stale: Holding[] = [];
  for (const h of d.state.holdingsOf(d.key)) {
    if (h.feature !== desired.name || h.kind !== kind) continue;
    // Without pools or reservations, counts drawn under them earlier are held like any others.
    if (recordIds.has(h.recordId) && (source === null || source.allows(h))) kept.push(h);
    else stale.push(h);
  }
  const keptTotal = sum(kept);
  const target = d.request.incremental ? Math.max(0, keptTotal + desired.count) : desired.count;
  const order = new Map(records.map((r, i) => [r.id, i]));
  if (source) kept.sort((a, b) => source.rank(a) - source.rank(b) || (order.get(a.recordId) ?? 0) - (order.get(b.recordId) ?? 0));
  else kept.sort((a, b) => (order.get(a.recordId) ?? 0) - (order.get(b.recordId) ?? 0));

  const next = new Map<string, Holding>(kept.map((h) => [slotOfHolding(h), { ...h }]));
  const returned: Array<{ holding: Holding; count: number }> = [];
  const drawn: Allocation[] = [];

  if (target <= keptTotal) {
    // Give back from the least preferred records first; overdraft counts go back before regular ones.
    let excess = keptTotal - target;
    for (let i = kept.length - 1; i >= 0 && excess > 0; i--) {
      const h = next.get(slotOfHolding(kept[i]!))!;
      const n = Math.min(excess, h.count);
      h.count -= n;
      h.overdraft = Math.max(0, h.overdraft - n);
      excess -= n;
      returned.push({ holding: h, count: n });
    }
  } else {
    const need = target - keptTotal;
    const room = roomFor(d, desired.name);
    const capped = kind === 'lease' || (records[0]!.metered?.capped ?? true);
    const result = allocate(source ? source.candidates(capped) : candidatesOf(d, records), Math.min(need, room), !capped);
    const granted = Math.min(need, room) - result.shortfall;
    if (granted < need) {
      const overLimit = need > room;
      const code = !overLimit && source && maxWasTheLimit(source, need, capped, result.shortfall) ? DENIAL.RULE_MAX_EXCEEDED : kind === 'lease' ? DENIAL.INSUFFICIENT_COUNT : DENIAL.WOULD_CAUSE_OVERAGE;
      if (!d.request.partial || granted === 0) {
        // Nothing of this feature changes: what the device held stays, neither renewed nor lost.
        return refuse(d, desired, code, need, overLimit ? overLimitText(d, desired.name, need) : undefined);
      }
      refuse(d, desired, code, need - granted, `Only ${granted} of the ${need} requested counts were available.`);
    }
    for (const a of result.allocations) {
      drawn.push(a);
      const key = slotOf(a.record.id, a.pool, a.reservedFor);
      const existing = next.get(key);
      if (existing) {
        existing.count += a.count;
        existing.overdraft += a.overdraft;
      } else {
        next.set(key, newHolding(d, a, kind));
      }
    }
  }

  // Everything the device keeps of this feature is renewed.
  for (const h of next.values()) {
    const record = d.state.record(h.recordId)!;
    if (h.count === 0) {
      d.change.removals.push(kept.find((k) => k.id === h.id)!);
      continue;
    }
    h.expiresAt = kind === 'lease' ? leaseExpiry(record, d.request.borrowInterval, d.policy, d.now) : record.expiresAt;
    h.correlationId = d.correlationId;
    h.renewedAt = d.now;
    d.change.upserts.push(h);
  }
  if (!d.request.incremental) for (const h of stale) release(d, h, 'return');
  for (const r of returned) {
    if (r.count > 0) record(d, 'return', r.holding, r.count, 0);
  }
  for (const a of drawn) {
    record(d, kind === 'lease' ? 'checkout' : 'consume', next.get(slotOf(a.record.id, a.pool, a.reservedFor))!, a.count, a.overdraft);
  }
}

function slotOfHolding(h: Holding): string {
  return slotOf(h.recordId, h.pool, h.reservedFor);
}

/**
 * Counts a request may still add to a feature: its in-use count, which every usage event
 * reports, must stay within MAX_COUNT. Counted features stay there by their licenses; this
 * bounds uncounted and uncapped ones, which would otherwise grow without end.
 */
function roomFor(d: Decider, name: string): number {
  return countRoom(d.state.inUseOf(name) + (d.inUseDelta.get(name) ?? 0));
}

function overLimitText(d: Decider, name: string, asked: number): string {
  const inUse = d.state.inUseOf(name) + (d.inUseDelta.get(name) ?? 0);
  return `${name} has ${inUse} counts in use; ${asked} more would pass ${MAX_COUNT}, the most Tally records for a feature.`;
}

/** Whether a rule's `max` rather than the pools' counts kept a request short (RULE_MAX_EXCEEDED, not INSUFFICIENT_COUNT). */
function maxWasTheLimit(source: RestrictedSource, need: number, capped: boolean, shortfall: number): boolean {
  if (!source.maxLimited) return false;
  return allocate(source.candidates(capped, false), need, !capped).shortfall < shortfall;
}

/** Non-reusable metered units: each request uses up its count for good. */
function consume(d: Decider, desired: DesiredFeature, records: FeatureRecord[]): void {
  if (desired.count === 0) return;
  if (desired.count < 0) {
    d.denials.push(
      deny(DENIAL.BAD_REQUEST, desired.name, desired.version, -desired.count,
        'Units of this metered feature are not reusable and cannot be returned; undo the consumption within its undo interval instead.'),
    );
    return;
  }
  const source = d.state.pools === null && d.state.reservations === null ? null : restrictedSource(d, desired, records);
  if (source?.denied) return refuse(d, desired, DENIAL.RULE_REJECTION, desired.count, source.denied);
  const capped = records[0]!.metered?.capped ?? true;
  const room = roomFor(d, desired.name);
  const result = allocate(source ? source.candidates(capped) : candidatesOf(d, records), Math.min(desired.count, room), !capped);
  const granted = Math.min(desired.count, room) - result.shortfall;
  if (granted < desired.count) {
    const overLimit = desired.count > room;
    const code = !overLimit && source && maxWasTheLimit(source, desired.count, capped, result.shortfall) ? DENIAL.RULE_MAX_EXCEEDED : DENIAL.WOULD_CAUSE_OVERAGE;
    if (!d.request.partial || granted === 0) return refuse(d, desired, code, desired.count, overLimit ? overLimitText(d, desired.name, desired.count) : undefined);
    refuse(d, desired, code, desired.count - granted, `Only ${granted} of the ${desired.count} requested units were left under the cap.`);
  }
  for (const a of result.allocations) {
    const h = newHolding(d, a, 'consumption');
    h.expiresAt = a.record.expiresAt;
    d.change.upserts.push(h);
    record(d, 'consume', h, a.count, a.overdraft);
  }
}

/** A full request replaces holdings: features it does not name are given back. */
function releaseUnlisted(d: Decider, features: DesiredFeature[]): void {
  const listed = new Set(features.map((f) => f.name));
  for (const h of d.state.holdingsOf(d.key)) {
    if (isReturnable(h) && !listed.has(h.feature)) release(d, h, 'return');
  }
}

function undoConsumption(d: Decider): void {
  const id = d.request.correlationId;
  const targets = d.state
    .holdingsOf(d.key)
    .filter((h) => h.kind === 'consumption' && h.correlationId === id);
  if (targets.length === 0) {
    throw new TallyError('NOT_FOUND', `This device has no metered consumption with correlation ID ${id}.`, [
      { field: 'correlationId', message: 'matches no consumption of this device' },
    ]);
  }
  for (const h of targets) {
    const record = d.state.record(h.recordId);
    const window = (record?.metered?.undoInterval ?? 0) * 1000;
    if (d.now - h.grantedAt > window) {
      const message = window === 0
        ? `Consumption of ${h.feature} cannot be undone: the feature has no undo interval.`
        : `The undo interval of ${h.feature} (${window / 1000}s) has passed.`;
      throw new TallyError('UNDO_NOT_ALLOWED', message, [{ field: 'correlationId', message }]);
    }
  }
  for (const h of targets) release(d, h, 'return');
}

/** Builds the change for holdings whose time is up: each one ends with an `expire` event. */
export function decideExpiry(state: LicenseState, due: Holding[], context: EventContext, { now, newId }: DecisionInputs): StateChange {
  const d: Ledger = {
    state,
    now,
    newId,
    context,
    key: '',
    device: null,
    correlationId: '',
    change: emptyChange(),
    inUseDelta: new Map(),
    ts: new Date(now).toISOString(),
  };
  for (const h of due) {
    d.key = h.deviceKey;
    release(d, h, 'expire');
  }
  return d.change;
}

/** A holding ended or shortened because the records it draws on were taken away or lowered. */
export interface Cutback {
  deviceKey: string;
  feature: string;
  version: string;
  recordId: string;
  /** Counts taken from the holding. */
  count: number;
  /** Counts the device still holds of it. */
  left: number;
  reason: 'record-removed' | 'count-lowered';
}

/**
 * After the records changed (a reissued license with fewer counts, a record taken away), ends
 * what devices can no longer hold: every lease on a record that is gone, and on a record whose
 * counts went down, the newest leases first until the rest fits in its count and overdraft.
 * Leases on records that still have room keep running; used-up metered units stay used.
 */
export function decideCutback(state: LicenseState, context: EventContext, { now, newId }: DecisionInputs): { change: StateChange; cutbacks: Cutback[] } {
  const d: Ledger = { state, now, newId, context, key: '', device: null, correlationId: '', change: emptyChange(), inUseDelta: new Map(), ts: new Date(now).toISOString() };
  const cutbacks: Cutback[] = [];
  const byRecord = new Map<string, Holding[]>();
  for (const h of state.allHoldings()) {
    if (!isReturnable(h)) continue;
    const list = byRecord.get(h.recordId) ?? [];
    list.push(h);
    byRecord.set(h.recordId, list);
  }
  for (const [recordId, holdings] of byRecord) {
    const kept = state.record(recordId);
    if (kept && !kept.counted) continue;
    let excess = kept ? state.usedOf(recordId) - (kept.count + kept.overdraft) : Number.POSITIVE_INFINITY;
    const newestFirst = holdings.sort((a, b) => b.grantedAt - a.grantedAt || (a.id < b.id ? 1 : -1));
    for (const h of newestFirst) {
      if (excess <= 0) break;
      const take = Math.min(h.count, excess);
      d.key = h.deviceKey;
      if (take === h.count) {
        release(d, h, 'expire');
      } else {
        d.change.upserts.push({ ...h, count: h.count - take, overdraft: Math.max(0, h.overdraft - take) });
        record(d, 'expire', h, take, 0);
      }
      cutbacks.push({ deviceKey: h.deviceKey, feature: h.feature, version: h.version, recordId, count: take, left: h.count - take, reason: kept ? 'count-lowered' : 'record-removed' });
      excess -= take;
    }
  }
  return { change: d.change, cutbacks };
}

function release(d: Ledger, h: Holding, kind: 'return' | 'expire'): void {
  d.change.removals.push(h);
  record(d, kind, h, h.count, 0);
}

function candidatesOf(d: Decider, records: FeatureRecord[]): Candidate[] {
  return records.map((record) => {
    if (!record.counted) return { record, free: Number.POSITIVE_INFINITY, overdraftFree: 0 };
    const used = d.state.usedOf(record.id);
    return {
      record,
      free: Math.max(0, record.count - used),
      overdraftFree: Math.max(0, Math.min(record.overdraft, record.count + record.overdraft - used)),
    };
  });
}

function newHolding(d: Decider, a: Allocation, kind: HoldingKind): Holding {
  const { record, count, overdraft } = a;
  return {
    id: d.newId(),
    deviceKey: d.key,
    recordId: record.id,
    feature: record.name,
    version: record.version,
    model: record.model,
    kind,
    count,
    overdraft,
    grantedAt: d.now,
    renewedAt: d.now,
    expiresAt: null,
    correlationId: d.correlationId,
    pool: a.pool,
    reservedFor: a.reservedFor,
  };
}

function refuse(d: Decider, desired: DesiredFeature, code: Denial['code'], count = Math.abs(desired.count), text?: string): void {
  const denial = deny(code, desired.name, desired.version, count, text);
  d.denials.push(denial);
  if (!d.policy.trackDeniedRequests || NOT_A_DENIAL.has(code)) return;
  const model = d.state.recordsNamed(desired.name)[0]?.model ?? null;
  d.change.events.push(event(d, 'deny', desired.name, desired.version, count, model, null, 0, code, null));
}

function record(d: Ledger, kind: UsageEventKind, h: Holding, count: number, overdraft: number): void {
  const sign = kind === 'checkout' || kind === 'consume' ? 1 : -1;
  d.inUseDelta.set(h.feature, (d.inUseDelta.get(h.feature) ?? 0) + sign * count);
  d.change.events.push(event(d, kind, h.feature, h.version, count, h.model, h.recordId, overdraft, null, h.pool));
}

function event(
  d: Ledger,
  kind: UsageEventKind,
  feature: string,
  version: string,
  count: number,
  model: Holding['model'] | null,
  recordId: string | null,
  overdraft: number,
  statusCode: Denial['code'] | null,
  pool: string | null,
): UsageEvent {
  const device = d.device ?? d.state.device(d.key);
  return {
    eventId: d.newId(),
    ts: d.ts,
    instanceId: d.context.instanceId,
    accountId: d.context.accountId,
    kind,
    feature,
    version,
    count,
    model,
    deviceId: device?.hostId.value ?? d.key.slice(d.key.indexOf(':') + 1),
    deviceIdType: device?.hostId.type ?? (d.key.slice(0, d.key.indexOf(':')) as UsageEvent['deviceIdType']),
    deviceAlias: device?.alias ?? null,
    user: device?.user ?? null,
    pool,
    statusCode,
    inUseAfter: d.state.inUseOf(feature) + (d.inUseDelta.get(feature) ?? 0),
    capacity: d.state.capacityOf(feature, d.now),
    overdraft,
    recordId,
    correlationId: d.correlationId || null,
    source: 'server',
  };
}

function noteDevice(d: Decider): void {
  const known = d.state.device(d.key);
  const dev = d.request.device;
  if (known && sameDevice(known, dev)) return;
  d.change.devices.push({ key: d.key, device: dev, seenAt: d.now });
}

function sameDevice(a: Device, b: Device): boolean {
  return (
    a.hostId.value === b.hostId.value &&
    a.alias === b.alias &&
    a.user === b.user &&
    a.deviceType === b.deviceType &&
    a.hostType === b.hostType &&
    JSON.stringify(a.vendorDictionary) === JSON.stringify(b.vendorDictionary)
  );
}

function sum(holdings: Holding[]): number {
  return holdings.reduce((n, h) => n + h.count, 0);
}
