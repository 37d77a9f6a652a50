import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/licensing/usage-event.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import type { ReportFilters } from '../../src/warehouse/filters.js';
import { toFilters } from '../../src/warehouse/filters.js';
import { getActiveAccounts, getActiveInstances, getUniqueClients } from '../../src/warehouse/queries/get-active-clients.js';
import { getConcurrentUsage } from '../../src/warehouse/queries/get-concurrent-usage.js';
import { getDenialsByAccount } from '../../src/warehouse/queries/get-denials-by-account.js';
import { getDenialsDistribution } from '../../src/warehouse/queries/get-denials-distribution.js';
import { getDenialsOverTime } from '../../src/warehouse/queries/get-denials-over-time.js';
import { getDenialsByFeature } from '../../src/warehouse/queries/get-denials-by-feature.js';
import { getMeteredUsage } from '../../src/warehouse/queries/get-metered-usage.js';
import { getEvents } from '../../src/warehouse/queries/get-events.js';
import { buildEvent } from '../support/factories.js';
import { seededRandom } from '../support/random.mjs';

/**
 * Five days of mixed traffic at ragged times: several accounts, instances and features, both
 * license models, every event kind, denials of several codes, uncounted features (no
 * capacity), events without a user. Every device ID contains "ws-", so that searching for it
 * selects every event and forces a query onto raw events.
 */
export function mixedTraffic(count: number, start = Date.parse('2026-03-02T09:17:31.250Z')): UsageEvent[] {
  const { next: random, pick } = seededRandom(11);
  const kinds = ['checkout', 'checkout', 'return', 'expire', 'consume', 'deny'] as const;
  const step = (5 * 86_400_000) / count;
  return Array.from({ length: count }, (_, i) => {
    const kind = pick(kinds);
    const metered = kind === 'consume' || (kind !== 'checkout' && kind !== 'deny' && random() < 0.3);
    const feature = metered ? pick(['tokens', 'solver-hours']) : pick(['cad', 'viewer', 'sim']);
    const device = Math.floor(random() * 12);
    const instance = pick(['inst-a', 'inst-b', 'inst-c']);
    return buildEvent({
      ts: new Date(start + Math.floor(i * step) + (i % 7)).toISOString(),
      instanceId: instance,
      accountId: instance === 'inst-c' ? 'acct-2' : 'acct-1',
      kind,
      feature,
      model: metered ? 'metered' : 'concurrent',
      count: metered ? 1 + Math.floor(random() * 9) : 1,
      deviceId: `ws-${device}`,
      deviceAlias: device % 3 === 0 ? null : `ws-${device}.local`,
      user: device % 4 === 0 ? null : `user-${device % 5}`,
      statusCode: kind === 'deny' ? pick([7, 7, 7, 11, 15, 51]) : null,
      inUseAfter: Math.floor(random() * 9),
      capacity: feature === 'viewer' ? null : 5 + (i % 3),
    });
  });
}

/** Every aggregate widget of the report, answered for the same filters. */
async function everyWidget(warehouse: Warehouse, filters: ReportFilters): Promise<Record<string, unknown>> {
  return {
    concurrent: await warehouse.report(getConcurrentUsage, filters, {}),
    metered: await warehouse.report(getMeteredUsage, filters, {}),
    accounts: await warehouse.report(getActiveAccounts, filters, { limit: 10 }),
    instances: await warehouse.report(getActiveInstances, filters, { limit: 10 }),
    clients: await warehouse.report(getUniqueClients, filters, {}),
    distribution: await warehouse.report(getDenialsDistribution, filters, {}),
    byAccount: await warehouse.report(getDenialsByAccount, filters, { limit: 10 }),
    overTime: await warehouse.report(getDenialsOverTime, filters, {}),
    byFeature: await warehouse.report(getDenialsByFeature, filters, { limit: 10 }),
    // A contains-condition on a column the rollups keep counts from them.
    containsTotal: (await warehouse.report(getEvents, filters, { page: 1, pageSize: 1, sort: 'ts', order: 'desc', conditions: [{ column: 'accountId', op: '~', value: 'CCT-1' }] })).total,
    // The listing's total, counted from rollups when its conditions are on what they keep.
    deniedTotal: (await warehouse.report(getEvents, filters, { page: 1, pageSize: 1, sort: 'ts', order: 'desc', conditions: [{ column: 'kind', op: '=', value: 'deny' }, { column: 'statusCode', op: '!=', value: '51' }] })).total,
    allTotal: (await warehouse.report(getEvents, filters, { page: 1, pageSize: 1, sort: 'ts', order: 'desc', conditions: [] })).total,
  };
}

/** True denials per tolerance, as the warehouse counts them and as worked out here directly. */
export async function expectTrueDenials(warehouse: Warehouse, events: readonly UsageEvent[]): Promise<void> {
  const grants = events.filter((e) => e.kind === 'checkout' || e.kind === 'consume');
  for (const minutes of [0, 2, 5, 30, 1440]) {
    const tolerance = minutes * 60_000;
    const near = (d: UsageEvent, g: UsageEvent) => g.feature === d.feature && Math.abs(Date.parse(g.ts) - Date.parse(d.ts)) <= tolerance;
    const expected = events.filter(
      (d) => d.kind === 'deny' && d.statusCode !== 51 && !grants.some((g) => near(d, g) && (g.deviceId === d.deviceId || (d.user !== null && g.user === d.user))),
    ).length;
    const filters = { ...toFilters({ from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, Date.now()), trueDenials: true, toleranceSeconds: minutes * 60 };
    const answer = await warehouse.report(getDenialsDistribution, filters, {});
    expect({ minutes, total: answer.total }).toEqual({ minutes, total: expected });
  }
}

/** What every warehouse engine must do; each engine's test runs it with its own `open`. */
export function describeWarehouseContract(engine: string, open: () => Promise<{ warehouse: Warehouse; reopen: () => Promise<Warehouse> }>): void {
  describe(`${engine} warehouse`, () => {
    it('stores events and gives them back as they were sent, oldest first', async () => {
      const { warehouse } = await open();
      const a = buildEvent({ ts: '2026-06-01T12:00:01.000Z', kind: 'deny', statusCode: 7, count: 2, deviceAlias: null, user: null });
      const b = buildEvent({ ts: '2026-06-01T12:00:00.250Z', capacity: null });
      expect(await warehouse.ingest([a, b])).toEqual({ accepted: 2, duplicates: 0 });
      expect(await warehouse.events({ limit: 10 })).toEqual([b, a]);
      await warehouse.close();
    });

    it('ignores events it already has, so a batch sent twice is stored once', async () => {
      const { warehouse } = await open();
      const batch = [buildEvent(), buildEvent(), buildEvent()];
      expect(await warehouse.ingest(batch)).toEqual({ accepted: 3, duplicates: 0 });
      expect(await warehouse.ingest([...batch, buildEvent()])).toEqual({ accepted: 1, duplicates: 3 });
      expect(await warehouse.countEvents()).toBe(4);
      await warehouse.close();
    });

    it('stores an event ID once whatever its other fields, across batches, time spans and reopens', async () => {
      const { warehouse, reopen } = await open();
      const first = buildEvent({ ts: '2026-06-01T12:00:00.000Z' });
      expect(await warehouse.ingest([first, buildEvent({ ts: '2026-06-01T12:00:01.000Z' })])).toEqual({ accepted: 2, duplicates: 0 });
      // Same ID, another time far outside the first batch's span, and other fields too.
      const later = { ...first, ts: '2026-09-15T08:00:00.000Z', count: 9, feature: 'sim' };
      const earlier = { ...first, ts: '2025-01-01T00:00:00.000Z' };
      expect(await warehouse.ingest([later, buildEvent({ ts: '2026-09-15T08:00:00.000Z' })])).toEqual({ accepted: 1, duplicates: 1 });
      expect(await warehouse.ingest([earlier])).toEqual({ accepted: 0, duplicates: 1 });
      await warehouse.close();
      const again = await reopen();
      expect(await again.ingest([{ ...first, ts: '2026-07-04T00:00:00.000Z', deviceId: 'elsewhere' }])).toEqual({ accepted: 0, duplicates: 1 });
      expect(await again.countEvents()).toBe(3);
      expect((await again.events({ limit: 10 })).filter((e) => e.eventId === first.eventId)).toEqual([first]);
      await again.close();
    });

    it('stores an event ID repeated with other fields within one batch once, the first as sent', async () => {
      const { warehouse } = await open();
      const e = buildEvent({ ts: '2026-06-01T12:00:00.000Z' });
      expect(await warehouse.ingest([e, { ...e, ts: '2026-08-01T12:00:00.000Z' }])).toEqual({ accepted: 1, duplicates: 1 });
      expect(await warehouse.events({ limit: 10 })).toEqual([e]);
      await warehouse.close();
    });

    it('stores an event repeated within one batch once', async () => {
      const { warehouse } = await open();
      const e = buildEvent();
      expect(await warehouse.ingest([e, e])).toEqual({ accepted: 1, duplicates: 1 });
      await warehouse.close();
    });

    it('keeps what it acknowledged across a reopen', async () => {
      const { warehouse, reopen } = await open();
      await warehouse.ingest([buildEvent({ instanceId: 'inst-b' }), buildEvent({ instanceId: 'inst-b' })]);
      await warehouse.close();
      const again = await reopen();
      expect(await again.countEvents({ instanceId: 'inst-b' })).toBe(2);
      await again.close();
    });

    it('tells each of the batches written together how many of its own events were new', async () => {
      const { warehouse } = await open();
      const old = buildEvent();
      await warehouse.ingest([old]);
      const a = [buildEvent(), buildEvent(), old];
      const b = [buildEvent(), a[0]!];
      const c = [buildEvent(), buildEvent(), buildEvent(), buildEvent()];
      const results = await Promise.all([warehouse.ingest(a), warehouse.ingest(b), warehouse.ingest(c)]);
      expect(results).toEqual([{ accepted: 2, duplicates: 1 }, { accepted: 1, duplicates: 1 }, { accepted: 4, duplicates: 0 }]);
      expect(await warehouse.countEvents()).toBe(8);
      await warehouse.close();
    });

    it('answers from its rollups exactly what raw events answer, before and after compaction', async () => {
      const { warehouse } = await open();
      const events = mixedTraffic(3000);
      for (let i = 0; i < events.length; i += 250) await warehouse.ingest(events.slice(i, i + 250));
      const ranges: Array<[string, string, Partial<ReportFilters>]> = [
        ['2026-03-02T10:05:00.000Z', '2026-03-07T08:42:10.000Z', {}], // days, hours and ragged ends
        ['2026-03-03T06:30:00.000Z', '2026-03-05T18:00:00.000Z', {}], // bucketed by hour
        ['2026-03-01T00:00:00.000Z', '2026-03-09T00:00:00.000Z', { accounts: ['acct-1'], codes: [7, 15] }],
        ['2026-03-02T12:00:00.000Z', '2026-03-06T12:00:00.000Z', { instances: ['inst-b', 'inst-c'], kinds: ['checkout', 'deny'], model: 'concurrent' }],
        ['2026-03-02T00:00:00.000Z', '2026-03-06T00:00:00.000Z', { features: ['cad', 'tokens'] }],
        ['2026-01-15T10:00:00.000Z', '2026-04-20T00:00:00.000Z', {}], // whole months
      ];
      const answers = async () => {
        const all = [];
        for (const [from, to, extra] of ranges) {
          const filters = { ...toFilters({ from, to }, Date.now()), ...extra };
          const fromRollups = await everyWidget(warehouse, filters);
          // A device search that every event matches: rollups cannot answer it, raw events do.
          expect(fromRollups).toEqual(await everyWidget(warehouse, { ...filters, search: 'ws-' }));
          all.push(fromRollups);
        }
        return all;
      };
      const before = await answers();
      expect((before[0]!.distribution as { total: number }).total).toBeGreaterThan(100);
      await warehouse.compact();
      expect(await answers()).toEqual(before);
      await warehouse.close();
    });

    it('counts as true denials exactly those with no grant of the feature to that device or user within the tolerance', async () => {
      const { warehouse } = await open();
      const events = mixedTraffic(3000);
      await warehouse.ingest(events);
      await expectTrueDenials(warehouse, events);
      await warehouse.close();
    });

    it('counts the same true denials when grants arrive in later batches than the denials they serve', async () => {
      const { warehouse } = await open();
      const events = mixedTraffic(1200);
      // Batches of 40 in shuffled order: a grant often lands after the denial it serves, and
      // sometimes a day or more after events later than it.
      const batches = Array.from({ length: Math.ceil(events.length / 40) }, (_, i) => events.slice(i * 40, i * 40 + 40));
      const random = seededRandom(5);
      for (let i = batches.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [batches[i], batches[j]] = [batches[j]!, batches[i]!];
      }
      for (const batch of batches) await warehouse.ingest(batch);
      await expectTrueDenials(warehouse, events);
      await warehouse.close();
    });

    it('filters and sorts the usage percentage by the value it shows, rounded to hundredths', async () => {
      const { warehouse } = await open();
      const at = (n: number) => `2026-06-01T12:00:0${n}.000Z`;
      // 2 of 3 is 66.67 %, 1 of 8 is 12.5 %, 2 of 2 is 100 %, 1 of 3 is 33.33 %; uncounted has none.
      await warehouse.ingest([
        buildEvent({ ts: at(1), deviceId: 'two-thirds', inUseAfter: 2, capacity: 3 }),
        buildEvent({ ts: at(2), deviceId: 'eighth', inUseAfter: 1, capacity: 8 }),
        buildEvent({ ts: at(3), deviceId: 'full', inUseAfter: 2, capacity: 2 }),
        buildEvent({ ts: at(4), deviceId: 'third', inUseAfter: 1, capacity: 3 }),
        buildEvent({ ts: at(5), deviceId: 'uncounted', inUseAfter: 4, capacity: null }),
      ]);
      const filters = toFilters({ from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z' }, Date.now());
      const list = async (conditions: Array<{ column: 'usagePercentage'; op: '>=' | '>' | '<' | '='; value: string }>, order: 'asc' | 'desc' = 'desc') =>
        (await warehouse.report(getEvents, filters, { page: 1, pageSize: 10, sort: 'usagePercentage', order, conditions })).rows.map((r) => [r.deviceId, r.usagePercentage]);
      expect(await list([])).toEqual([['full', 100], ['two-thirds', 66.67], ['third', 33.33], ['eighth', 12.5], ['uncounted', null]]);
      expect(await list([{ column: 'usagePercentage', op: '>=', value: '66.67' }])).toEqual([['full', 100], ['two-thirds', 66.67]]);
      expect(await list([{ column: 'usagePercentage', op: '>', value: '66.67' }])).toEqual([['full', 100]]);
      expect(await list([{ column: 'usagePercentage', op: '=', value: '33.33' }])).toEqual([['third', 33.33]]);
      expect(await list([{ column: 'usagePercentage', op: '<', value: '20' }], 'asc')).toEqual([['eighth', 12.5]]);
      await warehouse.close();
    });

    it('takes concurrent batches without storing an event twice', async () => {
      const { warehouse } = await open();
      const shared = Array.from({ length: 50 }, () => buildEvent());
      const results = await Promise.all([warehouse.ingest(shared), warehouse.ingest(shared), warehouse.ingest(shared)]);
      expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(50);
      expect(await warehouse.countEvents()).toBe(50);
      await warehouse.close();
    });
  });
}
