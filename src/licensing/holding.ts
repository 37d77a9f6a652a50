import type { EpochMs } from '../common/time.js';
import type { LicenseModel } from './feature-record.js';

/**
 * What a device holds of one feature record.
 * - `lease`: concurrent counts, held until the borrow interval lapses or they are returned;
 * - `metered`: reusable metered units, held until returned or the record expires;
 * - `consumption`: non-reusable metered units, used up; only an undo within the undo
 *   interval gives them back.
 * A device has at most one lease or metered holding per record (counts add up in it), and one
 * consumption per record and request.
 */
export const HOLDING_KINDS = ['lease', 'metered', 'consumption'] as const;
export type HoldingKind = (typeof HOLDING_KINDS)[number];

export interface Holding {
  id: string;
  deviceKey: string;
  recordId: string;
  feature: string;
  version: string;
  model: LicenseModel;
  kind: HoldingKind;
  count: number;
  /** Of `count`, how many were served from overdraft or past an uncapped cap. */
  overdraft: number;
  grantedAt: EpochMs;
  /** When the holding was last granted or renewed: leases run from here. */
  renewedAt: EpochMs;
  /** When the holding lapses; null when it lasts as long as a permanent record. */
  expiresAt: EpochMs | null;
  /** The request that created or last changed the holding. */
  correlationId: string;
  /** The pool the counts came from (a named pool, `default`, or `reservations`); null when the server has none. */
  pool: string | null;
  /** For counts drawn from a reservation: its holder (device key or USER:<name>). */
  reservedFor: string | null;
}

/**
 * Where a holding's counts come from: one record, and the pool and reservation they were drawn
 * under. A device has at most one lease or metered holding per slot.
 */
export function slotOf(recordId: string, pool: string | null, reservedFor: string | null): string {
  return pool === null ? recordId : `${recordId}\u0000${pool}\u0000${reservedFor ?? ''}`;
}

/** Holdings that come back to the pool when they lapse (consumptions never do). */
export function isReturnable(holding: Holding): boolean {
  return holding.kind !== 'consumption';
}

/** What every listing of a holding shows: which feature and record, how many, of what kind. */
export function holdingLine(h: Holding): Pick<Holding, 'feature' | 'version' | 'count' | 'model' | 'kind' | 'recordId' | 'pool'> {
  return { feature: h.feature, version: h.version, count: h.count, model: h.model, kind: h.kind, recordId: h.recordId, pool: h.pool };
}
