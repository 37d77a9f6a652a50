import type { EpochMs } from '../../common/time.js';
import type { Holding } from '../../licensing/holding.js';
import type { Device, HostIdType } from '../../licensing/hostid.js';
import type { ReservationGroup } from '../../licensing/reservation.js';
import type { StateChange } from '../../licensing/license-state.js';
import type { LicenseUpdate } from '../../licensing/license-update.js';
import type { DB } from './db.js';

/** A license as stored: the file plus when it was loaded. */
export interface StoredLicense {
  licenseId: string;
  producer: string;
  keyId: string;
  issuedAt: EpochMs;
  loadedAt: EpochMs;
  file: string;
}

/** A stored license row as read back: only its file, once verified, says what it grants. */
export interface StoredLicenseFile {
  licenseId: string;
  loadedAt: EpochMs;
  file: string;
}

interface HoldingRow {
  id: string;
  device_key: string;
  record_id: string;
  feature: string;
  version: string;
  model: Holding['model'];
  kind: Holding['kind'];
  count: number;
  overdraft: number;
  granted_at: number;
  renewed_at: number;
  expires_at: number | null;
  correlation_id: string;
  pool: string | null;
  reserved_for: string | null;
}

interface DeviceRow {
  device_key: string;
  hostid_value: string;
  hostid_type: Device['hostId']['type'];
  device_type: Device['deviceType'];
  host_type: string;
  alias: string | null;
  user_name: string | null;
  vendor_dictionary: string;
}

/** Statements the writer thread runs; every write to state and outbox goes through them. */
export const WRITE_STATEMENTS = {
  upsertHolding: `INSERT INTO holdings
      (id, device_key, record_id, feature, version, model, kind, count, overdraft, granted_at, renewed_at, expires_at, correlation_id, pool, reserved_for)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET count = excluded.count, overdraft = excluded.overdraft, renewed_at = excluded.renewed_at,
        expires_at = excluded.expires_at, correlation_id = excluded.correlation_id`,
  deleteHolding: 'DELETE FROM holdings WHERE id = ?',
  upsertDevice: `INSERT INTO devices
      (device_key, hostid_value, hostid_type, device_type, host_type, alias, user_name, vendor_dictionary, first_seen, last_seen)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (device_key) DO UPDATE SET hostid_value = excluded.hostid_value, device_type = excluded.device_type,
        host_type = excluded.host_type, alias = excluded.alias, user_name = excluded.user_name,
        vendor_dictionary = excluded.vendor_dictionary, last_seen = excluded.last_seen`,
  insertEvent: 'INSERT INTO outbox (event_id, created_at, event) VALUES (?, ?, ?)',
  deleteOutboxUpTo: 'DELETE FROM outbox WHERE seq <= ?',
  setAsideRefusedEvent: `INSERT OR IGNORE INTO sync_refused (seq, event_id, event, status, reason, refused_at)
      SELECT seq, event_id, event, ?, ?, ? FROM outbox WHERE seq = ?`,
  deleteLicense: 'DELETE FROM licenses WHERE license_id = ?',
  insertLicense: 'INSERT INTO licenses (license_id, producer, key_id, issued_at, loaded_at, file) VALUES (?, ?, ?, ?, ?, ?)',
  putModel: `INSERT INTO license_model (id, name, text, activated_at, activated_by) VALUES (1, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, text = excluded.text, activated_at = excluded.activated_at, activated_by = excluded.activated_by`,
  deleteModel: 'DELETE FROM license_model',
  putFilter: `INSERT INTO checkout_filter (id, name, text, activated_at, activated_by) VALUES (1, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, text = excluded.text, activated_at = excluded.activated_at, activated_by = excluded.activated_by`,
  deleteFilter: 'DELETE FROM checkout_filter',
  insertReservationGroup: 'INSERT INTO reservation_groups (id, name, created_at) VALUES (?, ?, ?)',
  insertReservation: 'INSERT INTO reservations (id, group_id, position, hostid_value, hostid_type, holder) VALUES (?, ?, ?, ?, ?, ?)',
  insertReservationEntry: 'INSERT INTO reservation_entries (id, reservation_id, position, feature, version, count) VALUES (?, ?, ?, ?, ?, ?)',
  deleteReservationGroup: 'DELETE FROM reservation_groups WHERE id = ?',
  insertLicenseUpdate: 'INSERT INTO license_updates (id, at, source, summary, changes) VALUES (?, ?, ?, ?, ?)',
  insertExchangeRequest: 'INSERT INTO exchange_requests (nonce, kind, via, activations, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  answerExchangeRequest: 'UPDATE exchange_requests SET answered_at = ? WHERE nonce = ? AND answered_at IS NULL',
  forgetExchangeRequests: 'DELETE FROM exchange_requests WHERE expires_at < ?',
  // Batches reach the writer thread as JSON text: the key travels as hex and is stored as bytes.
  putClientKey: `INSERT INTO client_key (id, der, key_id, uploaded_at, uploaded_by) VALUES (1, unhex(?), ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET der = excluded.der, key_id = excluded.key_id, uploaded_at = excluded.uploaded_at, uploaded_by = excluded.uploaded_by`,
  deleteClientKey: 'DELETE FROM client_key',
  putMeta: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
} as const;

type Op = [keyof typeof WRITE_STATEMENTS, unknown[]];

/** The writes that record a state change and its usage events. */
export function changeOps(change: StateChange, now: EpochMs): Op[] {
  const ops: Op[] = [];
  for (const h of change.removals) ops.push(['deleteHolding', [h.id]]);
  for (const h of change.upserts) {
    ops.push(['upsertHolding', [h.id, h.deviceKey, h.recordId, h.feature, h.version, h.model, h.kind, h.count, h.overdraft, h.grantedAt, h.renewedAt, h.expiresAt, h.correlationId, h.pool, h.reservedFor]]);
  }
  for (const { key, device, seenAt } of change.devices) {
    ops.push(['upsertDevice', [key, device.hostId.value, device.hostId.type, device.deviceType, device.hostType, device.alias, device.user, device.vendorDictionary, seenAt, seenAt]]);
  }
  for (const e of change.events) ops.push(['insertEvent', [e.eventId, now, e]]);
  return ops;
}

/** The writes that replace one license: its signed file is what start-up serves from. */
export function putLicenseOps(license: Omit<StoredLicense, 'loadedAt'>, now: EpochMs): Op[] {
  return [
    ['deleteLicense', [license.licenseId]],
    ['insertLicense', [license.licenseId, license.producer, license.keyId, license.issuedAt, now, license.file]],
  ];
}

/** The history row of a license update. */
export function licenseUpdateOp(update: LicenseUpdate, now: EpochMs): Op {
  const { id, source, summary, ...changes } = update;
  return ['insertLicenseUpdate', [id, now, source, summary, { added: changes.added, removed: changes.removed, changed: changes.changed, endedLeases: changes.endedLeases }]];
}

export function deleteLicenseOps(licenseId: string): Op[] {
  return [['deleteLicense', [licenseId]]];
}

/** An active model definition as stored: the text exactly as uploaded. */
export interface StoredModel {
  name: string;
  text: string;
  activatedAt: EpochMs;
  activatedBy: string;
}

export function putModelOps(model: StoredModel): Op[] {
  return [['putModel', [model.name, model.text, model.activatedAt, model.activatedBy]]];
}

export function deleteModelOps(): Op[] {
  return [['deleteModel', []]];
}

/** The active checkout filter as stored: the text exactly as uploaded. */
export interface StoredFilter {
  name: string;
  text: string;
  activatedAt: EpochMs;
  activatedBy: string;
}

export function putFilterOps(filter: StoredFilter): Op[] {
  return [['putFilter', [filter.name, filter.text, filter.activatedAt, filter.activatedBy]]];
}

export function deleteFilterOps(): Op[] {
  return [['deleteFilter', []]];
}

export function putReservationGroupOps(groups: readonly ReservationGroup[]): Op[] {
  const ops: Op[] = [];
  for (const g of groups) {
    ops.push(['insertReservationGroup', [g.id, g.name, g.createdAt]]);
    g.reservations.forEach((r, ri) => {
      ops.push(['insertReservation', [r.id, g.id, ri, r.hostId.value, r.hostId.type, r.holder]]);
      r.entries.forEach((e, ei) => ops.push(['insertReservationEntry', [e.id, r.id, ei, e.feature, e.version, e.count]]));
    });
  }
  return ops;
}

export function deleteReservationGroupOps(ids: readonly string[]): Op[] {
  return ids.map((id): Op => ['deleteReservationGroup', [id]]);
}

/** The client public key capability requests may be signed with, as stored: SubjectPublicKeyInfo DER. */
export interface StoredClientKey {
  der: Buffer;
  keyId: string;
  uploadedAt: EpochMs;
  uploadedBy: string;
}

export function putClientKeyOps(key: StoredClientKey): Op[] {
  return [['putClientKey', [key.der.toString('hex'), key.keyId, key.uploadedAt, key.uploadedBy]]];
}

export function deleteClientKeyOps(): Op[] {
  return [['deleteClientKey', []]];
}

/** Reads of trusted storage (on the main thread's connection, which sees committed data). */
export class LicenseStore {
  constructor(readonly db: DB) {}

  /** Every stored license file, to be verified before anything of it is served. */
  readLicenseFiles(): StoredLicenseFile[] {
    return (
      this.db.prepare('SELECT license_id, loaded_at, file FROM licenses ORDER BY loaded_at, license_id').all() as Array<{ license_id: string; loaded_at: number; file: string }>
    ).map((r) => ({ licenseId: r.license_id, loadedAt: r.loaded_at, file: r.file }));
  }

  readHoldings(): Holding[] {
    return (this.db.prepare('SELECT * FROM holdings').all() as HoldingRow[]).map((r) => ({
      id: r.id,
      deviceKey: r.device_key,
      recordId: r.record_id,
      feature: r.feature,
      version: r.version,
      model: r.model,
      kind: r.kind,
      count: r.count,
      overdraft: r.overdraft,
      grantedAt: r.granted_at,
      renewedAt: r.renewed_at,
      expiresAt: r.expires_at,
      correlationId: r.correlation_id,
      pool: r.pool,
      reservedFor: r.reserved_for,
    }));
  }

  readDevices(): Array<{ key: string; device: Device }> {
    return (this.db.prepare('SELECT * FROM devices').all() as DeviceRow[]).map((r) => ({
      key: r.device_key,
      device: {
        hostId: { value: r.hostid_value, type: r.hostid_type },
        deviceType: r.device_type,
        hostType: r.host_type,
        alias: r.alias,
        user: r.user_name,
        vendorDictionary: JSON.parse(r.vendor_dictionary) as Device['vendorDictionary'],
      },
    }));
  }

  readModel(): StoredModel | undefined {
    const row = this.db.prepare('SELECT name, text, activated_at, activated_by FROM license_model WHERE id = 1').get() as
      | { name: string; text: string; activated_at: number; activated_by: string }
      | undefined;
    return row && { name: row.name, text: row.text, activatedAt: row.activated_at, activatedBy: row.activated_by };
  }

  readFilter(): StoredFilter | undefined {
    const row = this.db.prepare('SELECT name, text, activated_at, activated_by FROM checkout_filter WHERE id = 1').get() as
      | { name: string; text: string; activated_at: number; activated_by: string }
      | undefined;
    return row && { name: row.name, text: row.text, activatedAt: row.activated_at, activatedBy: row.activated_by };
  }

  readClientKey(): StoredClientKey | undefined {
    const row = this.db.prepare('SELECT der, key_id, uploaded_at, uploaded_by FROM client_key WHERE id = 1').get() as
      | { der: Buffer; key_id: string; uploaded_at: number; uploaded_by: string }
      | undefined;
    return row && { der: row.der, keyId: row.key_id, uploadedAt: row.uploaded_at, uploadedBy: row.uploaded_by };
  }

  readReservationGroups(): ReservationGroup[] {
    const groups = this.db.prepare('SELECT id, name, created_at FROM reservation_groups ORDER BY created_at, name').all() as Array<{ id: string; name: string; created_at: number }>;
    const reservations = this.db.prepare('SELECT * FROM reservations ORDER BY group_id, position').all() as Array<{
      id: string; group_id: string; hostid_value: string; hostid_type: HostIdType; holder: string;
    }>;
    const entries = this.db.prepare('SELECT * FROM reservation_entries ORDER BY reservation_id, position').all() as Array<{
      id: string; reservation_id: string; feature: string; version: string; count: number;
    }>;
    const entriesOf = new Map<string, ReservationGroup['reservations'][number]['entries']>();
    for (const e of entries) entriesOf.set(e.reservation_id, [...(entriesOf.get(e.reservation_id) ?? []), { id: e.id, feature: e.feature, version: e.version, count: e.count }]);
    const reservationsOf = new Map<string, ReservationGroup['reservations']>();
    for (const r of reservations) {
      reservationsOf.set(r.group_id, [
        ...(reservationsOf.get(r.group_id) ?? []),
        { id: r.id, hostId: { value: r.hostid_value, type: r.hostid_type }, holder: r.holder, entries: entriesOf.get(r.id) ?? [] },
      ]);
    }
    return groups.map((g) => ({ id: g.id, name: g.name, createdAt: g.created_at, reservations: reservationsOf.get(g.id) ?? [] }));
  }

  /** A request this server made of the back office, by its nonce. */
  exchangeRequest(nonce: string): { kind: string; via: string; answeredAt: EpochMs | null } | undefined {
    const row = this.db.prepare('SELECT kind, via, answered_at FROM exchange_requests WHERE nonce = ?').get(nonce) as { kind: string; via: string; answered_at: number | null } | undefined;
    return row && { kind: row.kind, via: row.via, answeredAt: row.answered_at };
  }

  /** Offline requests made and not answered that could still be. */
  pendingExchangeRequests(now: EpochMs): number {
    return this.db.prepare("SELECT count(*) FROM exchange_requests WHERE via = 'offline' AND answered_at IS NULL AND expires_at > ?").pluck().get(now) as number;
  }

  /** License updates, newest first. */
  licenseUpdates(offset: number, limit: number): { total: number; items: LicenseUpdate[] } {
    const total = this.db.prepare('SELECT count(*) FROM license_updates').pluck().get() as number;
    const rows = this.db.prepare('SELECT * FROM license_updates ORDER BY at DESC, id DESC LIMIT ? OFFSET ?').all(limit, offset) as Array<{ id: string; at: number; source: LicenseUpdate['source']; summary: string; changes: string }>;
    return { total, items: rows.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), source: r.source, summary: r.summary, ...(JSON.parse(r.changes) as Omit<LicenseUpdate, 'id' | 'at' | 'source' | 'summary'>) })) };
  }

  getMeta(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** The oldest committed events waiting to be sent, in order, as stored JSON text. */
  outboxBatch(limit: number): Array<{ seq: number; event: string }> {
    return this.db.prepare('SELECT seq, event FROM outbox ORDER BY seq LIMIT ?').all(limit) as Array<{ seq: number; event: string }>;
  }

  outboxSize(): number {
    return this.db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
  }

  /** Events a back office refused even alone, kept apart from the outbox. */
  refusedCount(): number {
    return this.db.prepare('SELECT count(*) FROM sync_refused').pluck().get() as number;
  }

}