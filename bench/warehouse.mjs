// npm run bench:warehouse -- --events N
// Generates N realistic usage events (default 10 million), ingests them through the back
// office's ingest code into a DuckDB warehouse in batches, prints events/s, then times every
// report widget (p50 of 5 runs) and the whole report, over the last 12 months of data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestBatch } from '../dist/backoffice/ingest/sync-batch.js';
import { newId } from '../dist/common/ids.js';
import { toFilters } from '../dist/warehouse/filters.js';
import { DuckDbWarehouse } from '../dist/warehouse/duckdb/duckdb-warehouse.js';
import { getActiveAccounts, getActiveInstances, getUniqueClients } from '../dist/warehouse/queries/get-active-clients.js';
import { getConcurrentUsage } from '../dist/warehouse/queries/get-concurrent-usage.js';
import { getDenialsByAccount } from '../dist/warehouse/queries/get-denials-by-account.js';
import { getDenialsDistribution } from '../dist/warehouse/queries/get-denials-distribution.js';
import { getDenialsOverTime } from '../dist/warehouse/queries/get-denials-over-time.js';
import { getEvents } from '../dist/warehouse/queries/get-events.js';
import { getMeteredUsage } from '../dist/warehouse/queries/get-metered-usage.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const total = arg('events', 10_000_000);
const batchSize = arg('batch', 5_000);
const dir = mkdtempSync(join(tmpdir(), 'tally-bench-wh-'));

// A producer's world: accounts with a few servers each, popular and rare features, busy hours.
const INSTANCES = 60;
const FEATURES = ['cad', 'cam', 'viewer', 'sim', 'render', 'cfd', 'pcb', 'plm', 'gis', 'bim'];
const CODES = [7, 7, 7, 7, 7, 7, 7, 7, 7, 11, 11, 11, 11, 11, 15, 15, 15, 12, 12, 58];
let seed = 7;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const end = Date.now();
const start = end - 365 * 86_400_000;
const step = (end - start) / total;

function event(i, instance) {
  const feature = FEATURES[Math.floor(random() ** 1.5 * FEATURES.length)];
  const roll = random();
  const kind = roll < 0.42 ? 'checkout' : roll < 0.8 ? 'return' : roll < 0.86 ? 'expire' : roll < 0.93 ? 'consume' : 'deny';
  const capacity = 5 + (instance % 7) * 5;
  const device = Math.floor(random() * 2000);
  return {
    eventId: newId(),
    ts: new Date(start + i * step).toISOString(),
    instanceId: `inst-${instance}`,
    accountId: null,
    kind,
    feature,
    version: '1.0',
    count: kind === 'consume' ? 1 + Math.floor(random() * 20) : 1,
    model: kind === 'consume' ? 'metered' : 'concurrent',
    deviceId: `dev-${instance}-${device}`,
    deviceIdType: 'STRING',
    deviceAlias: `host-${device}`,
    user: `user-${device % 700}`,
    pool: null,
    statusCode: kind === 'deny' ? CODES[Math.floor(random() * CODES.length)] : null,
    inUseAfter: Math.floor(random() * (capacity + 2)),
    capacity,
    overdraft: 0,
    recordId: kind === 'deny' ? null : `rec-${feature}`,
    correlationId: null,
    source: 'server',
  };
}

try {
  const warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'));
  let generated = 0;
  let ingestMs = 0;
  const instances = new Map();
  for (let i = 0; i < INSTANCES; i++) instances.set(`inst-${i}`, { id: `inst-${i}`, accountId: `acct-${i % 20}`, kind: 'local', name: `server ${i}`, hostId: null, createdAt: '', lastSyncAt: null });
  while (generated < total) {
    // A batch comes from one instance, as sync sends them; busy instances send more often.
    const n = Math.min(batchSize, total - generated);
    const instance = Math.floor(random() ** 2 * INSTANCES);
    const events = Array.from({ length: n }, (_, i) => event(generated + i, instance));
    const t = performance.now();
    await ingestBatch({ instanceId: `inst-${instance}`, events }, instances.get(`inst-${instance}`), warehouse);
    ingestMs += performance.now() - t;
    generated += n;
    if (generated % (batchSize * 100) === 0) process.stderr.write(`  ${generated.toLocaleString()} events ingested\n`);
  }
  console.log(`ingest: ${total.toLocaleString()} events in ${(ingestMs / 1000).toFixed(1)} s = ${Math.round(total / (ingestMs / 1000)).toLocaleString()} events/s (validation + DuckDB, batches of ${batchSize})`);

  const filters = toFilters({}, end + 1000);
  const widgets = [
    ['concurrent-usage', getConcurrentUsage, {}],
    ['metered-usage', getMeteredUsage, {}],
    ['active-accounts', getActiveAccounts, { limit: 10 }],
    ['active-instances', getActiveInstances, { limit: 10 }],
    ['unique-clients', getUniqueClients, {}],
    ['events', getEvents, { page: 1, pageSize: 50, sort: 'ts', order: 'desc', conditions: [{ column: 'usagePercentage', op: '>=', value: '80' }] }],
    ['denials-distribution', getDenialsDistribution, {}],
    ['denials-by-account', getDenialsByAccount, { limit: 10 }],
    ['denials-summary', getEvents, { page: 1, pageSize: 50, sort: 'ts', order: 'desc', conditions: [] }],
    ['denials-over-time', getDenialsOverTime, {}],
  ];
  const rows = [];
  let report = 0;
  for (const [name, query, options] of widgets) {
    const f = name === 'denials-summary' ? { ...filters, kinds: ['deny'] } : filters;
    const times = [];
    for (let run = 0; run < 5; run++) {
      const t = performance.now();
      await warehouse.report(query, f, options);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    rows.push({ widget: name, p50ms: Math.round(times[2]) });
    report += times[2];
  }
  const t = performance.now();
  await warehouse.report(getDenialsDistribution, { ...filters, trueDenials: true }, {});
  rows.push({ widget: 'denials-distribution (true=1)', p50ms: Math.round(performance.now() - t) });
  console.table(rows);
  console.log(`whole report (the ten widgets, one after another): ${Math.round(report)} ms at ${total.toLocaleString()} events`);
  await warehouse.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
