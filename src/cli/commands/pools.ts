import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { z } from 'zod';
import { LicenseClient } from '../../client/license-client.js';
import type { ModelSummary } from '../../server/allocation-service.js';
import type { poolsPageSchema } from '../../server/http/model/routes.js';
import type { reservationRowsSchema } from '../../server/http/reservations/routes.js';
import { TallyError } from '../../common/errors.js';
import { withServer } from '../options.js';
import { emit, table } from '../output.js';
import { tokenFor } from '../sessions.js';
import { readJson, readText } from './producer.js';

interface Options {
  server: string;
  json?: boolean;
}

const BASE = '/api/1.0/instances/~';
const api = (opts: Options) => new LicenseClient(opts.server, tokenFor(opts.server));

type PoolPage = z.output<typeof poolsPageSchema>;
type RowPage = z.output<typeof reservationRowsSchema>;

const summaryText = (m: ModelSummary) =>
  `${table([['POOL', 'FEATURES', 'ALLOCATED'], ...m.pools.map((p) => [p.name, String(p.features), String(p.allocated)])])}\n${m.rules} rules of access`;

/** `tally admin model|pools|reservations`: named license pools and reservations of a license server. */
export function registerAllocationCommands(admin: Command): void {
  const model = admin.command('model').description('the model definition: named license pools and rules of access');

  withServer(model.command('show'))
    .description('print the active model definition exactly as uploaded')
    .option('-o, --out <file>', 'write it to a file instead')
    .action(async (opts: Options & { out?: string }) => {
      const r = await api(opts).call<{ name: string; text: string; activatedAt: string; activatedBy: string }>('GET', `${BASE}/model`);
      if (opts.out) {
        writeFileSync(opts.out, r.text);
        emit(opts.json ?? false, { ...r, text: undefined, out: opts.out }, () => `Wrote model "${r.name}" to ${opts.out}.`);
        return;
      }
      if (opts.json) emit(true, r, () => '');
      else process.stdout.write(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
    });

  withServer(model.command('check <file>'))
    .description("check a model definition against the server's features without activating it")
    .action(async (file: string, opts: Options) => {
      const r = await api(opts).call<{ model: ModelSummary }>('POST', `${BASE}/model/validate`, { text: readText(file) });
      emit(opts.json ?? false, r, () => `Model "${r.model.name}" fits this server.\n${summaryText(r.model)}`);
    });

  withServer(model.command('activate <file>'))
    .description('activate a model definition (replaces the active one; refused when reservations exist)')
    .action(async (file: string, opts: Options) => {
      const r = await api(opts).call<{ model: ModelSummary; replaced: boolean }>('PUT', `${BASE}/model`, { text: readText(file) });
      emit(opts.json ?? false, r, () => `${r.replaced ? 'Replaced the model with' : 'Activated'} "${r.model.name}".\n${summaryText(r.model)}`);
    });

  withServer(model.command('delete'))
    .description('delete the active model: every count returns to the default pool')
    .action(async (opts: Options) => {
      await api(opts).call('DELETE', `${BASE}/model`);
      emit(opts.json ?? false, { deleted: true }, () => 'Deleted the model definition.');
    });

  withServer(admin.command('pools'))
    .description('named license pools and the default pool: allocated and used counts per feature')
    .action(async (opts: Options) => {
      const r = await api(opts).call<PoolPage>('GET', `${BASE}/pools?pageSize=1000`);
      emit(opts.json ?? false, r, () =>
        r.model === null
          ? 'No model definition is active: every count is in the default pool.'
          : `Model "${r.model}"\n${table([
              ['POOL', 'FEATURE', 'VERSION', 'EXPIRATION', 'ALLOCATED', 'USED', 'STATUS'],
              ...r.items.flatMap((p) => p.features.map((f) => [p.name, f.feature, f.version, f.expiration, String(f.allocated), String(f.used), f.status])),
            ])}`,
      );
    });

  const reservations = admin.command('reservations').description('reservation groups: counts held for devices and users');

  withServer(reservations.command('list'))
    .description('every reservation entry with its group and whether the server can satisfy it')
    .option('--page <n>', 'page, from 1', '1')
    .option('--page-size <n>', 'rows a page (max 1000)', '50')
    .action(async (opts: Options & { page: string; pageSize: string }) => {
      const r = await api(opts).call<RowPage>('GET', `${BASE}/reservations?page=${encodeURIComponent(opts.page)}&pageSize=${encodeURIComponent(opts.pageSize)}`);
      emit(opts.json ?? false, r, () =>
        `${table([
          ['STATUS', 'DEVICE', 'ID TYPE', 'GROUP', 'GROUP ID', 'FEATURE', 'VERSION', 'COUNT'],
          ...r.items.map((x) => [x.status, x.deviceId, x.idType, x.group, x.groupId, x.featureName, x.featureVersion, String(x.featureCount)]),
        ])}\n${r.items.length} of ${r.total} (page ${r.page}, ${r.pageSize} a page)`,
      );
    });

  withServer(reservations.command('add'))
    .description('add a group with one reservation: --group NAME --device TYPE:ID --feature NAME:VERSION=COUNT ...')
    .requiredOption('--group <name>', 'name of the new group')
    .requiredOption('--device <type:id>', 'hostid, e.g. ETHERNET:7200014F5DF0, or USER:alice for a user')
    .requiredOption('--feature <name:version=count...>', 'a reserved feature (repeatable), e.g. cad:1.0=2')
    .action(async (opts: Options & { group: string; device: string; feature: string[] }) => {
      const at = opts.device.indexOf(':');
      if (at < 1) throw new TallyError('BAD_REQUEST', `--device ${opts.device}: write TYPE:ID, e.g. STRING:build-07 or USER:alice`);
      const entries = opts.feature.map((f) => {
        const m = /^([^:=]+):([^=]+)=(\d+)$/.exec(f);
        if (!m) throw new TallyError('BAD_REQUEST', `--feature ${f}: write NAME:VERSION=COUNT, e.g. cad:1.0=2`);
        return { featureName: m[1]!, featureVersion: m[2]!, featureCount: Number(m[3]) };
      });
      const body = { name: opts.group, reservations: [{ hostId: { type: opts.device.slice(0, at), value: opts.device.slice(at + 1) }, reservationEntries: entries }] };
      const r = await api(opts).call<{ id: string; name: string }>('POST', `${BASE}/reservationgroups`, body);
      emit(opts.json ?? false, r, () => `Added reservation group ${r.name} (${r.id}).`);
    });

  withServer(reservations.command('import <file>'))
    .description('import a group or a list of groups from JSON (the export shape); all or nothing')
    .action(async (file: string, opts: Options) => {
      const r = await api(opts).call<{ groups: Array<{ id: string; name: string }> }>('POST', `${BASE}/reservationgroups/import`, readJson(file));
      emit(opts.json ?? false, r, () => `Imported ${r.groups.length} reservation groups: ${r.groups.map((g) => g.name).join(', ')}.`);
    });

  withServer(reservations.command('export'))
    .description('print every group as JSON that import takes back')
    .option('-o, --out <file>', 'write it to a file instead')
    .action(async (opts: Options & { out?: string }) => {
      const r = await api(opts).call<unknown[]>('GET', `${BASE}/reservationgroups/export`);
      const text = `${JSON.stringify(r, null, 2)}\n`;
      if (opts.out) {
        writeFileSync(opts.out, text);
        process.stdout.write(`Wrote ${r.length} reservation groups to ${opts.out}.\n`);
      } else {
        process.stdout.write(text);
      }
    });

  withServer(reservations.command('delete <groupIds...>'))
    .description('delete reservation groups by ID; all or nothing')
    .action(async (groupIds: string[], opts: Options) => {
      await api(opts).call('POST', `${BASE}/reservationgroups/delete`, { ids: groupIds });
      emit(opts.json ?? false, { deleted: groupIds }, () => `Deleted ${groupIds.length} reservation groups.`);
    });
}
