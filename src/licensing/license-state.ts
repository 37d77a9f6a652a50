import TinyQueue from 'tinyqueue';
import type { CheckoutFilter } from './checkout-filter/ast.js';
import type { EpochMs } from '../common/time.js';
import type { FeatureRecord } from './feature-record.js';
import { recordStatus } from './feature-record.js';
import type { Holding } from './holding.js';
import type { Device } from './hostid.js';
import type { PoolPlan } from './model-definition/validate.js';
import { poolUseKey } from './pool.js';
import type { ReservationBook } from './reservation.js';
import { preferenceOrder } from './select-records.js';
import type { UsageEvent } from './usage-event.js';

/** Everything one operation changes: storage writes it in one transaction, then state applies it. */
export interface StateChange {
  /** New holdings, or holdings with new counts or expiry. */
  upserts: Holding[];
  /** Holdings that end, as they were before ending. */
  removals: Holding[];
  /** Devices seen for the first time or with a new alias, user, type or dictionary. */
  devices: Array<{ key: string; device: Device; seenAt: EpochMs }>;
  events: UsageEvent[];
}

export function emptyChange(): StateChange {
  return { upserts: [], removals: [], devices: [], events: [] };
}

export function isEmptyChange(change: StateChange): boolean {
  return change.upserts.length + change.removals.length + change.devices.length + change.events.length === 0;
}

interface ExpiryEntry {
  at: EpochMs;
  holdingId: string;
}

/**
 * The license server's working state in memory: feature records, what each device holds,
 * and running totals. Storage is the source of truth; this is rebuilt from it at start-up and
 * after a failed commit, and changed only through `apply` after storage accepted a change.
 */
export class LicenseState {
  private readonly recordsById = new Map<string, FeatureRecord>();
  private readonly recordsByName = new Map<string, FeatureRecord[]>();
  private readonly holdingsById = new Map<string, Holding>();
  private readonly holdingsByDevice = new Map<string, Map<string, Holding>>();
  /** The same holdings per record, in the order they were first granted (as in holdingsById). */
  private readonly holdingsByRecord = new Map<string, Map<string, Holding>>();
  /** Counts each device holds, all records together. */
  private readonly countByDevice = new Map<string, number>();
  private readonly usedByRecord = new Map<string, number>();
  private readonly usedByName = new Map<string, number>();
  private readonly devicesByKey = new Map<string, Device>();
  /** Device keys in code-unit order, built on first use and kept sorted as devices are added. */
  private sortedDeviceKeys: string[] | null = null;
  /** Orderings and groupings of the records that listings build once per record set. */
  private readonly recordViews = new Map<string, unknown>();
  private readonly expiryQueue = new TinyQueue<ExpiryEntry>([], (a, b) => a.at - b.at);
  /** Counts held per pool and feature version (`pool \0 name \0 version`); only holdings with a pool. */
  private readonly usedByPool = new Map<string, number>();
  /** Counts drawn from reservations per holder and feature (`holder \0 name`). */
  private readonly usedByHolder = new Map<string, number>();
  /** The active model's pools, as allocated on the current records; null when no model is active. */
  pools: PoolPlan | null = null;
  /** The active checkout filter; null when none is active. */
  filter: CheckoutFilter | null = null;
  private book: ReservationBook | null = null;
  /** Per feature, the reserved counts holders draw, per entry version (see ReservationBook.cover). */
  private readonly coveredByFeature = new Map<string, Map<string, number>>();

  /** Reservations in force; null when there are none. */
  get reservations(): ReservationBook | null {
    return this.book;
  }

  set reservations(book: ReservationBook | null) {
    this.book = book;
    this.coveredByFeature.clear();
    if (!book) return;
    for (const [key, used] of this.usedByHolder) {
      const at = key.indexOf('\u0000');
      const feature = key.slice(at + 1);
      book.cover(key.slice(0, at), feature, used, 1, this.coveredOf(feature));
    }
  }

  /** What holders draw of their reservations of a feature, per entry version. */
  coveredReservations(feature: string): ReadonlyMap<string, number> | undefined {
    return this.coveredByFeature.get(feature);
  }

  private coveredOf(feature: string): Map<string, number> {
    let map = this.coveredByFeature.get(feature);
    if (!map) this.coveredByFeature.set(feature, (map = new Map<string, number>()));
    return map;
  }

  /** Replaces every record (a license load or removal recomputes the whole set). */
  setRecords(records: Iterable<FeatureRecord>): void {
    this.recordsById.clear();
    this.recordsByName.clear();
    this.recordViews.clear();
    for (const r of records) {
      this.recordsById.set(r.id, r);
      const list = this.recordsByName.get(r.name) ?? [];
      list.push(r);
      this.recordsByName.set(r.name, list);
    }
    for (const list of this.recordsByName.values()) list.sort(preferenceOrder);
  }

  record(id: string): FeatureRecord | undefined {
    return this.recordsById.get(id);
  }

  /** Records of a feature name, in preference order. */
  recordsNamed(name: string): readonly FeatureRecord[] {
    return this.recordsByName.get(name) ?? [];
  }

  allRecords(): FeatureRecord[] {
    return [...this.recordsById.values()];
  }

  /**
   * A value derived from the records alone (an ordering, a grouping), built on first use and
   * kept until the records change. Callers must not mutate it.
   */
  fromRecords<T>(key: string, build: () => T): T {
    if (!this.recordViews.has(key)) this.recordViews.set(key, build());
    return this.recordViews.get(key) as T;
  }

  holding(id: string): Holding | undefined {
    return this.holdingsById.get(id);
  }

  holdingsOf(deviceKey: string): Holding[] {
    const map = this.holdingsByDevice.get(deviceKey);
    return map ? [...map.values()] : [];
  }

  allHoldings(): IterableIterator<Holding> {
    return this.holdingsById.values();
  }

  /** Holdings of one record, in the order of allHoldings. */
  holdingsOfRecord(recordId: string): IterableIterator<Holding> {
    return (this.holdingsByRecord.get(recordId) ?? new Map<string, Holding>()).values();
  }

  /** Counts a device holds now, all records together. */
  countHeldBy(deviceKey: string): number {
    return this.countByDevice.get(deviceKey) ?? 0;
  }

  device(key: string): Device | undefined {
    return this.devicesByKey.get(key);
  }

  devices(): IterableIterator<[string, Device]> {
    return this.devicesByKey.entries();
  }

  /** Every device key, in code-unit order. */
  deviceKeysInOrder(): readonly string[] {
    this.sortedDeviceKeys ??= [...this.devicesByKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.sortedDeviceKeys;
  }

  private putDevice(key: string, device: Device): void {
    const known = this.devicesByKey.has(key);
    this.devicesByKey.set(key, device);
    if (known || this.sortedDeviceKeys === null) return;
    const keys = this.sortedDeviceKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    keys.splice(lo, 0, key);
  }

  /** Counts of a record held or consumed by all devices. */
  usedOf(recordId: string): number {
    return this.usedByRecord.get(recordId) ?? 0;
  }

  /** Counts of a feature name in use across its records. */
  inUseOf(name: string): number {
    return this.usedByName.get(name) ?? 0;
  }

  /** Counts of a pool's feature version in use (key from poolUseKey). */
  usedInPool(key: string): number {
    return this.usedByPool.get(key) ?? 0;
  }

  /** Counts of a feature a reservation holder draws from its reservation. */
  usedByReservation(holder: string, feature: string): number {
    return this.usedByHolder.get(`${holder}\u0000${feature}`) ?? 0;
  }

  /** Regular counts of a feature's records that are active now; null if any is uncounted. */
  capacityOf(name: string, now: EpochMs): number | null {
    let total = 0;
    for (const r of this.recordsNamed(name)) {
      if (recordStatus(r, now) !== 'active') continue;
      if (!r.counted) return null;
      total += r.count;
    }
    return total;
  }

  /** Applies a change that storage has committed. */
  apply(change: StateChange): void {
    for (const h of change.removals) this.removeHolding(h.id);
    for (const h of change.upserts) this.putHolding(h);
    for (const d of change.devices) this.putDevice(d.key, d.device);
  }

  /** Loads a holding read back from storage (start-up). */
  restoreHolding(holding: Holding): void {
    this.putHolding(holding);
  }

  restoreDevice(key: string, device: Device): void {
    this.putDevice(key, device);
  }

  /**
   * Holdings whose time is up at `now`, earliest first. Entries for holdings that were
   * renewed or returned since they were queued are skipped.
   */
  dueHoldings(now: EpochMs, limit = Number.POSITIVE_INFINITY): Holding[] {
    const due: Holding[] = [];
    while (due.length < limit) {
      const top = this.expiryQueue.peek();
      if (!top || top.at > now) break;
      this.expiryQueue.pop();
      const h = this.holdingsById.get(top.holdingId);
      if (h && h.kind !== 'consumption' && h.expiresAt !== null && h.expiresAt === top.at) due.push(h);
    }
    return due;
  }

  /** The next moment a holding lapses, if any. */
  nextExpiry(): EpochMs | undefined {
    return this.expiryQueue.peek()?.at;
  }

  private putHolding(h: Holding): void {
    const previous = this.holdingsById.get(h.id);
    if (previous) this.adjustUsed(previous, -previous.count);
    this.holdingsById.set(h.id, h);
    let map = this.holdingsByDevice.get(h.deviceKey);
    if (!map) {
      map = new Map();
      this.holdingsByDevice.set(h.deviceKey, map);
    }
    map.set(h.id, h);
    if (previous && previous.recordId !== h.recordId) this.holdingsByRecord.get(previous.recordId)?.delete(h.id);
    let ofRecord = this.holdingsByRecord.get(h.recordId);
    if (!ofRecord) this.holdingsByRecord.set(h.recordId, (ofRecord = new Map<string, Holding>()));
    ofRecord.set(h.id, h);
    this.adjustUsed(h, h.count);
    if (h.kind !== 'consumption' && h.expiresAt !== null && h.expiresAt !== previous?.expiresAt) {
      this.expiryQueue.push({ at: h.expiresAt, holdingId: h.id });
      // Renewals and returns leave stale entries behind; rebuild before they outnumber the live ones.
      if (this.expiryQueue.length > 2 * this.holdingsById.size + 1024) this.rebuildExpiryQueue();
    }
  }

  private rebuildExpiryQueue(): void {
    while (this.expiryQueue.length > 0) this.expiryQueue.pop();
    for (const h of this.holdingsById.values()) {
      if (h.kind !== 'consumption' && h.expiresAt !== null) this.expiryQueue.push({ at: h.expiresAt, holdingId: h.id });
    }
  }

  private removeHolding(id: string): void {
    const h = this.holdingsById.get(id);
    if (!h) return;
    this.holdingsById.delete(id);
    const map = this.holdingsByDevice.get(h.deviceKey);
    map?.delete(id);
    if (map && map.size === 0) this.holdingsByDevice.delete(h.deviceKey);
    const ofRecord = this.holdingsByRecord.get(h.recordId);
    ofRecord?.delete(id);
    if (ofRecord && ofRecord.size === 0) this.holdingsByRecord.delete(h.recordId);
    this.adjustUsed(h, -h.count);
  }

  private adjustUsed(h: Holding, delta: number): void {
    this.usedByRecord.set(h.recordId, (this.usedByRecord.get(h.recordId) ?? 0) + delta);
    this.usedByName.set(h.feature, (this.usedByName.get(h.feature) ?? 0) + delta);
    const held = (this.countByDevice.get(h.deviceKey) ?? 0) + delta;
    if (held === 0) this.countByDevice.delete(h.deviceKey);
    else this.countByDevice.set(h.deviceKey, held);
    if (h.pool !== null) {
      const key = poolUseKey(h.pool, h.feature, h.version);
      this.usedByPool.set(key, (this.usedByPool.get(key) ?? 0) + delta);
      if (h.reservedFor !== null) {
        const holder = `${h.reservedFor}\u0000${h.feature}`;
        const before = this.usedByHolder.get(holder) ?? 0;
        this.usedByHolder.set(holder, before + delta);
        if (this.book) {
          const covered = this.coveredOf(h.feature);
          this.book.cover(h.reservedFor, h.feature, before, -1, covered);
          this.book.cover(h.reservedFor, h.feature, before + delta, 1, covered);
        }
      }
    }
  }
}
