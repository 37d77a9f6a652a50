import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LicenseClient } from '../../client/license-client.js';
import type { FilterSummary } from '../../server/checkout-filter-service.js';
import type { ActiveFilter } from '../../server/http/filters/routes.js';
import { withServer } from '../options.js';
import { emit, table } from '../output.js';
import { tokenFor } from '../sessions.js';
import { readText } from './producer.js';

interface Options {
  server: string;
  json?: boolean;
}

const BASE = '/api/1.0/instances/~';
const api = (opts: Options) => new LicenseClient(opts.server, tokenFor(opts.server));

const summaryText = (f: FilterSummary) =>
  `${table([['LINE', 'DOES', 'RULE'], ...f.rules.map((r) => [String(r.line), r.action, r.text])])}\n` +
  `default ${f.defaultAction}; days and hours in ${f.timeZone}`;

/** `tally admin filters`: the administrator's checkout filter of a license server. */
export function registerFilterCommands(admin: Command): void {
  const filters = admin.command('filters').description('the checkout filter: which devices may check out which features at all');

  withServer(filters.command('show'))
    .description('print the active checkout filter exactly as uploaded')
    .option('-o, --out <file>', 'write it to a file instead')
    .action(async (opts: Options & { out?: string }) => {
      const r = await api(opts).call<ActiveFilter>('GET', `${BASE}/filters`);
      if (opts.out) {
        writeFileSync(opts.out, r.text);
        emit(opts.json ?? false, { ...r, text: undefined, out: opts.out }, () => `Wrote filter "${r.name}" to ${opts.out}.`);
        return;
      }
      if (opts.json) emit(true, r, () => '');
      else process.stdout.write(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
    });

  withServer(filters.command('validate <file>'))
    .description('check a checkout filter without activating it')
    .action(async (file: string, opts: Options) => {
      const r = await api(opts).call<{ filter: FilterSummary }>('POST', `${BASE}/filters/validate`, { text: readText(file) });
      emit(opts.json ?? false, r, () => `Filter "${r.filter.name}" is valid.\n${summaryText(r.filter)}`);
    });

  withServer(filters.command('set <file>'))
    .description('activate a checkout filter (replaces the active one at once)')
    .action(async (file: string, opts: Options) => {
      const r = await api(opts).call<{ filter: FilterSummary; replaced: boolean }>('PUT', `${BASE}/filters`, { text: readText(file) });
      emit(opts.json ?? false, r, () => `${r.replaced ? 'Replaced the filter with' : 'Activated'} "${r.filter.name}".\n${summaryText(r.filter)}`);
    });

  withServer(filters.command('delete'))
    .description('delete the active checkout filter: every device may check out again')
    .action(async (opts: Options) => {
      await api(opts).call('DELETE', `${BASE}/filters`);
      emit(opts.json ?? false, { deleted: true }, () => 'Deleted the checkout filter.');
    });
}
