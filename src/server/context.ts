import type { Clock, EpochMs } from '../common/time.js';
import type { AdminSecurity } from './auth/admin-security.js';
import type { LicenseService } from './license-service.js';
import type { PropertyService } from './properties/property-service.js';

/** What the HTTP layer of the license server needs. */
export interface ServerContext {
  service: LicenseService;
  security: AdminSecurity;
  properties: PropertyService;
  clock: Clock;
  version: string;
  startedAt: EpochMs;
}
