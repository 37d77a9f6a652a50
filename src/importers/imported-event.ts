import type { DenialCode } from '../licensing/denials.js';
import { DENIALS } from '../licensing/denials.js';
import type { UsageEvent, UsageEventKind, UsageSource } from '../licensing/usage-event.js';
import type { SummaryCollector } from './import-summary.js';
import { sourceEventId } from './source-id.js';
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
  private readonly occurrences = new Map<string, number>();
  private windowStart = -Infinity;

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
    const key = `${this.target.instanceId}\u0001${r.daemon}\u0001${r.utcMs}\u0001${r.kind}\u0001${r.feature}\u0001${r.user ?? ''}\u0001${r.host ?? ''}\u0001${r.detail}\u0001${r.count}`;
    const n = this.occurrences.get(key) ?? 0;
    this.occurrences.set(key, n + 1);
    const denial = r.statusCode === null ? null : `${r.statusCode} ${DENIALS[r.statusCode].name}`;
    this.summary.event(r.kind, r.feature, r.utcMs, denial);
    const device = r.host ?? r.user ?? 'unknown';
    this.sink({
      eventId: sourceEventId(`${key}\u0001${n}`),
      ts: this.clock.iso(r.utcMs),
      instanceId: this.target.instanceId,
      accountId: this.target.accountId,
      kind: r.kind,
      feature: r.feature,
      version: r.version,
      count: r.count,
      model: 'concurrent',
      deviceId: device.length > 256 ? device.slice(0, 256) : device,
      deviceIdType: r.host !== null ? 'HOSTNAME' : 'USER',
      deviceAlias: r.host,
      user: r.user,
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

/** The `a.b` version Tally stores for a version text of another license manager (`v31.000000`, `2017.0325`, `3`). */
export function tallyVersion(text: string | null | undefined): string {
  if (!text) return '0.0';
  const m = /^v?(\d{1,9})(?:\.(\d{1,9}))?/.exec(text);
  if (!m) return '0.0';
  return `${Number(m[1])}.${m[2] === undefined ? 0 : Number(m[2].slice(0, 9))}`;
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
