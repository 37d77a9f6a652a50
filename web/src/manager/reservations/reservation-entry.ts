import type { HostIdType } from '../../../../src/licensing/hostid.js';
import type { ReservationGroupInput } from './hooks.js';

/** What the Add form holds, as typed. */
export interface EntryFields {
  group: string;
  deviceId: string;
  idType: HostIdType;
  feature: string;
  version: string;
  count: string;
}

export type EntryField = keyof EntryFields;

/** An entry waiting in the pending table. */
export interface PendingEntry {
  key: number;
  group: string;
  deviceId: string;
  idType: HostIdType;
  feature: string;
  version: string;
  count: number;
}

/**
 * The hostid types the API takes, with what each names. A Record over the API's own type, so a
 * type the server adds fails to compile here until it is listed.
 */
const ID_TYPE_TEXT: Record<HostIdType, string> = {
  ETHERNET: 'Ethernet (MAC) address',
  STRING: 'Any string',
  USER: 'User (on any device)',
  HOSTNAME: 'Host name',
  VM_UUID: 'Virtual machine UUID',
  CONTAINER_ID: 'Container ID',
  INTERNET: 'IPv4 address',
  INTERNET6: 'IPv6 address',
  LONGHOSTID: 'Long host ID',
  DISPLAY: 'Display',
  HOSTDOMAIN: 'Host domain',
  COMPOSITE: 'Composite',
  VENDOR: 'Vendor-defined',
  FLEXID: 'Dongle (FLEXid)',
  VSN: 'Volume serial number',
  AMAZON_EIP: 'Amazon elastic IP',
  AMAZON_AMI: 'Amazon machine image',
  AMAZON_IID: 'Amazon instance ID',
  PUBLISHER_DEFINED: 'Publisher-defined',
  EXTENDED: 'Extended',
  TOLERANT: 'Tolerant',
};

export const ID_TYPES = (Object.keys(ID_TYPE_TEXT) as HostIdType[]).map((type) => ({ type, text: ID_TYPE_TEXT[type] }));

export const EMPTY_FIELDS: EntryFields = { group: '', deviceId: '', idType: 'ETHERNET', feature: '', version: '', count: '' };

// The rules of the reservation group schema, with its messages, so the form says what the API would.
const FEATURE_NAME = /^[A-Za-z0-9_.\- ]{1,128}$/;
const VERSION = /^(\d{1,9})\.(\d{1,9})$/;
const MAX_COUNT = 1_000_000_000;

/** What is wrong with each field, as the API words it; empty when the entry may be added. */
export function checkEntry(f: EntryFields): Partial<Record<EntryField, string>> {
  const problems: Partial<Record<EntryField, string>> = {};
  const group = f.group.trim();
  if (group === '') problems.group = 'is required';
  else if (group.length > 128) problems.group = 'must be at most 128 characters';
  const device = f.deviceId.trim();
  if (device === '') problems.deviceId = 'is required';
  else if (device.length > 256) problems.deviceId = 'must be at most 256 characters';
  if (f.feature === '') problems.feature = 'is required';
  else if (!FEATURE_NAME.test(f.feature)) problems.feature = 'must be 1-128 letters, digits, spaces, dots, dashes or underscores';
  if (f.version === '') problems.version = 'is required';
  else if (!VERSION.test(f.version)) problems.version = 'must be an a.b version of two whole numbers, e.g. 1.0';
  const count = f.count.trim();
  if (count === '') problems.count = 'is required';
  else if (!/^-?\d+$/.test(count)) problems.count = 'must be a whole number';
  else if (Number(count) < 1) problems.count = 'must be at least 1';
  else if (Number(count) > MAX_COUNT) problems.count = `must be at most ${MAX_COUNT}`;
  return problems;
}

/** Where each entry of the posting came from: `body.<g>.reservations.<r>.reservationEntries.<e>` → pending key. */
export interface Posting {
  groups: ReservationGroupInput[];
  keys: number[][][];
}

/** Pending entries as the groups the API takes: by group name, then by device, in the order added. */
export function toPosting(pending: readonly PendingEntry[]): Posting {
  const groups: ReservationGroupInput[] = [];
  const keys: number[][][] = [];
  for (const p of pending) {
    let gi = groups.findIndex((g) => g.name === p.group);
    if (gi < 0) {
      gi = groups.push({ name: p.group, reservations: [] }) - 1;
      keys.push([]);
    }
    const g = groups[gi]!;
    let ri = g.reservations.findIndex((r) => r.hostId.type === p.idType && r.hostId.value === p.deviceId);
    if (ri < 0) {
      ri = g.reservations.push({ hostId: { value: p.deviceId, type: p.idType }, reservationEntries: [] }) - 1;
      keys[gi]!.push([]);
    }
    g.reservations[ri]!.reservationEntries.push({ featureName: p.feature, featureVersion: p.version, featureCount: p.count });
    keys[gi]![ri]!.push(p.key);
  }
  return { groups, keys };
}

const FIELD_PATH = /^body\.(\d+)(?:\.(name)|\.reservations(?:\.(\d+)(?:\.hostId(?:\.(value|type))?|\.reservationEntries(?:\.(\d+)(?:\.(featureName|featureVersion|featureCount))?)?)?)?)?/;

const ENTRY_FIELD: Record<string, EntryField> = { name: 'group', value: 'deviceId', type: 'idType', featureName: 'feature', featureVersion: 'version', featureCount: 'count' };

/**
 * The pending entries and the field of each that an API detail names (`body.0.reservations.1.hostId`
 * is the device of every entry of that reservation); null when it names none of them.
 */
export function locate(posting: Posting, field: string): { keys: number[]; field: EntryField } | null {
  const m = FIELD_PATH.exec(field);
  if (!m) return null;
  const gi = Number(m[1]);
  const group = posting.keys[gi];
  if (!group) return null;
  if (m[2]) return { keys: group.flat(), field: 'group' };
  if (m[3] === undefined) return { keys: group.flat(), field: 'group' };
  const reservation = group[Number(m[3])];
  if (!reservation) return null;
  if (m[5] === undefined) {
    // A hostId (or its value or type), or the whole reservation: the device names it.
    return { keys: reservation, field: m[4] ? ENTRY_FIELD[m[4]]! : 'deviceId' };
  }
  const entry = reservation[Number(m[5])];
  if (entry === undefined) return null;
  return { keys: [entry], field: m[6] ? ENTRY_FIELD[m[6]]! : 'feature' };
}
