import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Settings } from '../common/config.js';
import { TallyError } from '../common/errors.js';
import type { Logger } from '../common/log.js';
import { createLogger } from '../common/log.js';
import type { Clock } from '../common/time.js';
import { systemClock } from '../common/time.js';
import { VERSION } from '../common/version.js';
import { BrandingFolder } from '../http/branding-routes.js';
import { buildServerApp } from './app.js';
import { AdminSecurity } from '../auth/admin-security.js';
import { prepareDemo } from './demo.js';
import { LicenseService } from './license-service.js';
import { AllocationService } from './allocation-service.js';
import { ClientKeys } from './client-key.js';
import { PropertyService } from './properties/property-service.js';
import { connectionPragmas, databaseFile, openDatabase } from './store/db.js';
import { WRITE_STATEMENTS } from './store/license-store.js';
import { StorageWriter } from './store/storage-writer.js';
import { OutboxSender } from './sync/outbox-sender.js';
import { LicenseUpdates } from './exchange/license-updates.js';
import type { LicenseUpdatesStatus } from './exchange/license-updates.js';
import type { ServerFacts } from './properties/registry.js';
import { startExpireLeasesTask } from './tasks/expire-leases.js';
import { Failover } from './failover/failover.js';
import { ReplicatingWriter } from './failover/replicating-writer.js';

export interface StartOptions {
  settings: Settings;
  /** License files to load at start-up. */
  licenseFiles?: string[];
  /** Quick start: make a demo producer key and load a demo license. */
  demo?: boolean;
  /** The producer key in PEM, when it comes from elsewhere than producer.publicKeyFile (the quick start's back office). */
  producerPublicKeyPem?: string;
  clock?: Clock;
  log?: Logger;
  /** Where the one-time admin password is announced (stdout by default). */
  announce?: (text: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  service: LicenseService;
  sync: OutboxSender;
  updates: LicenseUpdates;
  failover: Failover;
  url: string;
  close(): Promise<void>;
}

/** Opens trusted storage, loads state, and starts the license server listening. */
export async function startLicenseServer(options: StartOptions): Promise<RunningServer> {
  const { settings } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(settings.log.level);
  const announce = options.announce ?? ((text: string) => process.stdout.write(`${text}\n`));
  const db = openDatabase(settings.server.dataDir, { synchronous: settings.storage.synchronous });

  let producerPublicKey = options.producerPublicKeyPem ?? (settings.producer.publicKeyFile ? readKey(settings.producer.publicKeyFile) : null);
  const demo = options.demo ? prepareDemo(settings.server.dataDir, clock.now()) : null;
  if (demo && !producerPublicKey) producerPublicKey = demo.publicKeyPem;

  const storage = new StorageWriter({
    file: databaseFile(settings.server.dataDir),
    pragmas: connectionPragmas({ synchronous: settings.storage.synchronous }),
    statements: WRITE_STATEMENTS,
  });
  await storage.started();
  // Failover: the pair's settings, live ones from the properties once they are read.
  let failoverSettings = () => settings.failover;
  const failover = new Failover({
    db,
    clock,
    log,
    settings: () => failoverSettings(),
    drain: () => storage.drain(),
    reload: () => {
      service.reload();
      clientKeys.reload();
    },
  });
  const writer = failover.role === 'off' ? storage : new ReplicatingWriter(storage, failover);
  const service = new LicenseService({
    db,
    writer,
    clock,
    log,
    accountId: settings.server.accountId,
    producerPublicKey,
    // Replaced from the properties below, before the first request.
    policy: settings.licensing,
  });
  service.servingRefusal = () => failover.refusal();
  const startedAt = clock.now();
  const hostIds = ethernetHostIds();
  let updates: LicenseUpdates | null = null;
  const properties = new PropertyService(db, settings, serverFacts({ instanceId: service.instanceId, version: VERSION, hostIds, startedAt: new Date(startedAt).toISOString() }, () => updates?.status() ?? null), clock, log);
  failoverSettings = () => properties.current.failover;
  const security = new AdminSecurity(db, clock, log, () => properties.current.security);
  const created = await security.bootstrap(settings.server.dataDir);
  if (created) {
    announce(
      `Created admin user "${created.user}" with one-time password: ${created.password}\n` +
        `(also in ${created.file}, readable only by you; you will be asked to change it at first login)`,
    );
  }
  if (demo && !service.licenses().some((l) => l.licenseId === 'demo')) await service.loadLicense(demo.license);
  for (const file of options.licenseFiles ?? []) await service.loadLicenseFile(file);

  const clientKeys = new ClientKeys(service.store, (ops) => service.submitAdmin(ops), clock, log, () => properties.current.licensing.requireClientSignature);
  
  const sync = new OutboxSender({ store: service.store, writer, instanceId: service.instanceId, credential: settings.sync.credential, clock, log });
  updates = new LicenseUpdates({
    service,
    clock,
    log,
    hostIds,
    producerPublicKey: () => producerPublicKey,
    responseLifetime: () => properties.current.licensing.responseLifetime,
    credential: () => sync.credential,
    syncUrl: () => properties.current.sync.url,
  });
  const app = await buildServerApp({
    ctx: { service, allocation: new AllocationService(service, clock, log), security, clientKeys, properties, sync, updates, failover, clock, version: VERSION, startedAt },
    log,
    bodyLimit: settings.server.bodyLimit,
    branding: settings.server.brandingDir ? new BrandingFolder(settings.server.brandingDir, log) : null,
    https: settings.server.https.certFile && settings.server.https.keyFile ? { cert: readFile(settings.server.https.certFile, 'server.https.certFile'), key: readFile(settings.server.https.keyFile, 'server.https.keyFile') } : null,
  });

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
  await app.listen({ host: settings.server.host, port: settings.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.server.port;
  const host = settings.server.host === '0.0.0.0' ? '127.0.0.1' : settings.server.host;
  const scheme = settings.server.https.certFile ? 'https' : 'http';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ event: 'server.started', url, instanceId: service.instanceId, version: VERSION, failover: failover.role }, 'license server ready');
  failover.start();

  let closed = false;
  return {
    app,
    service,
    sync,
    updates,
    failover,
    url,
    async close() {
      if (closed) return;
      closed = true;
      stopSweeper();
      updates.stop();
      await failover.stop();
      await app.close();
      await sync.stop();
      await writer.close();
      db.close();
      log.info({ event: 'server.stopped' }, 'license server stopped');
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

/** The machine's ETHERNET hostids: MAC addresses of its real network interfaces. */
function ethernetHostIds(): string[] {
  const macs = new Set<string>();
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (!a.internal && a.mac !== '00:00:00:00:00:00') macs.add(a.mac.replace(/:/g, '').toUpperCase());
  }
  return [...macs].sort();
}

function readFile(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `Cannot read ${path} (${setting}): ${(err as Error).message}`, [{ field: setting, message: 'cannot be read' }]);
  }
}

function readKey(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `Cannot read the producer public key ${path}: ${(err as Error).message}`, [
      { field: 'producer.publicKeyFile', message: 'cannot be read' },
    ]);
  }
}
