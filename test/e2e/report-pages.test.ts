import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportScenario } from '../support/report-data.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { buildEvent } from '../support/factories.js';
import { NEW_PASSWORD, openBrowser, SHOTS, untilSettled } from '../support/browser.js';

/** The report's events grid, denial insights, sessions and utilization pages in a real Chromium. */
describe('the report’s daily pages in the browser', { timeout: 60_000 }, () => {
  let bo: TestBackoffice;
  let browser: Browser;
  let page: Page;
  const settled = () => untilSettled(page);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `pages-${name}.png`), fullPage: true });
  const param = (key: string) => new URL(page.url()).searchParams.get(key);
  // A loaded machine runs five browsers at once: ten seconds for what the page must come to show.
  const poll = <T,>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });
  const cells = (field: string) => page.locator(`.MuiDataGrid-row [data-field="${field}"]`).allInnerTexts();

  beforeAll(async () => {
    bo = await startTestBackoffice();
    const now = Date.now();
    // Ten more denials than the scenario's twenty, so that the denials summary has a second page.
    const more = Array.from({ length: 10 }, (_, i) =>
      buildEvent({ kind: 'deny', statusCode: 7, accountId: 'umbrella', instanceId: 'umbrella-cls-1', feature: 'cad', deviceId: `umbrella-ws-${i}`, user: `umbrella-user-${i}`, inUseAfter: 0, capacity: null, recordId: null, ts: new Date(now - 3_600_000 - i * 60_000).toISOString() }),
    );
    await bo.warehouse.ingest([...reportScenario(now), ...more]);
    const created = await bo.call('POST', '/api/1.0/instances/~/users', { name: 'analyst', role: 'read-only' }, { authorization: `Bearer ${await bo.adminToken()}` });
    ({ browser, page } = await openBrowser({ viewport: { width: 1440, height: 900 } }));
    await page.goto(`${bo.url}/events`);
    await page.waitForURL('**/login');
    await page.locator('input[name="user"]').fill('analyst');
    await page.locator('input[name="password"]').fill(created.body.oneTimePassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByTestId('widget-events').waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await bo?.stop();
  });

  it('events: shows Usage Percentage without scrolling at 1440 px, fills the page, has one search box, ANDs contains-conditions and sorts numbers most first', async () => {
    await page.goto(`${bo.url}/events`);
    await settled();
    await shot('events-1440');
    const header = (await page.getByRole('columnheader', { name: 'Usage Percentage' }).boundingBox())!;
    const grid = (await page.locator('.MuiDataGrid-root').boundingBox())!;
    expect(header.x + header.width).toBeLessThanOrEqual(grid.x + grid.width);
    // The grid draws a horizontal scrollbar only when its columns are wider than it.
    expect(await page.locator('.MuiDataGrid-scrollbar--horizontal').count()).toBe(0);
    // The grid reaches down to the bottom of the window.
    expect(grid.y + grid.height).toBeGreaterThan(900 - 40);
    // The report's search is the one search box: the grid's toolbar has none.
    expect(await page.getByTestId('widget-events').getByPlaceholder(/search/i).count()).toBe(0);

    // Two conditions: the user contains "ACME-USER-0" (any case), and the kind is checkout.
    await page.getByRole('combobox', { name: 'Column' }).click();
    await page.getByRole('option', { name: 'User', exact: true }).click();
    await page.getByTestId('condition-value').fill('ACME-USER-0');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await poll(() => param('where')).toBe('user~ACME-USER-0');
    await page.getByRole('combobox', { name: 'Column' }).click();
    await page.getByRole('option', { name: 'Kind', exact: true }).click();
    await page.getByRole('combobox', { name: 'Condition' }).click();
    await page.getByRole('option', { name: 'is', exact: true }).click();
    await page.getByTestId('condition-value').fill('checkout');
    await page.keyboard.press('Enter');
    await poll(() => param('where')).toBe('user~ACME-USER-0,kind=checkout');
    await settled();
    // acme-user-01 to 09 check out once each, and acme-user-01 once more after its denial.
    await poll(async () => [...new Set(await cells('kind'))]).toEqual(['checkout']);
    expect(await page.locator('.MuiDataGrid-row').count()).toBe(10);
    expect((await cells('user')).every((u) => u.startsWith('acme-user-0'))).toBe(true);
    expect(await page.getByTestId('condition-chip').allInnerTexts()).toEqual(['User contains ACME-USER-0', 'Kind is checkout']);

    // A first click on a number's heading sorts it most first.
    await page.getByRole('columnheader', { name: 'In use after' }).click();
    await poll(() => `${param('sort')} ${param('order')}`).toBe('inUseAfter desc');
    await settled();
    expect((await cells('inUseAfter'))[0]).toBe('5');
    await shot('events-conditions-1440');

    // Removing a condition keeps the other.
    await page.getByTestId('condition-chip').first().locator('.MuiChip-deleteIcon').click();
    await poll(() => param('where')).toBe('kind=checkout');
  });

  it('denials: puts the accounts that would buy more first, gives each reason its rate and action, and keeps the summary’s sort and page in the URL', async () => {
    await page.goto(`${bo.url}/denials`);
    await settled();
    // acme's insufficient-count denials after its first came at 5 of 5; umbrella's had no use to measure.
    expect(await page.getByTestId('buyer-row').allInnerTexts()).toEqual([expect.stringMatching(/^acme\s+5\s+cad$/), expect.stringMatching(/^globex\s+3\s+cad$/)]);
    const reasons = await page.getByTestId('insight-row').allInnerTexts();
    expect(reasons[0]).toMatch(/^Insufficient count \(7\)\s+19\s+\d+(\.\d+)? %/);
    expect(reasons[0]).toContain('Buy more');
    expect(reasons.find((r) => r.startsWith('Expired (11)'))).toContain('Renew');
    expect(await page.getByTestId('denials-by-feature-chart').textContent()).toContain('cad');

    await page.getByRole('button', { name: 'Account' }).click();
    await poll(() => param('dsort')).toBe('accountId');
    await settled();
    expect((await page.getByTestId('denial-row').first().innerText()).split('\t')[1]).toBe('umbrella');
    await page.getByRole('button', { name: 'Go to next page' }).click();
    await poll(() => param('dpage')).toBe('2');
    await settled();
    await poll(() => page.getByTestId('denial-row').count()).toBe(5);
    await shot('denials-1440');
    await page.goBack();
    await poll(() => param('dpage')).toBeNull();
    expect(param('dsort')).toBe('accountId');
    await poll(() => page.getByTestId('denial-row').count()).toBe(25);
  });

  it('sessions: lists checkout sessions with their durations, sorted on the server longest first, and the hours per feature and account', async () => {
    await page.getByRole('tab', { name: 'Sessions' }).click();
    await page.waitForURL('**/sessions**');
    await settled();
    await poll(() => page.getByTestId('sessions-totals').innerText()).toMatch(/\d+ sessions · [\d.]+ hours/);
    expect(await page.getByTestId('hours-by-feature-chart').textContent()).toContain('cad');
    expect(await page.getByTestId('hours-by-account-chart').textContent()).toContain('acme');
    await page.getByRole('button', { name: 'Duration' }).click();
    await poll(() => param('sort')).toBe('minutes');
    expect(param('order')).toBeNull();
    await settled();
    // Longest first: the lab's sessions, held since the scenario's first hours.
    const minutes = await page.locator('[data-testid="session-row"] [data-field="minutes"]').allInnerTexts();
    expect(minutes.length).toBeGreaterThan(1);
    await page.getByRole('button', { name: 'Duration' }).click();
    await poll(() => param('order')).toBe('asc');
    await settled();
    await poll(() => page.locator('[data-testid="session-row"] [data-field="minutes"]').first().innerText()).not.toBe(minutes[0]);
    await shot('sessions-1440');
  });

  it('utilization: ranks accounts by peak, highlights those at 80 % or more, and drills into one', async () => {
    await page.getByRole('tab', { name: 'Utilization' }).click();
    await page.waitForURL('**/utilization**');
    await settled();
    const rows = page.getByTestId('utilization-row');
    await poll(() => rows.count()).toBe(2);
    expect((await rows.allInnerTexts()).map((t) => t.split('\t')[0]!.trim())).toEqual([expect.stringMatching(/^acme/), expect.stringMatching(/^globex/)]);
    expect([await rows.nth(0).getAttribute('data-high'), await rows.nth(1).getAttribute('data-high')]).toEqual(['true', 'true']);
    expect(await rows.first().innerText()).toContain('100 %');
    await shot('utilization-1440');
    await rows.first().click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(param('accounts')).toBe('acme');
  });

  it('fits each of these pages on a phone without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['events', 'denials', 'sessions', 'utilization']) {
      await page.goto(`${bo.url}/${path}`);
      await settled();
      expect([path, await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')]).toEqual([path, 0]);
      await shot(`${path}-390`);
    }
  });
});
