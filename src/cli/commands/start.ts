import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { TrafficSimulator } from '../../client/simulator.js';
import { TallyError } from '../../common/errors.js';
import { loadSettings } from '../../common/config.js';
import { SETTINGS } from '../../common/settings.js';
import { parseDurationSeconds } from '../../common/time.js';
import { stopOnSignals } from '../options.js';
import { ensurePortsFree } from '../preflight.js';
import { table } from '../output.js';
import { defaultServerUrl, ensureFolderFree, noteRunning, startFolder } from '../start-folder.js';
import type { RunningBackoffice } from '../../backoffice/main.js';
import type { RunningServer } from '../../server/main.js';
import { demoCatalog } from '../../server/demo.js';
import { signLicense } from '../../licensing/license-file.js';

interface StartOptions {
  data?: string;
  port: string;
  serverPort: string;
  host: string;
  devices: string;
  simulate: boolean;
  history: boolean;
  logLevel: string;
  branding?: string;
}

/**
 * The quick start's first run: the producer entitles the demo account, the license server
 * registers with the back office and activates every demo activation ID online, and an old
 * license signed by hand holds what has already expired. Each step checks what an earlier,
 * interrupted first run already did; the credential file is written last.
 */
async function firstStart(backoffice: RunningBackoffice, server: RunningServer, credentialFile: string): Promise<void> {
  const { registry, catalog } = backoffice;
  const instanceId = server.service.instanceId;
  if (registry.accounts(0, 1000).items.every((a) => a.id !== 'demo')) registry.addAccount({ id: 'demo', name: 'Demo Customer' });
  const credential = registry.binding(instanceId)
    ? registry.reissueCredential(instanceId)
    : registry.addInstance({ id: instanceId, accountId: 'demo', name: 'Demo license server', kind: 'local' }).credential;
  server.sync.setCredential(credential);
  const now = Date.now();
  const demo = demoCatalog(now);
  for (const product of demo.products) if (!catalog.product(product.id)) catalog.addProduct(product);
  for (const { entitlementId, ...item } of demo.lineItems) {
    if (catalog.entitlements(0, 1, { q: entitlementId }).total === 0) catalog.addEntitlement({ id: entitlementId, accountId: 'demo', name: `Demo: ${catalog.product(item.productId)?.name ?? item.productId}`, lineItems: [item] });
  }
  if (catalog.activationsOf(instanceId).length > 0) await server.updates.poll();
  else await server.updates.activate({ activations: demo.lineItems.map((l) => ({ activationId: l.activationId!, count: l.quantity })) });
  if (!server.service.licenses().some((l) => l.licenseId === 'legacy')) {
    await server.service.loadLicense(signLicense({ licenseId: 'legacy', producer: 'Tally Demo Producer', features: demo.signedByHand }, backoffice.producerKey.privateKeyPem, { now }));
  }
  writeFileSync(credentialFile, `${credential}\n`, { mode: 0o600 });
}

/** `tally start` (both roles with a demo) and `tally simulate` (client traffic). */
export function registerStartCommands(program: Command): void {
  program
    .command('start')
    .description('quick start: a license server and a back office in one process, with a demo license, accounts, 90 days of history and live traffic')
    .option('-d, --data <dir>', 'data folder, server/ and backoffice/ inside (TALLY_DATA; default ./tally-data)')
    .option('-p, --port <port>', 'back office port', String(SETTINGS.backoffice.port.default))
    .option('--server-port <port>', 'license server port', String(SETTINGS.server.port.default))
    .option('--host <address>', 'address both listen on', '127.0.0.1')
    .option('--devices <n>', 'simulated client devices', '25')
    .option('--no-simulate', 'no simulated traffic')
    .option('--no-history', 'no simulated history of the past 90 days in the report')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'warn')
    .option('--branding <dir>', "the License Server Manager's branding: logo.png, logo.jpg or logo.jpeg and data.json (server.brandingDir)")
    .action(async (opts: StartOptions) => {
      const data = startFolder(opts.data);
      const credentialFile = join(data, 'server', 'sync-credential');
      // Both roles' settings are checked, and their ports probed, before either writes anything.
      const settings = loadSettings({
        overrides: {
          'backoffice.host': opts.host,
          'backoffice.port': opts.port,
          'backoffice.dataDir': join(data, 'backoffice'),
          'server.host': opts.host,
          'server.port': opts.serverPort,
          'server.dataDir': join(data, 'server'),
          'server.brandingDir': opts.branding,
          'sync.enabled': true,
          'sync.credential': existsSync(credentialFile) ? readFileSync(credentialFile, 'utf8').trim() : null,
          'log.level': opts.logLevel,
        },
      });
      ensureFolderFree(data, ['server', 'backoffice']);
      await ensurePortsFree([
        { role: 'back office', host: opts.host, port: settings.backoffice.port, flag: '--port' },
        { role: 'license server', host: opts.host, port: settings.server.port, flag: '--server-port' },
      ]);
      // Loaded here: the roles' modules take a while to load, and other commands need none of them.
      const [{ startBackoffice }, { startLicenseServer }, { backfillDemoHistory }] = await Promise.all([import('../../backoffice/main.js'), import('../../server/main.js'), import('../../backoffice/demo/demo-backfill.js')]);
      const passwords: Record<'server' | 'backoffice', string | null> = { server: null, backoffice: null };
      const oneTime = (text: string) => /one-time password: (\S+)/.exec(text)?.[1] ?? null;
      const backoffice = await startBackoffice({ settings, announce: (text) => (passwords.backoffice = oneTime(text)) });
      // Known only once the back office listens (its port may be 0: any free one).
      settings.sync.url = backoffice.url;
      settings.capabilityPolling.enabled = true;
      settings.capabilityPolling.interval = 3600;
      const server = await startLicenseServer({ settings, producerPublicKeyPem: backoffice.producerKey.publicKeyPem, announce: (text) => (passwords.server = oneTime(text)) });
      const forgetRunning = noteRunning(data, { role: 'tally start', serverUrl: server.url, backofficeUrl: backoffice.url });
      // First start: set up what a producer and an administrator would, then mark it done.
      // A folder of an older quick start holds a demo license signed by a key of its own, which the server no longer trusts.
      const older = server.service.setAsideLicenses().some((l) => l.licenseId === 'demo');
      if (older) await server.service.removeLicense('demo');
      if (older || !existsSync(credentialFile)) await firstStart(backoffice, server, credentialFile);
      let history = '  no simulated history (--no-history).';
      if (opts.history) {
        // The history ends at the first start, whenever this start is: each start makes the same one.
        const endsAt = Date.parse(backoffice.registry.account('demo').createdAt);
        const result = await backfillDemoHistory({ registry: backoffice.registry, warehouse: backoffice.warehouse, liveInstanceId: server.service.instanceId, endsAt });
        history = result.accepted > 0
          ? `  ${result.events} events of 90 days of simulated history (5 license servers of 4 accounts) were added to the report in ${(result.ms / 1000).toFixed(1)} s.`
          : `  The report holds 90 days of simulated history (${result.events} events) up to ${new Date(endsAt).toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
      }
      const password = (created: string | null, role: 'server' | 'backoffice') => created ?? `(set; first one in ${join(data, role, 'admin-password.txt')})`;
      process.stderr.write(
        [
          'Tally is running. Log in as admin, each with its own one-time password (you choose a new one first):',
          '',
          table([
            ['OPENS', 'URL', 'USER', 'ONE-TIME PASSWORD'],
            ['Usage and Denials report (back office)', `${backoffice.url}/`, 'admin', password(passwords.backoffice, 'backoffice')],
            ['License Server Manager (license server)', `${server.url}/`, 'admin', password(passwords.server, 'server')],
          ]),
          '',
          `  license server API      ${server.url}  (docs at ${server.url}/docs)`,
          `  back office             ${backoffice.url}  (API docs at ${backoffice.url}/docs)`,
          history,
          opts.simulate ? `  ${opts.devices} simulated devices are using the demo license; usage flows to the back office.` : '  no simulated traffic (--no-simulate).',
          `  Client commands run here find this server (data folder ${data}); elsewhere: export TALLY_SERVER=${server.url}`,
          'Ctrl-C stops everything.',
          '',
        ].join('\n'),
      );
      // Some cad and cam counts and render hours stay free, so that a client command tried by hand beside the simulation is granted.
      const simulator = opts.simulate
        ? new TrafficSimulator({ server: server.url, devices: Number(opts.devices), thinkMs: 2000, borrowSeconds: 60, holdAtMost: { cad: 5, cam: 8 }, keepFree: { 'render-hours': 100 }, roomOf: (feature) => server.service.roomOf(feature) })
        : null;
      void simulator?.run();
      stopOnSignals(async () => {
        simulator?.stop();
        await server.close();
        await backoffice.close();
        forgetRunning();
      });
    });

  program
    .command('simulate')
    .description('simulate client devices using a license server: checkouts, renewals, returns, expiries, metered use and denials')
    .option('-s, --server <url>', 'license server URL (TALLY_SERVER; else that of the tally start running on TALLY_DATA or ./tally-data)', defaultServerUrl())
    .option('--devices <n>', 'devices', '25')
    .option('--duration <duration>', 'how long, e.g. 60s or 10m (default: until Ctrl-C)')
    .option('--think <duration>', 'mean pause between a device’s actions', '3s')
    .option('--borrow <duration>', 'lease length devices ask for', '2m')
    .option('--json', 'print the totals as JSON')
    .action(async (opts: { server: string; devices: string; duration?: string; think: string; borrow: string; json?: boolean }) => {
      const seconds = (text: string, option: string) => {
        const s = parseDurationSeconds(text);
        if (s === undefined) throw new TallyError('BAD_REQUEST', `${option} must be a duration such as 30s, 5m or 1h`, [{ field: option, message: 'is not a duration' }]);
        return s;
      };
      const devices = Number(opts.devices);
      if (!Number.isInteger(devices) || devices < 1 || devices > 100_000) throw new TallyError('BAD_REQUEST', '--devices must be a whole number from 1 to 100000', [{ field: '--devices', message: 'is out of range' }]);
      const simulator = new TrafficSimulator({
        server: opts.server,
        devices,
        ...(opts.duration ? { durationMs: seconds(opts.duration, '--duration') * 1000 } : {}),
        thinkMs: seconds(opts.think, '--think') * 1000,
        borrowSeconds: Math.max(1, seconds(opts.borrow, '--borrow')),
      });
      process.once('SIGINT', () => simulator.stop());
      const stats = await simulator.run();
      process.stdout.write(opts.json ? `${JSON.stringify(stats)}\n` : `requests ${stats.requests}, fully granted ${stats.grants}, denied features ${stats.denials}, errors ${stats.errors}\n`);
    });
}
