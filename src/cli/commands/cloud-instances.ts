import { join } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../common/log.js';
import { systemClock } from '../../common/time.js';
import type { CloudInstance } from '../../backoffice/hosting/instance-host.js';
import { InstanceHost } from '../../backoffice/hosting/instance-host.js';
import { InstanceRegistry } from '../../backoffice/instances/instance-registry.js';
import { Catalog } from '../../backoffice/licensing/catalog.js';
import { loadOrCreateProducerKey } from '../../backoffice/licensing/producer-key.js';
import { openBackofficeDb } from '../../backoffice/store/db.js';
import type { DataOptions } from '../backoffice-data.js';
import { backofficeSettings, dataOptions, requireBackofficeData } from '../backoffice-data.js';
import { emit, table } from '../output.js';

/**
 * Works on the cloud instances of the back office's data folder (the back office may be running:
 * it notices an instance deleted here within seconds). The host is closed afterwards, its
 * writer thread with it, whatever `work` did.
 */
async function withHost<T>(opts: DataOptions, work: (host: InstanceHost) => Promise<T> | T): Promise<T> {
  const given = backofficeSettings(opts);
  // Warnings only, to stderr: stdout stays the command's answer (valid JSON with --json).
  const settings = { ...given, log: { ...given.log, level: 'warn' as const } };
  const dir = settings.backoffice.dataDir;
  requireBackofficeData(dir);
  const db = openBackofficeDb(dir);
  try {
    const host = new InstanceHost({
      settings,
      dir: join(dir, 'instances'),
      db,
      registry: new InstanceRegistry(db, systemClock),
      catalog: new Catalog(db, systemClock),
      // A hosted instance trusts license files signed with the producer key of its back office.
      producerPublicKey: loadOrCreateProducerKey(dir).publicKeyPem,
      clock: systemClock,
      log: createLogger('warn', process.stderr),
    });
    try {
      return await work(host);
    } finally {
      await host.close();
    }
  } finally {
    db.close();
  }
}

/** The one-time password, once, with what to do with it. */
function describeAdmin(instanceId: string, admin: { user: string; oneTimePassword: string }): string[] {
  return [
    `Administrator: ${admin.user}`,
    `One-time password (shown once): ${admin.oneTimePassword}`,
    `Give both to the customer: they log in to the License Server Manager at <back office>/manager/?instance=${instanceId} and choose their own password.`,
  ];
}

function rows(items: CloudInstance[]): string[][] {
  return [['INSTANCE', 'ACCOUNT', 'NAME', 'CREATED', 'API'], ...items.map((i) => [i.id, i.accountId, i.name, i.createdAt, i.apiBase])];
}

/** `tally backoffice cloud-instance`: license servers the back office hosts for its accounts. */
export function registerCloudInstanceCommands(backoffice: Command): void {
  const cloud = backoffice.command('cloud-instance').description('license server instances the back office hosts for accounts that run none');

  dataOptions(cloud.command('create'))
    .description("create a cloud instance for an account; prints its administrator's one-time password once")
    .requiredOption('--account <id>', 'the account it belongs to')
    .requiredOption('--name <name>', 'a name for it')
    .option('--id <instanceId>', 'its ID, part of its address (default: a new one)')
    .action(async (opts: DataOptions & { account: string; name: string; id?: string }) => {
      const created = await withHost(opts, (host) => host.create({ accountId: opts.account, name: opts.name, ...(opts.id === undefined ? {} : { id: opts.id }) }));
      emit(opts.json ?? false, created, () =>
        [`Created cloud instance ${created.instance.id} (${created.instance.name}) of account ${created.instance.accountId}.`, `API: ${created.instance.apiBase}`, ...describeAdmin(created.instance.id, created.admin)].join('\n'),
      );
    });

  dataOptions(cloud.command('list'))
    .description('list cloud instances')
    .option('--account <id>', 'only this account')
    .action(async (opts: DataOptions & { account?: string }) => {
      const listed = await withHost(opts, (host) => host.list(0, Number.MAX_SAFE_INTEGER, opts.account));
      emit(opts.json ?? false, listed, () => (listed.total === 0 ? 'No cloud instances.' : table(rows(listed.items))));
    });

  dataOptions(cloud.command('delete <id>'))
    .description('delete a cloud instance: its activated counts go back to their activation IDs and its state is removed; its usage history stays')
    .action(async (id: string, opts: DataOptions) => {
      await withHost(opts, (host) => host.delete(id));
      emit(opts.json ?? false, { deleted: id }, () => `Deleted cloud instance ${id}: its activated counts went back to their activation IDs; its usage history stays in the report.`);
    });

  dataOptions(cloud.command('reset-admin <id>'))
    .description("give a cloud instance's admin user a new one-time password (printed once); its sessions end")
    .action(async (id: string, opts: DataOptions) => {
      const admin = await withHost(opts, (host) => host.resetAdmin(id));
      emit(opts.json ?? false, { instanceId: id, ...admin }, () => [`New password for the admin user of cloud instance ${id}.`, ...describeAdmin(id, admin)].join('\n'));
    });
}
