// The bench data set made inside DuckDB: `bench:warehouse --in-engine` and `bench:report` fill
// large warehouses with it, in the same shape as the events bench:warehouse ingests.
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbWarehouse, eventKey } from '../dist/warehouse/duckdb/duckdb-warehouse.js';
import { fillServedGaps } from '../dist/warehouse/duckdb/served-gap.js';
import { rollupInserts } from '../dist/warehouse/duckdb/sources.js';

// A producer's world: accounts with a few servers each, popular and rare features, busy hours.
export const INSTANCES = 60;
export const FEATURES = ['cad', 'cam', 'viewer', 'sim', 'render', 'cfd', 'pcb', 'plm', 'gis', 'bim'];
export const CODES = [7, 7, 7, 7, 7, 7, 7, 7, 7, 11, 11, 11, 11, 11, 15, 15, 15, 12, 12, 58];

/** N events over the 12 months before `end`, the same shape of data as bench:warehouse's `event()`, made by SQL inside DuckDB, with its rollups. */
export async function fillInEngine(file, { total, end }) {
  const start = end - 365 * 86_400_000;
  const step = (end - start) / total;
  await (await DuckDbWarehouse.open(file)).close();
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  await c.run(`SET TimeZone = 'UTC'`);
  const t = performance.now();
  const r = (k) => `((hash(i * 7 + ${k}) % 1000000) / 1000000.0)`;
  await c.run(`
    INSERT INTO usage_events (event_id, ts, instance_id, account_id, kind, feature, version, count, model, device_id, device_id_type,
                              device_alias, user_name, pool, status_code, in_use_after, capacity, overdraft, record_id, correlation_id, source, ingested_at)
    SELECT 'ev-' || i, make_timestamptz(${Math.round(start * 1000)}::BIGINT + (i * ${step * 1000})::BIGINT), 'inst-' || inst, 'acct-' || (inst % 20), kind,
           feature, '1.0', CASE WHEN kind = 'consume' THEN 1 + floor(${r(3)} * 20)::INT ELSE 1 END,
           CASE WHEN kind = 'consume' THEN 'metered' ELSE 'concurrent' END, 'dev-' || inst || '-' || device, 'STRING', 'host-' || device,
           'user-' || (device % 700), NULL,
           CASE WHEN kind = 'deny' THEN ${JSON.stringify(CODES)}[1 + floor(${r(4)} * ${CODES.length})::INT] END,
           floor(${r(5)} * (5 + (inst % 7) * 5 + 2))::INT, 5 + (inst % 7) * 5, 0, CASE WHEN kind = 'deny' THEN NULL ELSE 'rec-' || feature END, NULL, 'server', now()
    FROM (
      SELECT i, floor(pow(${r(1)}, 2) * ${INSTANCES})::INT AS inst, floor(${r(6)} * 2000)::INT AS device,
             ${JSON.stringify(FEATURES).replaceAll('"', "'")}[1 + floor(pow(${r(2)}, 1.5) * ${FEATURES.length})::INT] AS feature,
             CASE WHEN ${r(0)} < 0.42 THEN 'checkout' WHEN ${r(0)} < 0.8 THEN 'return' WHEN ${r(0)} < 0.86 THEN 'expire'
                  WHEN ${r(0)} < 0.93 THEN 'consume' ELSE 'deny' END AS kind
      FROM range(${total}) t(i))`);
  await c.run(`INSERT INTO event_keys SELECT ${eventKey('event_id')} FROM usage_events`);
  for (const sql of rollupInserts('usage_events')) await c.run(sql);
  await fillServedGaps(c);
  console.log(`filled in the engine: ${total.toLocaleString()} events, their rollups and denials' distances to grants in ${((performance.now() - t) / 1000).toFixed(1)} s (ingest not measured in this mode)`);
  c.closeSync();
  db.closeSync();
}

