import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/licensing/usage-event.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { buildEvent } from '../support/factories.js';
import { NEW_PASSWORD, openBrowser, SHOTS, untilSettled } from '../support/browser.js';

/** Markup that would run if it reached the page as HTML: it calls the page's `xss` binding. */
const payload = (field: string) => `<img src=x onerror="xss('${field}')"><b>${field}</b>`;
const MARKUP = {
  feature: payload('feature'),
  account: payload('account'),
  instance: payload('instance'),
  device: payload('device'),
  alias: payload('alias'),
  user: payload('user'),
  pool: payload('pool'),
};

/** Texts of a PDF: pdfkit writes each line as hex strings of WinAnsi codes in (possibly deflated) content streams. */
function pdfText(pdf: Buffer): string {
  const latin = pdf.toString('latin1');
  const streams: string[] = [];
  for (const m of latin.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = latin.indexOf('endstream', start);
    const raw = pdf.subarray(start, end);
    try {
      streams.push(inflateSync(raw).toString('latin1'));
    } catch {
      streams.push(raw.toString('latin1'));
    }
  }
  const text: string[] = [];
  for (const s of streams) {
    for (const block of s.matchAll(/\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/gs)) {
      const hex = block[1] !== undefined ? [...block[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('') : block[2]!;
      text.push(Buffer.from(hex, 'hex').toString('latin1'));
    }
  }
  return text.join('\n');
}

/**
 * Every text field of an event carries markup: the report must show it as text and run none of
 * it, in each page, in chart labels, legends and tooltips, in tables, and in the exports.
 */
describe('the report in the browser with markup in every text field', { timeout: 90_000 }, () => {
  let bo: TestBackoffice;
  let browser: Browser;
  let page: Page;
  const ran: string[] = [];
  const violations: string[] = [];

  const settled = () => untilSettled(page);
  const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
  /** Moves the mouse over a chart at fractions of its size, and answers the widget's text at each point (tooltips included). */
  const hover = async (chart: string, widget: string, fx: number, ...fys: number[]) => {
    await page.getByTestId(chart).scrollIntoViewIfNeeded();
    const box = (await page.getByTestId(chart).boundingBox())!;
    const texts: string[] = [];
    for (const fy of fys) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 4 });
      await page.waitForTimeout(300);
      texts.push(await text(widget));
    }
    return texts.join('\n');
  };
  /** Nothing ran, nothing was refused by the policy, and no element came from the markup. */
  const nothingRan = async () => {
    expect(ran).toEqual([]);
    expect(violations).toEqual([]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  };

  beforeAll(async () => {
    bo = await startTestBackoffice();
    const { instanceId, credential } = await bo.register('acme');
    const now = Date.now();
    const ts = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const base: Partial<UsageEvent> = { instanceId, accountId: 'acme', feature: MARKUP.feature, deviceId: MARKUP.device, deviceAlias: MARKUP.alias, user: MARKUP.user, pool: MARKUP.pool, capacity: 5 };
    // Through the sync API, as a license server holding an instance credential sends them.
    const synced = [
      buildEvent({ ...base, ts: ts(300), kind: 'checkout', inUseAfter: 1 }),
      buildEvent({ ...base, ts: ts(200), kind: 'checkout', inUseAfter: 2 }),
      buildEvent({ ...base, ts: ts(100), kind: 'deny', statusCode: 7, inUseAfter: 2 }),
    ];
    const res = await bo.call('POST', '/usage/api/1.0/sync', { instanceId, events: synced }, { authorization: `Bearer ${credential}` });
    expect(res.status).toBe(200);
    // Account and instance names come from imports and monitors, which take them as the logs write them.
    await bo.warehouse.ingest([
      buildEvent({ ...base, instanceId: MARKUP.instance, accountId: MARKUP.account, ts: ts(90), kind: 'checkout', inUseAfter: 1 }),
      buildEvent({ ...base, instanceId: MARKUP.instance, accountId: MARKUP.account, ts: ts(80), kind: 'deny', statusCode: 7, inUseAfter: 1 }),
    ]);

    ({ browser, page } = await openBrowser());
    await page.exposeBinding('xss', (_source, field: string) => void ran.push(field));
    // Every refusal by the Content-Security-Policy, whether markup or the app itself caused it.
    await page.exposeBinding('cspViolation', (_source, what: string) => void violations.push(what));
    await page.addInitScript({ content: `document.addEventListener('securitypolicyviolation', (e) => window.cspViolation(e.violatedDirective + ' ' + e.blockedURI));` });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });

    await page.goto(bo.url);
    await page.waitForURL('**/login');
    await page.locator('input[name="user"]').fill('admin');
    const created = await bo.call('POST', '/api/1.0/instances/~/users', { name: 'viewer', role: 'read-only' }, { authorization: `Bearer ${await bo.adminToken()}` });
    await page.locator('input[name="user"]').fill('viewer');
    await page.locator('input[name="password"]').fill(created.body.oneTimePassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByRole('heading', { name: 'Unique served clients per feature' }).waitFor();
    await settled();
  });
  afterAll(async () => {
    await browser?.close();
    await bo?.stop();
  });

  it('shows the markup as text in the overview\'s charts, labels and tooltips, and runs none of it', async () => {
    // Axis labels are SVG text: the markup is there as characters.
    expect(await text('widget-clients')).toContain(MARKUP.feature);
    expect(await hover('clients-chart', 'widget-clients', 0.5, 0.6)).toContain(`${MARKUP.feature}Devices: 1`);
    // Bar labels are cut to fit; the tooltip of each bar gives its whole name.
    expect(await hover('accounts-chart', 'widget-accounts', 0.5, 0.2, 0.4, 0.6, 0.8)).toContain(`${MARKUP.account}Usage: 1`);
    expect(await hover('instances-chart', 'widget-instances', 0.5, 0.2, 0.4, 0.6, 0.8)).toContain(`${MARKUP.instance}Usage: 1`);
    await hover('usage-chart', 'widget-usage', 0.9, 0.6);
    await hover('denials-pie', 'widget-denials', 0.5, 0.3);
    await page.screenshot({ path: join(SHOTS, 'markup-overview.png'), fullPage: true });
    await nothingRan();
  });

  it('shows a drilled-into feature with markup as text in its filter chip', async () => {
    await page.goto(`${bo.url}/?features=${encodeURIComponent(MARKUP.feature)}`);
    await settled();
    expect(await page.getByTestId('filter-chip').allTextContents()).toEqual([`Feature: ${MARKUP.feature}`]);
    expect(await hover('clients-chart', 'widget-clients', 0.5, 0.6)).toContain(MARKUP.feature);
    await nothingRan();
  });

  it('shows the markup as text on the denials page: charts, tooltips and the summary table', async () => {
    await page.goto(`${bo.url}/denials`);
    await settled();
    expect(await hover('denials-by-account-chart', 'widget-denials-by-account', 0.5, 0.2, 0.4, 0.6, 0.8)).toContain(`${MARKUP.account}Denials: 1`);
    await hover('denials-pie', 'widget-denials', 0.5, 0.3);
    const summary = await text('widget-denials-summary');
    for (const value of [MARKUP.account, MARKUP.user, MARKUP.alias, MARKUP.device, MARKUP.feature]) expect(summary).toContain(value);
    await page.screenshot({ path: join(SHOTS, 'markup-denials.png'), fullPage: true });
    await nothingRan();
  });

  it('shows the markup as text in every column of the events listing', async () => {
    await page.goto(`${bo.url}/events?hide=,`);
    await settled();
    await expect.poll(() => page.locator('.MuiDataGrid-row').count()).toBe(5);
    for (const [field, value] of [['feature', MARKUP.feature], ['accountId', MARKUP.account], ['instanceId', MARKUP.instance], ['deviceId', MARKUP.device], ['alias', MARKUP.alias], ['user', MARKUP.user], ['pool', MARKUP.pool]] as const) {
      expect(await page.locator(`.MuiDataGrid-row [data-field="${field}"]`).allTextContents(), field).toContain(value);
    }
    await page.screenshot({ path: join(SHOTS, 'markup-events.png'), fullPage: true });
    await nothingRan();
  });

  it('keeps the API reference working under the same policy', async () => {
    await page.goto(`${bo.url}/docs`);
    await page.getByText('/usage/api/1.0/sync').first().waitFor();
    await nothingRan();
  });

  it('prints the markup literally in the PDFs, in tables and chart labels', async () => {
    const auth = { authorization: `Bearer ${await bo.adminToken()}` };
    const overview = pdfText(Buffer.from(await (await fetch(`${bo.url}/api/reports/usage-denials/overview.pdf`, { headers: auth })).arrayBuffer()));
    for (const value of [MARKUP.feature, MARKUP.account, MARKUP.instance]) expect(overview).toContain(value);
    const denials = pdfText(Buffer.from(await (await fetch(`${bo.url}/api/reports/usage-denials/denials.pdf`, { headers: auth })).arrayBuffer()));
    expect(denials).toContain(MARKUP.account);
    // Nothing is written as an entity the reader would see instead of the text.
    expect(overview + denials).not.toMatch(/&lt;|&gt;|&quot;|&amp;/);
  });
});
