import type { Page } from 'playwright-core';
import type { TestServer, TestServerOptions } from './test-server.js';
import { ADMIN_PASSWORD, startTestServer } from './test-server.js';

/** The license the manager's browser tests serve: several records of one name, metered, uncounted, dated. */
export const MANAGER_FEATURES = {
  licenseId: 'manager',
  features: [
    { id: 'cad-a', name: 'cad', version: '1.0', count: 3, expiry: '2030-06-30', start: '2024-01-01', vendorString: 'tier:pro', productName: 'CAD Suite', productVersion: '2026', activationId: 'ACT-1', entitlementId: 'ENT-1', overdraft: 1 },
    { id: 'cad-b', name: 'cad', version: '1.0', count: 2, expiry: 'permanent', activationId: 'ACT-2' },
    { id: 'cad-2', name: 'cad', version: '2.0', count: 1, expiry: '2031-01-01' },
    { id: 'hrs', name: 'hours', version: '1.0', count: 100, model: 'metered', metered: { capped: true }, expiry: '2030-01-01' },
    { id: 'view', name: 'viewer', version: '1.0', count: 0, counted: false, expiry: 'permanent' },
  ],
};

/** A real license server with MANAGER_FEATURES loaded and the admin's password set to ADMIN_PASSWORD. */
export async function startManagerServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer({ features: MANAGER_FEATURES, ...options });
  await server.adminToken();
  return server;
}

/** Logs in through the manager's login page, as a person would; lands on `to` (a path of the manager). */
export async function managerLogin(page: Page, url: string, user: string, password = ADMIN_PASSWORD, to = '/features'): Promise<void> {
  await page.goto(`${url}${to}`);
  await page.waitForURL('**/login');
  await page.locator('input[name="user"]').fill(user);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
}
