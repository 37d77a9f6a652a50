import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, SHOTS, untilSettled } from '../support/browser.js';
import { managerLogin, startManagerServer } from '../support/manager.js';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY } from '../support/test-server.js';

const BASE = '/api/1.0/instances/~';

const FILTER_WITH_MISTAKE = `filter "site" {
  // CAD on workstations only.
  deny feature("cad") and devicetype(LAPTOP) because "CAD runs on workstations only"
  default allow
}
`;
const FILTER = FILTER_WITH_MISTAKE.replace('LAPTOP', 'VIRTUAL');

/** Checkout Filters in a real Chromium against a real license server. */
describe('the manager\'s Checkout Filters view', { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: Record<string, string>;

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `manager-${name}.png`), fullPage: true });
  const settled = () => untilSettled(page);
  const notice = async () => (await page.getByTestId('notice').last().innerText()).trim();
  const vmAsks = () => server.post(CAPABILITY, { device: { hostId: { value: 'vm-1', type: 'STRING' }, deviceType: 'VIRTUAL' }, features: [{ name: 'cad', version: '1.0', count: 1 }] });

  beforeAll(async () => {
    server = await startManagerServer();
    admin = { authorization: `Bearer ${await server.adminToken()}` };
    await server.userToken('viewer', 'read-only');
    ({ browser, page } = await openBrowser());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is listed next to Named License Pools and says that nothing is filtered while no filter is active', async () => {
    await managerLogin(page, server.url, 'admin', undefined, '/features');
    await settled();
    const nav = await page.getByRole('navigation').getByRole('link').allInnerTexts();
    const pools = nav.findIndex((t) => t.includes('Named License Pools'));
    expect(nav[pools + 1]).toContain('Checkout Filters');
    await page.getByRole('link', { name: 'Checkout Filters' }).click();
    await page.waitForURL('**/filters');
    await page.getByTestId('no-filter').waitFor();
    expect(await page.getByTestId('no-filter').innerText()).toContain('every device may check out every feature');
    expect(await page.getByLabel('Checkout filter text').inputValue()).toMatch(/^filter "site rules" \{/);
    await shot('filters-empty');
  });

  it('refuses a filter with a mistake, listing the problem with its line and column and marking that line', async () => {
    await page.getByLabel('Checkout filter text').fill(FILTER_WITH_MISTAKE);
    await page.getByRole('button', { name: 'Validate' }).click();
    const problem = page.getByTestId('filter-problem');
    await problem.waitFor();
    expect(await problem.innerText()).toMatch(/Line 3, column 38\s+Expected one of PHYSICAL, VIRTUAL, CONTAINER, UNKNOWN/);
    expect(await page.locator('[data-line="3"][data-marked="true"]').count()).toBe(1);
    await shot('filters-problem');
    // Activating validates first: nothing is activated.
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(notice).toContain('line 3');
    expect((await server.get(`${BASE}/filters`, admin)).status).toBe(404);
  });

  it('activates the corrected filter, shows its rules in order, and the server denies with 67 at once', async () => {
    await page.getByLabel('Checkout filter text').fill(FILTER);
    await page.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => page.getByTestId('filter-outcome').innerText()).toContain('The filter "site" is valid: 1 rule, default allow, times in UTC');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(notice).toContain('Filter "site" activated');
    await page.getByTestId('filter-facts').waitFor();
    const rules = await page.getByTestId('filter-rules').locator('tbody tr').allInnerTexts();
    expect(rules[0]).toMatch(/3\s+deny\s+deny feature\("cad"\) and devicetype\(VIRTUAL\) because "CAD runs on workstations only"\s+CAD runs on workstations only/);
    expect(rules[1]).toMatch(/allow\s+Every request no rule matches/);
    expect((await server.get(`${BASE}/filters`, admin)).body).toMatchObject({ name: 'site', text: FILTER, activatedBy: 'admin' });
    expect((await vmAsks()).body.denied).toMatchObject([{ code: 67, name: 'FILTER_REJECTION' }]);
    await shot('filters-active');
  });

  it('shows the filter read-only to a read-only user, without the controls that change it', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await managerLogin(page, server.url, 'viewer', undefined, '/filters');
    await settled();
    await page.getByTestId('filter-facts').waitFor();
    expect(await page.getByTestId('read-only-note').innerText()).toContain('may read the checkout filter but not change it');
    for (const name of ['Validate', 'Activate', 'Delete filter', 'Browse…']) expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByLabel('Checkout filter text').getAttribute('readonly')).not.toBeNull();
    await shot('filters-read-only');
    await page.getByRole('button', { name: 'Log out' }).click();
    await managerLogin(page, server.url, 'admin', undefined, '/filters');
    await settled();
  });

  it('deletes the filter after asking: the server grants again', async () => {
    await page.getByRole('button', { name: 'Delete filter' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('Every device may then check out every feature');
    await dialog.getByRole('button', { name: 'Delete filter' }).click();
    await expect.poll(notice).toBe('Filter "site" deleted: checkouts are no longer filtered.');
    await page.getByTestId('no-filter').waitFor();
    expect((await server.get(`${BASE}/filters`, admin)).status).toBe(404);
    expect((await vmAsks()).body.denied).toEqual([]);
  });
});
