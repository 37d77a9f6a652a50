import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THEME_COLORS } from '../../web/src/app/theme-colors.js';
import { reportScenario, SCENARIO } from '../support/report-data.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { NEW_PASSWORD, openBrowser, SHOTS, untilSettled } from '../support/browser.js';

/** An rgb()/rgba() colour as CSS reports it, as WCAG relative luminance. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [dark, light] = [luminance(a), luminance(b)].sort((x, y) => x - y) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};
const hexToRgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

/** The report and the back office pages for keyboard, screen reader and dark-theme users. */
describe('the back office web app, accessibly', { timeout: 60_000 }, () => {
  let bo: TestBackoffice;
  let browser: Browser;
  let page: Page;
  const settled = () => untilSettled(page);
  const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `accessibility-${name}.png`), fullPage: true });
  const headings = (p: Page) => p.locator('h1').allTextContents();

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest(reportScenario(Date.now()));
    // One account the registry names; the others came from log sources it does not know.
    bo.registry.addAccount({ id: 'acme', name: 'Acme Corporation' });
    ({ browser, page } = await openBrowser({ colorScheme: 'light' }));
  });
  afterAll(async () => {
    await browser?.close();
    await bo?.stop();
  });

  it('gives every page one h1 and a title of its own, and a skip link first that moves focus to the main content', async () => {
    await page.goto(bo.url);
    await page.waitForURL('**/login');
    expect(await headings(page)).toEqual(['Tally back office']);
    expect(await page.title()).toMatch(/^Log in · /);
    const created = await bo.call('POST', '/api/1.0/instances/~/users', { name: 'reader', role: 'read-only' }, { authorization: `Bearer ${await bo.adminToken()}` });
    await page.locator('input[name="user"]').fill('reader');
    await page.locator('input[name="password"]').fill(created.body.oneTimePassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByRole('heading', { name: 'Unique served clients per feature' }).waitFor();

    const titles = new Set<string>();
    for (const [path, heading] of [
      ['/', 'Usage and Denials: Overview'],
      ['/denials', 'Usage and Denials: Denials'],
      ['/events', 'Usage and Denials: All events'],
      ['/licensing/products', 'Products'],
      ['/licensing/cloud-instances', 'Cloud instances'],
    ] as const) {
      await page.goto(bo.url + path);
      await page.locator('h1').first().waitFor();
      expect(await headings(page), path).toEqual([heading]);
      titles.add(await page.title());
      // The skip link is the first stop of the tab order, and takes focus past the bar and the tabs.
      await page.keyboard.press('Tab');
      expect(await page.evaluate<string>('document.activeElement?.textContent'), path).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect(await page.evaluate<string>('document.activeElement?.id'), path).toBe('main-content');
      expect(await page.locator('main#main-content').count()).toBe(1);
      expect(await page.locator('header nav').count()).toBe(1);
    }
    expect(titles.size).toBe(5);
  });

  it('reaches a chart by keyboard: arrows announce each bar by name, Enter drills down as a click does', async () => {
    await page.goto(`${bo.url}/denials`);
    await settled();
    const chart = page.getByTestId('denials-by-account-chart');
    expect(await chart.getAttribute('tabindex')).toBe('0');
    const focused = () => page.evaluate<string | undefined>('document.activeElement?.dataset.testid');
    for (let i = 0; i < 60 && (await focused()) !== 'denials-by-account-chart'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('denials-by-account-chart');
    await page.keyboard.press('ArrowDown');
    const announced = page.getByTestId('denials-by-account-chart-announcement');
    await expect.poll(() => announced.textContent()).toContain(`Acme Corporation: ID acme, Denials ${SCENARIO.denials.byAccount.acme}`);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => announced.textContent()).toContain(`globex: ID globex, Denials ${SCENARIO.denials.byAccount.globex} (2 of 3)`);
    // The highlighted bar shows its tooltip, which names the account and gives its ID.
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.getByTestId('widget-denials-by-account').textContent()).toContain('ID acme');
    await shot(page, 'keyboard-chart');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('accounts')).toBe('acme');
    // The URL keeps the ID; the chip shows the name, with the ID on hover.
    const chip = page.getByTestId('filter-chip').first();
    await expect.poll(() => chip.textContent()).toBe('Account: Acme Corporation');
    expect(await chip.getAttribute('title')).toBe('acme');
    await settled();
    const accountCell = page.getByTestId('denial-row').first().locator('td').nth(1);
    expect(await accountCell.textContent()).toBe('Acme Corporation');
    expect(await accountCell.locator('span').getAttribute('title')).toBe('Account ID acme');
    expect(await page.getByTestId('denial-row').first().locator('td').nth(5).textContent()).toMatch(/^(Insufficient count \(7\)|Rule rejection \(80\)|Filter rejection \(67\))$/);
  });

  it('shows any chart as a table of its values, and denial reasons in sentence case with their code', async () => {
    await page.goto(`${bo.url}/denials`);
    await settled();
    const widget = page.getByTestId('widget-denials');
    // The legend lists every code, without paging.
    for (const reason of ['Insufficient count (7)', 'Expired (11)', 'Not available (15)', 'Rule rejection (80)', 'Filter rejection (67)']) expect(await widget.getByRole('listitem').allTextContents()).toContain(reason);
    await widget.getByRole('button', { name: 'View as table' }).click();
    const table = page.getByTestId('denials-pie-table');
    const rows = await Promise.all((await table.locator('tbody tr').all()).map((tr) => tr.locator('th, td').allTextContents()));
    expect(rows).toContainEqual(['Insufficient count (7)', String(SCENARIO.denials.byCode[7][0]), String(SCENARIO.denials.byCode[7][1])]);
    expect(rows).toHaveLength(Object.keys(SCENARIO.denials.byCode).length);
    await widget.getByRole('button', { name: 'View as chart' }).click();
    await page.getByTestId('denials-pie').waitFor();

    // Every chart on the overview has the same switch; the ranking's table names accounts and gives their IDs.
    await page.goto(bo.url);
    await settled();
    expect(await page.getByRole('button', { name: 'View as table' }).count()).toBeGreaterThanOrEqual(4);
    await page.getByTestId('widget-accounts').getByRole('button', { name: 'View as table' }).click();
    const ranking = await page.getByTestId('accounts-chart-table').locator('tbody tr').first().locator('th, td').allTextContents();
    expect(ranking).toEqual(['Acme Corporation', 'acme', String(SCENARIO.activeAccounts.acme)]);
  });

  it('follows a dark system theme with readable text, and keeps the theme the user picks', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1440, height: 900 } });
    // The same login: the session lives in the tab's session storage.
    const session = await page.evaluate<string>('JSON.stringify(Object.entries(sessionStorage))');
    await context.addInitScript({ content: `for (const [k, v] of ${session}) sessionStorage.setItem(k, v);` });
    const dark = await context.newPage();
    await dark.goto(`${bo.url}/denials`);
    await untilSettled(dark);
    const colors = await dark.evaluate<{ page: string; paper: string; text: string }>(`(() => {
      const card = document.querySelector('[data-testid="widget-denials"]');
      return { page: getComputedStyle(document.body).backgroundColor, paper: getComputedStyle(card).backgroundColor, text: getComputedStyle(card.querySelector('h2')).color };
    })()`);
    expect(colors.page).toBe(hexToRgb(THEME_COLORS.dark.background));
    expect(colors.paper).toBe(hexToRgb(THEME_COLORS.dark.paper));
    expect(contrast(colors.text, colors.paper)).toBeGreaterThanOrEqual(4.5);
    // The chart's axis labels are light on the dark paper.
    const axisText = await dark.evaluate<string>(`getComputedStyle(document.querySelector('[data-testid="denials-by-account-chart"] text')).fill`);
    expect(contrast(axisText, colors.paper)).toBeGreaterThanOrEqual(3);
    await shot(dark, 'dark-denials');
    await context.close();

    // On a light system, the switch turns the app dark, and the choice outlives a reload.
    await page.goto(bo.url);
    await page.getByRole('button', { name: /^Theme: System/ }).click();
    await page.getByRole('menuitemradio', { name: 'Dark' }).click();
    await expect.poll(() => page.evaluate<string>('getComputedStyle(document.body).backgroundColor')).toBe(hexToRgb(THEME_COLORS.dark.background));
    await page.reload();
    await page.getByRole('button', { name: 'Theme: Dark' }).waitFor();
    expect(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor')).toBe(hexToRgb(THEME_COLORS.dark.background));
    await page.getByRole('button', { name: 'Theme: Dark' }).click();
    await page.getByRole('menuitemradio', { name: /^System/ }).click();
    await expect.poll(() => page.evaluate<string>('getComputedStyle(document.body).backgroundColor')).toBe(hexToRgb(THEME_COLORS.light.background));
  });
});
