import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEW_PASSWORD, openBrowser, SHOTS, untilSettled } from '../support/browser.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';

/** Cloud instances in a real Chromium: created in the back office, handed to the customer, managed in the manager, deleted. */
describe('cloud instances: the back office page and the manager connected by link', { timeout: 90_000 }, () => {
  let bo: TestBackoffice;
  let browser: Browser;
  let page: Page;
  let oneTime = '';

  const shot = (name: string, on: Page = page) => on.screenshot({ path: join(SHOTS, `backoffice-cloud-${name}.png`), fullPage: true, animations: 'disabled' });
  const notice = async () => (await page.getByTestId('notice').last().innerText()).trim();
  const helperOf = (label: string) =>
    page.locator('.MuiFormControl-root', { has: page.locator('label', { hasText: new RegExp(`^${label}\\s*\\*?$`) }) }).locator('.MuiFormHelperText-root');
  const logIn = async (user: string, password: string) => {
    await page.goto(`${bo.url}/login`);
    await page.locator('input[name="user"]').fill(user);
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
  };

  beforeAll(async () => {
    bo = await startTestBackoffice();
    const auth = { authorization: `Bearer ${await bo.adminToken()}` };
    await bo.call('POST', '/api/1.0/backoffice/accounts', { id: 'acme', name: 'Acme Corp' }, auth);
    await bo.call('POST', '/api/1.0/backoffice/accounts', { id: 'globex', name: 'Globex' }, auth);
    bo.catalog.addProduct({ id: 'cad-pro', name: 'Tally CAD Pro', features: [{ name: 'cad', version: '2.0', count: 1 }] });
    bo.catalog.addEntitlement({ id: 'ENT-ACME', accountId: 'acme', lineItems: [{ activationId: 'ACT-ACME-CAD', productId: 'cad-pro', quantity: 5 }] });
    // A user of the back office: never a user of the instances it hosts.
    const analyst = await bo.call('POST', '/api/1.0/instances/~/users', { name: 'analyst', role: 'read-only' }, auth);
    await bo.call('POST', '/api/1.0/instances/~/reset-password', { user: 'analyst', currentPassword: analyst.body.oneTimePassword, newPassword: NEW_PASSWORD });
    ({ browser, page } = await openBrowser());
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: bo.url });
  });
  afterAll(async () => {
    await browser?.close();
    await bo?.stop();
  });

  it('creates a cloud instance for an account: fields are checked first, and the admin one-time password is shown once, to copy for the customer', async () => {
    await logIn('admin', ADMIN_PASSWORD);
    await page.goto(`${bo.url}/licensing/cloud-instances`);
    await untilSettled(page);
    expect(await page.getByText('No cloud instances yet').count()).toBe(1);
    await page.getByRole('link', { name: 'New cloud instance' }).click();
    await page.getByLabel('Instance ID').fill('has space');
    await page.getByRole('button', { name: 'Create cloud instance' }).click();
    expect(await helperOf('Account').innerText()).toBe('choose the account it serves');
    expect(await helperOf('Name').innerText()).toBe('must not be empty');
    expect(await helperOf('Instance ID').innerText()).toContain('must be 1-64 letters');
    expect(await notice()).toBe('Nothing was created: correct the fields marked first.');

    await page.getByRole('combobox', { name: 'Account' }).click();
    await page.getByRole('option', { name: 'Acme Corp (acme)' }).click();
    await page.getByLabel(/^Name/).fill('Acme production');
    await page.getByLabel('Instance ID').fill('acme-prod');
    await shot('form');
    await page.getByRole('button', { name: 'Create cloud instance' }).click();
    const handOver = page.getByTestId('cloud-admin-hand-over');
    await handOver.waitFor();
    expect(await handOver.innerText()).toContain('Give this to the customer');
    const login = await page.getByTestId('cloud-admin-login').innerText();
    expect(login).toContain(`License Server Manager: ${bo.url}/manager/?instance=acme-prod`);
    expect(login).toContain('User: admin');
    oneTime = /One-time password: (\S+)/.exec(login)?.[1] ?? '';
    expect(oneTime).not.toBe('');
    await page.getByRole('button', { name: 'Copy the login for the customer' }).click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(login.trim());
    await shot('created');

    // The same ID again: only the server knows it is taken, and says so on the field.
    await page.goto(`${bo.url}/licensing/cloud-instances/new`);
    await page.getByRole('combobox', { name: 'Account' }).click();
    await page.getByRole('option', { name: 'Globex (globex)' }).click();
    await page.getByLabel(/^Name/).fill('Globex');
    await page.getByLabel('Instance ID').fill('acme-prod');
    await page.getByRole('button', { name: 'Create cloud instance' }).click();
    await page.getByTestId('form-refusal').waitFor();
    expect(await helperOf('Instance ID').innerText()).toBe('is taken');
  });

  it('lists cloud instances with name, account, ID, created and loaded, searchable and by account', async () => {
    const auth = { authorization: `Bearer ${await bo.adminToken()}` };
    expect((await bo.call('POST', '/api/1.0/backoffice/cloud-instances', { accountId: 'globex', name: 'Globex lab', id: 'globex-lab' }, auth)).status).toBe(201);
    await page.goto(`${bo.url}/licensing/cloud-instances`);
    await untilSettled(page);
    const ids = () => page.locator('.MuiDataGrid-row [data-field="id"]').allInnerTexts();
    await expect.poll(ids).toEqual(['acme-prod', 'globex-lab']);
    const first = await page.locator('.MuiDataGrid-row').first().innerText();
    expect(first).toContain('Acme production');
    expect(first).toContain('Acme Corp (acme)');
    expect(first).toContain('yes');
    await page.getByLabel('Search cloud instances').fill('lab');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('lab');
    await untilSettled(page);
    await expect.poll(ids).toEqual(['globex-lab']);
    await page.getByLabel('Search cloud instances').fill('');
    await page.getByRole('combobox', { name: 'Account' }).click();
    await page.getByRole('option', { name: 'Acme Corp (acme)' }).click();
    await untilSettled(page);
    await expect.poll(ids).toEqual(['acme-prod']);
    await shot('list');
  });

  it("the Open link lands the customer on the instance's login, which names the instance; the one-time password must be replaced", async () => {
    await page.goto(`${bo.url}/manager/?instance=acme-prod`);
    await page.waitForURL('**/manager/login');
    expect(await page.getByTestId('login-instance').innerText()).toBe('acme-prod');
    expect(await page.getByTestId('login-server').innerText()).toBe(`${bo.url}/api/1.0/instances/acme-prod`);
    expect(await page.getByText('Log in to manage cloud instance acme-prod.').count()).toBe(1);
    // Its health is for its users: Settings' test says the instance was reached all the same.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.getByTestId('connection-test').innerText()).toBe(
      `Reached the cloud instance at ${bo.url}/api/1.0/instances/acme-prod/health; its users see its health once logged in.`,
    );
    await page.goto(`${bo.url}/manager/login`);
    // The back office's users do not log in to the instances it hosts.
    await page.locator('input[name="user"]').fill('analyst');
    await page.locator('input[name="password"]').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await page.getByTestId('login-message').innerText()).toContain('Wrong user name or password');
    await shot('manager-login');

    await page.locator('input[name="user"]').fill('admin');
    await page.locator('input[name="password"]').fill(oneTime);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('choose a new password').waitFor();
    await page.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.waitForURL('**/manager/features');
    expect(await page.evaluate<string>("JSON.parse(localStorage.getItem('tally.manager.connection')).instanceId")).toBe('acme-prod');
  });

  it('activates an activation ID of the account in the instance and shows its feature; Properties and Users are the instance\'s own', async () => {
    await page.getByRole('link', { name: 'Online Server Updates' }).click();
    await page.getByRole('tab', { name: 'Online Activations' }).waitFor();
    await page.getByLabel('Activation ID, line 1', { exact: true }).fill('ACT-ACME-CAD');
    await page.getByLabel('Count, line 1', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByTestId('activations-held').waitFor();
    expect(bo.catalog.activationId('ACT-ACME-CAD').servers).toEqual([expect.objectContaining({ instanceId: 'acme-prod', count: 3 })]);

    await page.getByRole('link', { name: 'Features' }).click();
    await untilSettled(page);
    await page.locator('.MuiDataGrid-row').first().waitFor();
    expect((await page.locator('.MuiDataGrid-row').first().innerText()).split('\n').map((c) => c.trim())).toEqual(expect.arrayContaining(['cad', '2.0', '3']));
    await shot('manager-features');

    await page.getByRole('link', { name: 'Properties' }).click();
    await untilSettled(page);
    await page.getByTestId('group-label').first().waitFor();

    await page.getByRole('link', { name: 'Users' }).click();
    await untilSettled(page);
    const users = await page.locator('.MuiDataGrid-row [data-field="name"]').allInnerTexts();
    expect(users).toEqual(['admin (you)']);
  });

  it('resets the admin password after asking, and shows the new one once', async () => {
    await page.goto(`${bo.url}/licensing/cloud-instances`);
    await untilSettled(page);
    await page.getByRole('button', { name: 'Reset the admin password of Acme production (acme-prod)' }).click();
    const asking = page.getByRole('dialog');
    expect(await asking.innerText()).toContain('its current password stops working and its sessions end');
    await asking.getByRole('button', { name: 'Reset password' }).click();
    const handOver = page.getByTestId('cloud-admin-hand-over');
    await handOver.waitFor();
    const fresh = /One-time password: (\S+)/.exec(await page.getByTestId('cloud-admin-login').innerText())?.[1];
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(oneTime);
    await shot('reset');
    await page.getByRole('button', { name: 'Done' }).click();
    const refused = await bo.call('POST', '/api/1.0/instances/acme-prod/authorize', { user: 'admin', password: NEW_PASSWORD });
    expect(refused.status).toBe(401);
  });

  it('deletes an instance after saying its activated counts go back and its usage history stays', async () => {
    await page.getByRole('button', { name: 'Delete Acme production (acme-prod)' }).click();
    const asking = page.getByRole('dialog');
    const text = await asking.innerText();
    expect(text).toContain('go back to their activation IDs');
    expect(text).toContain('usage history stays');
    await shot('delete-confirm');
    await asking.getByRole('button', { name: 'Delete instance' }).click();
    await expect.poll(notice).toContain('Deleted cloud instance acme-prod');
    await untilSettled(page);
    await expect.poll(() => page.locator('.MuiDataGrid-row [data-field="id"]').allInnerTexts()).toEqual(['globex-lab']);
    expect(bo.catalog.lineItemView('ACT-ACME-CAD').activated).toBe(0);
  });

  it('shows a read-only user the list without any change control', async () => {
    await page.evaluate('sessionStorage.clear()');
    await logIn('analyst', NEW_PASSWORD);
    await page.goto(`${bo.url}/licensing/cloud-instances`);
    await untilSettled(page);
    expect(await page.locator('.MuiDataGrid-row [data-field="id"]').allInnerTexts()).toEqual(['globex-lab']);
    expect(await page.getByRole('link', { name: 'New cloud instance' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Reset the admin password/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Delete / }).count()).toBe(0);
  });
});
