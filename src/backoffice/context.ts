import type { AdminSecurity } from '../auth/admin-security.js';
import type { Clock, EpochMs } from '../common/time.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { InstanceHost } from './hosting/instance-host.js';
import type { Quarantine } from './ingest/quarantine.js';
import type { InstanceRegistry } from './instances/instance-registry.js';
import type { Catalog } from './licensing/catalog.js';
import type { ExchangeService } from './licensing/exchange-service.js';
import type { ProducerKey } from './licensing/producer-key.js';
import type { MonitorRegistry } from './monitors/monitor-registry.js';
import type { MonitorService } from './monitors/monitor-service.js';
import type { ViewStore } from './views/view-store.js';

/** What the HTTP layer of the back office needs. */
export interface BackofficeContext {
  registry: InstanceRegistry;
  warehouse: Warehouse;
  /** Events ingest could not store, set aside. */
  quarantine: Quarantine;
  security: AdminSecurity;
  /** Saved views of the usage report. */
  views: ViewStore;
  clock: Clock;
  version: string;
  startedAt: EpochMs;
  /** Remote monitoring: the configured monitors and the service that runs them. */
  monitorRegistry?: MonitorRegistry;
  monitors?: MonitorService;
  /** The producer's licensing service: products, entitlements, activations, and the exchange with license servers. */
  catalog?: Catalog;
  exchange?: ExchangeService;
  producerKey?: ProducerKey;
  /** The cloud instances this back office hosts. */
  host?: InstanceHost;
}
