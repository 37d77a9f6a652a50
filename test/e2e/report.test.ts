import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportScenario, SCENARIO } from '../support/report-data.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { checkCsv, checkPdf, checkWorkbook } from '../support/export-checks.js';
import { NEW_PASSWORD, openBrowser, SHOTS, untilSettled } from '../support/browser.js';

/** The Usage and Denials report in a real Chromium, on a back office filled with known data. */
describe('the Usage and Denials report in the browser', { timeout: 60_000 }, () => {
  let bo: TestBackoffice;
  let browser: Browser;
  let page: Page;
  let oneTimePassword: string;

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const settled = () => untilSettled(page);
  // textContent, not innerText: chart labels are SVG text.
  const widgetText = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
  /** Moves the mouse to a point of a chart given as fractions of its width and height. */
  const hoverChart = async (testId: string, fx: number, fy: number) => {
    await page.getByTestId(testId).scrollIntoViewIfNeeded();
    const box = (await page.getByTestId(testId).boundingBox())!;
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 4 });
  };

  /** Moves the mouse into a pie's ring at a fraction of the full turn, clockwise from twelve o'clock. */
  const hoverPie = async (testId: string, turn: number) => {
    await page.getByTestId(testId).waitFor();
    await page.getByTestId(testId).scrollIntoViewIfNeeded();
    const box = (await page.getByTestId(testId).boundingBox())!;
    // The pie is centred at 50 % / 45 % with a ring from 35 % to 65 % of the smaller half side.
    const radius = 0.5 * Math.min(box.width, box.height) * 0.5;
    const angle = turn * 2 * Math.PI;
    await page.mouse.move(box.x + box.width / 2 + radius * Math.sin(angle), box.y + box.height * 0.45 - radius * Math.cos(angle), { steps: 4 });
  };

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest(reportScenario(Date.now()));
    const created = await bo.call('POST', '/api/1.0/instances/~/users', { name: 'analyst', role: 'read-only' }, { authorization: `Bearer ${await bo.adminToken()}` });
    oneTimePassword = created.body.oneTimePassword;
    ({ browser, page } = await openBrowser({ acceptDownloads: true }));
  });
  afterAll(async () => {
    await browser?.close();
    await bo?.stop();
  });

  it('asks for a new password at the first login with a one-time password, then shows the overview', async () => {
    await page.goto(bo.url);
    await page.waitForURL('**/login');
    await page.locator('input[name="user"]').fill('analyst');
    await page.locator('input[name="password"]').fill(oneTimePassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByText('choose a new password').count()).toBe(1);
    await page.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    await shot('login');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByRole('heading', { name: 'Unique served clients per feature' }).waitFor();
    await settled();
    expect(await page.getByTestId('figure-denials').innerText()).toBe(String(SCENARIO.denials.total));
    await shot('overview');
  });

  it('example 1: shows how many distinct clients share the concurrent licenses of a feature', async () => {
    const text = await widgetText('widget-clients');
    expect(text).toContain('cad');
    // Bars are labelled with their values: devices then users, per feature.
    const labels = await page.getByTestId('clients-chart').locator('text').allTextContents();
    expect(labels).toContain(String(SCENARIO.uniqueDevices.cad));
    expect(labels).toContain(String(SCENARIO.uniqueDevices.sim));
    // The tooltip of the first feature (cad, most clients) gives devices, users and licenses.
    await hoverChart('clients-chart', 0.3, 0.6);
    await expect.poll(() => widgetText('widget-clients')).toContain(`Devices: ${SCENARIO.uniqueDevices.cad}`);
    // A click on the feature narrows the whole report to it.
    await page.getByTestId('clients-chart').click({ position: { x: (await page.getByTestId('clients-chart').boundingBox())!.width * 0.3, y: 200 } });
    await expect.poll(() => new URL(page.url()).searchParams.get('features')).toBe('cad');
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('features')).toBeNull();
  });

  it('example 2: drills into an account, then lists its events at 80 % utilization or more', async () => {
    await settled();
    const accounts = await widgetText('widget-accounts');
    expect(accounts).toContain(`${SCENARIO.activeAccounts.acme}`);
    // The first bar is the most active account, acme.
    await page.locator('[data-testid="accounts-chart"] path[fill="#1f5fa8"]').first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('accounts')).toBe('acme');
    await expect.poll(() => page.getByTestId('filter-chip').allInnerTexts()).toEqual(['Account: acme']);
    await settled();

    await page.getByRole('tab', { name: 'All events' }).click();
    await page.waitForURL('**/events?**');
    await settled();
    // The column chooser shows Usage Percentage among the visible columns.
    await page.getByRole('button', { name: 'Columns' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Usage Percentage' }).isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('columnheader', { name: 'Usage Percentage' }).count()).toBe(1);

    // A column condition: Usage Percentage >= 80.
    await page.getByRole('combobox', { name: 'Column' }).click();
    await page.getByRole('option', { name: 'Usage Percentage', exact: true }).click();
    await page.getByRole('combobox', { name: 'Condition' }).click();
    await page.getByRole('option', { name: '≥', exact: true }).click();
    await page.getByTestId('condition-value').fill('80');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('where'), { timeout: 10_000 }).toBe('usagePercentage>=80');
    await settled();
    await expect.poll(() => page.locator('.MuiDataGrid-row').count(), { timeout: 10_000 }).toBe(SCENARIO.acmeEventsAtOrAbove80);
    const percentages = await page.locator('.MuiDataGrid-row [data-field="usagePercentage"]').allInnerTexts();
    expect(percentages.map((p) => Number(p.replace('%', ''))).every((p) => p >= 80)).toBe(true);
    const rowAccounts = await page.locator('.MuiDataGrid-row [data-field="accountId"]').allInnerTexts();
    expect(new Set(rowAccounts)).toEqual(new Set(['acme']));
    // Each event's feature opens its details in the License Server Manager.
    const featureCell = page.locator('.MuiDataGrid-row [data-field="feature"]').first();
    expect(await featureCell.getByTestId('manager-link').getAttribute('href')).toBe(`/manager/features?name=${encodeURIComponent(await featureCell.innerText())}`);
    await shot('events');
  });

  it('example 3: exports the account\'s report as CSV, Excel and PDF', async () => {
    expect(new URL(page.url()).searchParams.get('accounts')).toBe('acme');
    const exportFile = async (label: string) => {
      await page.getByRole('button', { name: 'Export' }).click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: label }).click()]);
      const path = join(SHOTS, download.suggestedFilename());
      await download.saveAs(path);
      return path;
    };
    const rows = checkCsv(await exportFile('CSV (table)'));
    expect(rows.length).toBe(SCENARIO.acmeEventsAtOrAbove80);
    expect(new Set(rows.map((r) => r['Account ID']))).toEqual(new Set(['acme']));
    const workbook = await checkWorkbook(await exportFile('Excel workbook'));
    expect(workbook.getWorksheet('Events')!.rowCount).toBe(1 + SCENARIO.acmeEventsAtOrAbove80);
    checkPdf(await exportFile('PDF (table)'));
  });

  it('example 4: shows the common denial reasons with their share, and only true denials on demand', async () => {
    await page.goto(`${bo.url}/`);
    await settled();
    // A click on the distribution opens the denials page, filtered to the code.
    await hoverPie('denials-pie', 0.2);
    await page.mouse.down();
    await page.mouse.up();
    await page.waitForURL('**/denials?**');
    expect(new URL(page.url()).searchParams.get('codes')).toBe('7');
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('tab', { name: 'Denials' }).click();
    await page.waitForURL((url) => url.pathname === '/denials');
    await settled();
    const pie = await widgetText('widget-denials');
    for (const [code, [, percentage]] of Object.entries(SCENARIO.denials.byCode)) {
      expect(pie).toContain(`${percentage}%`);
      expect(pie).toContain(code);
    }
    // Hovering the largest slice (code 7, from twelve o'clock clockwise) names the reason and its share.
    await hoverPie('denials-pie', 0.2);
    await expect.poll(() => widgetText('widget-denials')).toContain(`${SCENARIO.denials.byCode[7][0]} denials · ${SCENARIO.denials.byCode[7][1]}%`);
    expect(await widgetText('widget-denials')).toContain('Insufficient count (7)');
    // Bars and their value labels come in the same order: acme 9, globex 8, initech 3.
    const bars = await page.getByTestId('denials-by-account-chart').locator('text').allTextContents();
    const accounts = Object.keys(SCENARIO.denials.byAccount);
    expect(bars.filter((t) => accounts.includes(t))).toEqual(accounts);
    expect(bars.filter((t) => /^\d+$/.test(t)).slice(-3)).toEqual(Object.values(SCENARIO.denials.byAccount).map(String));
    expect(await page.getByTestId('denial-row').count()).toBe(SCENARIO.denials.total);
    // A denied feature opens its details in the License Server Manager this back office serves.
    const managerLink = page.getByTestId('denial-row').first().getByTestId('manager-link');
    expect(await managerLink.getAttribute('href')).toBe(`/manager/features?name=${encodeURIComponent(await managerLink.innerText())}`);
    await shot('denials');

    await page.getByLabel(/True denials only/).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('true')).toBe('1');
    await settled();
    await expect.poll(() => page.getByTestId('denial-row').count()).toBe(SCENARIO.denials.trueTotal);
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${bo.url}/?accounts=acme`);
    await settled();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('overview-phone');
  });
});
