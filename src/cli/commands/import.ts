import { closeSync, createReadStream, openSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { Argument, Option } from 'commander';
import cliProgress from 'cli-progress';
import { InstanceRegistry } from '../../backoffice/instances/instance-registry.js';
import { openBackofficeDb } from '../../backoffice/store/db.js';
import { loadSettings } from '../../common/config.js';
import { TallyError } from '../../common/errors.js';
import { systemClock } from '../../common/time.js';
import { parseCapacities } from '../../importers/imported-event.js';
import type { ImportFormat, ImportOptions } from '../../importers/import-run.js';
import { IMPORT_FORMATS, runImport } from '../../importers/import-run.js';
import type { ImportSummary } from '../../importers/import-summary.js';
import { endedEarlyMessages, formatSummary, importSummarySchema } from '../../importers/import-summary.js';
import type { ReadStats } from '../../importers/line-reader.js';
import { epochDay, machineTimeZone } from '../../importers/wall-clock.js';
import { DENIAL, denialLabel } from '../../licensing/denials.js';
import type { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
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

/** The options every import and monitor takes: the server's time zone and capacities. */
export function withZoneAndCapacity(command: Command, what: string): Command {
  return command
    .option('--timezone <zone>', "IANA time zone of the server's clock (default: this machine's)", machineTimeZone())
    .option('--capacity <n>', `licenses of each feature when the ${what} has none: N for all, or feature=N (repeatable)`, collect, []);
}

/** `tally import <format> <files...>`: usage from logs of license servers Tally does not run. */
export function registerImportCommand(program: Command): void {
  withZoneAndCapacity(program.command('import'), 'input')
    .description('import FlexLM debug logs, RLM report and debug logs, or lmstat -a captures into an instance: into a data folder, or through a running back office')
    .addArgument(new Argument('<format>', 'input format').choices(IMPORT_FORMATS))
    .argument('<files...>', 'files to import (gzip accepted)')
    .requiredOption('-i, --instance <id>', 'the instance the usage belongs to (and so its account)')
    .option('-d, --data <dir>', 'back office data folder to write into (the back office must not be running on it)')
    .option('-c, --config <file>', 'JSON config file')
    .option('--backoffice <url>', 'send to a running back office instead (log in first with `tally admin login --server URL`)')
    .option('--start-date <yyyy-mm-dd>', 'date of the first line of a log with no date line (default: the file time as the date of its last line)')
    .option('--unsupported', `store UNSUPPORTED lines as ${denialLabel(DENIAL.NOT_AVAILABLE)} denials`)
    .addOption(new Option('--no-progress', 'no progress bar'))
    .option('--json', 'print the summary as JSON')
    .action(async (format: ImportFormat, files: string[], opts: ImportCliOptions) => {
      // Every file is checked before anything is stored or sent: a typo in the last name must not leave half an import.
      checkFiles(files);
      const fallback = opts.startDate ? startDate(opts.startDate) : null;
      const summaries: ImportSummary[] = [];
      const show = () => {
        if (summaries.length > 0) emit(opts.json ?? false, summaries.length === 1 ? summaries[0] : summaries, () => summaries.map(formatSummary).join('\n\n'));
      };
      try {
        if (opts.backoffice) await uploadFiles(format, files, opts, fallback, summaries);
        else summaries.push(await importIntoData(format, files, opts, fallback));
      } catch (error) {
        // What was imported before a failure is shown with it.
        show();
        throw error;
      }
      show();
      const ended = summaries.flatMap(endedEarlyMessages);
      if (ended.length > 0) throw new TallyError('BAD_REQUEST', ended.join('\nerror: '));
    });
}

/** Each file that cannot be imported, one line each naming it; nothing is read when one fails. */
function checkFiles(files: string[]): void {
  const problems: string[] = [];
  for (const file of files) {
    const problem = fileProblem(file);
    if (problem) problems.push(`${file}: ${problem}`);
  }
  // One `error:` line per file, as the first one is printed.
  if (problems.length > 0) throw new TallyError('BAD_REQUEST', problems.join('\nerror: '), []);
}

function fileProblem(file: string): string | null {
  try {
    if (statSync(file).isDirectory()) return 'is a directory, not a file';
    closeSync(openSync(file, 'r'));
    return null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'ENOTDIR') return 'no such file (a folder on its path is a file)';
    if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
    return `cannot be read (${code ?? (error as Error).message})`;
  }
}

/** A file's bytes, opened only when the import reaches it. */
function fileChunks(file: string, highWaterMark: number): AsyncIterable<Buffer> {
  return (async function* () {
    yield* createReadStream(file, { highWaterMark }) as AsyncIterable<Buffer>;
  })();
}

function startDate(text: string): NonNullable<ImportOptions['fallbackDay']> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new TallyError('BAD_REQUEST', '--start-date must be YYYY-MM-DD.', [{ field: '--start-date', message: 'must be YYYY-MM-DD' }]);
  return { day: epochDay(Number(m[1]), Number(m[2]), Number(m[3])), of: 'first' };
}

/** `--start-date` dates the first line; else a log is written until it is copied, so its modification time dates its last line. */
function fallbackDay(file: string, startDay: ImportOptions['fallbackDay']): NonNullable<ImportOptions['fallbackDay']> {
  if (startDay) return startDay;
  return { day: Math.floor(statSync(file).mtimeMs / 86_400_000), of: 'last' };
}

async function importIntoData(format: ImportFormat, files: string[], opts: ImportCliOptions, startDay: ImportOptions['fallbackDay']): Promise<ImportSummary> {
  const settings = loadSettings({ file: opts.config, overrides: { 'backoffice.dataDir': opts.data } });
  const dataDir = settings.backoffice.dataDir;
  checkDataFolder(dataDir);
  // Loaded here: the warehouse and the event checks take a while to load, and other commands need neither.
  const [{ DuckDbWarehouse }, { ingestBatch }] = await Promise.all([import('../../warehouse/duckdb/duckdb-warehouse.js'), import('../../backoffice/ingest/sync-batch.js')]);
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
        files.map((f) => ({ name: basename(f), chunks: fileChunks(f, 4 << 20), fallbackDay: fallbackDay(f, startDay) })),
        {
          format,
          instanceId: instance.id,
          accountId: instance.accountId,
          timeZone: opts.timezone,
          capacities: parseCapacities(opts.capacity),
          includeUnsupported: opts.unsupported ?? false,
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

/** An import goes into an instance registered in an existing data folder: a wrong path is refused before anything is created. */
function checkDataFolder(dataDir: string): void {
  let problem: string | null = null;
  try {
    if (!statSync(dataDir).isDirectory()) problem = 'is a file, not a back office data folder';
  } catch (error) {
    const code = (error as { code?: string }).code;
    problem = code === 'ENOENT' ? 'no such back office data folder' : `cannot be read (${code ?? (error as Error).message})`;
  }
  if (problem) throw new TallyError('BAD_REQUEST', `--data ${dataDir}: ${problem}`, [{ field: '--data', message: problem }]);
}

/** Sends each file to the back office in turn, adding each answer to `summaries`; stops at the first failure. */
async function uploadFiles(format: ImportFormat, files: string[], opts: ImportCliOptions, startDay: ImportOptions['fallbackDay'], summaries: ImportSummary[]): Promise<void> {
  const server = opts.backoffice!.replace(/\/+$/, '');
  const token = tokenFor(server);
  for (const file of files) {
    const params = new URLSearchParams({ format, timezone: opts.timezone, name: basename(file) });
    for (const c of opts.capacity) params.append('capacity', c);
    const fallback = fallbackDay(file, startDay);
    params.set('fallbackDay', `${fallback.day}:${fallback.of}`);
    if (opts.unsupported) params.set('unsupported', 'true');
    let res: Response;
    try {
      res = await fetch(`${server}/api/1.0/backoffice/instances/${encodeURIComponent(opts.instance)}/imports?${params.toString()}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })),
        duplex: 'half',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new TallyError('BAD_REQUEST', `${basename(file)}: cannot reach the back office at ${server} (${cause?.code ?? cause?.message ?? (error as Error).message}); nothing of this file was sent`);
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `the back office answered ${res.status}`;
      // The back office names the file itself when the trouble is in it.
      throw new TallyError('BAD_REQUEST', message.startsWith(`${basename(file)}: `) ? message : `${basename(file)}: ${message}`);
    }
    summaries.push(importSummarySchema.parse(body));
  }
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
