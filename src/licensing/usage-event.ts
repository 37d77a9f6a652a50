import type { DenialCode } from './denials.js';
import type { HostIdType } from './hostid.js';
import type { LicenseModel } from './feature-record.js';

/** What happened: a lease taken, given back or lapsed, metered units used, or a refusal. */
export type UsageEventKind = 'checkout' | 'return' | 'expire' | 'consume' | 'deny';

/** Where an event came from: a Tally server or a log or poll of another license manager. */
export type UsageSource = 'server' | 'flexlm' | 'rlm' | 'lmstat';

/**
 * The atom of analytics: one row per grant, return, lapse, consumption and denial. The
 * license server writes it in the same transaction as the state change it describes.
 */
export interface UsageEvent {
  /** Unique; ingest ignores an event it already stored. */
  eventId: string;
  /** ISO timestamp. */
  ts: string;
  instanceId: string;
  accountId: string | null;
  kind: UsageEventKind;
  feature: string;
  version: string;
  count: number;
  model: LicenseModel | null;
  deviceId: string;
  deviceIdType: HostIdType;
  deviceAlias: string | null;
  user: string | null;
  pool: string | null;
  /** The denial code of a `deny` event; null otherwise. */
  statusCode: DenialCode | null;
  /** Counts of the feature in use on the server right after this event. */
  inUseAfter: number;
  /** Regular counts of the feature's active records; null when the feature is uncounted. */
  capacity: number | null;
  /** Counts of this event served from overdraft (checkout) or past an uncapped cap (consume). */
  overdraft: number;
  recordId: string | null;
  correlationId: string | null;
  source: UsageSource;
}

/** Who is writing the events: filled into every event the domain produces. */
export interface EventContext {
  instanceId: string;
  accountId: string | null;
}
