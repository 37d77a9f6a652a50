import type { Command } from 'commander';
import { loadSettings } from '../../common/config.js';
import type { DataOptions } from '../backoffice-data.js';
import { dataOptions, withBackofficeData } from '../backoffice-data.js';
import { registerCatalogCommands } from './catalog.js';
import { registerCloudInstanceCommands } from './cloud-instances.js';
import { stopOnSignals, withSettings } from '../options.js';
import { ensurePortsFree } from '../preflight.js';
import { ensureFolderFree, noteRunning } from '../start-folder.js';
import { emit, table } from '../output.js';

/** `tally backoffice`: the back office role and its accounts and instances. */
export function registerBackofficeCommands(program: Command): void {
  const backoffice = program.command('backoffice').description('run the back office (usage sync, warehouse, licensing), or manage its accounts, instances, products and entitlements');
  const given = withSettings(backoffice, {
    'backoffice.port': ['-p, --port <port>', 'port to listen on'],
    'backoffice.host': ['--host <address>', 'address to listen on'],
    'backoffice.dataDir': ['-d, --data <dir>', 'data folder'],
    'log.level': ['--log-level <level>'],
  });
  backoffice
    .option('-c, --config <file>', 'JSON config file (TALLY_CONFIG)')
    .action(async (opts: { config?: string }) => {
      const settings = loadSettings({ file: opts.config, overrides: given(opts) });
      ensureFolderFree(settings.backoffice.dataDir);
      await ensurePortsFree([{ role: 'back office', host: settings.backoffice.host, port: settings.backoffice.port, flag: '--port' }]);
      // Loaded here: the role's modules take a while to load, and other commands need none of them.
      const { startBackoffice } = await import('../../backoffice/main.js');
      const running = await startBackoffice({ settings });
      const forget = noteRunning(settings.backoffice.dataDir, { role: 'back office', backofficeUrl: running.url });
      process.stderr.write(`Tally back office listening on ${running.url} (data in ${settings.backoffice.dataDir})\n`);
      stopOnSignals(async () => {
        await running.close();
        forget();
      });
    });

  const account = backoffice.command('account').description("the producer's customers");
  dataOptions(account.command('add <id>'))
    .description('add an account')
    .option('--name <name>', 'display name (default: the ID)')
    .action((id: string, opts: DataOptions & { name?: string }) => {
      const a = withBackofficeData(opts, ({ registry: r }) => r.addAccount({ id, name: opts.name ?? id }));
      emit(opts.json ?? false, a, () => `Added account ${a.id} (${a.name}).`);
    });
  dataOptions(account.command('list'))
    .description('list accounts')
    .action((opts: DataOptions) => {
      const r = withBackofficeData(opts, ({ registry }) => registry.accounts(0, 10_000), true);
      emit(opts.json ?? false, r, () => table([['ACCOUNT', 'NAME', 'CREATED'], ...r.items.map((a) => [a.id, a.name, a.createdAt])]));
    });

  const instance = backoffice.command('instance').description('license servers that send usage');
  dataOptions(instance.command('add'))
    .description('register a license server instance; prints its sync credential once')
    .requiredOption('--account <id>', 'the account it belongs to')
    .requiredOption('--name <name>', 'a name for it')
    .option('--hostid <hostid>', 'its hostid')
    .option('--id <instanceId>', "the license server's instance ID (see its server.instanceId property)")
    .action((opts: DataOptions & { account: string; name: string; hostid?: string; id?: string }) => {
      const r = withBackofficeData(opts, ({ registry: reg }) =>
        reg.addInstance({ accountId: opts.account, name: opts.name, hostId: opts.hostid ?? null, ...(opts.id ? { id: opts.id } : {}) }),
      );
      emit(opts.json ?? false, r, () =>
        [
          `Registered instance ${r.instance.id} (${r.instance.name}) of account ${r.instance.accountId}.`,
          `Sync credential (shown once): ${r.credential}`,
          'Configure the license server with sync.credential, sync.url and sync.enabled.',
        ].join('\n'),
      );
    });
  dataOptions(instance.command('credential <id>'))
    .description('make a new sync credential for an instance (one registered by its first activation has none anyone knows); the old one stops working')
    .action((id: string, opts: DataOptions) => {
      const credential = withBackofficeData(opts, ({ registry }) => registry.reissueCredential(id), true);
      emit(opts.json ?? false, { instanceId: id, credential }, () => [`Sync credential of instance ${id} (shown once): ${credential}`, 'Configure the license server with it as sync.credential.'].join('\n'));
    });
  dataOptions(instance.command('list'))
    .description('list instances')
    .option('--account <id>', 'only this account')
    .action((opts: DataOptions & { account?: string }) => {
      const r = withBackofficeData(opts, ({ registry }) => registry.instances(0, 10_000, opts.account), true);
      emit(opts.json ?? false, r, () =>
        table([['INSTANCE', 'ACCOUNT', 'KIND', 'NAME', 'HOSTID', 'LAST SYNC'], ...r.items.map((i) => [i.id, i.accountId, i.kind, i.name, i.hostId ?? '', i.lastSyncAt ?? 'never'])]),
      );
    });

  const quarantine = backoffice.command('quarantine').description('events sent by license servers that cannot be stored, set aside');
  dataOptions(quarantine.command('list'))
    .description('list events set aside, newest first: instance, event ID, field and reason')
    .option('--instance <id>', 'only this instance')
    .option('--limit <n>', 'at most this many (default 100)', '100')
    .action((opts: DataOptions & { instance?: string; limit: string }) => {
      const limit = Math.max(1, Math.min(10_000, Number.parseInt(opts.limit, 10) || 100));
      const r = withBackofficeData(opts, ({ quarantine: q }) => q.list(0, limit, opts.instance), true);
      emit(opts.json ?? false, r, () =>
        r.total === 0
          ? 'No events set aside.'
          : [
              table([['RECEIVED', 'INSTANCE', 'EVENT', 'FIELD', 'REASON'], ...r.items.map((q) => [q.receivedAt, q.instanceId, q.eventId ?? '', q.field, q.reason])]),
              `${r.total} event${r.total === 1 ? '' : 's'} set aside${r.total > r.items.length ? ` (${r.items.length} shown)` : ''}; --json shows each as received.`,
            ].join('\n'),
      );
    });
  registerCloudInstanceCommands(backoffice);
  registerCatalogCommands(backoffice);
}
