import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AdminSecurity } from '../auth/admin-security.js';
import type { Settings } from '../common/config.js';
import type { Logger } from '../common/log.js';
import { createLogger } from '../common/log.js';
import type { Clock } from '../common/time.js';
import { systemClock } from '../common/time.js';
import { VERSION } from '../common/version.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { buildBackofficeApp } from './app.js';
import { InstanceHost } from './hosting/instance-host.js';
import { Quarantine } from './ingest/quarantine.js';
import { InstanceRegistry } from './instances/instance-registry.js';
import { ViewStore } from './views/view-store.js';
import { Catalog } from './licensing/catalog.js';
import { ExchangeService } from './licensing/exchange-service.js';
import { loadOrCreateProducerKey } from './licensing/producer-key.js';
import type { ProducerKey } from './licensing/producer-key.js';
import { MonitorRegistry } from './monitors/monitor-registry.js';
import { MonitorService } from './monitors/monitor-service.js';
import { openBackofficeDb } from './store/db.js';

export interface BackofficeStartOptions {
  settings: Settings;
  clock?: Clock;
  log?: Logger;
  /** Where the one-time admin password is announced (stdout by default). */
  announce?: (text: string) => void;
}

export interface RunningBackoffice {
  app: FastifyInstance;
  registry: InstanceRegistry;
  catalog: Catalog;
  producerKey: ProducerKey;
  warehouse: DuckDbWarehouse;
  host: InstanceHost;
  url: string;
  close(): Promise<void>;
}


/** Opens the back office's database and warehouse and starts it listening. */
export async function startBackoffice(options: BackofficeStartOptions): Promise<RunningBackoffice> {
  const { settings } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(settings.log.level);
  const announce = options.announce ?? ((text: string) => process.stdout.write(`${text}\n`));
  const dataDir = settings.backoffice.dataDir;
  const db = openBackofficeDb(dataDir);
  // Tests set a small compaction threshold so that merges happen within seconds.
  const compactAfterRows = Number(process.env.TALLY_FAULT_COMPACT_AFTER_ROWS) || undefined;
  const warehouse = await DuckDbWarehouse.open(join(dataDir, 'warehouse.duckdb'), compactAfterRows ? { compactAfterRows } : {});
  const registry = new InstanceRegistry(db, clock);
  const quarantine = new Quarantine(db, clock);
  const security = new AdminSecurity(db, clock, log, () => settings.security);
  const created = await security.bootstrap(dataDir);
  if (created) {
    announce(`Created back office admin user "${created.user}" with one-time password: ${created.password}\n(also in ${created.file}, readable only by you)`);
  }
  const startedAt = clock.now();
  const monitorRegistry = new MonitorRegistry(db, clock);
  const monitors = new MonitorService(monitorRegistry, registry, warehouse, log, quarantine);
  const producerKey = loadOrCreateProducerKey(dataDir);
  const catalog = new Catalog(db, clock);
  const exchange = new ExchangeService({ db, registry, catalog, key: producerKey, clock, log, responseLifetime: () => settings.licensing.responseLifetime });
  const host = new InstanceHost({
    settings,
    dir: join(dataDir, 'instances'),
    db,
    registry,
    warehouse,
    quarantine,
    catalog,
    exchange,
    producerPublicKey: producerKey.publicKeyPem,
    clock,
    log,
  });
  const app = await buildBackofficeApp({ registry, warehouse, quarantine, security, views: new ViewStore(db, clock), clock, version: VERSION, startedAt, monitorRegistry, monitors, catalog, exchange, producerKey, host }, log, {
    corsOrigins: settings.security.corsOrigins,
    idleSeconds: settings.security.sessionIdleTimeout,
  });
  await app.listen({ host: settings.backoffice.host, port: settings.backoffice.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.backoffice.port;
  const listenHost = settings.backoffice.host === '0.0.0.0' ? '127.0.0.1' : settings.backoffice.host;
  const url = `http://${listenHost}:${port}`;
  monitors.start();
  host.start();
  log.info({ event: 'backoffice.started', url, version: VERSION }, 'back office ready');
  let closed = false;
  return {
    app,
    registry,
    catalog,
    producerKey,
    warehouse,
    host,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await monitors.close();
      await app.close();
      await host.close();
      await warehouse.close();
      db.close();
    },
  };
}
