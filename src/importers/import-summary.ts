import { z } from 'zod';
import type { UsageEventKind } from '../licensing/usage-event.js';
import { USAGE_EVENT_KINDS } from '../licensing/usage-event.js';

/** How many line numbers of each skip reason the summary shows. */
const SHOWN_LINES = 5;

const countsByKind = z.partialRecord(z.enum(USAGE_EVENT_KINDS), z.number());

/** What an import did: the answer of `tally import` and of the upload endpoint. */
export const importSummarySchema = z.object({
  format: z.string(),
  instanceId: z.string(),
  timeZone: z.string(),
  files: z.array(z.string()),
  lines: z.number(),
  bytes: z.number(),
  /** Events the import produced, by kind. */
  eventsByKind: countsByKind,
  /** Events by feature, then by kind. */
  eventsByFeature: z.record(z.string(), countsByKind),
  /** Events the warehouse stored now, and those it already had (a re-import stores none). */
  stored: z.number(),
  duplicates: z.number(),
  /** Denial events by Tally denial code (`7 INSUFFICIENT_COUNT`). */
  denialsByCode: z.record(z.string(), z.number()),
  /** Denial reasons as the log wrote them, with the code each was mapped to (null: not stored). */
  denialReasons: z.array(z.object({ reason: z.string(), code: z.number().nullable(), count: z.number() })),
  /** Lines that gave nothing, by reason, with the first few line numbers (file:line when several files). */
  skipped: z.record(z.string(), z.object({ count: z.number(), firstLines: z.array(z.string()) })),
  /** Counted facts that are not events (queued requests, returns closed at a restart, ...). */
  notes: z.record(z.string(), z.number()),
  firstEvent: z.string().nullable(),
  lastEvent: z.string().nullable(),
  /**
   * Files whose input failed before their end (a gzip cut short, a read error): the lines
   * before were imported, as from a shorter copy of the file; importing the whole file later
   * adds the rest and nothing twice.
   */
  endedEarly: z.array(z.object({ file: z.string(), line: z.number(), byte: z.number(), reason: z.string() })),
});

export type ImportSummary = z.infer<typeof importSummarySchema>;

/** Collects an import's summary as lines are read and events made. */
export class SummaryCollector {
  readonly summary: ImportSummary;
  private readonly reasons = new Map<string, { reason: string; code: number | null; count: number }>();
  private firstMs = Infinity;
  private lastMs = -Infinity;
  private fileLabel = '';

  constructor(format: string, instanceId: string, timeZone: string) {
    this.summary = {
      format,
      instanceId,
      timeZone,
      files: [],
      lines: 0,
      bytes: 0,
      eventsByKind: {},
      eventsByFeature: {},
      stored: 0,
      duplicates: 0,
      denialsByCode: {},
      denialReasons: [],
      skipped: {},
      notes: {},
      firstEvent: null,
      lastEvent: null,
      endedEarly: [],
    };
  }

  /** Starts the next file: its line numbers are shown with its name when there are several. */
  file(name: string): void {
    this.summary.files.push(name);
    this.fileLabel = name;
  }

  skip(reason: string, line: number): void {
    let entry = this.summary.skipped[reason];
    if (!entry) entry = this.summary.skipped[reason] = { count: 0, firstLines: [] };
    entry.count += 1;
    if (entry.firstLines.length < SHOWN_LINES) entry.firstLines.push(this.summary.files.length > 1 ? `${this.fileLabel}:${line}` : String(line));
  }

  /** The current file's input failed after `line` whole lines and `byte` bytes of text. */
  endedEarly(line: number, byte: number, reason: string): void {
    this.summary.endedEarly.push({ file: this.fileLabel, line, byte, reason });
  }

  note(name: string, n = 1): void {
    this.summary.notes[name] = (this.summary.notes[name] ?? 0) + n;
  }

  denialReason(reason: string, code: number | null): void {
    const key = `${code ?? ''}\u0000${reason}`;
    const entry = this.reasons.get(key);
    if (entry) entry.count += 1;
    else if (this.reasons.size < 1000) this.reasons.set(key, { reason, code, count: 1 });
  }

  event(kind: UsageEventKind, feature: string, utcMs: number, denial: string | null): void {
    const s = this.summary;
    s.eventsByKind[kind] = (s.eventsByKind[kind] ?? 0) + 1;
    let byKind = s.eventsByFeature[feature];
    if (!byKind) byKind = s.eventsByFeature[feature] = {};
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (denial !== null) s.denialsByCode[denial] = (s.denialsByCode[denial] ?? 0) + 1;
    if (utcMs < this.firstMs) this.firstMs = utcMs;
    if (utcMs > this.lastMs) this.lastMs = utcMs;
  }

  stored(result: { accepted: number; duplicates: number }): void {
    this.summary.stored += result.accepted;
    this.summary.duplicates += result.duplicates;
  }

  /** The summary with its derived fields filled in. */
  finish(): ImportSummary {
    const s = this.summary;
    s.denialReasons = [...this.reasons.values()].sort((a, b) => b.count - a.count);
    s.firstEvent = Number.isFinite(this.firstMs) ? new Date(this.firstMs).toISOString() : null;
    s.lastEvent = Number.isFinite(this.lastMs) ? new Date(this.lastMs).toISOString() : null;
    return s;
  }
}

/** The summary as text for people. */
export function formatSummary(s: ImportSummary): string {
  const lines: string[] = [];
  const total = Object.values(s.eventsByKind).reduce((a, b) => a + b, 0);
  lines.push(`Imported ${s.files.join(', ')} (${s.format}) into instance ${s.instanceId}: ${s.lines} lines, ${total} events, ${s.stored} stored, ${s.duplicates} already stored.`);
  lines.push(`Times read in ${s.timeZone}; events from ${s.firstEvent ?? '-'} to ${s.lastEvent ?? '-'}.`);
  const kinds = Object.entries(s.eventsByKind).map(([k, n]) => `${k} ${n}`);
  if (kinds.length > 0) lines.push(`Events by kind: ${kinds.join(', ')}`);
  const features = Object.entries(s.eventsByFeature).sort(([a], [b]) => (a < b ? -1 : 1));
  if (features.length > 0) {
    lines.push('Events by feature:');
    for (const [feature, byKind] of features.slice(0, 50)) lines.push(`  ${feature}: ${Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    if (features.length > 50) lines.push(`  ... and ${features.length - 50} more features (see --json)`);
  }
  const codes = Object.entries(s.denialsByCode);
  if (codes.length > 0) lines.push(`Denials by code: ${codes.map(([c, n]) => `${c}: ${n}`).join(', ')}`);
  for (const r of s.denialReasons.slice(0, 10)) lines.push(`  ${r.count} x ${r.reason} -> ${r.code === null ? 'not stored' : r.code}`);
  const skipped = Object.entries(s.skipped);
  if (skipped.length > 0) {
    lines.push('Lines skipped:');
    for (const [reason, e] of skipped) lines.push(`  ${reason}: ${e.count} (first at line ${e.firstLines.join(', ')})`);
  }
  const notes = Object.entries(s.notes);
  if (notes.length > 0) lines.push(`Notes: ${notes.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const e of s.endedEarly) lines.push(`${e.file} ended early: ${e.reason} after line ${e.line} (byte ${e.byte} of the text); the lines before it were imported.`);
  return lines.join('\n');
}

/** One line per file that ended early, with what was stored: the error an import ends with. */
export function endedEarlyMessages(s: ImportSummary): string[] {
  return s.endedEarly.map(
    (e) => `${e.file}: ${e.reason} after line ${e.line} (byte ${e.byte} of the text); ${s.stored} events stored, ${s.duplicates} already stored; import the whole file again to add the rest`,
  );
}
