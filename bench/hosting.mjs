// npm run bench:hosting — a real back office hosting N cloud license server instances
// (BENCH_INSTANCES, default 1,000): what creating them costs (instances/s), what an idle one
// costs in memory (RSS of the back office with none vs all N loaded and idle, after a pause and
// a full garbage collection), and capability request+return pairs over loopback HTTP from
// 10,000 devices (BENCH_DEVICES) spread over the N instances, then the same load on ONE of
// them, then on a back office hosting only that one: whether idle neighbours cost anything on
// the request path. Each pair is a device taking one count and giving it back, as in
// bench:server. Settings: BENCH_SECONDS (default 15 per run, after a warm-up of up to 5 s),
// BENCH_CONNECTIONS (default "64,256"), BENCH_PAUSE (seconds of idleness before memory is
// read, default 20), BENCH_DATA (a folder kept between runs: made on the first run, reused on
// the next ones, which then do not measure creation).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

const instances = Number(process.env.BENCH_INSTANCES ?? 1000);
const devices = Number(process.env.BENCH_DEVICES ?? 10_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const warmUp = Math.min(seconds, 5);
const connectionRuns = String(process.env.BENCH_CONNECTIONS ?? '64,256').split(',').map(Number);
const pause = Number(process.env.BENCH_PAUSE ?? 20);
const PASSWORD = 'bench horse battery staple';
/** Counts each instance activates: enough for every connection to hold one on a single instance. */
const COUNTS_PER_INSTANCE = 1000;
const TARGET_MB_PER_INSTANCE = 1;

const scratch = mkdtempSync(join(tmpdir(), 'tally-bench-hosting-'));
const kept = process.env.BENCH_DATA ? resolve(process.env.BENCH_DATA) : null;
const mainDir = kept ?? join(scratch, 'main');

/**
 * Loaded into the back office before its own code: on SIGUSR2 it collects garbage twice and
 * writes its memory to stderr, so that memory is read from outside, after a full collection,
 * with no route for it.
 */
const PROBE = `data:text/javascript,process.on('SIGUSR2',()=>{globalThis.gc();globalThis.gc();process.stderr.write('BENCH-MEMORY '+JSON.stringify(process.memoryUsage())+'\\n')})`;

function startBackoffice(dataDir) {
  const child = spawn(
    process.execPath,
    ['--expose-gc', `--import=${PROBE}`, 'bin/tally.js', 'backoffice', '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const bo = { child, url: '', oneTime: '', seen: '', probes: [] };
  return new Promise((resolveStart, reject) => {
    const onData = (chunk) => {
      bo.seen += chunk.toString();
      bo.oneTime ||= /one-time password: (\S+)/.exec(bo.seen)?.[1] ?? '';
      for (const match of bo.seen.matchAll(/BENCH-MEMORY (\{.*\})\n/g)) bo.probes.push(JSON.parse(match[1]));
      bo.seen = bo.seen.replace(/BENCH-MEMORY \{.*\}\n/g, '');
      if (!bo.url) {
        const match = /listening on (http:\/\/[\d.:]+)/.exec(bo.seen);
        if (match) {
          bo.url = match[1];
          resolveStart(bo);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`back office exited with ${code}: ${bo.seen}`)));
  });
}

async function stop(bo) {
  const exited = new Promise((r) => bo.child.once('exit', r));
  bo.child.kill('SIGTERM');
  await exited;
}

async function call(bo, method, path, body, token) {
  const res = await fetch(bo.url + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function must(bo, method, path, body, token, status = [200, 201]) {
  const res = await call(bo, method, path, body, token);
  if (!status.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The back office's admin token: the one-time password is replaced at the first login. */
async function adminToken(bo) {
  const body = bo.oneTime
    ? await must(bo, 'POST', '/api/1.0/instances/~/reset-password', { user: 'admin', currentPassword: bo.oneTime, newPassword: PASSWORD })
    : await must(bo, 'POST', '/api/1.0/instances/~/authorize', { user: 'admin', password: PASSWORD });
  return body.token;
}

/** An account, a product and an entitlement with counts for `count` instances; answers the activation ID. */
async function catalog(bo, token, count) {
  await must(bo, 'POST', '/api/1.0/backoffice/accounts', { id: 'bench', name: 'Bench account' }, token);
  await must(bo, 'POST', '/api/1.0/backoffice/products', { id: 'bench', name: 'Bench product', version: '1.0', term: 'permanent', features: [{ name: 'bench', version: '1.0', count: COUNTS_PER_INSTANCE }] }, token);
  await must(bo, 'POST', '/api/1.0/backoffice/entitlements', { accountId: 'bench', id: 'ENT-BENCH', name: 'Bench', lineItems: [{ productId: 'bench', quantity: count, activationId: 'ACT-BENCH', expiry: 'permanent' }] }, token);
  return 'ACT-BENCH';
}

const instanceId = (i) => `bench-${String(i).padStart(5, '0')}`;

/** Runs `work(i)` for i in 0..n-1, `parallel` at a time. */
async function each(n, parallel, work) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, async () => {
    while (next < n) await work(next++);
  }));
}

/** Creates `n` cloud instances, then logs each first administrator in and activates one unit on each; answers the times. */
async function createInstances(bo, token, n) {
  const activationId = await catalog(bo, token, n);
  const admins = [];
  const t0 = performance.now();
  await each(n, 4, async (i) => {
    admins[i] = (await must(bo, 'POST', '/api/1.0/backoffice/cloud-instances', { accountId: 'bench', name: `Bench ${i}`, id: instanceId(i) }, token)).admin;
  });
  const t1 = performance.now();
  await each(n, 4, async (i) => {
    const api = `/api/1.0/instances/${instanceId(i)}`;
    const login = await must(bo, 'POST', `${api}/reset-password`, { user: admins[i].user, currentPassword: admins[i].oneTimePassword, newPassword: PASSWORD });
    await must(bo, 'POST', `${api}/activations`, { activations: [{ activationId, count: 1 }] }, login.token);
  });
  const t2 = performance.now();
  return { createSeconds: (t1 - t0) / 1000, activateSeconds: (t2 - t1) / 1000 };
}

/** Waits until the back office has every hosted instance in memory (it loads them in the background at start). */
async function allLoaded(bo, token, n) {
  const t0 = performance.now();
  for (;;) {
    let loaded = 0;
    for (let page = 1; (page - 1) * 1000 < n; page++) {
      const body = await must(bo, 'GET', `/api/1.0/backoffice/cloud-instances?page=${page}&pageSize=1000`, undefined, token);
      loaded += body.items.filter((i) => i.loaded).length;
    }
    if (loaded >= n) return (performance.now() - t0) / 1000;
    await sleep(500);
  }
}

function procStatus(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0) };
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Waits until the warehouse's event count has not moved for 5 s: usage left in outboxes is delivered. */
async function settled(bo) {
  let last = -1;
  for (;;) {
    const events = (await must(bo, 'GET', '/api/1.0/health')).warehouse.events;
    if (events === last) return events;
    last = events;
    await sleep(5000);
  }
}

/** Memory of an idle back office: RSS before and after a full garbage collection, V8 heap and buffers; CPU while idle. */
async function idleMemory(bo) {
  await settled(bo);
  const cpu0 = cpuSeconds(bo.child.pid);
  await sleep(pause * 1000);
  const idleCores = (cpuSeconds(bo.child.pid) - cpu0) / pause;
  const before = procStatus(bo.child.pid);
  const probes = bo.probes.length;
  bo.child.kill('SIGUSR2');
  while (bo.probes.length === probes) await sleep(50);
  await sleep(2000);
  const mu = bo.probes.at(-1);
  const after = procStatus(bo.child.pid);
  return { rssMb: before.rssMb, rssAfterGcMb: after.rssMb, heapUsedMb: mu.heapUsed / 2 ** 20, externalMb: mu.external / 2 ** 20, threads: after.threads, idleCores };
}

let seq = 0;

/** Request+return pairs; `route(device)` is the instance path a device's requests go to. */
function load(url, connections, duration, route) {
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          seq += 1;
          const d = seq % devices;
          context.path = route(d);
          context.device = { hostId: { value: `bench-${d}`, type: 'STRING' }, alias: 'bench-host', user: 'bench' };
          return { ...req, path: context.path, body: JSON.stringify({ device: context.device, features: [{ name: 'bench', version: '1.0', count: 1 }] }) };
        },
      },
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req, context) => ({
          ...req,
          path: context.path,
          body: JSON.stringify({ device: context.device, incremental: true, features: [{ name: 'bench', version: '1.0', count: -1 }] }),
        }),
      },
    ],
  });
}

async function measure(name, bo, connections, route) {
  await settled(bo);
  await load(bo.url, connections, warmUp, route);
  const cpu0 = cpuSeconds(bo.child.pid);
  const result = await load(bo.url, connections, seconds, route);
  return {
    name,
    connections,
    requestsPerSecond: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    serverCores: Number(((cpuSeconds(bo.child.pid) - cpu0) / seconds).toFixed(2)),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const capabilityPath = (i) => `/api/1.0/instances/${instanceId(i)}/capability`;
const mb = (n) => n.toFixed(1);
const verdict = (ok) => (ok ? 'met' : 'MISSED');

let running = null;
try {
  const prepared = kept && existsSync(join(mainDir, 'bench.json')) ? JSON.parse(readFileSync(join(mainDir, 'bench.json'), 'utf8')) : null;
  if (prepared && prepared.instances !== instances) throw new Error(`${mainDir} was prepared with ${prepared.instances} instances, not ${instances}: remove it or choose another BENCH_DATA`);
  const report = {};

  // An empty back office: the memory every figure below is set against.
  const emptyDir = join(scratch, 'empty');
  running = await startBackoffice(emptyDir);
  await adminToken(running);
  const empty = await idleMemory(running);
  await stop(running);

  if (prepared) {
    console.log(`reusing the data folder ${mainDir}, prepared by an earlier run (${prepared.instances} instances): creation is not measured`);
  } else {
    if (kept) mkdirSync(mainDir, { recursive: true });
    running = await startBackoffice(mainDir);
    const token = await adminToken(running);
    const t = await createInstances(running, token, instances);
    report.creation = t;
    report.afterCreation = procStatus(running.child.pid);
    await stop(running);
    writeFileSync(join(mainDir, 'bench.json'), JSON.stringify({ instances, createdAt: new Date().toISOString() }));
    if (kept) console.log(`data folder kept for later runs: ${mainDir}`);
  }

  // A fresh start: the back office loads every instance in the background; then they sit idle.
  running = await startBackoffice(mainDir);
  const token = await adminToken(running);
  const loadSeconds = await allLoaded(running, token, instances);
  const full = await idleMemory(running);
  const perInstanceMb = (full.rssAfterGcMb - empty.rssAfterGcMb) / instances;

  // One instance first, while its neighbours are truly idle: the spread load leaves usage in
  // every outbox, delivered to the warehouse for a while after it stops.
  const results = [];
  for (const connections of connectionRuns) {
    results.push(await measure(`one instance of ${instances} (the others idle)`, running, connections, () => capabilityPath(0)));
  }
  for (const connections of connectionRuns) {
    results.push(await measure(`${devices} devices over ${instances} instances`, running, connections, (d) => capabilityPath(d % instances)));
  }
  await stop(running);
  running = null;

  // The same instance alone in a back office.
  const aloneDir = join(scratch, 'alone');
  running = await startBackoffice(aloneDir);
  await createInstances(running, await adminToken(running), 1);
  for (const connections of connectionRuns) {
    results.push(await measure('one instance, hosted alone', running, connections, () => capabilityPath(0)));
  }
  await stop(running);
  running = null;

  console.log('\nmemory of the back office (MB; "after GC" is after two full collections)');
  console.table([
    { state: 'no instances, idle', rss: mb(empty.rssMb), rssAfterGc: mb(empty.rssAfterGcMb), v8HeapUsed: mb(empty.heapUsedMb), external: mb(empty.externalMb), threads: empty.threads, idleCpuCores: empty.idleCores.toFixed(3) },
    { state: `${instances} instances loaded, idle`, rss: mb(full.rssMb), rssAfterGc: mb(full.rssAfterGcMb), v8HeapUsed: mb(full.heapUsedMb), external: mb(full.externalMb), threads: full.threads, idleCpuCores: full.idleCores.toFixed(3) },
  ]);
  if (report.creation) {
    const { createSeconds, activateSeconds } = report.creation;
    console.log(`creation: ${instances} instances in ${createSeconds.toFixed(1)} s (${(instances / createSeconds).toFixed(1)} instances/s, 4 at a time); first login and activation of each: ${activateSeconds.toFixed(1)} s (${(instances / activateSeconds).toFixed(1)}/s); RSS right after: ${mb(report.afterCreation.rssMb)} MB`);
  }
  console.log(`start with ${instances} instances: all loaded ${loadSeconds.toFixed(1)} s after the back office listened`);
  console.log(`\ncapability request+return pairs, ${seconds} s per run after a ${warmUp} s warm-up`);
  console.table(results);
  const spread = results.filter((r) => r.name.includes('devices over'));
  const ofMany = results.filter((r) => r.name.startsWith('one instance of'));
  const alone = results.filter((r) => r.name.includes('alone'));
  console.log(`\ntargets:`);
  console.log(`  idle instance < ${TARGET_MB_PER_INSTANCE} MB: ${perInstanceMb.toFixed(2)} MB per instance (RSS after GC, ${mb(full.rssAfterGcMb)} - ${mb(empty.rssAfterGcMb)} MB over ${instances}) — ${verdict(perInstanceMb < TARGET_MB_PER_INSTANCE)}`);
  for (let i = 0; i < connectionRuns.length; i++) {
    const ratio = ofMany[i].requestsPerSecond / alone[i].requestsPerSecond;
    console.log(`  nothing on the request path of the others (${connectionRuns[i]} connections): one instance with ${instances - 1} idle neighbours ${ofMany[i].requestsPerSecond} req/s (p99 ${ofMany[i].p99ms} ms) vs alone ${alone[i].requestsPerSecond} req/s (p99 ${alone[i].p99ms} ms): ${(ratio * 100).toFixed(1)} % — ${verdict(ratio >= 0.9)} (within 10 %)`);
  }
  for (const r of spread) console.log(`  spread over ${instances} instances, ${r.connections} connections: ${r.requestsPerSecond} req/s, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms (reported; the issue sets no figure)`);
  const bad = results.filter((r) => r.non2xx > 0 || r.errors > 0);
  for (const r of bad) console.log(`warning: ${r.non2xx} non-2xx answers and ${r.errors} errors in "${r.name}" at ${r.connections} connections`);
} finally {
  if (running) await stop(running).catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
}
