import type { Logger } from '../../common/log.js';
import { parseCapacities } from '../../importers/imported-event.js';
import type { MonitorStatus } from '../../importers/monitor/license-monitor.js';
import { LicenseMonitor } from '../../importers/monitor/license-monitor.js';
import { commandSource, restSource } from '../../importers/monitor/snapshot-sources.js';
import { WallClock } from '../../importers/wall-clock.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import type { Quarantine } from '../ingest/quarantine.js';
import { ingestBatch } from '../ingest/sync-batch.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { Monitor, MonitorRegistry } from './monitor-registry.js';

/**
 * Runs the configured monitors inside the back office: each polls at its interval (first at
 * once), one poll at a time per monitor, its events through the same ingest checks as sync.
 */
export class MonitorService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<MonitorStatus>>();
  private closed = false;

  constructor(
    private readonly monitors: MonitorRegistry,
    private readonly instances: InstanceRegistry,
    private readonly warehouse: Warehouse,
    private readonly log: Logger,
    private readonly quarantine?: Quarantine,
  ) {}

  start(): void {
    for (const m of this.monitors.list()) this.schedule(m, 0);
  }

  add(input: unknown): Monitor {
    const m = this.monitors.add(input);
    // The instance must exist; refuse before anything is scheduled.
    try {
      this.instances.instance(m.instanceId);
    } catch (error) {
      this.monitors.remove(m.id);
      throw error;
    }
    this.schedule(m, 0);
    return m;
  }

  async remove(id: string): Promise<void> {
    this.monitors.remove(id);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    await this.running.get(id)?.catch(() => undefined);
  }

  /** Polls now (after a poll already under way), and answers the status. */
  async pollNow(id: string): Promise<MonitorStatus> {
    this.monitors.get(id);
    await this.running.get(id)?.catch(() => undefined);
    return this.run(id);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.running.values()].map((p) => p.catch(() => undefined)));
  }

  private schedule(m: Monitor, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      const tick = this.running.has(m.id) ? Promise.resolve() : this.run(m.id).then(() => undefined);
      void tick.catch(() => undefined).then(() => this.schedule(m, m.intervalSeconds * 1000));
    }, delayMs);
    timer.unref();
    this.timers.set(m.id, timer);
  }

  private run(id: string): Promise<MonitorStatus> {
    const poll = this.pollOnce(id).finally(() => this.running.delete(id));
    this.running.set(id, poll);
    return poll;
  }

  private async pollOnce(id: string): Promise<MonitorStatus> {
    const m = this.monitors.get(id);
    const timeoutMs = Math.min(m.timeoutSeconds, m.intervalSeconds) * 1000;
    const source = m.kind === 'command' ? commandSource(m.target, new WallClock(m.timeZone), timeoutMs) : restSource(m.target, this.monitors.token(id), timeoutMs);
    const monitor = new LicenseMonitor(
      { instanceId: m.instanceId, accountId: null, source: m.kind === 'command' ? 'lmstat' : 'server', timeZone: m.timeZone, capacities: parseCapacities(m.capacity) },
      source,
      { load: () => this.monitors.loadState(id), save: (state) => this.monitors.saveState(id, state) },
      async (events) => {
        const instance = this.instances.instance(m.instanceId);
        return ingestBatch({ instanceId: instance.id, events }, instance, this.warehouse, this.quarantine);
      },
    );
    const status = await monitor.poll();
    this.log.info({ event: status.state === 'up' ? 'monitor.polled' : 'monitor.down', monitorId: id, instanceId: m.instanceId, error: status.lastError ?? undefined }, 'monitor poll');
    return status;
  }
}
