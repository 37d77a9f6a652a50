import { z } from 'zod';
import type { EpochMs } from '../common/time.js';
import type { FeatureRecord, RecordStatus } from './feature-record.js';
import { recordStatus } from './feature-record.js';
import type { Holding } from './holding.js';
import type { Device, HostIdType } from './hostid.js';
import type { LicenseState } from './license-state.js';
import { heldForOthers } from './reservation.js';
import { preferenceOrder } from './select-records.js';
import { compareVersions } from './version.js';

/** A feature record with its usage now (the Details tab). */
export interface RecordUsage {
  record: FeatureRecord;
  status: RecordStatus;
  /** Counts held or consumed from this record. */
  used: number;
  /** Regular counts still free; null when uncounted. */
  available: number | null;
  /** Of `used`, how many are past the regular count (overdraft or uncapped overage). */
  overdraftUsed: number;
  /** Counts of this record held for the unused part of reservations. */
  reserved: number;
}

/** One feature name and version across its records (the Summary tab). */
export const featureSummarySchema = z.object({
  feature: z.string(),
  version: z.string(),
  records: z.number(),
  totalCount: z.number(),
  totalUsed: z.number(),
  totalAvailable: z.number().nullable().describe('null when uncounted'),
  firstExpiration: z.string().describe('permanent, or the date of the earliest expiry'),
  lastExpiration: z.string().describe('permanent, or the date of the latest expiry'),
  totalOverdraft: z.number(),
  metered: z.boolean(),
  counted: z.boolean(),
});

export type FeatureSummary = z.infer<typeof featureSummarySchema>;

/** A device that holds counts of a record (the Served Devices list). */
export interface ServedDevice {
  deviceId: string;
  deviceIdType: HostIdType;
  deviceType: Device['deviceType'];
  alias: string | null;
  user: string | null;
  count: number;
  /** When its counts lapse; null when they last as long as a permanent record. */
  expiresAt: EpochMs | null;
}

export function recordUsage(state: LicenseState, record: FeatureRecord, now: EpochMs): RecordUsage {
  const used = state.usedOf(record.id);
  return {
    record,
    status: recordStatus(record, now),
    used,
    available: record.counted ? Math.max(0, record.count - used) : null,
    overdraftUsed: record.counted ? Math.max(0, used - record.count) : 0,
    reserved: reservedOn(state, record, now),
  };
}

/** Counts of a record that stay free for reservations not yet drawn on. */
function reservedOn(state: LicenseState, record: FeatureRecord, now: EpochMs): number {
  const book = state.reservations;
  if (book === null || book.totalsOf(record.name).size === 0) return 0;
  const active = state.recordsNamed(record.name).filter((r) => recordStatus(r, now) === 'active');
  const held = heldForOthers(book, record.name, active, (id) => state.usedOf(id), state.coveredReservations(record.name), (holder) => state.usedByReservation(holder, record.name), []);
  return held.get(record.id) ?? 0;
}

const listingOrder = (a: FeatureRecord, b: FeatureRecord): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : compareVersions(a.version, b.version) || preferenceOrder(a, b);

/**
 * Every record, by name, then version, then the order counts are drawn in. The whole list is
 * sorted once per record set: a page of the listing costs what the page needs.
 */
export function recordsInOrder(state: LicenseState, name?: string): readonly FeatureRecord[] {
  if (name !== undefined) return [...state.recordsNamed(name)].sort(listingOrder);
  return state.fromRecords('inventory.recordsInOrder', () => state.allRecords().sort(listingOrder));
}

function expiryText(record: FeatureRecord): string {
  return record.expiresAt === null ? 'permanent' : record.expiry;
}

/** The records of each name and version (one Summary row each), in listing order. */
export function summaryGroups(state: LicenseState, name?: string): ReadonlyArray<readonly FeatureRecord[]> {
  const group = (records: readonly FeatureRecord[]) => {
    const groups = new Map<string, FeatureRecord[]>();
    for (const r of records) {
      const key = `${r.name}\u0000${r.version}`;
      const list = groups.get(key);
      if (list) list.push(r);
      else groups.set(key, [r]);
    }
    return [...groups.values()];
  };
  if (name !== undefined) return group(recordsInOrder(state, name));
  return state.fromRecords('inventory.summaryGroups', () => group(recordsInOrder(state)));
}

/** Sums the records of one name and version (one of summaryGroups). */
export function summarizeGroup(state: LicenseState, records: readonly FeatureRecord[], now: EpochMs): FeatureSummary {
  const usages = records.map((r) => recordUsage(state, r, now));
  const byExpiry = [...records].sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity));
  const counted = records.every((r) => r.counted);
  return {
    feature: records[0]!.name,
    version: records[0]!.version,
    records: records.length,
    totalCount: records.reduce((n, r) => n + r.count, 0),
    totalUsed: usages.reduce((n, u) => n + u.used, 0),
    totalAvailable: counted ? usages.reduce((n, u) => n + (u.available ?? 0), 0) : null,
    firstExpiration: expiryText(byExpiry[0]!),
    lastExpiration: expiryText(byExpiry[byExpiry.length - 1]!),
    totalOverdraft: usages.reduce((n, u) => n + u.overdraftUsed, 0),
    metered: records.some((r) => r.model === 'metered'),
    counted,
  };
}

/** Sums records per name and version. */
export function summarizeFeatures(state: LicenseState, now: EpochMs, name?: string): FeatureSummary[] {
  return summaryGroups(state, name).map((records) => summarizeGroup(state, records, now));
}

/** Devices holding counts of a record, with how many and until when. */
export function servedDevices(state: LicenseState, recordId: string): ServedDevice[] {
  const byDevice = new Map<string, ServedDevice>();
  for (const h of state.holdingsOfRecord(recordId)) {
    const device = state.device(h.deviceKey);
    const entry = byDevice.get(h.deviceKey) ?? {
      deviceId: device?.hostId.value ?? h.deviceKey.slice(h.deviceKey.indexOf(':') + 1),
      deviceIdType: device?.hostId.type ?? (h.deviceKey.slice(0, h.deviceKey.indexOf(':')) as HostIdType),
      deviceType: device?.deviceType ?? 'UNKNOWN',
      alias: device?.alias ?? null,
      user: device?.user ?? null,
      count: 0,
      expiresAt: h.expiresAt,
    };
    entry.count += h.count;
    entry.expiresAt = laterOf(entry.expiresAt, h.expiresAt);
    byDevice.set(h.deviceKey, entry);
  }
  return [...byDevice.values()].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
}

/**
 * When everything a device holds lapses: the latest lease or metered expiry; null when
 * something lasts as long as a permanent record; undefined when it holds nothing.
 */
export function deviceExpiry(holdings: Holding[]): EpochMs | null | undefined {
  if (holdings.length === 0) return undefined;
  return holdings.reduce<EpochMs | null>((latest, h) => laterOf(latest, h.expiresAt), holdings[0]!.expiresAt);
}

function laterOf(a: EpochMs | null, b: EpochMs | null): EpochMs | null {
  return a === null || b === null ? null : Math.max(a, b);
}
