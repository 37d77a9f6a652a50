import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerLogin, startManagerServer } from '../support/manager.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import type { TestServer } from '../support/test-server.js';
import { ADMIN_PASSWORD, CAPABILITY, capability } from '../support/test-server.js';
import { openBrowser, SHOTS, untilSettled } from '../support/browser.js';

const PROPERTIES = '/api/1.0/instances/~/properties';

/** The License Server Properties and Back Office Operations views in a real Chromium, against a real license server. */
describe('the manager: properties and back office operations', { timeout: 60_000 }, () => {
  let server: TestServer;
  let backoffice: TestBackoffice;
  let admin: Record<string, string>;
  let browser: Browser;
  let page: Page;

  const shot = (name: string, p: Page = page) => p.screenshot({ path: join(SHOTS, `manager-${name}.png`), fullPage: true });
  const field = (key: string) => page.getByTestId(`property-${key.replace(/[^A-Za-z0-9-]/g, '-')}`);
  const valueOf = async (key: string) => (await server.get(`${PROPERTIES}/${key}`, admin)).body.value;
  /** The viewport only, around a field: a full-page shot would paint the fixed app bar where the page was scrolled. */
  const shotAt = async (name: string, key: string) => {
    await field(key).scrollIntoViewIfNeeded();
    // Out from under the fixed app bar, with the property in the middle.
    await page.mouse.move(700, 450);
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(SHOTS, `manager-${name}.png`) });
  };
  const notice = () => page.getByTestId('notice').last().innerText();

  beforeAll(async () => {
    backoffice = await startTestBackoffice();
    backoffice.registry.addAccount({ id: 'acme', name: 'Acme Engineering' });
    backoffice.catalog.addProduct({ id: 'design', name: 'Tally Design', features: [{ name: 'design', version: '1.0', count: 1 }] });
    backoffice.catalog.addProduct({ id: 'viewer', name: 'Tally Viewer', features: [{ name: 'viewer-3d', version: '1.0', count: 2 }] });
    backoffice.catalog.addEntitlement({ id: 'ENT-ACME', accountId: 'acme', lineItems: [
      { activationId: 'ACT-DESIGN', productId: 'design', quantity: 10, expiry: '2099-12-31' },
      { activationId: 'ACT-VIEW', productId: 'viewer', quantity: 5 },
    ] });
    server = await startManagerServer({ keys: backoffice.producerKey, settings: { 'capabilityPolling.url': backoffice.url } });
    admin = { authorization: `Bearer ${await server.adminToken()}` };
    ({ browser, page } = await openBrowser());
    await managerLogin(page, server.url, 'admin', ADMIN_PASSWORD, '/properties');
    await untilSettled(page);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await backoffice?.stop();
  });

  it('shows the properties in the guide\'s groups and order, each with its label, description and default', async () => {
    expect(await page.getByTestId('group-label').allInnerTexts()).toEqual([
      'General', 'Secure REST API', 'Server Sync', 'Server-to-Server Sync', 'License Generation', 'Capability Polling', 'Locally Deployed License Server', 'Logging',
    ]);
    const renew = field('licensing.renewInterval');
    expect(await renew.innerText()).toContain('Percentage of a lease after which clients should renew it.');
    expect(await renew.getByTestId('property-licensing-renewInterval-default').innerText()).toBe('Default: 15');
    // A duration is a number with its unit, as the server states it.
    await expect.poll(() => page.getByLabel('Session idle timeout', { exact: true }).inputValue()).toBe('30');
    expect(await page.getByLabel('Session idle timeout: unit', { exact: true }).inputValue()).toBe('m');
    expect(await page.getByLabel('Record denied requests', { exact: true }).isChecked()).toBe(true);
    await shot('properties');
  });

  it('says why a value cannot be changed: locked by the producer, a start-up setting, a fact of this server', async () => {
    expect(await page.getByTestId('property-licensing-borrowInterval-locked').innerText()).toContain('Locked by the producer');
    expect(await page.getByTestId('property-server-port-locked').innerText()).toContain('Start-up setting: change it in the configuration file, then restart the server');
    expect(await page.getByTestId('property-server-version-locked').innerText()).toContain('A fact of this server');
    expect(await page.getByTestId('property-licensing-borrowInterval-value').innerText()).toBe('1 week');
  });

  it('folds a group and opens it again from the keyboard', async () => {
    const summary = page.locator('#group-logging');
    await summary.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => summary.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Space');
    await expect.poll(() => summary.getAttribute('aria-expanded')).toBe('true');
  });

  it('refuses a value out of range next to its field, in the API\'s words, before sending anything', async () => {
    await page.getByLabel('Renew after (% of the lease)', { exact: true }).fill('101');
    expect(await page.getByTestId('property-licensing-renewInterval-error').innerText()).toBe('Renew after (% of the lease) must be at most 100');
    await page.getByLabel('Session idle timeout', { exact: true }).fill('10');
    await page.getByLabel('Session idle timeout: unit', { exact: true }).selectOption('s');
    expect(await page.getByTestId('property-security-sessionIdleTimeout-error').innerText()).toContain('must be between 1m and 1d');
    await shotAt('properties-invalid', 'security.sessionIdleTimeout');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await notice()).toContain('Nothing was saved');
    expect(await valueOf('licensing.renewInterval')).toBe(15);
  });

  it('saves two changed values in one request, marks them until then, and says what changed', async () => {
    await page.getByLabel('Renew after (% of the lease)', { exact: true }).fill('20');
    await page.getByLabel('Session idle timeout', { exact: true }).fill('45');
    await page.getByLabel('Session idle timeout: unit', { exact: true }).selectOption('m');
    expect(await page.locator('[data-changed="true"]').count()).toBe(2);
    expect(await page.getByTestId('properties-actions').innerText()).toContain('2 unsaved changes');
    await shotAt('properties-changed', 'security.sessionIdleTimeout');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(notice).toContain('Saved 2 changes');
    expect(await notice()).toContain('Session idle timeout is now 45 minutes');
    expect(await valueOf('licensing.renewInterval')).toBe(20);
    expect(await valueOf('security.sessionIdleTimeout')).toBe('45m');
    await expect.poll(() => page.locator('[data-changed="true"]').count()).toBe(0);
  });

  it('shows the server\'s refusal next to the field it names and applies none of the changes', async () => {
    await page.getByLabel('Allowed browser origins (CORS)', { exact: true }).fill('ftp://files.example.com');
    await page.getByLabel('Failed logins before lockout', { exact: true }).fill('7');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('property-security-corsOrigins-error').count()).toBe(1);
    expect(await page.getByTestId('property-security-corsOrigins-error').innerText()).toContain('must be * or an origin such as https://manager.example.com:8443');
    expect(await page.getByTestId('properties-refusal').innerText()).toContain('Nothing was saved');
    expect(await valueOf('security.lockoutAttempts')).toBe(5);
    expect(await valueOf('security.corsOrigins')).toEqual([]);
    await shotAt('properties-refused', 'security.corsOrigins');
    // Discarding asks first, then every field shows the saved value again.
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Discard changes' }).click();
    expect(await notice()).toContain('Discarded 2 unsaved changes');
    expect(await page.getByLabel('Failed logins before lockout', { exact: true }).inputValue()).toBe('5');
  });

  it('resets a property to its configured value after asking', async () => {
    await page.getByRole('button', { name: 'Reset Renew after (% of the lease) to its configured value' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('The value set here (20) is dropped');
    await page.screenshot({ path: join(SHOTS, 'manager-properties-reset-confirm.png') });
    await dialog.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(notice).toContain('is back to its configured value: 15');
    expect(await valueOf('licensing.renewInterval')).toBe(15);
    await expect.poll(() => page.getByLabel('Renew after (% of the lease)', { exact: true }).inputValue()).toBe('15');
  });

  it('online activations: lines are checked first; a refused ID is marked under its field and nothing is activated; then the back office\'s answer is shown', async () => {
    await page.getByRole('link', { name: 'Online Server Updates' }).click();
    await page.getByRole('tab', { name: 'Online Activations' }).waitFor();
    await page.getByRole('button', { name: 'Add a line' }).click();
    await page.getByRole('button', { name: 'Add a line' }).click();
    await page.getByRole('button', { name: 'Activate' }).click();
    expect(await page.getByTestId('activation-row-1').innerText()).toContain('Enter the activation ID from your welcome email.');
    await page.getByLabel('Activation ID, line 1', { exact: true }).fill('ACT-DESIGN');
    await page.getByLabel('Count, line 1', { exact: true }).fill('0');
    expect(await page.getByTestId('activation-row-1').innerText()).toContain('The count must be a whole number, at least 1.');
    await shot('online-activations-invalid');
    await page.getByLabel('Count, line 1', { exact: true }).fill('4');
    await page.getByRole('button', { name: 'Remove line 3' }).click();
    expect(await page.getByTestId('activation-row-3').count()).toBe(0);
    await page.getByLabel('Activation ID, line 2', { exact: true }).fill('ACT-NOPE');
    await page.getByRole('button', { name: 'Activate' }).click();
    const failed = page.getByTestId('operation-failed');
    await failed.waitFor();
    expect(await failed.innerText()).toContain('Nothing was activated');
    expect(await page.getByTestId('activation-row-2').innerText()).toContain('ACT-NOPE is not an activation ID');
    expect(await page.getByTestId('activation-row-1').innerText()).not.toContain('is not');
    expect(backoffice.catalog.lineItemView('ACT-DESIGN').activated).toBe(0);
    await shot('online-activations-refused');

    await page.getByLabel('Activation ID, line 2', { exact: true }).fill('ACT-VIEW');
    expect(await page.getByTestId('activation-row-2').innerText()).not.toContain('is not an activation ID');
    await page.getByRole('button', { name: 'Activate' }).click();
    const held = page.getByTestId('activations-held');
    await held.waitFor();
    expect(await page.getByTestId('update-summary').innerText()).toContain('2 feature records added');
    const rows = await held.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').map((c) => c.trim()))).toEqual(
      expect.arrayContaining([
        ['ACT-DESIGN', 'Tally Design', '4', '6', expect.any(String)],
        ['ACT-VIEW', 'Tally Viewer', '1', '4', expect.any(String)],
      ]),
    );
    await shot('online-activations');
  });

  it('update licenses: the status, a refresh after the producer took counts back ends the newest leases, and the history opens each update', async () => {
    for (const device of ['ws-1', 'ws-2', 'ws-3', 'ws-4']) {
      expect((await server.post(CAPABILITY, capability(device, [{ name: 'design', count: 1 }]))).body.granted).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 5));
    }
    await page.getByRole('tab', { name: 'Update Licenses' }).click();
    const status = page.getByTestId('license-status-fields');
    await status.waitFor();
    expect(await status.innerText()).toContain('yes, for account acme');
    expect(await status.innerText()).toContain(backoffice.url);
    backoffice.catalog.setServerCount('ACT-DESIGN', server.service.instanceId, { count: 2 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('exchange-result').waitFor();
    expect(await page.getByTestId('update-summary').innerText()).toContain('2 leased counts ended on 2 devices');
    const ended = await page.getByTestId('ended-leases').locator('tbody tr').allInnerTexts();
    expect(ended.map((r) => r.split('\t').map((c) => c.trim())).sort()).toEqual([
      ['ws-3', 'design 1.0', '1', '0', 'count lowered'],
      ['ws-4', 'design 1.0', '1', '0', 'count lowered'],
    ]);
    await expect.poll(() => status.innerText()).toContain('succeeded');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByTestId('update-summary').innerText()).toContain('No change');
    await shot('online-update-licenses');

    const history = page.getByTestId('table-manager-license-updates');
    await expect.poll(() => history.getByRole('row').nth(1).innerText()).toContain('License update from the back office');
    await history.getByRole('row').nth(1).click();
    const details = page.getByRole('dialog');
    await details.getByTestId('records-changed').waitFor();
    expect(await details.getByTestId('records-changed').innerText()).toContain('4 → 2');
    expect(await details.getByTestId('ended-leases').innerText()).toContain('count lowered');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'manager-license-update-details.png') });
    await details.getByRole('button', { name: 'Close' }).click();
  });

  it('offline updates: the activation request downloads with the server\'s file name, the back office\'s response applies once, and a second upload is refused', async () => {
    await page.getByRole('link', { name: 'Offline Server Updates' }).click();
    for (const title of ['Download capability request', 'Generate offline activation request', 'Upload response']) await page.getByRole('heading', { name: title }).waitFor();
    const activation = page.getByTestId('activation-request');
    await activation.getByLabel('Activation ID', { exact: true }).fill('ACT-VIEW');
    await activation.getByLabel('Count', { exact: true }).fill('none');
    await activation.getByRole('button', { name: 'Download' }).click();
    expect(await activation.innerText()).toContain('The count must be a whole number, at least 1.');
    await activation.getByLabel('Count', { exact: true }).fill('1');
    const [download] = await Promise.all([page.waitForEvent('download'), activation.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^activation-request-.*\.tally\.json$/);
    const request = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const [capabilityFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('capability-request').getByRole('button', { name: 'Download' }).click()]);
    expect(capabilityFile.suggestedFilename()).toMatch(/^capability-request-.*\.tally\.json$/);

    const answer = await backoffice.call('POST', '/api/1.0/backoffice/offline', request, { authorization: `Bearer ${await backoffice.adminToken()}` });
    expect(answer.status).toBe(200);
    const response = { name: 'activation-response.tally.json', mimeType: 'application/octet-stream', buffer: Buffer.from(JSON.stringify(answer.body)) };
    const upload = page.getByTestId('response-upload');
    await page.locator('#response-file').setInputFiles(response);
    await upload.getByRole('button', { name: 'Upload' }).click();
    await upload.getByTestId('exchange-result').waitFor();
    expect(await upload.getByTestId('update-summary').innerText()).toContain('changed');
    expect(await upload.getByTestId('activations-held').innerText()).toMatch(/ACT-VIEW\tTally Viewer\t2\t3/);
    await shot('offline-updates');
    await page.locator('#response-file').setInputFiles(response);
    await upload.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => upload.getByTestId('operation-failed').count()).toBe(1);
    expect(await upload.getByTestId('operation-failed').innerText()).toContain('was already applied');
    await shot('offline-updates-refused');
  });

  it('client keys: a file that is not a DER key is refused in the browser, a 1024-bit key by the server; a 2048-bit key is uploaded, shown and removed', async () => {
    await page.getByRole('link', { name: 'Client Key Operations' }).click();
    await page.getByTestId('client-key-none').waitFor();
    expect(await page.getByTestId('client-key-none').innerText()).toContain('No client key is uploaded.');
    const input = page.locator('#client-key-file');
    await input.setInputFiles({ name: 'client.pem', mimeType: 'text/plain', buffer: Buffer.from('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n') });
    const problem = () => page.getByTestId('client-key-file-problem').innerText();
    await expect.poll(problem).toContain('This is a PEM (text) file');
    expect(await page.getByRole('button', { name: 'Upload' }).isDisabled()).toBe(true);
    await shot('client-keys-refused');
    await input.setInputFiles({ name: 'huge.der', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5000, 0x30) });
    await expect.poll(problem).toContain('at most 4 KB');

    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    await input.setInputFiles({ name: 'small.der', mimeType: 'application/octet-stream', buffer: small });
    await expect.poll(() => page.getByTestId('client-key-file-problem').count()).toBe(0);
    await page.getByRole('button', { name: 'Upload' }).click();
    expect(await page.getByTestId('operation-failed').innerText()).toContain('This RSA key has 1024 bits: the client key must have 2048.');
    expect((await server.get('/api/1.0/instances/~/client-key', admin)).body.present).toBe(false);

    const der = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    await input.setInputFiles({ name: 'client.der', mimeType: 'application/octet-stream', buffer: der });
    await page.getByRole('button', { name: 'Upload' }).click();
    const stored = async () => (await server.get('/api/1.0/instances/~/client-key', admin)).body;
    await expect.poll(async () => (await stored()).present).toBe(true);
    const { keyId } = await stored();
    expect(await page.getByTestId('operation-done').innerText()).toContain(`Uploaded client key ${keyId} (RSA 2048 bits) from client.der.`);
    const current = page.getByTestId('client-key-current');
    await expect.poll(() => current.count()).toBe(1);
    expect(await page.getByTestId('client-key-id').innerText()).toBe(keyId);
    expect(await current.innerText()).toContain('RSA, 2048 bits');
    expect(await current.innerText()).toContain('by admin');
    expect(await current.innerText()).toContain('Not required: unsigned capability requests are served');
    await shot('client-keys');

    await current.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByText(`Remove the client key ${keyId}?`).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await stored()).present).toBe(true);
    await current.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove key' }).click();
    await page.getByTestId('client-key-none').waitFor();
    expect(await page.getByTestId('operation-done').innerText()).toContain(`Removed client key ${keyId}.`);
    expect((await stored()).present).toBe(false);
  });

  it('fits a phone: properties and the online and offline updates at 390 px wide', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/properties`);
    await untilSettled(page);
    await page.getByLabel('Renew after (% of the lease)', { exact: true }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'manager-properties-phone.png') });
    await field('security.sessionIdleTimeout').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'manager-properties-phone-durations.png') });
    await page.goto(`${server.url}/backoffice/online`);
    await page.getByLabel('Activation ID, line 1', { exact: true }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await shot('online-activations-phone');
    for (const [path, name] of [['/backoffice/online/update', 'online-update-licenses-phone'], ['/backoffice/offline', 'offline-updates-phone']] as const) {
      await page.goto(`${server.url}${path}`);
      await untilSettled(page);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
      await shot(name);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('a read-only user sees the values and the client key with every control disabled, and the reason', async () => {
    await server.userToken('auditor', 'read-only');
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const reader = await context.newPage();
    await managerLogin(reader, server.url, 'auditor', ADMIN_PASSWORD, '/properties');
    await reader.getByTestId('properties-read-only').waitFor();
    expect(await reader.getByTestId('properties-read-only').innerText()).toContain('only an administrator may change them');
    expect(await reader.getByLabel('Renew after (% of the lease)', { exact: true }).isDisabled()).toBe(true);
    expect(await reader.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    expect(await reader.getByRole('button', { name: 'Reset Renew after (% of the lease) to its configured value' }).isDisabled()).toBe(true);
    await shot('properties-read-only', reader);
    const der = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    const put = await fetch(`${server.url}/api/1.0/instances/~/client-key`, { method: 'PUT', headers: { ...admin, 'content-type': 'application/octet-stream' }, body: der });
    const { keyId } = (await put.json()) as { keyId: string };
    await reader.goto(`${server.url}/backoffice/client-keys`);
    await reader.getByTestId('admins-only').waitFor();
    expect(await reader.getByRole('button', { name: 'Upload' }).isDisabled()).toBe(true);
    expect(await reader.getByTestId('client-key-id').innerText()).toBe(keyId);
    expect(await reader.getByTestId('client-key-current').getByRole('button', { name: 'Remove' }).isDisabled()).toBe(true);
    await context.close();
  });
});
