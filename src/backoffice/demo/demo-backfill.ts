import type { EpochMs } from '../../common/time.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { ingestBatch } from '../ingest/sync-batch.js';
import type { Quarantine } from '../ingest/quarantine.js';
import type { Instance, InstanceRegistry } from '../instances/instance-registry.js';
import { siteHistory } from './demo-history.js';
import { demoSites } from './demo-sites.js';

/** Events per ingest call: about what a license server's sync sends at most. */
const BATCH = 10_000;

/** What a backfill did. */
export interface BackfillResult {
  /** Events of the history, stored now or before. */
  events: number;
  /** Events stored now (0 when an earlier start stored the whole history). */
  accepted: number;
  ms: number;
}

/** The registry's instance, registered (with its account) when the back office does not know it yet. */
function ensureInstance(registry: InstanceRegistry, site: ReturnType<typeof demoSites>[number]): Instance {
  if (registry.accounts(0, 10_000).items.every((a) => a.id !== site.accountId)) registry.addAccount({ id: site.accountId, name: site.accountName });
  const known = registry.instances(0, 10_000, site.accountId).items.find((i) => i.id === site.instanceId);
  return known ?? registry.addInstance({ id: site.instanceId, accountId: site.accountId, name: site.instanceName }).instance;
}

/**
 * Fills the warehouse with the demo's history, ending at `endsAt` (the quick start's first run,
 * so that every start on the same folder makes the same history), through the ingest that
 * license servers' sync uses. Sites are ingested in order; the last one's count tells whether an
 * earlier start finished, and an interrupted one is finished by ingesting again: events already
 * stored are skipped by their IDs.
 */
export async function backfillDemoHistory(input: { registry: InstanceRegistry; warehouse: Warehouse; quarantine?: Quarantine; liveInstanceId: string; endsAt: EpochMs; now?: () => number }): Promise<BackfillResult> {
  const now = input.now ?? Date.now;
  const started = now();
  const sites = demoSites(input.liveInstanceId, input.endsAt);
  const histories = sites.map((site) => ({ site, events: siteHistory(site, input.endsAt) }));
  const total = histories.reduce((n, h) => n + h.events.length, 0);
  const last = histories.at(-1)!;
  if ((await input.warehouse.countEvents({ instanceId: last.site.instanceId })) >= last.events.length) return { events: total, accepted: 0, ms: now() - started };
  // Sent together, the batches are written in few transactions (the warehouse commits what waits
  // in one); in order, so the last site's events are stored with or after all the others.
  const batches = histories.flatMap(({ site, events }) => {
    const instance = ensureInstance(input.registry, site);
    return Array.from({ length: Math.ceil(events.length / BATCH) }, (_, i) => ingestBatch({ instanceId: site.instanceId, events: events.slice(i * BATCH, (i + 1) * BATCH) }, instance, input.warehouse, input.quarantine));
  });
  const accepted = (await Promise.all(batches)).reduce((n, r) => n + r.accepted, 0);
  return { events: total, accepted, ms: now() - started };
}
