import type { Clock, EpochMs } from '../common/time.js';
import type { AdminSecurity } from '../auth/admin-security.js';
import type { AllocationService } from './allocation-service.js';
import type { LicenseUpdates } from './exchange/license-updates.js';
import type { ClientKeys } from './client-key.js';
import type { LicenseService } from './license-service.js';
import type { PropertyService } from './properties/property-service.js';
import type { OutboxSender } from './sync/outbox-sender.js';
import type { Failover } from './failover/failover.js';

/** What the HTTP layer of the license server needs. */
export interface ServerContext {
  service: LicenseService;
  /** Named license pools and reservations. */
  allocation: AllocationService;
  security: AdminSecurity;
  /** The client public key capability requests are signed with. */
  clientKeys: ClientKeys;
  properties: PropertyService;
  sync: OutboxSender;
  /** Licenses from the back office: activation, polling, the offline exchange. */
  updates: LicenseUpdates;
  /** This server's part in a failover pair (role off when it has none). */
  failover: Failover;
  clock: Clock;
  version: string;
  startedAt: EpochMs;
}
