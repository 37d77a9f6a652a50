import type { Settings } from '../common/config.js';
import type { Logger } from '../common/log.js';
import type { Clock } from '../common/time.js';
import { VERSION } from '../common/version.js';
import { AdminSecurity } from '../auth/admin-security.js';
import { AllocationService } from './allocation-service.js';
import { Failover } from './failover/failover.js';
import { ReplicatingWriter } from './failover/replicating-writer.js';
import { CheckoutFilterService } from './checkout-filter-service.js';
import { ClientKeys } from './client-key.js';
import type { ServerContext } from './context.js';
import type { ExchangeTransport, LicenseUpdatesStatus } from './exchange/license-updates.js';
import { LicenseUpdates } from './exchange/license-updates.js';
import { LicenseService } from './license-service.js';
import { PropertyService } from './properties/property-service.js';
import type { ServerFacts } from './properties/registry.js';
import type { DB } from './store/db.js';
import { connectionPragmas, databaseFile, openDatabase } from './store/db.js';
import { WRITE_STATEMENTS } from './store/license-store.js';
import type { WriterThread } from './store/storage-writer.js';
import { StorageWriter } from './store/storage-writer.js';
import type { UsageDelivery } from './sync/outbox-sender.js';
import { OutboxSender } from './sync/outbox-sender.js';
import { startExpireLeasesTask } from './tasks/expire-leases.js';

export interface InstanceOptions {
  /** The settings of this instance (`server.dataDir` is its folder). */
  settings: Settings;
  producerPublicKey: string | null;
  clock: Clock;
  log: Logger;
  hostIds: string[];
  /** The ID a back office gave a hosted instance; a license server makes its own at first start. */
  instanceId?: string;
  /** A writer thread shared with other instances; by default the instance has its own. */
  writerThread?: WriterThread;
  /** Usage straight into the warehouse of the back office hosting the instance, instead of HTTP sync. */
  usage?: UsageDelivery;
  /** Exchanges answered by the back office hosting the instance, instead of over HTTP. */
  exchange?: ExchangeTransport;
  /** Whether the instance may be one of a failover pair (a hosted instance may not: its host is its redundancy). */
  pairing?: boolean;
}

/** One license server instance: its trusted storage, its state and services, without HTTP. */
export interface ServerInstance {
  ctx: ServerContext;
  db: DB;
  writer: StorageWriter;
  /** Made at the first start: the first administrator and the one-time password. */
  createdAdmin: { user: string; password: string; file: string } | null;
  close(): Promise<void>;
}

/** Opens an instance's trusted storage and builds its services; properties apply as they change. */
export async function openInstance(options: InstanceOptions): Promise<ServerInstance> {
  const { settings, clock, log, hostIds } = options;
  const dataDir = settings.server.dataDir;
  const db = openDatabase(dataDir, { synchronous: settings.storage.synchronous });
  const storage = new StorageWriter({
    file: databaseFile(dataDir),
    pragmas: connectionPragmas({ synchronous: settings.storage.synchronous }),
    statements: WRITE_STATEMENTS,
    ...(options.writerThread ? { thread: options.writerThread } : {}),
  });
  try {
    await storage.started();
  } catch (error) {
    db.close();
    throw error;
  }
  // Failover: the pair's settings, live ones from the properties once they are read.
  const pairing = options.pairing ?? true;
  const alone = { ...settings.failover, role: 'off' as const };
  let failoverSettings = () => (pairing ? settings.failover : alone);
  let clientKeys: ClientKeys | null = null;
  let service: LicenseService | null = null;
  const failover = new Failover({
    db,
    clock,
    log,
    settings: () => failoverSettings(),
    drain: () => storage.drain(),
    reload: () => {
      service?.reload();
      clientKeys?.reload();
    },
  });
  const writer = failover.role === 'off' ? storage : new ReplicatingWriter(storage, failover);
  service = new LicenseService({
    db,
    writer,
    clock,
    log,
    accountId: settings.server.accountId,
    producerPublicKey: options.producerPublicKey,
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    // Replaced from the properties below, before the first request.
    policy: settings.licensing,
  });
  service.servingRefusal = () => failover.refusal();
  const startedAt = clock.now();
  let updates: LicenseUpdates | null = null;
  const facts = serverFacts({ instanceId: service.instanceId, version: VERSION, hostIds, startedAt: new Date(startedAt).toISOString() }, () => updates?.status() ?? null);
  const properties = new PropertyService(db, settings, facts, clock, log);
  if (pairing) failoverSettings = () => properties.current.failover;
  const security = new AdminSecurity(db, clock, log, () => properties.current.security);
  const createdAdmin = await security.bootstrap(dataDir);
  clientKeys = new ClientKeys(service.store, (ops) => service.submitAdmin(ops), clock, log, () => properties.current.licensing.requireClientSignature);
  const sync = new OutboxSender({
    store: service.store,
    writer,
    instanceId: service.instanceId,
    credential: settings.sync.credential,
    clock,
    log,
    ...(options.usage ? { direct: options.usage } : {}),
  });
  updates = new LicenseUpdates({
    service,
    clock,
    log,
    hostIds,
    producerPublicKey: () => options.producerPublicKey,
    responseLifetime: () => properties.current.licensing.responseLifetime,
    credential: () => sync.credential,
    syncUrl: () => properties.current.sync.url,
    ...(options.exchange ? { exchange: options.exchange } : {}),
  });
  const ctx: ServerContext = {
    service,
    allocation: new AllocationService(service, clock, log),
    filters: new CheckoutFilterService(service, clock, log),
    security,
    clientKeys,
    properties,
    sync,
    updates,
    failover,
    clock,
    version: VERSION,
    startedAt,
  };

  // Properties take effect as soon as they change.
  let stopSweeper = () => {};
  let sweeperSeconds = -1;
  // Only the server of a pair that serves sends the usage its storage holds.
  const configureSync = () => {
    const current = properties.current.sync;
    sync.configure({ enabled: current.enabled && failover.serving, url: current.url, batchSize: current.batchSize });
  };
  failover.subscribe(configureSync);
  properties.subscribe((current) => {
    service.policy = current.licensing;
    log.level = current.log.level;
    configureSync();
    updates.configure(current.capabilityPolling);
    const seconds = current.licensing.clientExpiryTimer;
    if (seconds !== sweeperSeconds) {
      stopSweeper();
      stopSweeper = startExpireLeasesTask(service, seconds, log);
      sweeperSeconds = seconds;
    }
  });

  let closed = false;
  return {
    ctx,
    db,
    writer: storage,
    createdAdmin,
    async close() {
      if (closed) return;
      closed = true;
      stopSweeper();
      updates.stop();
      await failover.stop();
      await sync.stop();
      await storage.close();
      db.close();
    },
  };
}

/** The server's facts for the properties, the license update ones read at each listing. */
function serverFacts(fixed: Pick<ServerFacts, 'instanceId' | 'version' | 'hostIds' | 'startedAt'>, status: () => LicenseUpdatesStatus | null): ServerFacts {
  return {
    ...fixed,
    get activation() {
      const s = status();
      return s?.activated ? `Activated by the back office; rights issued ${s.rightsIssuedAt}` : 'Not activated by a back office';
    },
    get lastPoll() {
      const p = status()?.polling;
      if (!p?.lastAttemptAt) return 'Never';
      return p.lastError ? `${p.lastAttemptAt}: failed (${p.lastError})` : `${p.lastSuccessAt}: succeeded`;
    },
    get nextPoll() {
      return status()?.polling.nextPollAt ?? 'Not scheduled (polling is off)';
    },
  };
}
