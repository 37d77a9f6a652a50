import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, openBrowser, untilSettled } from '../support/browser.js';
import { managerLogin } from '../support/manager.js';
import type { TestServer } from '../support/test-server.js';
import { ADMIN_PASSWORD, CAPABILITY, startTestServer } from '../support/test-server.js';

/** Markup that would run if it reached the page as HTML: it calls the page's `xss` binding. */
const payload = (field: string) => `<img src=x onerror="xss('${field}')"><b>${field}</b>`;

/**
 * Devices choose their alias, user and vendor dictionary; producers write vendor strings;
 * administrators name reservation groups. The manager shows all of it as text and runs none.
 */
describe('the License Server Manager with markup in every text a device or a file brings', { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const ran: string[] = [];
  /** A filter text with markup in its name, a rule and a reason (written with the language's \" escapes). */
  const quoted = (field: string) => `"${payload(field).replace(/"/g, '\\"')}"`;
  let filter = '';
  const violations: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      features: {
        licenseId: 'markup',
        features: [{ id: 'cad-m', name: 'cad', version: '1.0', count: 5, expiry: 'permanent', vendorString: payload('vendorString'), productName: payload('productName') }],
      },
    });
    const admin = { authorization: `Bearer ${await server.adminToken()}` };
    const device = { hostId: { value: 'ws-m', type: 'STRING' }, alias: payload('alias'), user: payload('user'), vendorDictionary: { [payload('key')]: payload('value') } };
    expect((await server.post(CAPABILITY, { device, features: [{ name: 'cad', version: '1.0', count: 1 }] })).status).toBe(200);
    const group = { name: payload('group'), reservations: [{ hostId: { value: 'ws-r', type: 'STRING' }, reservationEntries: [{ featureName: 'cad', featureVersion: '1.0', featureCount: 1 }] }] };
    expect((await server.post('/api/1.0/instances/~/reservationgroups', group, admin)).status).toBe(201);
    filter = `filter ${quoted('filterName')} { deny user(${quoted('filterUser')}) because ${quoted('filterReason')} }`;
    expect((await server.call('PUT', '/api/1.0/instances/~/filters', { text: filter }, admin)).status).toBe(200);

    ({ browser, page } = await openBrowser());
    await page.exposeBinding('xss', (_source, field: string) => void ran.push(field));
    await page.exposeBinding('cspViolation', (_source, what: string) => void violations.push(what));
    await page.addInitScript({ content: `document.addEventListener('securitypolicyviolation', (e) => window.cspViolation(e.violatedDirective + ' ' + e.blockedURI));` });
    await managerLogin(page, server.url, 'admin', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Nothing ran, nothing was refused by the policy, and no element came from the markup. */
  const nothingRan = async () => {
    expect(ran).toEqual([]);
    expect(violations).toEqual([]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  };
  const visit = async (path: string) => {
    await page.goto(`${server.url}${path}`);
    await untilSettled(page);
    return (await page.locator('main').textContent()) ?? '';
  };

  it('shows vendor strings, product names, aliases and users as text in Features and Feature Details', async () => {
    expect(await visit('/features/details')).toContain(payload('productName'));
    const details = await visit('/features/records/cad-m');
    for (const field of ['vendorString', 'productName', 'alias', 'user']) expect(details).toContain(payload(field));
    await page.screenshot({ path: join(SHOTS, 'manager-markup-feature.png'), fullPage: true });
    await nothingRan();
  });

  it('shows a device’s alias, user and vendor dictionary as text in Devices and Device Details', async () => {
    expect(await visit('/devices')).toContain(payload('alias'));
    const details = await visit('/devices/STRING/ws-m');
    for (const field of ['alias', 'user', 'key', 'value']) expect(details).toContain(payload(field));
    await nothingRan();
  });

  it('shows a checkout filter’s name, rules and reasons as text in Checkout Filters', async () => {
    const text = await visit('/filters');
    for (const field of ['filterName', 'filterReason']) expect(text).toContain(payload(field));
    // A rule is shown as written.
    expect(text).toContain(`deny user(${quoted('filterUser')})`);
    expect(await page.getByLabel('Checkout filter text').inputValue()).toBe(filter);
    await nothingRan();
  });

  it('shows a reservation group’s name as text in Reservations', async () => {
    expect(await visit('/reservations')).toContain(payload('group'));
    await nothingRan();
  });
});
