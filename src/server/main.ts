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
import { openInstance } from './instance.js';
import type { Failover } from './failover/failover.js';
import { prepareDemo } from './demo.js';
import type { LicenseService } from './license-service.js';
import type { OutboxSender } from './sync/outbox-sender.js';
import type { LicenseUpdates } from './exchange/license-updates.js';

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
  let producerPublicKey = options.producerPublicKeyPem ?? (settings.producer.publicKeyFile ? readKey(settings.producer.publicKeyFile) : null);
  const demo = options.demo ? prepareDemo(settings.server.dataDir, clock.now()) : null;
  if (demo && !producerPublicKey) producerPublicKey = demo.publicKeyPem;

  const instance = await openInstance({ settings, producerPublicKey, clock, log, hostIds: ethernetHostIds() });
  const { ctx } = instance;
  const { service, sync, updates } = ctx;
  const created = instance.createdAdmin;
  if (created) {
    announce(
      `Created admin user "${created.user}" with one-time password: ${created.password}\n` +
        `(also in ${created.file}, readable only by you; you will be asked to change it at first login)`,
    );
  }
  if (demo && !service.licenses().some((l) => l.licenseId === 'demo')) await service.loadLicense(demo.license);
  for (const file of options.licenseFiles ?? []) await service.loadLicenseFile(file);

  const app = await buildServerApp({
    ctx,
    log,
    bodyLimit: settings.server.bodyLimit,
    branding: settings.server.brandingDir ? new BrandingFolder(settings.server.brandingDir, log) : null,
    https: settings.server.https.certFile && settings.server.https.keyFile ? { cert: readFile(settings.server.https.certFile, 'server.https.certFile'), key: readFile(settings.server.https.keyFile, 'server.https.keyFile') } : null,
  });

  await app.listen({ host: settings.server.host, port: settings.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.server.port;
  const host = settings.server.host === '0.0.0.0' ? '127.0.0.1' : settings.server.host;
  const scheme = settings.server.https.certFile ? 'https' : 'http';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ event: 'server.started', url, instanceId: service.instanceId, version: VERSION, failover: ctx.failover.role }, 'license server ready');
  ctx.failover.start();

  let closed = false;
  return {
    app,
    service,
    sync,
    updates,
    failover: ctx.failover,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await instance.close();
      log.info({ event: 'server.stopped' }, 'license server stopped');
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
