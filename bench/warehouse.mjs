// npm run bench:warehouse -- --events N [--batch 5000] [--concurrency 8] [--in-engine]
// --in-engine fills the warehouse by SQL inside DuckDB instead of through ingest (same shape of
// data, rollups built in one pass), to time the widgets at sizes ingest would take long to fill.
// Generates N realistic usage events (default 10 million), ingests them through the back
// office's ingest code into a DuckDB warehouse in batches, prints events/s, then times every
// report widget (p50 of 5 runs) and the whole report, over the last 12 months of data, and
// the delay from a checkout on a license server to the event in the report API.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { startBackoffice } from '../dist/backoffice/main.js';
import { loadSettings } from '../dist/common/config.js';
import { createLogger } from '../dist/common/log.js';
import { seededRandom } from '../test/support/random.mjs';
import { startLicenseServer } from '../dist/server/main.js';
import { CODES, FEATURES, INSTANCES, fillInEngine } from './warehouse-fill.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const total = arg('events', 10_000_000);
const batchSize = arg('batch', 5_000);
const concurrency = arg('concurrency', 8);
const dir = mkdtempSync(join(tmpdir(), 'tally-bench-wh-'));

const random = seededRandom(7).next;
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

/** Sends the events through the ingest code, several batches in flight, and prints events/s. */
async function ingestAll(warehouse) {
  let generated = 0;
  let generateMs = 0;
  const instances = new Map();
  for (let i = 0; i < INSTANCES; i++) instances.set(`inst-${i}`, { id: `inst-${i}`, accountId: `acct-${i % 20}`, kind: 'local', name: `server ${i}`, hostId: null, createdAt: '', lastSyncAt: null });
  // Several license servers sync at once: batches are in flight together, as on a back office.
  const inFlight = new Set();
  const started = performance.now();
  while (generated < total) {
    // A batch comes from one instance, as sync sends them; busy instances send more often.
    const n = Math.min(batchSize, total - generated);
    const instance = Math.floor(random() ** 2 * INSTANCES);
    const g = performance.now();
    const events = Array.from({ length: n }, (_, i) => event(generated + i, instance));
    generateMs += performance.now() - g;
    const sent = ingestBatch({ instanceId: `inst-${instance}`, events }, instances.get(`inst-${instance}`), warehouse).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    generated += n;
    if (generated % (batchSize * 200) === 0) process.stderr.write(`  ${generated.toLocaleString()} events ingested\n`);
  }
  await Promise.all(inFlight);
  const c0 = performance.now();
  await warehouse.compact();
  const compactMs = performance.now() - c0;
  const ingestMs = performance.now() - started - generateMs;
  console.log(`ingest: ${total.toLocaleString()} events in ${(ingestMs / 1000).toFixed(1)} s = ${Math.round(total / (ingestMs / 1000)).toLocaleString()} events/s (checks + DuckDB + rollups + final compaction ${Math.round(compactMs)} ms; batches of ${batchSize}, ${concurrency} in flight; generating the events, ${(generateMs / 1000).toFixed(1)} s, not counted)`);
}

try {
  const file = join(dir, 'warehouse.duckdb');
  if (process.argv.includes('--in-engine')) await fillInEngine(file, { total, end });
  const warehouse = await DuckDbWarehouse.open(file);
  if (!process.argv.includes('--in-engine')) await ingestAll(warehouse);
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
  const trueTimes = [];
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    await warehouse.report(getDenialsDistribution, { ...filters, trueDenials: true }, {});
    trueTimes.push(performance.now() - t);
  }
  rows.push({ widget: 'denials-distribution (true=1)', p50ms: Math.round(trueTimes.sort((a, b) => a - b)[2]) });
  console.table(rows);
  console.log(`whole report (the ten widgets, one after another): ${Math.round(report)} ms at ${total.toLocaleString()} events`);
  await warehouse.close();

  // From a checkout on a license server to the event in the report API, through sync.
  const quiet = createLogger('silent');
  const bo = await startBackoffice({ settings: loadSettings({ env: {}, overrides: { 'backoffice.host': '127.0.0.1', 'backoffice.port': 0, 'backoffice.dataDir': join(dir, 'bo'), 'log.level': 'silent' } }), log: quiet, announce: () => {} });
  const probe = await startLicenseServer({ settings: loadSettings({ env: {}, overrides: { 'server.host': '127.0.0.1', 'server.port': 0, 'server.dataDir': join(dir, 'ls'), 'log.level': 'silent' } }), demo: true, log: quiet, announce: () => {} });
  const instanceId = probe.service.instanceId;
  await probe.close();
  bo.registry.addAccount({ id: 'bench', name: 'Bench' });
  const { credential } = bo.registry.addInstance({ id: instanceId, accountId: 'bench', name: 'bench server' });
  const server = await startLicenseServer({
    settings: loadSettings({ env: {}, overrides: { 'server.host': '127.0.0.1', 'server.port': 0, 'server.dataDir': join(dir, 'ls'), 'sync.enabled': true, 'sync.url': bo.url, 'sync.credential': credential, 'log.level': 'silent' } }),
    demo: true,
    log: quiet,
    announce: () => {},
  });
  const security = await fetch(`${bo.url}/api/1.0/instances/~/reset-password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', currentPassword: readFileSync(join(dir, 'bo', 'admin-password.txt'), 'utf8').trim(), newPassword: 'bench password 12345' }) });
  const token = (await security.json()).token;
  const delays = [];
  for (let i = 0; i < 5; i++) {
    const device = `delay-${i}`;
    const t0 = performance.now();
    await fetch(`${server.url}/api/1.0/instances/~/capability`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device: { hostId: { value: device, type: 'STRING' } }, features: [{ name: 'cam', version: '1.0', count: 1 }] }) });
    for (;;) {
      const r = await fetch(`${bo.url}/api/reports/usage-denials/events?search=${device}&pageSize=1`, { headers: { authorization: `Bearer ${token}` } });
      if ((await r.json()).total > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    delays.push(performance.now() - t0);
  }
  delays.sort((a, b) => a - b);
  console.log(`checkout to report: p50 ${Math.round(delays[2])} ms, max ${Math.round(delays[4])} ms over 5 checkouts (target < 5 s)`);
  await server.close();
  await bo.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
