import type { EpochMs } from '../common/time.js';
import type { FeatureRecord } from './feature-record.js';

/** The server's leasing policy (its `licensing.*` properties). */
export interface LicensingPolicy {
  /** Seconds a lease lasts when neither the feature nor the client asks for less. */
  borrowInterval: number;
  /** The administrator's ceiling on any lease, in seconds. */
  borrowIntervalMax: number;
  /** Percentage of the borrow interval after which a client should renew. */
  renewInterval: number;
  /** Whether refusals are written as usage events. */
  trackDeniedRequests: boolean;
}

export const DEFAULT_POLICY: LicensingPolicy = {
  borrowInterval: 7 * 86_400,
  borrowIntervalMax: 30 * 86_400,
  renewInterval: 15,
  trackDeniedRequests: true,
};

/**
 * Effective borrow interval in seconds: the smallest of the feature's own interval (or the
 * server's default when the feature has none), the client's request, and the server's max.
 */
export function effectiveBorrowSeconds(
  record: FeatureRecord,
  requested: number | null,
  policy: LicensingPolicy,
): number {
  const base = record.borrowInterval ?? policy.borrowInterval;
  return Math.max(1, Math.min(base, requested ?? Number.POSITIVE_INFINITY, policy.borrowIntervalMax));
}

/** When a lease granted now lapses: never past the record's own expiry. */
export function leaseExpiry(
  record: FeatureRecord,
  requested: number | null,
  policy: LicensingPolicy,
  now: EpochMs,
): EpochMs {
  const end = now + effectiveBorrowSeconds(record, requested, policy) * 1000;
  return record.expiresAt === null ? end : Math.min(end, record.expiresAt);
}

/** When a client should renew a lease that runs from `now` to `expiresAt`. */
export function renewAt(now: EpochMs, expiresAt: EpochMs, policy: LicensingPolicy): EpochMs {
  return now + Math.floor(((expiresAt - now) * policy.renewInterval) / 100);
}
