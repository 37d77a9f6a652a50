import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/common/time.js';
import { NEW_PASSWORD, openBrowser, SHOTS, untilSettled } from '../support/browser.js';
import { managerLogin, startManagerServer } from '../support/manager.js';
import type { TestServer } from '../support/test-server.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';

/** Logging in, passwords, the idle timeout, what a role may not do, and the Users view, in a real Chromium. */
describe('the manager: logging in, passwords, sessions, roles and users', { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  // The server's clock runs ahead by this much: idling out a session takes no real minutes.
  let skew = 0;
  const clock: Clock = { now: () => Date.now() + skew };
  let oliviaOneTime: string;

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `manager-${name}.png`), fullPage: true, animations: 'disabled' });
  const admin = async () => ({ authorization: `Bearer ${await server.adminToken()}` });
  const user = async (name: string) => (await server.get(`/api/1.0/instances/~/users/${name}`, await admin())).body;
  const notice = () => page.getByTestId('notice').innerText();
  const logOut = async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
  };
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('gridcell', { name, exact: true }) });

  beforeAll(async () => {
    server = await startManagerServer({ clock });
    const changed = await server.call('PUT', '/api/1.0/instances/~/properties', { 'security.sessionIdleTimeout': '2m' }, await admin());
    expect(changed.status).toBe(200);
    const created = await server.post('/api/1.0/instances/~/users', { name: 'olivia', role: 'read-only' }, await admin());
    oliviaOneTime = created.body.oneTimePassword;
    ({ browser, page } = await openBrowser());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says a wrong password is wrong and stays on the login', async () => {
    await page.goto(`${server.url}/users`);
    await page.waitForURL('**/login');
    await page.getByLabel('User').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await page.getByTestId('login-message').innerText()).toContain('Wrong user name or password');
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot('login-wrong-password');
  });

  it('makes a first login with a one-time password set a new one, with the API’s rule next to the field, then opens the page asked for', async () => {
    await page.goto(`${server.url}/devices?page=1`);
    await page.waitForURL('**/login');
    await page.locator('input[name="user"]').fill('olivia');
    await page.locator('input[name="password"]').fill(oliviaOneTime);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('choose a new password').waitFor();
    await page.locator('input[name="newPassword"]').fill('short');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByText('The new password must be at least 12 characters.').waitFor();
    await shot('login-one-time');
    await page.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.waitForURL('**/devices?page=1');
    expect(await page.getByTestId('who').innerText()).toBe('olivia (read-only)');
    expect((await user('olivia')).mustChangePassword).toBe(false);
  });

  it('shows a read-only user no Users view, and access denied when it is opened anyway', async () => {
    const nav = page.getByRole('navigation', { name: 'Views' });
    await nav.getByText('Properties').waitFor();
    expect(await nav.getByText('Users', { exact: true }).count()).toBe(0);
    await page.goto(`${server.url}/users`);
    expect(await page.getByTestId('access-denied').innerText()).toContain('Access denied');
    await shot('users-read-only');
  });

  it('changes the password while logged in with New and Confirm only; Confirm must match', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByText('Reset Password').click();
    await page.getByRole('heading', { name: 'Reset Password' }).waitFor();
    expect(await page.getByLabel('Current password').count()).toBe(0);
    await page.locator('input[name="newPassword"]').fill('a changed secret one');
    await page.getByLabel('Confirm new password').fill('a changed secret two');
    await page.getByText('Does not match the new password.').waitFor();
    await shot('reset-password-logged-in');
    await page.getByLabel('Confirm new password').fill('a changed secret one');
    await page.getByRole('button', { name: 'Reset Password' }).click();
    expect(await page.getByTestId('reset-done').innerText()).toContain('Your password was changed');
    expect(await notice()).toContain('Your password was changed');
    const login = await server.post('/api/1.0/instances/~/authorize', { user: 'olivia', password: 'a changed secret one' });
    expect(login.status).toBe(200);
  });

  it('asks the user name and current password when not logged in, and logs in with the new one', async () => {
    await logOut();
    await page.getByRole('heading', { name: 'Reset Password' }).waitFor();
    await page.getByLabel('User name').fill('olivia');
    await page.getByLabel('Current password').fill('a changed secret one');
    await page.locator('input[name="newPassword"]').fill('olivia');
    await page.getByLabel('Confirm new password').fill('olivia');
    await page.getByRole('button', { name: 'Reset Password' }).click();
    // The API's reasons, next to the field.
    await page.getByText('must not contain the user name').waitFor();
    await page.locator('input[name="newPassword"]').fill('a third password for me');
    await page.getByLabel('Confirm new password').fill('a third password for me');
    await page.getByRole('button', { name: 'Reset Password' }).click();
    expect(await page.getByTestId('reset-done').innerText()).toContain('you are logged in as olivia');
    expect(await page.getByTestId('who').innerText()).toBe('olivia (read-only)');
    await shot('reset-password-logged-out');
    await logOut();
  });

  it('lets an administrator add users with a role, each one-time password shown once with Copy', async () => {
    await managerLogin(page, server.url, 'admin', ADMIN_PASSWORD, '/users');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await untilSettled(page);
    await shot('users');
    for (const [name, role] of [
      ['rita', 'Reservations'],
      ['remy', 'Read-only'],
    ] as const) {
      await page.getByRole('button', { name: 'Add user' }).click();
      await page.getByLabel('User name').fill(name);
      await page.getByRole('dialog').getByLabel('Role').click();
      await page.getByRole('option', { name: role }).click();
      if (name === 'rita') await shot('users-add');
      await page.getByRole('dialog').getByRole('button', { name: 'Add user' }).click();
      const password = await page.getByTestId('one-time-password').innerText();
      expect(password.length).toBeGreaterThan(10);
      expect(await notice()).toContain(`${name} was added as ${role}`);
      expect(await page.getByRole('dialog').innerText()).toContain('must set a new password');
      await page.getByRole('button', { name: 'Copy the one-time password' }).waitFor();
      if (name === 'rita') await shot('users-one-time-password');
      await page.getByRole('button', { name: 'Done' }).click();
      if (name === 'rita') {
        const login = await server.post('/api/1.0/instances/~/authorize', { user: name, password });
        expect(login.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
      }
    }
    expect((await user('rita')).role).toBe('reservations');
    expect((await user('remy')).role).toBe('read-only');
  });

  it('changes a role, resets a password (saying its sessions end) and removes a user after asking', async () => {
    await row('remy').getByRole('button', { name: 'Change the role of remy' }).click();
    await page.getByRole('dialog').getByLabel('Role').click();
    await page.getByRole('option', { name: 'Reservations' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();
    expect(await notice()).toContain('remy is now Reservations');
    expect((await user('remy')).role).toBe('reservations');

    await row('rita').getByRole('button', { name: 'Reset the password of rita' }).click();
    expect(await page.getByRole('dialog').innerText()).toContain('every session of rita ends now');
    await shot('users-reset-confirm');
    await page.getByRole('button', { name: 'Reset password' }).click();
    const password = await page.getByTestId('one-time-password').innerText();
    await page.getByRole('button', { name: 'Done' }).click();
    expect((await server.post('/api/1.0/instances/~/authorize', { user: 'rita', password })).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');

    await row('remy').getByRole('button', { name: 'Remove remy' }).click();
    expect(await page.getByRole('dialog').innerText()).toContain('can no longer log in');
    await page.getByRole('button', { name: 'Remove user' }).click();
    expect(await notice()).toContain('remy was removed');
    await row('remy').waitFor({ state: 'detached' });
    expect((await server.get('/api/1.0/instances/~/users/remy', await admin())).status).toBe(404);
  });

  it('says before the click that the last administrator cannot be demoted or removed', async () => {
    const adminRow = row('admin (you)');
    expect(await adminRow.getByRole('button', { name: 'Remove admin' }).isDisabled()).toBe(true);
    await adminRow.getByTestId('not-allowed').hover();
    expect(await page.getByRole('tooltip').innerText()).toContain('You cannot remove the user you are logged in as');
    await adminRow.getByRole('button', { name: 'Change the role of admin' }).click();
    expect(await page.getByTestId('last-admin').innerText()).toContain('admin is the last administrator');
    await page.getByRole('dialog').getByLabel('Role').click();
    expect(await page.getByRole('option', { name: 'Read-only' }).getAttribute('aria-disabled')).toBe('true');
    await shot('users-last-admin');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await user('admin')).role).toBe('admin');
  });

  it('ends an idle session with a message saying after how long, and returns to the page and its query after logging in', async () => {
    for (let i = 1; i <= 9; i++) await server.post('/api/1.0/instances/~/users', { name: `user${i}`, role: 'read-only' }, await admin());
    // Ten rows a page, as Settings keeps it in the browser.
    await page.evaluate(() => {
      const storage = (globalThis as unknown as { localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).localStorage;
      storage.setItem('tally.manager.connection', JSON.stringify({ ...(JSON.parse(storage.getItem('tally.manager.connection') ?? '{}') as object), pageSize: 10 }));
    });
    await page.goto(`${server.url}/users`);
    await untilSettled(page);
    skew += 3 * 60_000;
    await page.getByRole('button', { name: 'Go to next page' }).click();
    await page.waitForURL('**/login');
    expect(await page.getByTestId('session-ended').innerText()).toContain('Your session ended after 2 minutes without activity');
    await shot('login-session-ended');
    await page.locator('input[name="user"]').fill('admin');
    await page.locator('input[name="password"]').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/users?page=2');
    await untilSettled(page);
    // Sorted by name, the second page of ten holds the last two users.
    await row('user9').waitFor();
    expect(await row('admin (you)').count()).toBe(0);
  });

  it('fits the Users view on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/users`);
    await untilSettled(page);
    await shot('users-phone');
    await page.setViewportSize({ width: 1366, height: 900 });
  });
});
