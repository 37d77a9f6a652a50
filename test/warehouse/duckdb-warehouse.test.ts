import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { describeWarehouseContract } from './warehouse-contract.js';

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
