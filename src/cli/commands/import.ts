import { createReadStream, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { Argument, Option } from 'commander';
import cliProgress from 'cli-progress';
import { ingestBatch } from '../../backoffice/ingest/sync-batch.js';
import { InstanceRegistry } from '../../backoffice/instances/instance-registry.js';
import { openBackofficeDb } from '../../backoffice/main.js';
import { loadSettings } from '../../common/config.js';
import { TallyError } from '../../common/errors.js';
import { systemClock } from '../../common/time.js';
import { parseCapacities } from '../../importers/imported-event.js';
import type { ImportFormat, ImportOptions } from '../../importers/import-run.js';
import { IMPORT_FORMATS, runImport } from '../../importers/import-run.js';
import type { ImportSummary } from '../../importers/import-summary.js';
import { formatSummary } from '../../importers/import-summary.js';
import type { ReadStats } from '../../importers/line-reader.js';
import { epochDay, machineTimeZone } from '../../importers/wall-clock.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { emit } from '../output.js';
import { tokenFor } from '../sessions.js';

interface ImportCliOptions {
  instance: string;
  data?: string;
  config?: string;
  backoffice?: string;
  timezone: string;
  capacity: string[];
  startDate?: string;
  unsupported?: boolean;
  json?: boolean;
  progress: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `tally import <format> <files...>`: usage from logs of license servers Tally does not run. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import FlexLM debug logs, RLM report and debug logs, or lmstat -a captures into an instance: into a data folder, or through a running back office')
    .addArgument(new Argument('<format>', 'input format').choices(IMPORT_FORMATS))
    .argument('<files...>', 'files to import (gzip accepted)')
    .requiredOption('-i, --instance <id>', 'the instance the usage belongs to (and so its account)')
    .option('-d, --data <dir>', 'back office data folder to write into (the back office must not be running on it)')
    .option('-c, --config <file>', 'JSON config file')
    .option('--backoffice <url>', 'send to a running back office instead (log in first with `tally admin login --server URL`)')
    .option('--timezone <zone>', "IANA time zone of the server's clock (default: this machine's)", machineTimeZone())
    .option('--capacity <n>', 'licenses of each feature when the input has none: N for all, or feature=N (repeatable)', collect, [])
    .option('--start-date <yyyy-mm-dd>', 'date of the first line of a log with no date line (default: the file time as the date of its last line)')
    .option('--unsupported', 'store UNSUPPORTED lines as 15 NOT_AVAILABLE denials')
    .addOption(new Option('--no-progress', 'no progress bar'))
    .option('--json', 'print the summary as JSON')
    .action(async (format: ImportFormat, files: string[], opts: ImportCliOptions) => {
      const summaries = opts.backoffice ? await uploadFiles(format, files, opts) : [await importIntoData(format, files, opts)];
      emit(opts.json ?? false, summaries.length === 1 ? summaries[0] : summaries, () => summaries.map(formatSummary).join('\n\n'));
    });
}

function fallbackDay(files: string[], opts: ImportCliOptions): ImportOptions['fallbackDay'] {
  if (opts.startDate) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(opts.startDate);
    if (!m) throw new TallyError('BAD_REQUEST', '--start-date must be YYYY-MM-DD.');
    return { day: epochDay(Number(m[1]), Number(m[2]), Number(m[3])), of: 'first' };
  }
  // A log is written until it is copied: its modification time is the date of its last line.
  const mtime = statSync(files[files.length - 1]!).mtimeMs;
  return { day: Math.floor(mtime / 86_400_000), of: 'last' };
}

async function importIntoData(format: ImportFormat, files: string[], opts: ImportCliOptions): Promise<ImportSummary> {
  const settings = loadSettings({ file: opts.config, overrides: { 'backoffice.dataDir': opts.data } });
  const dataDir = settings.backoffice.dataDir;
  const db = openBackofficeDb(dataDir);
  let warehouse: DuckDbWarehouse | null = null;
  try {
    const instance = new InstanceRegistry(db, systemClock).instance(opts.instance);
    try {
      warehouse = await DuckDbWarehouse.open(join(dataDir, 'warehouse.duckdb'));
    } catch (error) {
      throw new TallyError('CONFLICT', `Cannot open the warehouse in ${dataDir} (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); if the back office is running on it, import with --backoffice URL.`);
    }
    const open = warehouse;
    const bar = progressBar(files, opts);
    try {
      return await runImport(
        files.map((f) => ({ name: basename(f), chunks: createReadStream(f, { highWaterMark: 4 << 20 }) })),
        {
          format,
          instanceId: instance.id,
          accountId: instance.accountId,
          timeZone: opts.timezone,
          capacities: parseCapacities(opts.capacity),
          includeUnsupported: opts.unsupported ?? false,
          fallbackDay: fallbackDay(files, opts),
          // The same checks as events synced by a license server.
          store: (events) => ingestBatch({ instanceId: instance.id, events }, instance, open),
          progress: bar?.update,
        },
      );
    } finally {
      bar?.stop();
    }
  } finally {
    await warehouse?.close();
    db.close();
  }
}

async function uploadFiles(format: ImportFormat, files: string[], opts: ImportCliOptions): Promise<ImportSummary[]> {
  const server = opts.backoffice!.replace(/\/+$/, '');
  const token = tokenFor(server);
  const summaries: ImportSummary[] = [];
  for (const file of files) {
    const params = new URLSearchParams({ format, timezone: opts.timezone, name: basename(file) });
    for (const c of opts.capacity) params.append('capacity', c);
    const fallback = fallbackDay([file], opts);
    if (fallback) params.set('fallbackDay', `${fallback.day}:${fallback.of}`);
    if (opts.unsupported) params.set('unsupported', 'true');
    const res = await fetch(`${server}/api/1.0/backoffice/instances/${encodeURIComponent(opts.instance)}/imports?${params.toString()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })),
      duplex: 'half',
    });
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | ImportSummary | null;
    if (!res.ok) {
      const error = body && 'error' in body ? body.error : undefined;
      throw new TallyError('BAD_REQUEST', `${basename(file)}: ${error?.message ?? `the back office answered ${res.status}`}`);
    }
    summaries.push(body as ImportSummary);
  }
  return summaries;
}

/** A progress bar with lines/s on a terminal; nothing when output is piped or --no-progress. */
function progressBar(files: string[], opts: ImportCliOptions): { update: (s: ReadStats) => void; stop: () => void } | null {
  if (!opts.progress || opts.json || !process.stderr.isTTY) return null;
  const total = files.reduce((n, f) => n + statSync(f).size, 0);
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'importing [{bar}] {percentage}% | {lines} lines | {rate} lines/s', hideCursor: true }, cliProgress.Presets.shades_classic);
  const started = Date.now();
  bar.start(total, 0, { lines: 0, rate: 0 });
  return {
    update: (s) => bar.update(Math.min(s.bytes, total), { lines: s.lines, rate: Math.round(s.lines / Math.max(0.001, (Date.now() - started) / 1000)) }),
    stop: () => bar.stop(),
  };
}
