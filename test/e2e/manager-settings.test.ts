import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/common/version.js';
import { SHOTS, openBrowser, untilSettled } from '../support/browser.js';
import { startManagerServer } from '../support/manager.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

/** A one-pixel blue PNG: enough for the browser to show a logo. */
const LOGO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPj/HwADBwIAMCbHYQAAAABJRU5ErkJggg==', 'base64');

/** A port nothing listens on: opened, then closed. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The manager's Settings, About, branding, the unreachable banner and the phone layout, in a real Chromium. */
describe('the License Server Manager: Settings, About, branding and the shell', { timeout: 60_000 }, () => {
  const branding = mkdtempSync(join(tmpdir(), 'tally-branding-'));
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let port: number;
  let deadPort: number;

  const shot = (name: string, on = page) => on.screenshot({ path: join(SHOTS, `manager-${name}.png`), fullPage: true });
  const field = (label: string) => page.getByLabel(label, { exact: false });
  const helper = (name: string) => page.locator(`[name="${name}"]`).locator('xpath=ancestor::div[contains(@class,"MuiFormControl-root")][1]').locator('.MuiFormHelperText-root');

  beforeAll(async () => {
    writeFileSync(join(branding, 'data.json'), JSON.stringify({ productName: 'Acme License Manager', views: { features: { label: 'Products', icon: 'shopping_cart' }, about: { label: 'About Acme' } } }));
    writeFileSync(join(branding, 'logo.png'), LOGO);
    server = await startManagerServer({ settings: { 'server.brandingDir': branding } });
    port = Number(new URL(server.url).port);
    deadPort = await closedPort();
    ({ browser, page } = await openBrowser());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(branding, { recursive: true, force: true });
  });

  it("dresses the manager in the branding folder's product name, labels, icons and logo, without a login", async () => {
    await page.goto(`${server.url}/about`);
    await untilSettled(page);
    await expect.poll(() => page.getByRole('banner').innerText()).toContain('Acme License Manager');
    const nav = page.getByRole('navigation', { name: 'Views' });
    const products = nav.getByRole('link', { name: /Products/ });
    expect(await products.locator('.material-icons, .MuiIcon-root').innerText()).toBe('shopping_cart');
    expect(await nav.getByRole('link', { name: /Features/ }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: /About Acme/ }).count()).toBe(1);
    const logo = page.getByRole('banner').locator('img');
    expect(await logo.getAttribute('src')).toMatch(/\/branding\/logo\?v=\d+$/);
    // A string, as the other browser tests do: the tests are compiled without the DOM's types.
    await expect.poll(() => page.evaluate<number>("document.querySelector('header img').naturalWidth")).toBe(1);
    expect(await page.title()).toBe('Acme License Manager');
  });

  it("About shows the product, the manager's version, the server managed with its version, instance and uptime, and the browser", async () => {
    const about = page.getByRole('main');
    expect(await page.getByTestId('manager-version').innerText()).toBe(VERSION);
    expect(await page.getByTestId('about-server').innerText()).toBe(`${server.url}/api/1.0/instances/~`);
    expect(await page.getByTestId('server-version').innerText()).toBe(VERSION);
    expect(await page.getByTestId('uptime').innerText()).toMatch(/^\d+ (s|min)$/);
    const text = await about.innerText();
    expect(text).toContain(server.service.instanceId);
    expect(text).toContain('Licenses served');
    expect(text).toContain('HeadlessChrome');
    await shot('about');
  });

  it('Settings shows what is wrong next to each field and saves nothing until it is right', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Settings/ }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await field('License server host name').inputValue()).toBe('127.0.0.1');
    expect(await field('License server listen port').inputValue()).toBe(String(port));
    await field('License server host name').fill('');
    await field('License server listen port').fill('70000');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.getByTestId('notice').innerText()).toContain('Nothing was saved');
    expect(await helper('host').innerText()).toBe('Enter the host name or address of the server.');
    expect(await helper('port').innerText()).toMatch(/^Enter a port from 1 to 65535/);
    await page.getByLabel('Cloud license server').check();
    expect(await page.getByRole('switch', { name: 'Connect using HTTPS' }).isChecked()).toBe(true);
    expect(await page.getByRole('switch', { name: 'Connect using HTTPS' }).isDisabled()).toBe(true);
    expect(await helper('instanceId').innerText()).toMatch(/^Enter the ID of the cloud instance/);
    await shot('settings-invalid');
    expect(await page.evaluate<string | null>("localStorage.getItem('tally.manager.connection')")).toBeNull();
    await page.getByLabel('Local license server').check();
    await field('License server host name').fill('127.0.0.1');
  });

  it('Test connection says which server it reached, or what failed and the URL it tried', async () => {
    await field('License server listen port').fill(String(port));
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.getByTestId('connection-test').innerText()).toBe(
      `Reached Tally license server ${VERSION} (instance ${server.service.instanceId}, healthy) at ${server.url}/api/1.0/instances/~/health.`,
    );
    await field('License server listen port').fill(String(deadPort));
    await page.getByRole('button', { name: 'Test connection' }).click();
    const failed = await page.getByTestId('connection-test').innerText();
    expect(failed).toContain(`Could not reach the server at http://127.0.0.1:${deadPort}/api/1.0/instances/~/health`);
    expect(failed).toContain(`list ${server.url} in its security.corsOrigins property`);
    await shot('settings-test-failed');
  });

  it("saving another server shows that server's login, and the banner says what was tried, with Retry and Settings", async () => {
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL('**/login');
    expect(await page.getByTestId('server-switched').innerText()).toContain(`now manages http://127.0.0.1:${deadPort}/api/1.0/instances/~`);
    expect(await page.getByTestId('login-server').innerText()).toBe(`http://127.0.0.1:${deadPort}/api/1.0/instances/~`);
    await shot('login-switched');
    await page.goto(`${server.url}/about`);
    const banner = page.getByTestId('unreachable');
    await banner.waitFor();
    expect(await banner.innerText()).toContain(`Tried http://127.0.0.1:${deadPort}/api/1.0/instances/~/health: no answer.`);
    expect(await page.getByTestId('about-unreachable').innerText()).toContain('cannot be reached');
    await shot('unreachable');
    await banner.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => banner.getByRole('button', { name: 'Retry' }).isEnabled()).toBe(true);
    expect(await banner.isVisible()).toBe(true);
    await banner.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL('**/settings');
    expect(await field('License server listen port').inputValue()).toBe(String(deadPort));
  });

  it('switching back and logging in reaches the views; a page size saved alone says so and keeps the session', async () => {
    await field('License server listen port').fill(String(port));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL('**/login');
    await page.locator('input[name="user"]').fill('admin');
    await page.locator('input[name="password"]').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    expect(await page.getByTestId('unreachable').count()).toBe(0);
    await page.goto(`${server.url}/settings`);
    await page.getByLabel('Page size').click();
    await page.getByRole('option', { name: '25', exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.getByTestId('notice').innerText()).toBe(`Settings saved: 25 rows per page, managing ${server.url}/api/1.0/instances/~.`);
    expect(new URL(page.url()).pathname).toBe('/settings');
    expect(await page.getByTestId('who').innerText()).toBe('admin (admin)');
    expect(JSON.parse((await page.evaluate<string>("localStorage.getItem('tally.manager.connection')")))).toMatchObject({ kind: 'local', host: '127.0.0.1', port, pageSize: 25, https: false });
    await shot('settings');
  });

  it('on a phone the navigation is a menu button and a drawer, and Settings and About fit the screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await phone.goto(`${server.url}/settings`);
      await phone.getByRole('heading', { name: 'Settings' }).waitFor();
      expect(await phone.getByRole('navigation', { name: 'Views' }).isVisible()).toBe(false);
      const overflow = () => phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot('phone-settings', phone);
      await phone.getByRole('button', { name: 'Open the navigation' }).click();
      const nav = phone.getByRole('navigation', { name: 'Views' });
      await nav.waitFor();
      await shot('phone-navigation', phone);
      await nav.getByRole('link', { name: /About Acme/ }).click();
      await phone.getByRole('heading', { name: 'About' }).waitFor();
      await untilSettled(phone);
      expect(await nav.isVisible()).toBe(false);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot('phone-about', phone);
    } finally {
      await phone.close();
    }
  });
});
