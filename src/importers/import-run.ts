import { TallyError } from '../common/errors.js';
import type { UsageEvent, UsageSource } from '../licensing/usage-event.js';
import type { IngestResult } from '../warehouse/warehouse.js';
import { FlexlmDebugLogParser } from './flexlm/flexlm-debug-log.js';
import { LmstatParser } from './lmstat/lmstat-output.js';
import { RlmLogParser } from './rlm/rlm-log.js';
import type { Capacities } from './imported-event.js';
import { ImportedEventFactory } from './imported-event.js';
import type { ImportSummary } from './import-summary.js';
import { SummaryCollector } from './import-summary.js';
import type { LineParser } from './line-parser.js';
import type { ReadStats } from './line-reader.js';
import { InputReadError, maybeGunzip, readLines } from './line-reader.js';
import { WallClock } from './wall-clock.js';

export const IMPORT_FORMATS = ['flexlm', 'rlm', 'lmstat'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A file's first lines decide whether it is of the format at all. */
const SNIFF_LINES = 500;
/** Events handed to the warehouse at once: large batches are what make DuckDB ingest fast. */
export const IMPORT_BATCH = 50_000;

/** What one import needs besides its input. */
export interface ImportOptions {
  format: ImportFormat;
  instanceId: string;
  accountId: string | null;
  /** IANA zone of the server's wall clock. */
  timeZone: string;
  capacities: Capacities;
  includeUnsupported?: boolean;
  /** For logs with no date line at all (see FlexlmOptions.fallbackDay). */
  fallbackDay?: { day: number; of: 'first' | 'last' } | null;
  /** Stores a batch of events (through the same checks as sync); awaited before the next batch is sent. */
  store: (events: UsageEvent[]) => Promise<IngestResult>;
  /** Called after each chunk read, with the bytes and lines read so far (progress bars). */
  progress?: (stats: ReadStats) => void;
}

/** One input of an import: a name for the summary and its bytes (gzip or not). */
export interface ImportInput {
  name: string;
  chunks: AsyncIterable<Buffer | Uint8Array>;
  /** This file's own date for a log with no date line (its modification time); else the options'. */
  fallbackDay?: ImportOptions['fallbackDay'];
}

const SOURCES: Record<ImportFormat, UsageSource> = { flexlm: 'flexlm', rlm: 'rlm', lmstat: 'lmstat' };

/**
 * Imports files of one format into one instance: streams each through its parser, hands the
 * events to `store` in large batches (parsing the next chunk while a batch is being stored),
 * and answers the summary. A file whose first lines are not of the format is refused before
 * anything of it is stored; malformed lines are counted and skipped. A file whose input fails
 * part way (a gzip cut short) keeps what was read before, as a shorter copy of it would, and
 * is listed in `endedEarly`: callers report it as an error after the summary.
 */
export async function runImport(inputs: readonly ImportInput[], options: ImportOptions): Promise<ImportSummary> {
  const clock = new WallClock(options.timeZone);
  const summary = new SummaryCollector(options.format, options.instanceId, clock.timeZone);
  let batch: UsageEvent[] = [];
  let storing: Promise<void> = Promise.resolve();
  const sendBatch = async () => {
    await storing;
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    storing = options.store(events).then((r) => summary.stored(r));
  };
  const sink = (e: UsageEvent) => {
    batch.push(e);
  };
  const factory = new ImportedEventFactory({ instanceId: options.instanceId, accountId: options.accountId, source: SOURCES[options.format] }, clock, summary, sink);
  let totalBytes = 0;
  let totalLines = 0;
  for (const input of inputs) {
    summary.file(input.name);
    const parser = createParser({ ...options, fallbackDay: input.fallbackDay === undefined ? options.fallbackDay : input.fallbackDay }, clock, factory, summary);
    let checked = false;
    const check = (stats: ReadStats) => {
      if (checked || stats.lines < SNIFF_LINES) return;
      checked = true;
      if (parser.recognized === 0) throw new TallyError('BAD_REQUEST', `${input.name}: ${parser.refusal()}`, [{ field: 'file', message: `is not ${options.format} input` }]);
    };
    let stats: ReadStats;
    let endedEarly = false;
    try {
      stats = await readLines(maybeGunzip(input.chunks), (text, lineNo) => parser.line(text, lineNo), async (s) => {
        check(s);
        options.progress?.({ ...s, bytes: totalBytes + s.bytes, lines: totalLines + s.lines });
        if (batch.length >= IMPORT_BATCH) await sendBatch();
      });
    } catch (error) {
      if (!(error instanceof InputReadError)) throw error;
      stats = error.stats;
      endedEarly = true;
      summary.endedEarly(stats.lines, stats.bytes, error.reason);
    }
    // A file cut before its first lines are known is reported as cut, not as of another format.
    checked = endedEarly && stats.lines < SNIFF_LINES;
    check({ ...stats, lines: SNIFF_LINES });
    parser.end();
    totalBytes += stats.bytes;
    totalLines += stats.lines;
    if (stats.latin1Lines > 0) summary.note('lines read as Latin-1 (not UTF-8)', stats.latin1Lines);
    if (stats.longLines > 0) summary.note('lines longer than 1 MB (cut)', stats.longLines);
  }
  await sendBatch();
  await storing;
  summary.summary.lines = totalLines;
  summary.summary.bytes = totalBytes;
  return summary.finish();
}

function createParser(options: ImportOptions, clock: WallClock, factory: ImportedEventFactory, summary: SummaryCollector): LineParser {
  switch (options.format) {
    case 'flexlm':
      return new FlexlmDebugLogParser({ clock, capacities: options.capacities, includeUnsupported: options.includeUnsupported ?? false, fallbackDay: options.fallbackDay ?? null }, factory, summary);
    case 'rlm':
      return new RlmLogParser({ clock, capacities: options.capacities, fallbackDay: options.fallbackDay ?? null }, factory, summary);
    case 'lmstat':
      return new LmstatParser({ clock, capacities: options.capacities }, factory, summary);
  }
}
