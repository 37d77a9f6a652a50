import type { ErrorDetail } from '../common/errors.js';
import { TallyError } from '../common/errors.js';
import type { EpochMs } from '../common/time.js';
import type { FeatureRecord } from './feature-record.js';
import { recordStatus } from './feature-record.js';
import type { Device, HostId } from './hostid.js';
import { deviceKey } from './hostid.js';
import { preferenceOrder } from './select-records.js';
import { compareVersions, satisfiesVersion } from './version.js';

/** The pool name grants drawn from a reservation carry on their holding and usage event. */
export const RESERVATIONS_POOL = 'reservations';

/** Counts of one feature held for a device or user; any version >= `version` satisfies it. */
export interface ReservationEntry {
  id: string;
  feature: string;
  version: string;
  count: number;
}

/** A device hostid (or a USER hostid: a user) and what is reserved for it. */
export interface Reservation {
  id: string;
  hostId: HostId;
  /** Who draws from it: the device key, or USER:<name> for a user on any device. */
  holder: string;
  entries: ReservationEntry[];
}

export interface ReservationGroup {
  id: string;
  name: string;
  createdAt: EpochMs;
  reservations: Reservation[];
}

const EMPTY_TOTALS: ReadonlyMap<string, number> = new Map();

/** One reserved demand: a holder's unused count of a feature at a minimum version. */
interface Demand {
  holder: string;
  version: string;
  count: number;
  /** Where the demand came from, for naming it in errors and status. */
  tag: string;
}

/** The reservations in force, indexed the way capability requests look them up. */
export class ReservationBook {
  readonly groups: readonly ReservationGroup[];
  /** Per holder and feature, its entries in ascending version: draws cover the least demanding first. */
  private readonly byHolder = new Map<string, Map<string, Array<{ version: string; count: number }>>>();
  /** Per feature, the counts reserved at each version, all holders together. */
  private readonly totals = new Map<string, Map<string, number>>();

  constructor(groups: readonly ReservationGroup[]) {
    this.groups = groups;
    for (const g of groups) {
      for (const r of g.reservations) {
        for (const e of r.entries) {
          let features = this.byHolder.get(r.holder);
          if (!features) this.byHolder.set(r.holder, (features = new Map<string, Array<{ version: string; count: number }>>()));
          let own = features.get(e.feature);
          if (!own) features.set(e.feature, (own = []));
          own.push({ version: e.version, count: e.count });
          let totals = this.totals.get(e.feature);
          if (!totals) this.totals.set(e.feature, (totals = new Map<string, number>()));
          totals.set(e.version, (totals.get(e.version) ?? 0) + e.count);
        }
      }
    }
    for (const features of this.byHolder.values()) for (const list of features.values()) list.sort((a, b) => compareVersions(a.version, b.version));
  }

  /** Counts of a feature reserved at each version, all holders together. */
  totalsOf(feature: string): ReadonlyMap<string, number> {
    return this.totals.get(feature) ?? EMPTY_TOTALS;
  }

  /**
   * Adds (sign 1) or takes away (sign -1) what `used` counts drawn by a holder cover of its
   * entries of a feature, per version, into `into`.
   */
  cover(holder: string, feature: string, used: number, sign: 1 | -1, into: Map<string, number>): void {
    let left = used;
    for (const e of this.entriesOf(holder, feature)) {
      if (left <= 0) break;
      const n = Math.min(left, e.count);
      into.set(e.version, (into.get(e.version) ?? 0) + sign * n);
      left -= n;
    }
  }

  get empty(): boolean {
    return this.groups.length === 0;
  }

  /** Entries of one feature reserved for one holder. */
  entriesOf(holder: string, feature: string): ReadonlyArray<{ version: string; count: number }> {
    return this.byHolder.get(holder)?.get(feature) ?? [];
  }

  /** Every feature reserved for one holder. */
  featuresOf(holder: string): ReadonlyMap<string, Array<{ version: string; count: number }>> {
    return this.byHolder.get(holder) ?? new Map<string, Array<{ version: string; count: number }>>();
  }

}

/** The holder keys a device draws reservations under: its hostid, then its user. */
export function holdersOf(device: Device): string[] {
  const own = deviceKey(device.hostId);
  const user = device.user ? deviceKey({ type: 'USER', value: device.user }) : null;
  return user && user !== own ? [own, user] : [own];
}

/** The key a reservation is held under: USER hostids name a user on any device. */
export function holderOf(hostId: HostId): string {
  return deviceKey(hostId);
}

/**
 * Places demands on records: the most demanding version first, each on the lowest version
 * that satisfies it (so higher versions stay for those who need them). As "version >= v" sets
 * are nested, this places everything whenever any placement can. Returns counts placed per
 * record and what could not be placed per demand tag.
 */
export function placeDemands(
  demands: readonly Demand[],
  supply: ReadonlyArray<{ record: FeatureRecord; free: number }>,
): { placed: Map<string, number>; short: Map<string, number> } {
  const order = [...supply].sort((a, b) => compareVersions(a.record.version, b.record.version) || preferenceOrder(a.record, b.record));
  const left = new Map(order.map((s) => [s.record.id, Math.max(0, s.free)]));
  const placed = new Map<string, number>();
  const short = new Map<string, number>();
  const sorted = [...demands].sort((a, b) => compareVersions(b.version, a.version));
  for (const d of sorted) {
    let need = d.count;
    for (const s of order) {
      if (need <= 0) break;
      if (!satisfiesVersion(s.record.version, d.version)) continue;
      const n = Math.min(need, left.get(s.record.id)!);
      if (n <= 0) continue;
      left.set(s.record.id, left.get(s.record.id)! - n);
      placed.set(s.record.id, (placed.get(s.record.id) ?? 0) + n);
      need -= n;
    }
    if (need > 0) short.set(d.tag, (short.get(d.tag) ?? 0) + need);
  }
  return { placed, short };
}

/**
 * Counts of each record held for other holders' unused reservations of a feature: what a
 * device outside those holders must leave alone. `covered` is what holders already draw, per
 * entry version (kept up to date by the license state); `usedBy(holder)` what one holder
 * draws. The holders in `exclude` (the requesting device and its user) hold nothing against
 * themselves. Runs in the number of reserved versions, not of reservations.
 */
export function heldForOthers(
  book: ReservationBook,
  feature: string,
  records: readonly FeatureRecord[],
  usedOf: (recordId: string) => number,
  covered: ReadonlyMap<string, number> | undefined,
  usedBy: (holder: string) => number,
  exclude: readonly string[],
): Map<string, number> {
  const totals = book.totalsOf(feature);
  if (totals.size === 0) return new Map();
  const unused = new Map(totals);
  if (covered) for (const [version, n] of covered) unused.set(version, (unused.get(version) ?? 0) - n);
  for (const holder of exclude) {
    // The requester's own unused entries: everything it reserved less what it draws.
    const own = new Map<string, number>();
    for (const e of book.entriesOf(holder, feature)) own.set(e.version, (own.get(e.version) ?? 0) + e.count);
    book.cover(holder, feature, usedBy(holder), -1, own);
    for (const [version, n] of own) unused.set(version, (unused.get(version) ?? 0) - n);
  }
  const demands: Demand[] = [];
  for (const [version, count] of unused) if (count > 0) demands.push({ holder: '', version, count, tag: version });
  if (demands.length === 0) return new Map();
  const supply = records.filter((r) => r.counted).map((record) => ({ record, free: record.count - usedOf(record.id) }));
  return placeDemands(demands, supply).placed;
}

/** Whether a reservation can be satisfied now and, when it cannot, why (one clause per short entry). */
export interface ReservationStatus {
  satisfiable: boolean;
  reason: string | null;
}

/** Whether each reservation can be satisfied by what the server holds now, with the reason when not. */
export function reservationStatus(groups: readonly ReservationGroup[], records: readonly FeatureRecord[], now: EpochMs): Map<string, ReservationStatus> {
  const short = shortfalls(groups, records, now);
  const status = new Map<string, ReservationStatus>();
  for (const g of groups) {
    for (const r of g.reservations) {
      const reasons = r.entries.flatMap((e) => {
        const s = short.get(e.id);
        return s ? [shortReason(e, s)] : [];
      });
      status.set(r.id, { satisfiable: reasons.length === 0, reason: reasons.length === 0 ? null : reasons.join('; and ') });
    }
  }
  return status;
}

/** Records per name, each list in the order of `records`. */
function recordsByName(records: readonly FeatureRecord[]): Map<string, FeatureRecord[]> {
  const byName = new Map<string, FeatureRecord[]>();
  for (const r of records) {
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  return byName;
}

/**
 * Why an entry cannot be satisfied: the server holds too little of it at all, or other
 * reservations (placed first on the versions they need) leave too little.
 */
function shortReason(e: ReservationEntry, s: Shortfall): string {
  const needs = `needs ${e.count} of ${e.feature} ≥ ${e.version}`;
  if (s.active === 0) return `${needs}; the server has none active`;
  if (s.active < e.count) return `${needs}; the server has only ${s.active} active`;
  return `${needs}; ${e.count - s.short} left after other reservations`;
}

/** How much of an entry cannot be placed, and how much the server holds of it at all (active, counted, version high enough). */
interface Shortfall {
  short: number;
  active: number;
}

/** Entries (by ID) whose counts cannot all be placed on the server's current counts. */
function shortfalls(groups: readonly ReservationGroup[], records: readonly FeatureRecord[], now: EpochMs): Map<string, Shortfall> {
  const byFeature = new Map<string, Demand[]>();
  for (const g of groups) {
    for (const r of g.reservations) {
      for (const e of r.entries) {
        let list = byFeature.get(e.feature);
        if (!list) byFeature.set(e.feature, (list = []));
        list.push({ holder: r.holder, version: e.version, count: e.count, tag: e.id });
      }
    }
  }
  const named = recordsByName(records);
  const short = new Map<string, Shortfall>();
  for (const [feature, demands] of byFeature) {
    const supply = (named.get(feature) ?? [])
      .filter((r) => r.counted && recordStatus(r, now) === 'active')
      .map((record) => ({ record, free: record.count }));
    for (const [tag, n] of placeDemands(demands, supply).short) {
      const version = demands.find((d) => d.tag === tag)!.version;
      const active = supply.filter((s) => satisfiesVersion(s.record.version, version)).reduce((sum, s) => sum + s.free, 0);
      short.set(tag, { short: n, active });
    }
  }
  return short;
}

/**
 * Checks a group before it is added: its features exist, and the counts not yet reserved
 * cover the whole group (otherwise nothing of it is added). `field` names the group in errors
 * (e.g. `groups.2`); the group's own entries are checked after the groups already in force.
 */
export function checkNewGroups(
  existing: readonly ReservationGroup[],
  added: readonly ReservationGroup[],
  records: readonly FeatureRecord[],
  now: EpochMs,
  field: (groupIndex: number) => string,
): void {
  const byName = recordsByName(records);
  const names = new Set(existing.map((g) => g.name));
  // One posting names a hostid once; other groups may reserve more for the same device.
  const holders = new Set<string>();
  const details: ErrorDetail[] = [];
  const conflicts: ErrorDetail[] = [];
  added.forEach((g, gi) => {
    if (names.has(g.name)) conflicts.push({ field: `${field(gi)}.name`, message: `a reservation group named "${g.name}" already exists` });
    names.add(g.name);
    g.reservations.forEach((r, ri) => {
      if (holders.has(r.holder)) {
        details.push({ field: `${field(gi)}.reservations.${ri}.hostId`, message: `${r.hostId.type} ${r.hostId.value} appears more than once in this posting` });
      }
      holders.add(r.holder);
      r.entries.forEach((e, ei) => {
        const at = `${field(gi)}.reservations.${ri}.reservationEntries.${ei}`;
        const named = byName.get(e.feature) ?? [];
        if (named.length === 0) details.push({ field: `${at}.featureName`, message: `this server has no feature ${e.feature}` });
        else if (!named.some((x) => satisfiesVersion(x.version, e.version))) details.push({ field: `${at}.featureVersion`, message: `feature ${e.feature} has no version ${e.version} or higher here` });
        else if (named.some((x) => !x.counted)) details.push({ field: `${at}.featureName`, message: `feature ${e.feature} is uncounted: it needs no reservation` });
      });
    });
  });
  if (details.length > 0) throw new TallyError('BAD_REQUEST', `${details[0]!.field}: ${details[0]!.message}`, details);
  if (conflicts.length > 0) throw new TallyError('CONFLICT', `${conflicts[0]!.field}: ${conflicts[0]!.message}`, conflicts);

  const before = shortfalls(existing, records, now);
  const after = shortfalls([...existing, ...added], records, now);
  const newlyShort: ErrorDetail[] = [];
  added.forEach((g, gi) =>
    g.reservations.forEach((r, ri) =>
      r.entries.forEach((e, ei) => {
        if (after.has(e.id)) {
          newlyShort.push({
            field: `${field(gi)}.reservations.${ri}.reservationEntries.${ei}.featureCount`,
            message: `${e.count} of ${e.feature} ${e.version} or higher cannot be reserved: ${after.get(e.id)!.short} more than the unreserved counts of this server`,
          });
        }
      }),
    ),
  );
  // An existing reservation that the new group would leave short counts against the new group too.
  const hurt = [...after.keys()].filter((id) => !before.has(id) && !added.some((g) => g.reservations.some((r) => r.entries.some((e) => e.id === id))));
  if (hurt.length > 0 && newlyShort.length === 0) {
    newlyShort.push({ field: `${field(0)}.reservations`, message: 'the group would leave reservations already in force short of counts' });
  }
  if (newlyShort.length > 0) {
    throw new TallyError('CONFLICT', `Not enough unreserved counts for the whole group, so nothing was added: ${newlyShort[0]!.message}.`, newlyShort);
  }
}
