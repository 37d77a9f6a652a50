import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
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
