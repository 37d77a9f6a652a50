import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRequest } from '../../src/licensing/exchange.js';
import { signMessage } from '../../src/licensing/exchange.js';
import { generateProducerKeys } from '../../src/licensing/license-file.js';
import { NEW_PASSWORD, openBrowser, SHOTS, untilSettled } from '../support/browser.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';

/** A license server's signed activation request, as its offline page or its online activation makes it. */
function activationRequest(instanceId: string, activations: Array<{ activationId: string; count: number }>) {
  const keys = generateProducerKeys();
  const now = Date.now();
  const body: ExchangeRequest = {
    kind: 'activation',
    server: { instanceId, hostIds: [`host-${instanceId}`] },
    publicKey: keys.publicKeyPem,
    nonce: randomBytes(16).toString('base64url'),
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
    activations,
  };
  return signMessage(body, keys.privateKeyPem, keys.publicKeyPem);
}

/** The licensing pages of the back office in a real Chromium: a producer's day, from product to response file. */
describe('the licensing pages of the back office in the browser', { timeout: 60_000 }, () => {
  let bo: TestBackoffice;
  let browser: Browser;
  let page: Page;
  let activationIds: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `backoffice-${name}.png`), fullPage: true });
  const settled = () => untilSettled(page);
  const notice = async () => (await page.getByTestId('notice').last().innerText()).trim();
  /** A form field by its label (a required field's label ends in an asterisk). */
  const field = (label: string) => page.getByLabel(new RegExp(`^${label}\\s*\\*?$`));
  /** The text under a form field: its hint, or what is wrong with it. */
  const helperOf = (label: string) =>
    page.locator('.MuiFormControl-root', { has: page.locator('label', { hasText: new RegExp(`^${label}\\s*\\*?$`) }) }).locator('.MuiFormHelperText-root');

  beforeAll(async () => {
    bo = await startTestBackoffice();
    const auth = { authorization: `Bearer ${await bo.adminToken()}` };
    await bo.call('POST', '/api/1.0/backoffice/accounts', { id: 'acme', name: 'Acme Corp' }, auth);
    await bo.call('POST', '/api/1.0/backoffice/accounts', { id: 'globex', name: 'Globex' }, auth);
    const analyst = await bo.call('POST', '/api/1.0/instances/~/users', { name: 'analyst', role: 'read-only' }, auth);
    await bo.call('POST', '/api/1.0/instances/~/reset-password', { user: 'analyst', currentPassword: analyst.body.oneTimePassword, newPassword: NEW_PASSWORD });
    ({ browser, page } = await openBrowser({ acceptDownloads: true }));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: bo.url });
  });
  afterAll(async () => {
    await browser?.close();
    await bo?.stop();
  });

  it('adds a product: the form checks fields before sending, then shows the server\'s refusal on the field it names', async () => {
    await page.goto(`${bo.url}/login`);
    await page.locator('input[name="user"]').fill('admin');
    await page.locator('input[name="password"]').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Licensing' }).click();
    await page.waitForURL('**/licensing/products');
    await settled();
    expect(await page.getByText('No products yet').count()).toBe(1);

    await page.getByRole('link', { name: 'Add product' }).click();
    await page.getByRole('button', { name: 'Add product' }).click();
    expect(await helperOf('Product ID').innerText()).toContain('must be 1-64 letters');
    expect(await helperOf('Name').innerText()).toBe('must not be empty');
    expect(await notice()).toBe('Nothing was added: correct the fields marked first.');

    await field('Product ID').fill('cad-suite');
    await field('Name').fill('CAD Suite');
    await field('Term').fill('365d');
    const lines = page.getByTestId('feature-line');
    await lines.nth(0).getByLabel('Feature name').fill('cad');
    await lines.nth(0).getByLabel('Count').fill('2');
    await lines.nth(0).getByLabel('Overdraft').fill('1');
    await lines.nth(0).getByLabel('Borrow interval').fill('3d');
    await page.getByRole('button', { name: '+ Add feature' }).click();
    await lines.nth(1).getByLabel('Feature name').fill('viewer');
    await lines.nth(1).getByLabel('Count').fill('5');
    await shot('product-form');
    await page.getByRole('button', { name: 'Add product' }).click();
    await page.waitForURL('**/licensing/products/cad-suite');
    await page.getByRole('heading', { name: 'Product CAD Suite' }).waitFor();
    const rows = await page.getByTestId('product-features-table').locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').map((c) => c.trim()))).toEqual([
      ['cad', '1.0', 'concurrent', '2', '1', '3d', '365d'],
      ['viewer', '1.0', 'concurrent', '5', '0', 'no borrowing', '365d'],
    ]);
    await shot('product');

    // The same ID again: only the server knows it is taken, and says so on the field.
    await page.goto(`${bo.url}/licensing/products/new`);
    await field('Product ID').fill('cad-suite');
    await field('Name').fill('Another');
    await page.getByTestId('feature-line').getByLabel('Feature name').fill('cad');
    await page.getByRole('button', { name: 'Add product' }).click();
    await page.getByTestId('form-refusal').waitFor();
    expect(await helperOf('Product ID').innerText()).toBe('is taken');
    expect(await page.getByTestId('form-refusal').innerText()).toContain('Product cad-suite already exists.');

    await page.getByRole('tab', { name: 'Products' }).click();
    await page.getByLabel('Search products').fill('viewer');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('viewer');
    await settled();
    expect(await page.locator('.MuiDataGrid-row [data-field="id"]').allInnerTexts()).toEqual(['cad-suite']);
  });

  it('entitles an account and shows the activation IDs made, with a button that copies them for the welcome email', async () => {
    await page.getByRole('tab', { name: 'Entitlements' }).click();
    await page.getByRole('link', { name: 'New entitlement' }).click();
    await page.getByRole('button', { name: 'Add entitlement' }).click();
    expect(await helperOf('Account').innerText()).toBe('choose the account to entitle');
    await page.getByRole('combobox', { name: 'Account' }).click();
    await page.getByRole('option', { name: 'Acme Corp (acme)' }).click();
    await field('Name').fill('Order 4711');
    const lines = page.getByTestId('line-item-draft');
    await lines.nth(0).getByLabel('Product').click();
    await page.getByRole('option', { name: 'CAD Suite (cad-suite)' }).click();
    await lines.nth(0).getByLabel('Quantity').fill('5');
    await page.getByRole('button', { name: '+ Add line item' }).click();
    await lines.nth(1).getByLabel('Product').click();
    await page.getByRole('option', { name: 'CAD Suite (cad-suite)' }).click();
    await lines.nth(1).getByLabel('Quantity').fill('2');
    await lines.nth(1).getByLabel('Activation ID').fill('ACME-CAD-SPARE');
    await shot('entitlement-form');
    await page.getByRole('button', { name: 'Add entitlement' }).click();

    const made = page.getByTestId('activation-ids-made');
    await made.waitFor();
    activationIds = await page.getByTestId('line-item').locator('td:first-child a').allInnerTexts();
    expect(activationIds).toHaveLength(2);
    expect(activationIds[0]).toMatch(/^ACT-[A-Z0-9x]{4}-[A-Z0-9x]{4}-[A-Z0-9x]{4}$/i);
    expect(activationIds[1]).toBe('ACME-CAD-SPARE');
    expect(await made.innerText()).toContain(`${activationIds[0]}  CAD Suite × 5`);
    await made.getByRole('button', { name: 'Copy all the activation IDs' }).click();
    expect(await notice()).toBe('Copied the activation IDs.');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(`${activationIds[0]}  CAD Suite × 5\n${activationIds[1]}  CAD Suite × 2`);
    await shot('entitlement-created');

    // Found by an activation ID, and by account; not under another account.
    await page.getByRole('tab', { name: 'Entitlements' }).click();
    await page.getByLabel('Search entitlements').fill('SPARE');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('SPARE');
    await settled();
    expect(await page.locator('.MuiDataGrid-row [data-field="name"]').allInnerTexts()).toEqual(['Order 4711']);
    await page.getByRole('combobox', { name: 'Account' }).click();
    await page.getByRole('option', { name: 'Globex (globex)' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('account')).toBe('globex');
    await settled();
    await page.getByText('No entitlement matches this search').waitFor();
  });

  it('answers an offline request file with a response file and says what the server now holds; the same file again is refused with each reason', async () => {
    const request = JSON.stringify(activationRequest('srv-offline', [{ activationId: activationIds[0]!, count: 1 }]));
    await page.getByRole('tab', { name: 'Offline requests' }).click();
    await page.setInputFiles('input[aria-label="Choose request file"]', { name: 'activation-request.tally.json', mimeType: 'application/json', buffer: Buffer.from(request) });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Upload and respond' }).click()]);
    expect(download.suggestedFilename()).toBe('activation-response-srv-offline.tally.json');
    const response = JSON.parse(readFileSync(await download.path(), 'utf8')) as { format: string; body: { requestKind: string; activations: Array<{ activationId: string; count: number }> } };
    expect([response.format, response.body.requestKind, response.body.activations]).toEqual(['tally-exchange/1', 'activation', [expect.objectContaining({ activationId: activationIds[0], count: 1 })]]);
    const summary = page.getByTestId('offline-response');
    expect(await summary.innerText()).toContain('Saved the response as activation-response-srv-offline.tally.json');
    expect(await summary.getByRole('row').nth(1).innerText()).toMatch(new RegExp(`${activationIds[0]}\\s+CAD Suite\\s+1\\s+4`));
    await shot('offline-response');

    await page.setInputFiles('input[aria-label="Choose request file"]', { name: 'activation-request.tally.json', mimeType: 'application/json', buffer: Buffer.from(request) });
    await page.getByRole('button', { name: 'Upload and respond' }).click();
    const refusal = page.getByTestId('form-refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/The request was refused: nothing was activated\s+This request was already answered on .*\s+body\.nonce was already answered/);
    await shot('offline-refused');
  });

  it('shows where an activation ID\'s counts went and how they moved, and takes counts back from a server after asking', async () => {
    const online = await bo.call('POST', '/api/1.0/backoffice/exchange', activationRequest('srv-online', [{ activationId: activationIds[0]!, count: 3 }]));
    expect(online.status).toBe(200);

    await page.getByRole('search', { name: 'Open an activation ID' }).getByLabel('Activation ID').fill(activationIds[0]!);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: `Activation ID ${activationIds[0]}` }).waitFor();
    await settled();
    const fields = await page.getByTestId('activation-id-fields').innerText();
    expect(fields).toMatch(/Quantity\s+5\s+Activated\s+4/);
    expect(fields).toMatch(/Remaining\s+1/);
    const servers = () => page.getByTestId('server-row').allInnerTexts();
    expect((await servers()).map((r) => r.split('\t').slice(1, 3).map((c) => c.trim()))).toEqual([
      ['srv-offline', '1'],
      ['srv-online', '3'],
    ]);
    await shot('activation-id');

    await page.getByRole('button', { name: /Take counts back from .*srv-online/ }).click();
    await page.getByLabel('Counts to leave on this server').fill('1');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await servers()).map((r) => r.split('\t')[2]!.trim())).toEqual(['1', '3']);
    await page.getByRole('button', { name: /Take counts back from .*srv-online/ }).click();
    await page.getByLabel('Counts to leave on this server').fill('1');
    await shot('take-back');
    await page.getByRole('button', { name: 'Take back 2' }).click();
    expect(await notice()).toMatch(/^Took 2 counts of .* back from .*; it learns at its next exchange\.$/);
    await expect.poll(async () => (await servers()).map((r) => r.split('\t')[2]!.trim())).toEqual(['1', '1']);
    const history = await page.getByTestId('history-row').allInnerTexts();
    expect(history.map((r) => r.split('\t').slice(2).map((c) => c.trim()))).toEqual([
      ['-2', '1', 'producer'],
      ['+3', '3', 'online activation'],
      ['+1', '1', 'offline request file'],
    ]);

    // Add counts: a quantity below what is activated is refused before sending.
    await field('Quantity').fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await helperOf('Quantity').innerText()).toContain('must be at least 2, the counts activated');
    await field('Quantity').fill('8');
    await field('Expiry').fill('2031-12-31');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(notice).toContain('now has a quantity of 8, expiry 2031-12-31');
    await expect.poll(() => page.getByTestId('activation-id-fields').innerText()).toMatch(/Remaining\s+6/);
    await shot('activation-id-changed');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, path] of [
      ['activation-id-phone', `/licensing/activation-ids/${activationIds[0]}`],
      ['entitlement-form-phone', '/licensing/entitlements/new'],
    ] as const) {
      await page.goto(`${bo.url}${path}`);
      await settled();
      await shot(name);
      expect([name, await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')]).toEqual([name, 0]);
    }
  });

  it('shows a read-only user every licensing page but none of the controls that change something', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.locator('input[name="user"]').fill('analyst');
    await page.locator('input[name="password"]').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Licensing' }).click();
    await page.waitForURL('**/licensing/products');
    await settled();
    expect(await page.locator('.MuiDataGrid-row [data-field="id"]').allInnerTexts()).toEqual(['cad-suite']);
    expect(await page.getByRole('link', { name: 'Add product' }).count()).toBe(0);
    await page.goto(`${bo.url}/licensing/activation-ids/${activationIds[0]}`);
    await page.getByTestId('servers-table').waitFor();
    expect([await page.getByRole('button', { name: /Take counts back/ }).count(), await page.getByRole('heading', { name: 'Add counts or renew' }).count()]).toEqual([0, 0]);
    await page.getByRole('tab', { name: 'Offline requests' }).click();
    await page.getByTestId('admins-only').waitFor();
    expect(await page.getByRole('button', { name: 'Upload and respond' }).isDisabled()).toBe(true);
  });
});
