// npm run bench:report [-- --events N] [--runs 3]
/* global document -- the functions given to page.evaluate run in the page */
// Fills a warehouse with N events (default 10 million, by SQL inside DuckDB as
// `bench:warehouse --in-engine` does), starts a back office on it, and loads each page of the
// report in Chromium: the time from navigation until every widget shows its data (a fresh
// browser context each run, so the JavaScript is fetched and parsed every time), for the
// default range (last 30 days) and for the last 12 months; then the gzipped JavaScript each
// page loads.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startBackoffice } from '../dist/backoffice/main.js';
import { loadSettings } from '../dist/common/config.js';
import { createLogger } from '../dist/common/log.js';
import { chromiumPath } from '../scripts/chromium-path.mjs';
import { fillInEngine } from './warehouse-fill.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const total = arg('events', 10_000_000);
const runs = arg('runs', 3);
const dir = mkdtempSync(join(tmpdir(), 'tally-bench-report-'));
const PAGES = [
  ['overview', '/'],
  ['denials', '/denials'],
  ['events', '/events'],
  ['sessions', '/sessions'],
  ['utilization', '/utilization'],
];
const RANGES = [
  ['last 30 days (default)', ''],
  ['last 12 months', '?range=12m'],
];
const WEB = new URL('../dist/web/', import.meta.url).pathname;

let bo;
let browser;
try {
  const dataDir = join(dir, 'bo');
  await fillInEngine(join(dataDir, 'warehouse.duckdb'), { total, end: Date.now() });
  bo = await startBackoffice({
    settings: loadSettings({ env: {}, overrides: { 'backoffice.host': '127.0.0.1', 'backoffice.port': 0, 'backoffice.dataDir': dataDir, 'log.level': 'silent' } }),
    log: createLogger('silent'),
    announce: () => {},
  });
  const login = await fetch(`${bo.url}/api/1.0/instances/~/reset-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'admin', currentPassword: readFileSync(join(dataDir, 'admin-password.txt'), 'utf8').trim(), newPassword: 'bench password 12345' }),
  });
  const session = await login.json();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });

  const rows = [];
  const scripts = new Map();
  for (const [range, query] of RANGES) {
    for (const [name, path] of PAGES) {
      const times = [];
      for (let run = 0; run < runs; run++) {
        // The bench's own wait for the widgets is script the page's Content-Security-Policy would refuse.
        const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
        // The key the app keeps a session under: `tally.session:<origin>:<instance>` (the back office itself: '' and ~).
        await context.addInitScript(`sessionStorage.setItem('tally.session::~', ${JSON.stringify(JSON.stringify(session))})`);
        const page = await context.newPage();
        const loaded = new Set();
        page.on('response', (res) => {
          const url = new URL(res.url());
          if (url.pathname.endsWith('.js')) loaded.add(url.pathname);
        });
        const t0 = performance.now();
        await page.goto(`${bo.url}${path}${query}`);
        // Every widget has left its loading state (and no page chunk is still coming).
        try {
          await page.waitForFunction(
            `document.querySelectorAll('[data-testid^="widget-"]').length > 0 && document.querySelectorAll('[data-state="loading"], [role="progressbar"], .MuiDataGrid-overlay').length === 0`,
            null,
            { timeout: 120_000, polling: 10 },
          );
        } catch (error) {
          await page.screenshot({ path: '/tmp/bench-report-stuck.png' });
          const waiting = await page.evaluate(() => [...document.querySelectorAll('[data-state="loading"], [role="progressbar"]')].map((e) => e.getAttribute('data-testid') ?? e.outerHTML.slice(0, 200)));
          throw new Error(`${name} (${range}) did not finish loading in 2 minutes; still loading: ${waiting.join(', ') || 'a progress bar or the grid'}`, { cause: error });
        }
        times.push(performance.now() - t0);
        scripts.set(name, loaded);
        await context.close();
      }
      const sorted = [...times].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      rows.push({ page: name, range, first: `${Math.round(times[0])} ms`, median: `${Math.round(median)} ms`, target: '< 1500 ms', result: median < 1500 ? 'met' : 'MISSED' });
    }
  }
  console.table(rows);

  const sizes = [...scripts.entries()].map(([name, loaded]) => {
    const gz = [...loaded].reduce((sum, p) => sum + statSync(join(WEB, `${p}.gz`)).size, 0);
    return { page: name, 'JS files': loaded.size, 'JS gzipped': `${(gz / 1024).toFixed(0)} KB`, target: '< 500 KB', result: gz < 500 * 1024 ? 'met' : 'MISSED' };
  });
  console.table(sizes);
  console.log(`${total.toLocaleString()} events in the warehouse; ${runs} runs per page, each in a fresh browser context.`);
} finally {
  await browser?.close();
  await bo?.close();
  rmSync(dir, { recursive: true, force: true });
}
