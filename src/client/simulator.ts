import type { CapabilityBody } from './license-client.js';
import { LicenseClient } from './license-client.js';

/** What a simulated site asks for; the demo license's features by default. */
export interface SimulatedFeature {
  name: string;
  version: string;
  /** Relative popularity. */
  weight: number;
  metered?: boolean;
}

export const DEMO_TRAFFIC: SimulatedFeature[] = [
  { name: 'cad', version: '1.0', weight: 30 },
  { name: 'cad', version: '2.0', weight: 10 },
  { name: 'cam', version: '1.0', weight: 20 },
  { name: 'viewer', version: '1.0', weight: 10 },
  { name: 'render-hours', version: '1.0', weight: 8, metered: true },
  { name: 'cloud-api', version: '1.0', weight: 6, metered: true },
  { name: 'sim-seats', version: '1.0', weight: 5 },
  // Refusals a real site sees: expired, not yet started, too new a version, not licensed.
  { name: 'legacy-import', version: '1.0', weight: 3 },
  { name: 'beta-ai', version: '1.0', weight: 2 },
  { name: 'cad', version: '3.0', weight: 2 },
  { name: 'photon', version: '1.0', weight: 1 },
];

export interface SimulationOptions {
  server: string;
  devices: number;
  /** Stop after this many ms; run until `stop()` when absent. */
  durationMs?: number;
  features?: SimulatedFeature[];
  /** Mean pause between one device's actions, in ms (default 3000). */
  thinkMs?: number;
  /** Lease length asked for, in seconds (default 120), so that renewals and expiries happen. */
  borrowSeconds?: number;
  /**
   * Most counts of a feature (by name) the devices hold together, so that the rest stays free
   * for people trying the server by hand beside the simulation.
   */
  holdAtMost?: Record<string, number>;
  /**
   * Units of a metered feature (by name) the devices leave unconsumed, judged by `roomOf`: a
   * capped feature would otherwise be used up within minutes and refuse everyone after.
   */
  keepFree?: Record<string, number>;
  /** What the server has free of a feature now (null: uncounted), for `keepFree`. */
  roomOf?: (feature: string) => number | null;
  /** Deterministic randomness for tests. */
  random?: () => number;
}

export interface SimulationStats {
  requests: number;
  grants: number;
  denials: number;
  errors: number;
}

const USERS = ['ann', 'bob', 'chen', 'dana', 'eli', 'fatima', 'goran', 'hana', 'ivan', 'jules', 'kofi', 'lena'];

/**
 * A site of client devices using the license server the way people do: checking features out,
 * keeping them a while (renewing), giving them back, sometimes forgetting to (the lease expires),
 * consuming metered units, and asking for things the server must refuse.
 */
export class TrafficSimulator {
  readonly stats: SimulationStats = { requests: 0, grants: 0, denials: 0, errors: 0 };
  private stopped = false;
  /** Counts held now, by feature name, including lapsed leases until they end on the server. */
  private readonly held = new Map<string, number>();
  private readonly client: LicenseClient;
  private readonly random: () => number;

  constructor(private readonly options: SimulationOptions) {
    this.client = new LicenseClient(options.server);
    this.random = options.random ?? Math.random;
  }

  async run(): Promise<SimulationStats> {
    const until = this.options.durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + this.options.durationMs;
    await Promise.all(Array.from({ length: this.options.devices }, (_, i) => this.device(i, until)));
    return this.stats;
  }

  stop(): void {
    this.stopped = true;
  }

  private pick(): SimulatedFeature {
    const features = this.options.features ?? DEMO_TRAFFIC;
    let roll = this.random() * features.reduce((n, f) => n + f.weight, 0);
    for (const f of features) {
      roll -= f.weight;
      if (roll <= 0) return f;
    }
    return features[0]!;
  }

  private async device(index: number, until: number): Promise<void> {
    const id = `sim-${String(index).padStart(4, '0')}`;
    const device: CapabilityBody['device'] = {
      hostId: { value: id, type: 'STRING' },
      deviceType: index % 5 === 0 ? 'VIRTUAL' : 'PHYSICAL',
      alias: `ws-${index}.example.com`,
      user: USERS[index % USERS.length]!,
    };
    const think = this.options.thinkMs ?? 3000;
    const borrow = this.options.borrowSeconds ?? 120;
    // Stagger the start so the site does not wake up in one instant.
    await this.sleep(this.random() * think, until);
    while (!this.stopped && Date.now() < until) {
      const feature = this.pick();
      const count = this.random() < 0.15 ? 2 + Math.floor(this.random() * 4) : 1;
      if (feature.metered) {
        const room = this.options.roomOf?.(feature.name) ?? null;
        const reserve = this.options.keepFree?.[feature.name];
        if (reserve === undefined || room === null || room - count * 5 >= reserve) await this.send({ device, incremental: true, features: [{ name: feature.name, version: feature.version, count: count * 5 }] });
        await this.sleep(think * (0.5 + this.random()), until);
        continue;
      }
      const limit = this.options.holdAtMost?.[feature.name];
      if (limit !== undefined && (this.held.get(feature.name) ?? 0) + count > limit) {
        await this.sleep(think * (0.5 + this.random()), until);
        continue;
      }
      // Counted before the answer: devices asking at once must not pass the limit together.
      this.hold(feature.name, count);
      const granted = await this.send({ device, features: [{ name: feature.name, version: feature.version, count }], borrowInterval: borrow });
      if (!granted) {
        this.hold(feature.name, -count);
        await this.sleep(think * (0.5 + this.random()), until);
        continue;
      }
      // Work a while, renewing at the renew interval.
      const sessionMs = borrow * 1000 * (0.3 + this.random() * 2);
      const end = Math.min(until, Date.now() + sessionMs);
      while (!this.stopped && Date.now() < end) {
        await this.sleep(Math.min(borrow * 1000 * 0.5, end - Date.now()), end);
        if (Date.now() < end) await this.send({ device, features: [{ name: feature.name, version: feature.version, count }], borrowInterval: borrow });
      }
      // Most people give licenses back; some just close the laptop and let the lease lapse.
      if (this.random() < 0.85) {
        await this.send({ device, features: [{ name: feature.name, version: feature.version, count: 0 }] });
        this.hold(feature.name, -count);
      } else {
        const name = feature.name;
        setTimeout(() => this.hold(name, -count), borrow * 1000 + 5000).unref();
      }
      await this.sleep(think * (0.5 + this.random()), until);
    }
  }

  private hold(feature: string, delta: number): void {
    this.held.set(feature, (this.held.get(feature) ?? 0) + delta);
  }

  /** Sends a request; true when every desired feature was granted. */
  private async send(body: CapabilityBody): Promise<boolean> {
    if (this.stopped) return false;
    this.stats.requests += 1;
    try {
      const r = await this.client.capability(body);
      this.stats.grants += r.denied.length === 0 ? 1 : 0;
      this.stats.denials += r.denied.length;
      return r.denied.length === 0;
    } catch {
      this.stats.errors += 1;
      return false;
    }
  }

  private sleep(ms: number, until: number): Promise<void> {
    const wait = Math.max(0, Math.min(ms, until - Date.now()));
    return new Promise((resolve) => setTimeout(resolve, wait));
  }
}
