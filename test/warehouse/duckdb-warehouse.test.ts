import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Bucket } from '../../src/warehouse/filters.js';
import { reportQuerySchema, toFilters } from '../../src/warehouse/filters.js';
import { getConcurrentUsage } from '../../src/warehouse/queries/get-concurrent-usage.js';
import { getDenialsOverTime } from '../../src/warehouse/queries/get-denials-over-time.js';
import { getMeteredUsage } from '../../src/warehouse/queries/get-metered-usage.js';
import { buildEvent } from '../support/factories.js';
import { describeWarehouseContract, expectTrueDenials, mixedTraffic } from './warehouse-contract.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeWarehouseContract('DuckDB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-duckdb-'));
  dirs.push(dir);
  const file = join(dir, 'warehouse.duckdb');
  return { warehouse: await DuckDbWarehouse.open(file), reopen: () => DuckDbWarehouse.open(file) };
});

describe('DuckDB warehouse migrations', () => {
  it('works out how near each stored denial was to a grant when it upgrades a warehouse that kept no such distance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-duckdb-'));
    dirs.push(dir);
    const file = join(dir, 'warehouse.duckdb');
    // Three weeks apart, so that the upgrade works through several weeks of denials.
    const events = [...mixedTraffic(1500), ...mixedTraffic(1500, Date.parse('2026-03-23T10:00:00.000Z'))];
    const first = await DuckDbWarehouse.open(file);
    await first.ingest(events);
    await first.close();
    // Back to the schema before the distance existed.
    const db = await DuckDBInstance.create(file);
    const c = await db.connect();
    await c.run('ALTER TABLE usage_events DROP COLUMN served_gap_us');
    await c.run('DELETE FROM schema_migrations WHERE version = 4');
    c.closeSync();
    db.closeSync();
    const upgraded = await DuckDbWarehouse.open(file);
    await expectTrueDenials(upgraded, events);
    await upgraded.close();
  });

  it('recognises the IDs a warehouse stored before it kept their keys, whatever time they come back with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-duckdb-'));
    dirs.push(dir);
    const file = join(dir, 'warehouse.duckdb');
    const event = buildEvent({ ts: '2026-06-01T12:00:00.000Z' });
    const first = await DuckDbWarehouse.open(file);
    await first.ingest([event]);
    await first.close();
    // Back to the schema before the keys existed.
    const db = await DuckDBInstance.create(file);
    const c = await db.connect();
    await c.run('DROP TABLE event_keys');
    await c.run('DELETE FROM schema_migrations WHERE version = 6');
    c.closeSync();
    db.closeSync();
    const upgraded = await DuckDbWarehouse.open(file);
    expect(await upgraded.ingest([{ ...event, ts: '2026-12-01T00:00:00.000Z' }])).toEqual({ accepted: 0, duplicates: 1 });
    await upgraded.close();
  });

  it('merges after it opens again the rollup rows appended before it stopped without merging them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-duckdb-'));
    dirs.push(dir);
    const file = join(dir, 'warehouse.duckdb');
    const rollupRows = async () => {
      const db = await DuckDBInstance.create(file);
      const c = await db.connect();
      const n = Number((await c.runAndReadAll(`SELECT count(*) FROM usage_hourly WHERE t = '2026-06-01 12:00:00+00'`)).getRows()[0]![0]);
      c.closeSync();
      db.closeSync();
      return n;
    };
    const first = await DuckDbWarehouse.open(file, { compactAfterRows: 1_000_000 });
    for (let i = 0; i < 3; i++) await first.ingest([buildEvent({ ts: `2026-06-01T12:0${i}:00.000Z` })]);
    await first.close();
    expect(await rollupRows()).toBe(3);
    const again = await DuckDbWarehouse.open(file, { compactAfterRows: 1_000_000 });
    await again.ingest([buildEvent({ ts: '2026-07-01T00:00:00.000Z' })]);
    await again.close();
    expect(await rollupRows()).toBe(1);
  });
});

describe('DuckDB charts over time', () => {
  const open = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-duckdb-'));
    dirs.push(dir);
    return DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'));
  };
  const range = (from: string, to: string, bucket: Bucket | null = null) => ({ ...toFilters(reportQuerySchema.parse({ from, to }), Date.now()), bucket });

  it('counts by calendar month when asked, carrying use over quiet months and splitting consumption and denials by month', async () => {
    const warehouse = await open();
    await warehouse.ingest([
      buildEvent({ ts: '2026-01-10T09:00:00.000Z', inUseAfter: 2, count: 2, capacity: 5 }),
      buildEvent({ ts: '2026-01-31T23:59:00.000Z', inUseAfter: 3, count: 1, capacity: 5 }),
      buildEvent({ ts: '2026-03-01T00:00:00.000Z', kind: 'return', inUseAfter: 1, count: 2, capacity: 5 }),
      buildEvent({ ts: '2026-01-15T09:00:00.000Z', feature: 'hours', model: 'metered', kind: 'consume', count: 30, inUseAfter: 30, capacity: 100 }),
      buildEvent({ ts: '2026-02-15T09:00:00.000Z', feature: 'hours', model: 'metered', kind: 'consume', count: 20, inUseAfter: 50, capacity: 100 }),
      buildEvent({ ts: '2026-02-02T09:00:00.000Z', kind: 'deny', statusCode: 7, inUseAfter: 3, capacity: 5 }),
      buildEvent({ ts: '2026-02-27T09:00:00.000Z', kind: 'deny', statusCode: 7, inUseAfter: 3, capacity: 5 }),
    ]);
    const filters = range('2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z', 'month');
    const usage = await warehouse.report(getConcurrentUsage, filters, {});
    expect(usage.bucket).toBe('month');
    expect(usage.rows.map((r) => [r.bucketStart, r.inUse, r.peak])).toEqual([
      ['2026-01-01T00:00:00Z', 3, 3],
      ['2026-02-01T00:00:00Z', 3, 3],
      ['2026-03-01T00:00:00Z', 1, 1],
    ]);
    const metered = await warehouse.report(getMeteredUsage, filters, {});
    expect(metered.rows.map((r) => [r.bucketStart, r.consumed])).toEqual([['2026-01-01T00:00:00Z', 30], ['2026-02-01T00:00:00Z', 20]]);
    const denials = await warehouse.report(getDenialsOverTime, filters, {});
    expect(denials.rows).toEqual([{ bucketStart: '2026-02-01T00:00:00Z', code: 7, count: 2 }]);
    await warehouse.close();
  });

  it('gives each of a few isolated events its own period, and nothing before the first', async () => {
    const warehouse = await open();
    await warehouse.ingest([
      buildEvent({ ts: '2026-05-03T10:00:00.000Z', inUseAfter: 1, count: 1, capacity: 4 }),
      buildEvent({ ts: '2026-05-20T16:30:00.000Z', kind: 'return', inUseAfter: 0, count: 1, capacity: 4 }),
      buildEvent({ ts: '2026-05-04T10:00:00.000Z', kind: 'deny', statusCode: 7, inUseAfter: 1, capacity: 4 }),
      buildEvent({ ts: '2026-05-21T10:00:00.000Z', kind: 'deny', statusCode: 10, inUseAfter: 0, capacity: 4 }),
    ]);
    // Thirty days: the automatic grouping is by day.
    const filters = range('2026-05-01T00:00:00Z', '2026-05-31T00:00:00Z');
    const usage = await warehouse.report(getConcurrentUsage, filters, {});
    expect(usage.bucket).toBe('day');
    // Carried from its first event to the range's end, with the return on its own day.
    expect(usage.rows[0]).toMatchObject({ bucketStart: '2026-05-03T00:00:00Z', inUse: 1 });
    expect(usage.rows.find((r) => r.bucketStart === '2026-05-19T00:00:00Z')).toMatchObject({ inUse: 1 });
    expect(usage.rows.find((r) => r.bucketStart === '2026-05-20T00:00:00Z')).toMatchObject({ inUse: 0 });
    expect(usage.rows).toHaveLength(28);
    const denials = await warehouse.report(getDenialsOverTime, filters, {});
    expect(denials.rows).toEqual([
      { bucketStart: '2026-05-04T00:00:00Z', code: 7, count: 1 },
      { bucketStart: '2026-05-21T00:00:00Z', code: 10, count: 1 },
    ]);
    // By the week they fall in two weeks (starting on Monday).
    const weekly = await warehouse.report(getDenialsOverTime, { ...filters, bucket: 'week' }, {});
    expect(weekly.rows.map((r) => r.bucketStart)).toEqual(['2026-05-04T00:00:00Z', '2026-05-18T00:00:00Z']);
    await warehouse.close();
  });

  it('leaves denial codes and true denials out of usage, which they do not concern', async () => {
    const warehouse = await open();
    await warehouse.ingest([
      buildEvent({ ts: '2026-05-03T10:00:00.000Z', inUseAfter: 2, count: 2, capacity: 4 }),
      // A denial reports what was in use when it came.
      buildEvent({ ts: '2026-05-05T10:00:00.000Z', kind: 'deny', statusCode: 10, inUseAfter: 3, capacity: 4 }),
    ]);
    const filters = range('2026-05-01T00:00:00Z', '2026-05-08T00:00:00Z');
    const all = await warehouse.report(getConcurrentUsage, filters, {});
    const narrowed = await warehouse.report(getConcurrentUsage, { ...filters, codes: [7], kinds: ['deny'], trueDenials: true }, {});
    expect(narrowed).toEqual(all);
    await warehouse.close();
  });
});
