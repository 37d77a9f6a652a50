import { z } from 'zod';
import type { UsageEvent, UsageSource } from '../../licensing/usage-event.js';
import type { IngestResult } from '../../warehouse/warehouse.js';
import type { Capacities, SourceRecord } from '../imported-event.js';
import { ImportedEventFactory, capacityOf } from '../imported-event.js';
import { SummaryCollector } from '../import-summary.js';
import type { UsageSnapshot } from '../usage-snapshot.js';
import { diffSnapshots, snapshotCheckouts } from '../usage-snapshot.js';
import { WallClock } from '../wall-clock.js';
import type { SnapshotSource } from './snapshot-sources.js';

/** How a monitored server is doing. */
export const monitorStatusSchema = z.object({
  state: z.enum(['pending', 'up', 'down']),
  lastPollAt: z.string().nullable(),
  lastSeenAt: z.string().nullable().describe('the last poll the server answered completely'),
  downSince: z.string().nullable(),
  lastError: z.string().nullable(),
  eventsStored: z.number(),
});

export type MonitorStatus = z.infer<typeof monitorStatusSchema>;

/** What a monitor keeps between polls and across restarts. */
export interface MonitorState {
  status: MonitorStatus;
  /** The last complete snapshot: the next one is diffed against it. */
  snapshot: UsageSnapshot | null;
}

export const INITIAL_STATUS: MonitorStatus = { state: 'pending', lastPollAt: null, lastSeenAt: null, downSince: null, lastError: null, eventsStored: 0 };

/** What one monitor watches and where its events go. */
export interface MonitorTarget {
  instanceId: string;
  accountId: string | null;
  source: UsageSource;
  timeZone: string;
  capacities: Capacities;
}

/**
 * Polls one license server: each complete snapshot is diffed against the last one into
 * checkout and return events, stored, and only then kept as the new last snapshot (so a crash
 * between the two re-diffs the same pair into the same event IDs). An unanswered or partial
 * poll marks the server down and changes nothing else: it is never read as everyone returning.
 * The first snapshot ever stores the checkouts it shows, at their start times.
 */
export class LicenseMonitor {
  private readonly clock: WallClock;

  constructor(
    private readonly target: MonitorTarget,
    private readonly source: SnapshotSource,
    private readonly state: { load(): MonitorState; save(state: MonitorState): void },
    private readonly store: (events: UsageEvent[]) => Promise<IngestResult>,
    private readonly now: () => number = Date.now,
  ) {
    this.clock = new WallClock(target.timeZone);
  }

  async poll(): Promise<MonitorStatus> {
    const { status, snapshot: last } = this.state.load();
    const at = this.now();
    const iso = new Date(at).toISOString();
    let snapshot: UsageSnapshot;
    try {
      snapshot = await this.source(at);
      if (!snapshot.complete) throw new Error(snapshot.problems.join('; ') || 'incomplete status');
    } catch (error) {
      const down: MonitorStatus = { ...status, state: 'down', lastPollAt: iso, downSince: status.state === 'down' ? status.downSince : iso, lastError: error instanceof Error ? error.message : String(error) };
      this.state.save({ status: down, snapshot: last });
      return down;
    }
    const records: SourceRecord[] = last ? diffSnapshots(last, snapshot) : snapshotCheckouts(snapshot);
    const events: UsageEvent[] = [];
    const summary = new SummaryCollector('monitor', this.target.instanceId, this.clock.timeZone);
    const factory = new ImportedEventFactory({ instanceId: this.target.instanceId, accountId: this.target.accountId, source: this.target.source }, this.clock, summary, (e) => events.push(e));
    for (const r of records) {
      r.capacity = capacityOf(this.target.capacities, r.feature) ?? r.capacity;
      factory.emit(r);
    }
    const stored = events.length > 0 ? (await this.store(events)).accepted : 0;
    const up: MonitorStatus = { state: 'up', lastPollAt: iso, lastSeenAt: iso, downSince: null, lastError: null, eventsStored: status.eventsStored + stored };
    this.state.save({ status: up, snapshot });
    return up;
  }
}
