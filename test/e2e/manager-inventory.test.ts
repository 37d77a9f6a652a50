import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, SHOTS, untilSettled } from '../support/browser.js';
import { managerLogin, startManagerServer } from '../support/manager.js';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability } from '../support/test-server.js';

/** A second license of twelve one-count features, so that lists run past a page of ten. */
const BULK = { licenseId: 'bulk', features: Array.from({ length: 12 }, (_, i) => ({ id: `bulk-${i + 1}`, name: `tool-${String(i + 1).padStart(2, '0')}`, version: '1.0', count: 1, expiry: 'permanent' })) };
const BACK_OFFICE = 'http://backoffice.example:8080';

/** The manager's Features and Devices views in a real Chromium, against a real license server. */
describe('the manager: features and devices', { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let auth: { authorization: string };

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `manager-${name}.png`), fullPage: true });
  const settled = () => untilSettled(page);
  const grid = (key: string) => page.getByTestId(`table-${key}`);
  const row = (key: string, id: string) => grid(key).locator(`[role="row"][data-id="${id}"]`);
  const cell = async (r: Locator, field: string) => (await r.locator(`[data-field="${field}"]`).innerText()).trim();
  const rowCount = (key: string) => grid(key).locator('[role="row"][data-id]').count();
  /** The pager's "1–10 of 17": the rows of this page, whatever the grid has drawn. */
  const shownRows = async (key: string) => (await grid(key).locator('.MuiTablePagination-displayedRows').innerText()).trim();
  const total = async () => (await page.getByTestId('record-total').innerText()).trim();
  const field = async (list: string, label: string) => (await page.getByTestId(list).locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]').innerText()).trim();
  // A page load, not a fixed pause: what the page shows once it has its data.
  const until = <T,>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });
  const query = (name: string) => new URL(page.url()).searchParams.get(name);

  beforeAll(async () => {
    // Unlocked, so that the test can name a back office part way through.
    server = await startManagerServer({ settings: { 'producer.lockedProperties': [] } });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    expect((await server.post('/api/1.0/instances/~/licenses', server.sign(BULK), auth)).status).toBe(200);
    const ask = async (body: unknown) => expect((await server.post(CAPABILITY, body)).status).toBe(200);
    await ask(capability('ws-1', [{ name: 'cad', count: 2 }], { device: { hostId: { value: 'ws-1', type: 'STRING' }, alias: 'Design WS', user: 'alice', vendorDictionary: { dept: 'eng', seat: 7 } } }));
    await ask(capability('ws-2', [{ name: 'cad', count: 1 }, { name: 'viewer', count: 1 }]));
    await ask(capability('ws-3', [{ name: 'cad', version: '2.0', count: 1 }]));
    // A device served once that has given everything back.
    await ask(capability('ws-idle', [{ name: 'tool-01', count: 1 }]));
    await ask(capability('ws-idle', [{ name: 'tool-01', count: 0 }]));
    ({ browser, page } = await openBrowser());
    // The page size of Settings, as the Settings view keeps it in this browser.
    await page.goto(`${server.url}/about`);
    await page.evaluate(() => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('tally.manager.connection', JSON.stringify({ pageSize: 10 })));
    await managerLogin(page, server.url, 'admin');
    await settled();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sums the records of each name and version in the Summary tab, with uncounted and permanent said in words', async () => {
    expect(new URL(page.url()).pathname).toBe('/features');
    await until(() => shownRows('manager-features-summary')).toBe('1–10 of 16');
    const cad = row('manager-features-summary', 'cad 1.0');
    // cad 1.0 is two records (3 and 2 counts); ws-1 holds 2 and ws-2 holds 1.
    expect(await cad.innerText()).toContain('cad');
    expect(await cell(cad, 'totalCount')).toBe('5');
    expect(await cell(cad, 'totalUsed')).toBe('3');
    expect(await cell(cad, 'totalAvailable')).toBe('2');
    expect(await cell(cad, 'firstExpiration')).toBe('Jun 30, 2030');
    expect(await cell(cad, 'lastExpiration')).toBe('permanent');
    expect(await cell(cad, 'counted')).toBe('yes');
    expect(await cell(row('manager-features-summary', 'hours 1.0'), 'metered')).toBe('yes');
    // Four names of the first license in five versions less one, plus twelve of the second.
    expect(await total()).toBe('Total number of records: 16');
    await shot('features-summary');
  });

  it('pages through the list with the page size of Settings, keeping the page in the URL', async () => {
    await page.getByRole('button', { name: 'Go to next page' }).click();
    await until(() => query('page')).toBe('2');
    await until(() => shownRows('manager-features-summary')).toBe('11–16 of 16');
    // Ordered by name: the uncounted viewer is last.
    const viewer = row('manager-features-summary', 'viewer 1.0');
    expect(await cell(viewer, 'totalCount')).toBe('uncounted');
    expect(await cell(viewer, 'totalAvailable')).toBe('uncounted');
    await shot('features-summary-page-2');
    await page.getByRole('button', { name: 'Go to previous page' }).click();
    await until(() => query('page')).toBeNull();
  });

  it('hides and shows a column through View Columns, and remembers the choice', async () => {
    const header = grid('manager-features-summary').getByRole('columnheader', { name: 'Total overdraft' });
    await until(() => header.count()).toBe(1);
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('checkbox', { name: 'Total overdraft' }).uncheck();
    await page.keyboard.press('Escape');
    await until(() => header.count()).toBe(0);
    await page.reload();
    await settled();
    expect(await header.count()).toBe(0);
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('checkbox', { name: 'Total overdraft' }).check();
    await page.keyboard.press('Escape');
    await until(() => header.count()).toBe(1);
  });

  it('searches by the exact feature name; a part of a name finds nothing and says so', async () => {
    await page.getByLabel('Feature name').fill('cad');
    await page.getByLabel('Feature name').press('Enter');
    await until(() => query('name')).toBe('cad');
    await until(() => rowCount('manager-features-summary')).toBe(2);
    expect(await total()).toBe('Total number of records: 2');
    await shot('features-search');
    await page.getByLabel('Feature name').fill('ca');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await until(() => query('name')).toBe('ca');
    await page.getByText('No feature named ca.').waitFor();
    expect(await total()).toBe('Total number of records: 0');
    await shot('features-search-none');
  });

  it('opens the records of a name in the Details tab from its name in the Summary', async () => {
    await page.getByRole('button', { name: 'Show all features' }).click();
    await row('manager-features-summary', 'cad 1.0').getByRole('link', { name: 'cad' }).click();
    await until(() => new URL(page.url()).pathname).toBe('/features/details');
    expect(query('name')).toBe('cad');
    await until(() => rowCount('manager-features-details')).toBe(3);
    const a = row('manager-features-details', 'cad-a');
    expect(await cell(a, 'count')).toBe('3');
    expect(await cell(a, 'expiry')).toBe('Jun 30, 2030');
    expect(await cell(a, 'start')).toBe('Jan 1, 2024');
    expect(await cell(a, 'vendorString')).toBe('tier:pro');
    expect(await cell(row('manager-features-details', 'cad-b'), 'expiry')).toBe('permanent');
    await shot('features-details');
    // The grid draws only the columns in view: scroll to the product's.
    await grid('manager-features-details').locator('.MuiDataGrid-virtualScroller').evaluate((el) => {
      const scroller = el as unknown as { scrollLeft: number; scrollWidth: number };
      scroller.scrollLeft = scroller.scrollWidth;
    });
    expect(await cell(a, 'productName')).toBe('CAD Suite');
    expect(await cell(a, 'activationId')).toBe('ACT-1');
    expect(await cell(a, 'entitlementId')).toBe('ENT-1');
    expect(await cell(a, 'productVersion')).toBe('2026');
    expect(await cell(a, 'status')).toBe('active');
    await grid('manager-features-details').locator('.MuiDataGrid-virtualScroller').evaluate((el) => {
      (el as unknown as { scrollLeft: number }).scrollLeft = 0;
    });
  });

  it('pages through every record in the Details tab', async () => {
    await page.getByRole('button', { name: 'Show all features' }).click();
    await until(() => total()).toBe('Total number of records: 17');
    expect(await shownRows('manager-features-details')).toBe('1–10 of 17');
    await page.getByRole('button', { name: 'Go to next page' }).click();
    await until(() => shownRows('manager-features-details')).toBe('11–17 of 17');
    expect(query('page')).toBe('2');
    await page.getByRole('button', { name: 'Go to previous page' }).click();
  });

  it('shows every field of a record and the devices it serves in Feature Details, and Back returns to the list as it was', async () => {
    await page.getByLabel('Feature name').fill('cad');
    await page.getByLabel('Feature name').press('Enter');
    await until(() => rowCount('manager-features-details')).toBe(3);
    await row('manager-features-details', 'cad-a').getByRole('link', { name: 'cad' }).click();
    await until(() => new URL(page.url()).pathname).toBe('/features/records/cad-a');
    await settled();
    const record = await server.get('/api/1.0/instances/~/features/cad-a', auth);
    const expected: Record<string, string> = {
      'Feature name': 'cad',
      Version: '1.0',
      'Start date': 'Jan 1, 2024',
      'Feature expiry': 'Jun 30, 2030',
      'Total count': '3',
      Available: String(record.body.available),
      'Used count': String(record.body.used),
      'Reserved count': '0\nof the count, held for reservations',
      Overdraft: `0 used of 1 allowed`,
      'Vendor string': 'tier:pro',
      'Product name': 'CAD Suite',
      'Product version': '2026',
      'Activation ID': 'ACT-1',
      'Entitlement ID': 'ENT-1',
      Model: 'concurrent',
      Metered: 'not metered',
      'Borrow interval': 'the server’s default',
      'License ID': 'manager',
      Status: 'active',
    };
    for (const [label, value] of Object.entries(expected)) expect(await field('record-fields', label), label).toBe(value);
    const served = page.getByTestId('served-device');
    expect(await served.count()).toBe(record.body.servedDevices.length);
    expect(record.body.servedDevices.length).toBeGreaterThan(0);
    const first = record.body.servedDevices[0];
    const firstRow = await served.first().innerText();
    for (const part of [first.deviceId, 'STRING', String(first.count)]) expect(firstRow).toContain(part);
    await shot('feature-details');
    await page.getByRole('button', { name: 'Back' }).click();
    await until(() => new URL(page.url()).pathname).toBe('/features/details');
    expect(query('name')).toBe('cad');
  });

  it('says so, with a way back, for a feature record that does not exist', async () => {
    await page.goto(`${server.url}/features/records/no-such-record`);
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByTestId('not-found').innerText()).toContain('No such feature record');
    await shot('feature-details-missing');
    await page.getByRole('button', { name: 'Back' }).click();
    await until(() => new URL(page.url()).pathname).toBe('/features/details');
  });

  it('lists every device served, and the switch keeps only those holding counts now', async () => {
    await page.getByRole('link', { name: 'Devices' }).click();
    await until(() => total()).toBe('Total number of records: 4');
    const ws1 = row('manager-devices', 'STRING:ws-1');
    expect(await cell(ws1, 'alias')).toBe('Design WS');
    expect(await cell(ws1, 'user')).toBe('alice');
    expect(await cell(ws1, 'countHeld')).toBe('2');
    expect(await cell(row('manager-devices', 'STRING:ws-idle'), 'deviceExpiry')).toBe('holds nothing');
    await shot('devices');
    // The switch follows the URL, so it turns on once the page has moved there.
    await page.getByLabel('Only devices holding counts now').click();
    await until(() => query('holding')).toBe('true');
    await until(() => total()).toBe('Total number of records: 3');
    expect(await row('manager-devices', 'STRING:ws-idle').count()).toBe(0);
  });

  it('shows a device, its vendor dictionary, device expiry and consumed features in Device Details; each feature opens its record', async () => {
    await row('manager-devices', 'STRING:ws-1').getByRole('link', { name: 'ws-1' }).click();
    await until(() => new URL(page.url()).pathname).toBe('/devices/STRING/ws-1');
    await settled();
    const device = (await server.get('/api/1.0/instances/~/devices/STRING/ws-1', auth)).body;
    expect(await field('device-fields', 'Device ID type')).toBe('STRING');
    expect(await field('device-fields', 'Alias')).toBe('Design WS');
    expect(await field('device-fields', 'User')).toBe('alice');
    expect(await field('device-fields', 'Count held')).toBe('2');
    expect(await field('device-fields', 'Device expiry')).toContain('When everything the device holds lapses');
    expect(device.deviceExpiry).not.toBeNull();
    expect(await page.getByTestId('vendor-entry').allInnerTexts()).toEqual(['dept\teng', 'seat\t7']);
    const consumed = page.getByTestId('consumed-feature');
    expect(await consumed.count()).toBe(device.consumedFeatures.length);
    const text = await consumed.first().innerText();
    for (const part of ['cad', '1.0', 'concurrent']) expect(text).toContain(part);
    await shot('device-details');
    await consumed.first().getByRole('link', { name: 'cad' }).click();
    await until(() => new URL(page.url()).pathname).toBe(`/features/records/${device.consumedFeatures[0].recordId}`);
    await settled();
    // Back goes through where the user came from: the device, then the devices holding counts.
    await page.getByRole('button', { name: 'Back' }).click();
    await until(() => new URL(page.url()).pathname).toBe('/devices/STRING/ws-1');
    await page.getByRole('button', { name: 'Back' }).click();
    await until(() => new URL(page.url()).pathname).toBe('/devices');
    expect(query('holding')).toBe('true');
  });

  it('says "none" for a device without a vendor dictionary', async () => {
    await row('manager-devices', 'STRING:ws-2').click();
    await until(() => new URL(page.url()).pathname).toBe('/devices/STRING/ws-2');
    await page.getByTestId('vendor-dictionary-none').waitFor();
    expect(await page.getByTestId('consumed-feature').count()).toBe(2);
  });

  it('links a feature to its usage in the report only when the server has a back office', async () => {
    await page.goto(`${server.url}/features/records/cad-a`);
    await page.getByTestId('record-fields').waitFor();
    await settled();
    expect(await page.getByTestId('report-link').count()).toBe(0);
    const set = await server.call('PUT', '/api/1.0/instances/~/properties', { 'usageService.sync.url': BACK_OFFICE }, auth);
    expect(set.status).toBe(200);
    await page.reload();
    await page.getByRole('link', { name: 'Usage in the report' }).waitFor();
    expect(await page.getByRole('link', { name: 'Usage in the report' }).getAttribute('href')).toBe(`${BACK_OFFICE}/?features=cad`);
    await shot('feature-details-report-link');
    await page.goto(`${server.url}/features`);
    await settled();
    const link = row('manager-features-summary', 'hours 1.0').getByRole('link', { name: 'Usage of hours in the report' });
    expect(await link.getAttribute('href')).toBe(`${BACK_OFFICE}/?features=hours`);
  });

  it('fits a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/features`);
    await settled();
    await shot('features-phone');
    await page.goto(`${server.url}/devices/STRING/ws-1`);
    await page.getByTestId('device-fields').waitFor();
    await settled();
    await shot('device-details-phone');
    await page.goto(`${server.url}/features/records/cad-a`);
    await page.getByTestId('record-fields').waitFor();
    await settled();
    await shot('feature-details-phone');
    // Nothing sticks out sideways: the page scrolls only up and down.
    const width = await page.locator('html').evaluate((el) => (el as unknown as { scrollWidth: number }).scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  });
});
