import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportScenario } from '../support/report-data.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { checkCsv } from '../support/export-checks.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';
import { NEW_PASSWORD, openBrowser, SHOTS, untilSettled } from '../support/browser.js';

const USERS = '/api/1.0/instances/~/users';

/** Saving a view, opening its link, and a user who sees one account only, in a real Chromium. */
describe('sharing the Usage and Denials report', { timeout: 120_000 }, () => {
  let bo: TestBackoffice;
  let browser: Browser;
  let page: Page;

  /** Adds a user with a password of its own (its first login done over the API). */
  const addUser = async (name: string, role: string, account?: string) => {
    const made = await bo.call('POST', USERS, { name, role, ...(account ? { account } : {}) }, { authorization: `Bearer ${await bo.adminToken()}` });
    await bo.call('POST', '/api/1.0/instances/~/reset-password', { user: name, currentPassword: made.body.oneTimePassword, newPassword: NEW_PASSWORD });
  };
  const logIn = async (on: Page, user: string, password = NEW_PASSWORD) => {
    await on.goto(bo.url);
    await on.waitForURL('**/login');
    await on.locator('input[name="user"]').fill(user);
    await on.locator('input[name="password"]').fill(password);
    await on.getByRole('button', { name: 'Log in' }).click();
    await on.getByRole('button', { name: 'Views' }).waitFor();
    await untilSettled(on);
  };
  /** The page at a laptop's and a phone's width, as the reviewers look at it. */
  const shots = async (on: Page, name: string) => {
    for (const width of [1440, 390]) {
      await on.setViewportSize({ width, height: 900 });
      await on.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
      expect(await on.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'), `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
    }
    await on.setViewportSize({ width: 1440, height: 900 });
  };

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest(reportScenario(Date.now()));
    await addUser('analyst', 'read-only');
    await addUser('acme-viewer', 'account-viewer', 'acme');
    ({ browser, page } = await openBrowser({ acceptDownloads: true }));
  });
  afterAll(async () => {
    await browser?.close();
    await bo?.stop();
  });

  it('saves the page as a named, shared view whose link opens it again, and exports the columns the grid shows', async () => {
    await logIn(page, 'analyst');
    await page.goto(`${bo.url}/events?accounts=acme&hide=instanceId,count,pool,version,deviceIdType,alias,source&sort=usagePercentage&order=desc`);
    await untilSettled(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click().then(() => page.getByRole('menuitem', { name: 'CSV (table)' }).click())]);
    const csv = join(SHOTS, 'sharing-events.csv');
    await download.saveAs(csv);
    const rows = checkCsv(csv);
    // The grid's columns, the hidden ones left out.
    const headings = Object.keys(rows[0]!);
    expect(headings.slice(0, 1)).toEqual(['Time']);
    expect(headings).toEqual(expect.arrayContaining(['Account ID', 'Feature', 'Usage percentage', 'Denial code']));
    for (const hidden of ['Instance ID', 'Count', 'Pool', 'Source', 'Version']) expect(headings).not.toContain(hidden);
    expect(new Set(rows.map((r) => r['Account ID']))).toEqual(new Set(['acme']));
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Views' }).click();
    await page.getByRole('menuitem', { name: 'Save current view as…' }).click();
    await page.getByLabel('Name').fill('Acme at its peak');
    await page.getByLabel('Share with every user').check();
    await shots(page, 'sharing-save-view');
    await page.getByRole('button', { name: 'Save' }).click();
    const link = await page.getByLabel('Link to the view').inputValue();
    expect(link).toMatch(new RegExp(`^${bo.url}/views/[0-9a-f-]+$`));
    await page.getByRole('button', { name: 'Done' }).click();

    // A name already used is refused in the form, saying why.
    await page.getByRole('button', { name: 'Views' }).click();
    await page.getByRole('menuitem', { name: 'Save current view as…' }).click();
    await page.getByLabel('Name').fill('acme at its PEAK');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('is taken by another of your views').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();

    // The link, loaded afresh from the overview, shows the page as it was saved.
    await page.goto(bo.url);
    await untilSettled(page);
    const opened = page;
    await opened.goto(link);
    await opened.waitForURL('**/events?**');
    const params = new URL(opened.url()).searchParams;
    expect([params.get('accounts'), params.get('sort'), params.get('hide')]).toEqual(['acme', 'usagePercentage', 'instanceId,count,pool,version,deviceIdType,alias,source']);
    await untilSettled(opened);
    expect(await opened.getByTestId('filter-chip').allInnerTexts()).toEqual(['Account: acme']);
    await opened.getByRole('button', { name: 'Views' }).click();
    await opened.getByRole('menuitem', { name: 'Manage views…' }).click();
    await opened.getByRole('button', { name: 'Rename' }).click();
    await opened.getByLabel('New name').fill('Acme busiest');
    await opened.getByRole('button', { name: 'Rename' }).click();
    await opened.getByText('Acme busiest').waitFor();
    await shots(opened, 'sharing-manage-views');
    await opened.keyboard.press('Escape');

    // A link to a view that is not there says so.
    await page.goto(`${bo.url}/views/nosuch`);
    await page.getByText('This view cannot be opened').waitFor();
  });

  it('shows an account-viewer its account as a fixed filter, only its data, and the views shared for it', async () => {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const viewer = await context.newPage();
    await logIn(viewer, 'acme-viewer');
    const fixed = viewer.getByTestId('fixed-account-chip');
    expect(await fixed.innerText()).toBe('Account: acme');
    // Not removable, and no other account to choose or open.
    expect(await fixed.locator('svg').count()).toBe(0);
    expect(await viewer.getByLabel('Accounts').count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Licensing' }).count()).toBe(0);
    await viewer.goto(`${bo.url}/events`);
    await untilSettled(viewer);
    const accounts = await viewer.locator('[role="gridcell"][data-field="accountId"]').allInnerTexts();
    expect(accounts.length).toBeGreaterThan(0);
    expect(new Set(accounts)).toEqual(new Set(['acme']));
    await shots(viewer, 'sharing-account-viewer-events');

    await viewer.getByRole('button', { name: 'Views' }).click();
    expect(await viewer.getByRole('menuitem').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Acme busiest')]));
    await viewer.getByRole('menuitem', { name: /Acme busiest/ }).click();
    await viewer.waitForURL('**/events?**');
    await untilSettled(viewer);
    expect(await viewer.getByTestId('filter-chip').count()).toBe(0);
    await viewer.goto(`${bo.url}/`);
    await untilSettled(viewer);
    await shots(viewer, 'sharing-account-viewer-overview');
    await context.close();
  });

  it('lets an administrator add an account viewer for one account on the users page', async () => {
    await bo.adminToken();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const admin = await context.newPage();
    await logIn(admin, 'admin', ADMIN_PASSWORD);
    await admin.goto(`${bo.url}/licensing/users`);
    await admin.getByRole('button', { name: 'Add user' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('User name').fill('globex-viewer');
    await dialog.getByRole('combobox', { name: /Role/ }).click();
    await admin.getByRole('option', { name: 'Account viewer' }).click();
    // The account is asked for, and needed.
    expect(await dialog.getByRole('button', { name: 'Add user' }).isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Account' }).fill('globex');
    await shots(admin, 'sharing-add-account-viewer');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await admin.getByText('globex-viewer was added as Account viewer of globex.').waitFor();
    expect((await bo.call('GET', `${USERS}/globex-viewer`, undefined, { authorization: `Bearer ${await bo.adminToken()}` })).body).toMatchObject({ role: 'account-viewer', account: 'globex' });
    await context.close();
  });
});
