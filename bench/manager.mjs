// npm run bench:manager [-- --names 2000 --devices 10000 --runs 3]
// Starts a real license server (from dist/) with a signed license of 10,000 feature records
// (2,000 names x 5 records: dated, permanent, expired, metered and uncounted ones) and makes
// 10,000 devices hold counts through capability requests; activates a model of named pools.
// Then, logged in through the login page in Chromium, it opens each view of the License
// Server Manager in a fresh browser context (so the JavaScript is fetched and parsed every
// time) and times navigation -> the view's data on screen (nothing loading, no API call in
// flight), median of the runs; then the API time of every listing the view called (median of
// 9 calls from here, with the same token), and the gzipped JS + CSS the page loaded. The
// Reservations view is timed after the model is deleted and reservation groups are imported
// (pools and reservations never coexist). A view that is still a placeholder says so.
// BENCH_PROFILE=DIR writes the server's CPU profile there; --setup-only stops after the setup.
/* global document, window, sessionStorage, localStorage, requestAnimationFrame -- these functions run in the page */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { generateProducerKeys, signLicense } from '../dist/licensing/license-file.js';
import { chromiumPath } from '../scripts/chromium-path.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const NAMES = arg('names', 2_000);
const DEVICES = arg('devices', 10_000);
const RUNS = arg('runs', 3);
const CONCURRENCY = 64;
const PASSWORD = 'bench password 12345';
const VIEW_TARGET_MS = 1_000;
const JS_TARGET_KB = 500;
const TIMEOUT_MS = 30_000;
const WEB = new URL('../dist/web', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tally-bench-manager-'));

const name = (i) => `feat-${String(i).padStart(4, '0')}`;

/** Five records a name: two 1.0 (permanent, dated), one expired 1.0, one 2.0, one 3.0 that is metered or uncounted for some names. */
function features() {
  const list = [];
  for (let i = 0; i < NAMES; i++) {
    const n = name(i);
    const year = 2030 + (i % 7);
    list.push({ id: `${n}-a`, name: n, version: '1.0', count: 20, expiry: 'permanent', vendorString: `tier:${i % 3}` });
    list.push({ id: `${n}-b`, name: n, version: '1.0', count: 20, expiry: `${year}-0${1 + (i % 9)}-15`, activationId: `ACT-${i}` });
    list.push({ id: `${n}-c`, name: n, version: '1.0', count: 10, expiry: '2024-12-31' });
    list.push({ id: `${n}-d`, name: n, version: '2.0', count: 30, expiry: `${year}-12-31`, overdraft: i % 4 });
    if (i % 10 === 0) list.push({ id: `${n}-e`, name: n, version: '3.0', count: 1000, model: 'metered', metered: { capped: true }, expiry: `${year}-06-30` });
    else if (i % 10 === 5) list.push({ id: `${n}-e`, name: n, version: '3.0', count: 0, counted: false, expiry: 'permanent' });
    else list.push({ id: `${n}-e`, name: n, version: '3.0', count: 10, expiry: 'permanent' });
  }
  // The busy record: a quarter of the devices hold one count of it.
  list.push({ id: 'busy', name: 'busy', version: '1.0', count: DEVICES, expiry: 'permanent', productName: 'Busy Suite' });
  return list;
}

/** Device i asks for one feature at 1.0, one at 2.0, and every fourth also the busy record. */
function capability(i) {
  const wanted = [
    { name: name(i % NAMES), version: '1.0', count: 1 },
    { name: name((i * 7 + 3) % NAMES), version: '2.0', count: 1 + (i % 2) },
  ];
  if (i % 4 === 0) wanted.push({ name: 'busy', version: '1.0', count: 1 });
  return {
    device: {
      hostId: { value: `dev-${String(i).padStart(5, '0')}`, type: 'STRING' },
      alias: `host-${i}`,
      user: i % 5 === 0 ? `ci-${i}` : `user-${i % 700}`,
      vendorDictionary: { dept: ['eng', 'ops', 'qa'][i % 3], seat: i },
    },
    features: wanted,
  };
}

/** A tenth of the names in one pool, a twentieth in the other. */
const ENG_POOL = Math.floor(NAMES / 10);
const BUILD_POOL = Math.floor(NAMES / 20);
const MODEL = [
  'model "bench" {',
  '  partitions {',
  `    partition "eng" { ${Array.from({ length: ENG_POOL }, (_, i) => `"${name(i)}" 1.0 10`).join(' ')} }`,
  `    partition "build" { ${Array.from({ length: BUILD_POOL }, (_, i) => `"${name(ENG_POOL + i)}" 2.0 25%`).join(' ')} }`,
  '  }',
  '  on dictionary("dept":"eng") { use "eng" continue }',
  '  on user(~/^ci-/) { use "build" accept }',
  '}',
].join('\n');

/** A group a tenth of the names, of 5 reservations of 2 entries each: 2,000 rows in the Reservations view at 2,000 names. */
const GROUPS = Array.from({ length: Math.floor(NAMES / 10) }, (_, g) => ({
  name: `group ${g}`,
  reservations: Array.from({ length: 5 }, (_, r) => ({
    hostId: { value: `dev-${String(g * 5 + r).padStart(5, '0')}`, type: 'STRING' },
    reservationEntries: [
      // Names ending in 1 and 3: counted, concurrent (uncounted features need no reservation).
      { featureName: name(((g * 5 + r) * 10 + 1) % NAMES), featureVersion: '1.0', featureCount: 1 },
      { featureName: name(((g * 5 + r) * 10 + 3) % NAMES), featureVersion: '2.0', featureCount: 2 },
    ],
  })),
}));

function startServer(args) {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
  const child = spawn(process.execPath, [...profile, 'bin/tally.js', 'server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk.toString();
      const url = /listening on (http:\/\/[\d.:]+)/.exec(seen)?.[1];
      const password = /one-time password: (\S+)/.exec(seen)?.[1];
      if (url && password) resolve({ child, url, password });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${seen}`)));
  });
}

async function stopServer(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

let server;
let browser;
let token;

async function api(method, path, body) {
  const res = await fetch(`${server.url}/api/1.0/instances/~${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Runs `task(i)` for i in [0, n) with `width` in flight. */
async function inParallel(n, width, task) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ms = (n) => `${Math.round(n)} ms`;

// The view has its data on screen: the page chunk is in, nothing shows a loading state, no API
// call is in flight, and the main area shows something. A placeholder or an error says so.
function READY() {
  const main = document.querySelector('main');
  if (!main || window.__apiInFlight > 0) return false;
  // A grid's loading overlay is a progress bar; a grid with neither rows nor an overlay is about to draw them.
  if (document.querySelector('[data-state="loading"], [role="progressbar"], .MuiSkeleton-root')) return false;
  for (const grid of main.querySelectorAll('.MuiDataGrid-root')) if (!grid.querySelector('.MuiDataGrid-row, .MuiDataGrid-overlay')) return false;
  const text = main.textContent.trim();
  if (text === '') return false;
  if (/This view is being built/.test(text)) return 'placeholder';
  if (main.querySelector('[data-testid="access-denied"]')) return 'access denied';
  if (main.querySelector('[data-state="error"]')) return 'error';
  return 'ready';
}

// Counts the page's API calls in flight, so "ready" waits for data rather than for a lull.
const COUNT_API_CALLS = `(() => {
  window.__apiInFlight = 0;
  const fetch0 = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const url = String(args[0] instanceof Request ? args[0].url : args[0]);
    const counted = url.includes('/api/');
    if (counted) window.__apiInFlight++;
    try { return await fetch0(...args); } finally { if (counted) setTimeout(() => window.__apiInFlight--, 0); }
  };
})()`;

/** Logs in through the login page once; returns the browser storage that holds the session. */
async function logIn() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/features`);
  await page.waitForURL('**/login');
  await page.locator('input[name="user"]').fill('admin');
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
  const storage = await page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }));
  await context.close();
  return storage;
}

/** Navigates to a view (clicking its tab when it has one) and answers the milliseconds until its data is on screen. */
async function openView(page, view) {
  const t0 = performance.now();
  await page.goto(`${server.url}${view.path}`);
  if (view.tab) {
    // A view reached by a tab: click it when the page has it, and let its query start.
    const tab = page.getByRole('tab', { name: view.tab });
    await page.waitForFunction(READY, null, { timeout: TIMEOUT_MS, polling: 10 });
    if ((await tab.count()) > 0) {
      await tab.first().click();
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    }
  }
  await page.waitForFunction(READY, null, { timeout: TIMEOUT_MS, polling: 10 });
  return performance.now() - t0;
}

/** Opens a view in a fresh context `RUNS` times; returns its timing, state, API calls and bytes. */
async function measureView(view, storage) {
  const times = [];
  const warm = [];
  let state = 'ready';
  const apiCalls = new Set();
  const assets = new Set();
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.addInitScript(
      `for (const [k, v] of Object.entries(${JSON.stringify(storage.session)})) sessionStorage.setItem(k, v);
       for (const [k, v] of Object.entries(${JSON.stringify(storage.local)})) localStorage.setItem(k, v);
       ${COUNT_API_CALLS}`,
    );
    const page = await context.newPage();
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.pathname.startsWith('/api/') && !url.pathname.endsWith('/health')) apiCalls.add(`${req.method()} ${url.pathname}${url.search}`);
      if (/\.(js|css)$/.test(url.pathname)) assets.add(url.pathname);
    });
    try {
      times.push(await openView(page, view));
      // Again in the same context: the files come from the browser's cache, as on every visit but the first.
      warm.push(await openView(page, view));
      state = await page.evaluate(READY);
    } catch (error) {
      // A view that never settles is reported, not fatal: the others are still measured.
      times.push(TIMEOUT_MS);
      state = /Timeout/i.test(String(error)) ? `not ready after ${TIMEOUT_MS / 1000} s` : `failed: ${String(error).split('\n')[0]}`;
    }
    await context.close();
  }
  const gz = [...assets].reduce((sum, p) => sum + (existsSync(join(WEB, `${p}.gz`)) ? statSync(join(WEB, `${p}.gz`)).size : 0), 0);
  return { times, warm, state, apiCalls: [...apiCalls], gz, files: assets.size };
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Median time of 9 calls of an API path after one warm-up call, and the server's CPU time per
 * call (steadier than the wall clock on a shared machine), with the size of the answer.
 */
async function apiTime(call) {
  const [method, path] = call.split(' ');
  const times = [];
  let bytes = 0;
  let cpu0 = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 1) cpu0 = cpuSeconds(server.child.pid);
    const t0 = performance.now();
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    bytes = (await res.arrayBuffer()).byteLength;
    if (i > 0) times.push(performance.now() - t0);
  }
  const cpu = ((cpuSeconds(server.child.pid) - cpu0) * 1000) / 9;
  return { median: ms(median(times)), 'server CPU': ms(cpu), answer: `${(bytes / 1024).toFixed(0)} KB` };
}

/** Every view in the browser, then the API listings behind them. */
async function measureViews(records) {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  const storage = await logIn();
  const busy = (await api('GET', '/features?name=busy')).items[0];
  const views = [
    { view: 'Features Summary', path: '/features' },
    { view: 'Features Details', path: '/features', tab: /details/i },
    { view: `Feature Details (${busy.used.toLocaleString('en-US')} devices)`, path: `/features/records/${busy.id}` },
    { view: 'Devices', path: '/devices' },
    { view: 'Device Details', path: '/devices/STRING/dev-00000' },
    { view: 'Named License Pools', path: '/pools' },
    { view: 'Properties', path: '/properties' },
    { view: 'Users', path: '/users' },
    { view: 'About', path: '/about' },
    { view: 'Settings', path: '/settings' },
  ];
  const results = [];
  for (const v of views) results.push({ ...v, ...(await measureView(v, storage)) });

  const t0 = performance.now();
  await api('DELETE', '/model');
  await api('POST', '/reservationgroups/import', GROUPS);
  console.log(`model deleted, ${GROUPS.length} reservation groups (${GROUPS.length * 10} entries) imported in ${ms(performance.now() - t0)}`);
  const reservations = { view: 'Reservations', path: '/reservations' };
  results.push({ ...reservations, ...(await measureView(reservations, storage)) });

  const viewRows = results.map((r) => {
    const time = median(r.times);
    const cached = r.warm.length > 0 ? median(r.warm) : NaN;
    const verdict = (t) => (r.state === 'ready' ? (t < VIEW_TARGET_MS ? 'met' : 'MISSED') : '-');
    return {
      view: r.view,
      state: r.state,
      'first visit': ms(time),
      runs: r.times.map((t) => Math.round(t)).join(' / '),
      'met (first)': verdict(time),
      'files cached': Number.isNaN(cached) ? '-' : ms(cached),
      'met (cached)': verdict(cached),
      'JS+CSS gz': `${(r.gz / 1024).toFixed(0)} KB (${r.files} files)`,
      'JS target': r.gz / 1024 < JS_TARGET_KB ? 'met' : 'MISSED',
    };
  });
  console.table(viewRows);

  // The model is gone by now: the pools listing is timed below, with it active again.
  const apiRows = [];
  for (const r of results) {
    for (const call of r.apiCalls) {
      if (r.view !== 'Reservations' && call.includes('/pools')) continue;
      apiRows.push({ view: r.view, call, ...(await apiTime(call)) });
    }
  }
  if (apiRows.length > 0) console.table(apiRows);
  else console.log('(the views called no API listing)');

  // The listings at this size, whatever the views call: first and last page of 50, and a page of 1000.
  const total = (await api('GET', '/devices?pageSize=1')).total;
  const listings = [
    '/features', `/features?page=${Math.ceil(records.length / 50)}`, '/features?pageSize=1000', '/features?name=feat-0042',
    '/features/summaries', '/features/summaries?pageSize=1000',
    `/features/${busy.id}`, '/features/feat-0001-a',
    '/devices', `/devices?page=${Math.ceil(total / 50)}`, '/devices?holding=true', '/devices?pageSize=1000',
    '/devices/STRING/dev-00000',
    '/reservations', '/reservations?pageSize=1000', '/reservationgroups',
  ];
  const listingRows = [];
  for (const path of listings) listingRows.push({ listing: `GET ${path}`, ...(await apiTime(`GET /api/1.0/instances/~${path}`)) });
  await api('POST', '/reservationgroups/delete', { ids: (await api('GET', '/reservationgroups?pageSize=1000')).items.map((g) => g.id) });
  await api('PUT', '/model', { text: MODEL });
  for (const path of ['/pools', '/pools?pageSize=1000']) listingRows.push({ listing: `GET ${path} (model active)`, ...(await apiTime(`GET /api/1.0/instances/~${path}`)) });
  console.table(listingRows);

  console.log(
    `${records.length.toLocaleString('en-US')} feature records, ${total.toLocaleString('en-US')} devices holding counts, ${GROUPS.length * 10} reservation entries; ` +
      `${RUNS} runs per view, each in a fresh browser context; API times are medians of 9 calls.`,
  );
}

try {
  const keys = generateProducerKeys();
  writeFileSync(join(dir, 'producer.pub'), keys.publicKeyPem);
  const records = features();
  writeFileSync(join(dir, 'license.json'), JSON.stringify(signLicense({ licenseId: 'bench', features: records }, keys.privateKeyPem)));

  let t0 = performance.now();
  server = await startServer([
    '--host', '127.0.0.1', '--port', '0', '--data', join(dir, 'data'),
    '--producer-key', join(dir, 'producer.pub'), '--license', join(dir, 'license.json'), '--log-level', 'warn',
  ]);
  const session = await api('POST', '/reset-password', { user: 'admin', currentPassword: server.password, newPassword: PASSWORD });
  token = session.token;
  console.log(`server started with ${records.length.toLocaleString('en-US')} feature records in ${ms(performance.now() - t0)}`);

  t0 = performance.now();
  let refused = 0;
  await inParallel(DEVICES, CONCURRENCY, async (i) => {
    const res = await api('POST', '/capability', capability(i));
    if (res.denied.length > 0) refused++;
  });
  console.log(`${DEVICES.toLocaleString('en-US')} devices took counts in ${ms(performance.now() - t0)} (${CONCURRENCY} capability requests in flight)`);
  t0 = performance.now();
  await api('PUT', '/model', { text: MODEL });
  await inParallel(20, 4, (i) => api('POST', '/users', { name: `operator-${i}`, role: i % 2 ? 'read-only' : 'reservations' }));
  console.log(`model of 2 pools over ${ENG_POOL + BUILD_POOL} features activated, 20 users added in ${ms(performance.now() - t0)}`);

  if (!process.argv.includes('--setup-only')) await measureViews(records);
  if (refused > 0) console.log(`note: ${refused} capability requests were not fully granted`);
} finally {
  await browser?.close();
  if (server) await stopServer(server.child);
  rmSync(dir, { recursive: true, force: true });
}
