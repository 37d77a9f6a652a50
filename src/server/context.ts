import type { FastifyRequest } from 'fastify';
import { LOCAL_BASE } from '../http/access.js';
import type { Clock, EpochMs } from '../common/time.js';
import type { AdminSecurity } from '../auth/admin-security.js';
import type { AllocationService } from './allocation-service.js';
import type { CheckoutFilterService } from './checkout-filter-service.js';
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
  /** The administrator's checkout filter. */
  filters: CheckoutFilterService;
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


/**
 * Where the license server's routes find the server a request is for. A license server is one
 * instance at `~`; a back office hosting cloud instances names the instance in the path and has
 * resolved it (and checked the caller against that instance's own users) before validation.
 */
export interface InstanceScope {
  /** The path the instance's routes hang under. */
  base: string;
  of(request: FastifyRequest): ServerContext;
}

/** The scope of a license server answering for itself. */
export function localScope(ctx: ServerContext): InstanceScope {
  return { base: LOCAL_BASE, of: () => ctx };
}
