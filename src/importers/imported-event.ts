import type { DenialCode } from '../licensing/denials.js';
import { denialLabel } from '../licensing/denials.js';
import type { UsageEvent, UsageEventKind, UsageSource } from '../licensing/usage-event.js';
import type { SummaryCollector } from './import-summary.js';
import { SourceHasher } from './source-id.js';
import type { WallClock } from './wall-clock.js';

/** One usage fact read from another license manager's log or status, before it is an event. */
export interface SourceRecord {
  kind: UsageEventKind;
  /** UTC epoch milliseconds. */
  utcMs: number;
  /** The vendor daemon (FlexLM) or ISV server (RLM) that wrote it. */
  daemon: string;
  feature: string;
  version: string;
  count: number;
  user: string | null;
  host: string | null;
  /** Whatever else identifies the checkout at the source: checkout data, a handle. */
  detail: string;
  inUseAfter: number;
  capacity: number | null;
  statusCode: DenialCode | null;
}

/** Where an import's events go: the caller decides (a batch to the warehouse, a test's list). */
export type EventSink = (event: UsageEvent) => void;

/** Wider than any stretch of identical events in one second, narrower than a log. */
const OCCURRENCE_WINDOW_MS = 600_000;

/**
 * Makes usage events of one instance from source records: the ID from the record's content,
 * its UTC time and its occurrence among identical records of that second, so that a re-import
 * gives the same IDs; the account filled from the instance; the summary kept.
 */
export class ImportedEventFactory {
  /**
   * Content hashes (their first 32 bits) seen in the window, with how many times: the occurrence
   * index of a repeat. A rare clash of two different contents only numbers the second one 1,
   * which is as deterministic as the rest, so its ID is still the same at every import.
   */
  private readonly occurrences = new Map<number, number>();
  private windowStart = -Infinity;
  private readonly hasher = new SourceHasher();

  constructor(
    private readonly target: { instanceId: string; accountId: string | null; source: UsageSource },
    private readonly clock: WallClock,
    private readonly summary: SummaryCollector,
    private readonly sink: EventSink,
  ) {}

  emit(r: SourceRecord): void {
    if (r.utcMs > this.windowStart + OCCURRENCE_WINDOW_MS || r.utcMs < this.windowStart - OCCURRENCE_WINDOW_MS) {
      this.occurrences.clear();
      this.windowStart = r.utcMs;
    }
    const h = this.hasher.reset().add(this.target.instanceId).add(r.daemon).addNumber(r.utcMs).add(r.kind).add(r.feature).add(r.user).add(r.host).add(r.detail).addNumber(r.count);
    const content = h.digest();
    const n = this.occurrences.get(h.lastWord) ?? 0;
    this.occurrences.set(h.lastWord, n + 1);
    // The first of identical records keeps the content hash; repeats hash their index in too.
    const eventId = n === 0 ? content : h.addNumber(n).digest();
    const denial = r.statusCode === null ? null : denialLabel(r.statusCode);
    this.summary.event(r.kind, r.feature, r.utcMs, denial);
    // Within the limits ingest checks, so that one odd line cannot refuse a whole batch.
    const device = clip(r.host ?? r.user ?? 'unknown', 256);
    this.sink({
      eventId,
      ts: this.clock.iso(r.utcMs),
      instanceId: this.target.instanceId,
      accountId: this.target.accountId,
      kind: r.kind,
      feature: clip(r.feature, 128),
      version: r.version,
      count: r.count,
      model: 'concurrent',
      deviceId: device,
      deviceIdType: r.host !== null ? 'HOSTNAME' : 'USER',
      deviceAlias: r.host === null ? null : clip(r.host, 256),
      user: r.user === null ? null : clip(r.user, 256),
      pool: null,
      statusCode: r.statusCode,
      inUseAfter: r.inUseAfter,
      capacity: r.capacity,
      overdraft: 0,
      recordId: null,
      correlationId: null,
      source: this.target.source,
    });
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/**
 * The version an imported event carries: the source's own text when it is an `a.b` version
 * (`2.04` stays `2.04`, `v2017.06` loses only its `v`), so that reports show what the license
 * server showed; otherwise the nearest `a.b` (`3` → `3.0`, `1.2.3` → `1.2`, none → `0.0`).
 * Versions are compared by number wherever they are compared (`2.04` equals `2.4`). The
 * version is not part of an imported event's ID, so how it is written never changes an ID.
 */
export function tallyVersion(text: string | null | undefined): string {
  if (!text) return '0.0';
  const m = /^[vV]?(\d{1,9})(?:\.(\d{1,9}))?/.exec(text.trim());
  if (!m) return '0.0';
  return m[2] === undefined ? `${m[1]}.0` : `${m[1]}.${m[2]}`;
}

/** Capacities given by the operator: one count for every feature, or per feature name. */
export interface Capacities {
  all: number | null;
  byFeature: Map<string, number>;
}

/** Parses `--capacity 10` and `--capacity cad=10` (repeatable) into capacities. */
export function parseCapacities(values: readonly string[]): Capacities {
  const caps: Capacities = { all: null, byFeature: new Map() };
  for (const v of values) {
    const eq = v.lastIndexOf('=');
    const n = Number(eq < 0 ? v : v.slice(eq + 1));
    if (!Number.isInteger(n) || n < 0) throw new Error(`capacity "${v}" must be a whole number or feature=number`);
    if (eq < 0) caps.all = n;
    else caps.byFeature.set(v.slice(0, eq), n);
  }
  return caps;
}

export function capacityOf(caps: Capacities, feature: string): number | null {
  return caps.byFeature.get(feature) ?? caps.all;
}
