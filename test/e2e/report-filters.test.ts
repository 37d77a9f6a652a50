import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportScenario } from '../support/report-data.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';
import { openBrowser, SHOTS, untilSettled } from '../support/browser.js';

/** The capacity line's colour (UsageOverTimeChart.tsx). */
const CAP_COLOUR = '#7f8c8d';

/**
 * The report's filters and time in a real Chromium: one filter row, the drawer, the custom
 * range form, time grouping, data as of and refresh. The scenario's events lie in the last day
 * and a half, so the default 30 days hold them in two days: sparse data.
 */
describe('the report\'s filters and time in the browser', { timeout: 90_000 }, () => {
  let bo: TestBackoffice;
  let browser: Browser;
  let page: Page;

  const url = () => new URL(page.url());
  const settled = () => untilSettled(page);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `filters-${name}.png`), fullPage: true });
  const widgetResponse = (widget: string, test: (params: URLSearchParams) => boolean = () => true) =>
    page.waitForResponse((r: Response) => {
      const u = new URL(r.url());
      return u.pathname.endsWith(`/usage-denials/${widget}`) && test(u.searchParams);
    });
  /** Markers of a colour in a chart: small painted shapes (the line itself is long). */
  const markers = (testId: string, colour: string) =>
    page.evaluate<number>(`(() => {
      const svg = document.querySelector('[data-testid="${testId}"] svg');
      if (!svg) return -1;
      return [...svg.querySelectorAll('path')].filter((e) => {
        const box = e.getBoundingClientRect();
        return e.getAttribute('stroke') === '${colour}' && box.width > 0 && box.width < 16 && box.height < 16;
      }).length;
    })()`);
  const chooseInSelect = async (label: string, option: string) => {
    await page.getByRole('combobox', { name: label }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    bo = await startTestBackoffice();
    await bo.warehouse.ingest(reportScenario(Date.now()));
    await bo.adminToken();
    ({ browser, page } = await openBrowser({ viewport: { width: 1440, height: 900 } }));
    // The browser's clock can be moved on, so that an automatic refresh comes without waiting for it.
    await page.clock.install();
    await page.goto(bo.url);
    await page.waitForURL('**/login');
    await page.locator('input[name="user"]').fill('admin');
    await page.locator('input[name="password"]').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('usage-chart').waitFor({ timeout: 20_000 });
    await settled();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await bo?.stop();
  });

  it('shows the few points of a sparse range as markers on a time axis', async () => {
    // Two days of data in thirty: each point is drawn as a marker.
    await expect.poll(() => markers('usage-chart', CAP_COLOUR)).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('combobox', { name: 'Group by' }).textContent()).toBe('Automatic (day)');
    await shot('overview-1440');
  });

  it('groups charts over time by the period chosen, keeps it in the URL, and offers no grouping too fine for the range', async () => {
    const weekly = widgetResponse('concurrent-usage', (p) => p.get('bucket') === 'week');
    await chooseInSelect('Group by', 'Week');
    const body = (await (await weekly).json()) as { bucket: string; rows: Array<{ bucketStart: string }> };
    expect(body.bucket).toBe('week');
    // Weeks start on Monday.
    expect(body.rows.every((r) => new Date(r.bucketStart).getUTCDay() === 1)).toBe(true);
    expect(url().searchParams.get('bucket')).toBe('week');
    await expect.poll(() => page.getByRole('combobox', { name: 'Group by' }).textContent()).toBe('Week');
    await page.reload();
    await page.getByTestId('usage-chart').waitFor();
    expect(await page.getByRole('combobox', { name: 'Group by' }).textContent()).toBe('Week');
    // The denials page's chart over time groups the same way.
    const denials = widgetResponse('denials-over-time', (p) => p.get('bucket') === 'week');
    await page.getByRole('tab', { name: 'Denials' }).click();
    expect(((await (await denials).json()) as { bucket: string }).bucket).toBe('week');
    await page.getByRole('tab', { name: 'Overview' }).click();
    // Over twelve months, hours would be too many periods: not offered.
    await chooseInSelect('Time range', 'Last 12 months');
    await settled();
    await page.getByRole('combobox', { name: 'Group by' }).click();
    expect(await page.getByRole('option', { name: 'Hour', exact: true }).getAttribute('aria-disabled')).toBe('true');
    await page.getByRole('option', { name: 'Automatic', exact: true }).click();
    await expect.poll(() => url().searchParams.get('bucket')).toBeNull();
    await chooseInSelect('Time range', 'Last 30 days');
    await settled();
  });

  it('refuses an inverted or empty custom range in the form and sends nothing', async () => {
    await page.getByRole('combobox', { name: 'Time range' }).click();
    await page.getByRole('option', { name: 'Custom…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Custom time range' });
    await dialog.getByLabel('From').fill('2026-03-10T10:00');
    await dialog.getByLabel('To').fill('2026-03-01T10:00');
    await expect.poll(() => dialog.textContent()).toContain('Must be after the start');
    expect(await dialog.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
    await dialog.getByLabel('To').fill('');
    await expect.poll(() => dialog.textContent()).toContain('Enter the end of the range');
    await shot('custom-range-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(url().searchParams.get('range')).toBeNull();
    expect(url().searchParams.get('from')).toBeNull();
  });

  it('has one model filter: the overview\'s switch, and the drawer\'s field on the other pages', async () => {
    await page.getByRole('button', { name: 'Metered' }).click();
    await expect.poll(() => url().searchParams.get('model')).toBe('metered');
    await expect.poll(() => page.getByTestId('filter-chip').allInnerTexts()).toEqual(['License model: Metered']);
    // On the overview the drawer has no second model control.
    await page.getByRole('button', { name: 'More filters' }).click();
    const drawer = page.getByRole('form', { name: 'More filters' });
    await drawer.waitFor();
    expect(await drawer.getByRole('combobox', { name: 'License model' }).count()).toBe(0);
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('tab', { name: 'Denials' }).click();
    await page.waitForURL((u) => u.pathname === '/denials');
    await settled();
    await shot('denials-1440');
    await page.getByRole('button', { name: 'More filters' }).click();
    expect(await drawer.getByRole('combobox', { name: 'License model' }).textContent()).toBe('Metered');
    await drawer.getByRole('combobox', { name: 'License model' }).click();
    await page.getByRole('option', { name: 'Concurrent' }).click();
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => url().searchParams.get('model')).toBe('concurrent');
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.getByRole('button', { name: 'Concurrent', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('filter-chip').filter({ hasText: 'License model' }).locator('svg').click();
    await expect.poll(() => url().searchParams.get('model')).toBeNull();
  });

  it('says on a widget which filter in force it ignores', async () => {
    await page.getByRole('button', { name: 'More filters' }).click();
    const drawer = page.getByRole('form', { name: 'More filters' });
    await drawer.getByRole('combobox', { name: 'Event kinds' }).click();
    await page.getByRole('option', { name: 'checkout', exact: true }).click();
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => url().searchParams.get('kinds')).toBe('checkout');
    await settled();
    expect(await page.getByTestId('widget-usage').getByTestId('widget-ignores').textContent()).toBe('Ignores: Event kinds');
    expect(await page.getByTestId('widget-denials').getByTestId('widget-ignores').textContent()).toBe('Ignores: Event kinds');
    // The ranking is narrowed by event kinds: nothing said.
    expect(await page.getByTestId('widget-accounts').getByTestId('widget-ignores').count()).toBe(0);
    await shot('ignored-filter');
    await page.getByRole('button', { name: 'Clear all' }).or(page.getByTestId('filter-chip').filter({ hasText: 'Event kind' }).locator('svg')).first().click();
    await expect.poll(() => url().searchParams.get('kinds')).toBeNull();
  });

  it('says how fresh the data is, and refreshes on demand and by itself', async () => {
    await expect.poll(() => page.getByTestId('data-as-of').textContent()).toMatch(/^Data as of \S/);
    let asked = widgetResponse('concurrent-usage');
    await page.getByRole('button', { name: 'Refresh the report now' }).click();
    await asked;
    // Every minute, chosen in this browser and kept.
    await chooseInSelect('Auto-refresh', 'Every 1 min');
    expect(await page.evaluate<string | null>("localStorage.getItem('tally.report.refreshMinutes')")).toBe('1');
    asked = widgetResponse('concurrent-usage');
    const freshness = widgetResponse('data-as-of');
    await page.clock.fastForward('01:05');
    await Promise.all([asked, freshness]);
    // The page keeps its data on screen: no loading state.
    expect(await page.locator('[data-state="loading"]').count()).toBe(0);
    await chooseInSelect('Auto-refresh', 'Off');
  });

  it('keeps the filter row to one line on a phone, its drawer a sheet from the bottom that applies', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId('usage-chart').waitFor();
    await settled();
    const row = (await page.getByRole('region', { name: 'Filters' }).boundingBox())!;
    expect(row.height).toBeLessThan(60);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await shot('overview-390');
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    const drawer = page.getByRole('form', { name: 'More filters' });
    await drawer.waitFor();
    const sheet = (await drawer.boundingBox())!;
    expect(sheet.width).toBeGreaterThan(380);
    expect(Math.round(sheet.y + sheet.height)).toBeGreaterThanOrEqual(840);
    // On a phone the sheet has the row's list filters too.
    expect(await drawer.getByRole('combobox', { name: 'Accounts' }).count()).toBe(1);
    await drawer.getByLabel('Search device or user').fill('acme-ws-01');
    await shot('drawer-390');
    await drawer.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => url().searchParams.get('search')).toBe('acme-ws-01');
    await expect.poll(() => page.getByTestId('filter-chip').allInnerTexts()).toEqual(['Search: acme-ws-01']);
    await page.getByRole('tab', { name: 'Denials' }).click();
    await page.waitForURL((u) => u.pathname === '/denials');
    await settled();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await shot('denials-390');
  });
});
