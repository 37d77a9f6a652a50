import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/licensing/usage-event.js';
import { newId } from '../../src/common/ids.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

/** An event with realistic defaults. */
export function buildEvent(overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    eventId: newId(),
    ts: '2026-06-01T12:00:00.000Z',
    instanceId: 'inst-a',
    accountId: 'acct-1',
    kind: 'checkout',
    feature: 'cad',
    version: '1.0',
    count: 1,
    model: 'concurrent',
    deviceId: 'ws-1',
    deviceIdType: 'STRING',
    deviceAlias: 'workstation',
    user: 'ann',
    pool: null,
    statusCode: null,
    inUseAfter: 1,
    capacity: 5,
    overdraft: 0,
    recordId: 'rec-1',
    correlationId: newId(),
    source: 'server',
    ...overrides,
  };
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
