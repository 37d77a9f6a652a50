import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, SHOTS, untilSettled } from '../support/browser.js';
import { managerLogin, startManagerServer } from '../support/manager.js';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability } from '../support/test-server.js';

const BASE = '/api/1.0/instances/~';

/** What the tests use of a textarea in the page (the tests are compiled without the DOM's types). */
interface TextArea {
  selectionStart: number;
  setSelectionRange(start: number, end: number): void;
}

const MODEL_WITH_MISTAKE = `model "site" {
  partitions {
    partition "eng"   { "cadx" 1.0 2 }
    partition "build" { "cad" 1.0 1 }
  }
  on hostname("build-*") { use "build" accept }
  on any() { use "eng" continue }
}
`;
const MODEL = MODEL_WITH_MISTAKE.replace('"cadx" 1.0 2', '"cad" 1.0 2');

/** Named License Pools (pools and the Model tab) and Reservations, in a real Chromium against a real license server. */
describe('the manager\'s Named License Pools and Reservations views', { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: Record<string, string>;
  let exported = '';

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `manager-${name}.png`), fullPage: true });
  const settled = () => untilSettled(page);
  const notice = async () => (await page.getByTestId('notice').last().innerText()).trim();
  /** Loads (or reloads) a second license holding `cam`, to change what reservations can be satisfied by. */
  const camLicense = async (count: number) => {
    const res = await server.post(`${BASE}/licenses`, server.sign({ licenseId: 'extra', features: [{ id: 'cam-1', name: 'cam', version: '1.0', count, expiry: 'permanent' }] }), admin);
    expect(res.status).toBe(200);
  };
  const logInAs = async (user: string, to: string) => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await managerLogin(page, server.url, user, undefined, to);
    await settled();
  };

  beforeAll(async () => {
    server = await startManagerServer();
    admin = { authorization: `Bearer ${await server.adminToken()}` };
    await camLicense(3);
    await server.userToken('allocator', 'reservations');
    await server.userToken('viewer', 'read-only');
    ({ browser, page } = await openBrowser({ acceptDownloads: true }));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says that every count is in the default pool while no model is active', async () => {
    await managerLogin(page, server.url, 'admin', undefined, '/pools');
    await settled();
    expect(await page.getByTestId('no-pools').innerText()).toContain('every count is in the default pool');
    await shot('pools-empty');
  });

  it('refuses a model with a mistake, listing the problem with its line and column and marking that line', async () => {
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.waitForURL('**/pools/model');
    await page.getByTestId('no-model').waitFor();
    await page.setInputFiles('input[aria-label="Model definition file"]', { name: 'site.model', mimeType: 'text/plain', buffer: Buffer.from(MODEL_WITH_MISTAKE) });
    await expect.poll(() => page.getByLabel('Model definition text').inputValue()).toBe(MODEL_WITH_MISTAKE);
    await page.getByRole('button', { name: 'Validate' }).click();
    const problem = page.getByTestId('model-problem');
    await problem.waitFor();
    expect(await problem.innerText()).toMatch(/Line 3, column \d+\s+This server has no feature "cadx"/);
    expect(await page.locator('[data-line="3"][data-marked="true"]').count()).toBe(1);
    expect(await page.locator('[data-marked="true"]').count()).toBe(1);
    // Choosing the problem puts the caret on line 3, at the column it names.
    const column = Number(/column (\d+)/.exec(await problem.innerText())![1]);
    await page.getByLabel('Model definition text').evaluate((el) => (el as unknown as TextArea).setSelectionRange(0, 0));
    await problem.click();
    const caret = await page.getByLabel('Model definition text').evaluate((el) => (el as unknown as TextArea).selectionStart);
    const lines = MODEL_WITH_MISTAKE.split('\n');
    expect(caret).toBe(lines[0]!.length + 1 + lines[1]!.length + 1 + column - 1);
    expect(await page.locator('textarea:focus').getAttribute('aria-label')).toBe('Model definition text');
    await shot('model-problem');
    // Activating validates first: nothing is activated.
    await page.getByRole('button', { name: 'Upload / Activate' }).click();
    await expect.poll(notice).toContain('line 3');
    expect((await server.get(`${BASE}/model`, admin)).status).toBe(404);
  });

  it('activates the corrected model and shows its name, who activated it and its text', async () => {
    await page.getByLabel('Model definition text').fill(MODEL);
    await page.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => page.getByTestId('model-outcome').innerText()).toContain('fits this server');
    expect(await page.getByTestId('model-problems').count()).toBe(0);
    await page.getByRole('button', { name: 'Upload / Activate' }).click();
    await expect.poll(notice).toContain('Model "site" activated: 2 named pools: eng (2 counts), build (1 count)');
    await page.getByTestId('model-facts').waitFor();
    const facts = await page.getByTestId('model-facts').innerText();
    expect(facts).toContain('site');
    expect(facts).toContain('admin');
    const active = await server.get(`${BASE}/model`, admin);
    expect(active.body).toMatchObject({ name: 'site', text: MODEL, activatedBy: 'admin' });
    expect(await page.locator('[data-line]').count()).toBe(MODEL.split('\n').length);
    await shot('model-active');
  });

  it('expands a pool, by keyboard, to its features with version, expiration, allocated, used and status; default comes last', async () => {
    expect((await server.post(CAPABILITY, capability('ws-1', [{ name: 'cad', count: 1 }]))).status).toBe(200);
    await page.getByRole('tab', { name: 'Named License Pools' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/pools'));
    await settled();
    const pools = await Promise.all((await page.locator('[data-testid^="pool-"]').all()).map((l) => l.getAttribute('data-testid')));
    expect(pools).toEqual(['pool-eng', 'pool-build', 'pool-default']);
    const eng = page.getByTestId('pool-eng');
    expect(await eng.innerText()).toContain('1 feature · 2 allocated · 1 used');
    await eng.getByRole('button').first().focus();
    await page.keyboard.press('Enter');
    const row = eng.locator('tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect((await row.locator('td').allInnerTexts()).slice(0, 5)).toEqual(['cad', '1.0', 'permanent', '2', '1']);
    expect(await row.locator('.MuiChip-label').innerText()).toBe('Normal');
    await page.getByTestId('pool-default').getByRole('button').first().click();
    const defaults = await page.getByTestId('pool-default').locator('tbody tr').allInnerTexts();
    // What the named pools did not take; uncounted features belong to no pool.
    expect(defaults.map((t) => t.split('\t').slice(0, 4).map((c) => c.trim()))).toEqual([
      ['cad', '1.0', 'permanent', '2'],
      ['cad', '2.0', '2031-01-01', '1'],
      ['cam', '1.0', 'permanent', '3'],
      ['hours', '1.0', '2030-01-01', '100'],
    ]);
    await page.getByTestId('pool-default').locator('.MuiCollapse-entered').waitFor();
    await shot('pools');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('pools-phone');
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('deletes the model after asking: every count returns to the default pool', async () => {
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.getByRole('button', { name: 'Delete model' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('every count returns to the default pool');
    await shot('model-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete model' }).click();
    await expect.poll(notice).toBe('Model "site" deleted: every count is back in the default pool.');
    await page.getByTestId('no-model').waitFor();
    expect((await server.get(`${BASE}/model`, admin)).status).toBe(404);
  });

  it('adds two entries in one group and one in another through the pending table, showing each field\'s problem next to it', async () => {
    await page.getByRole('link', { name: 'Reservations' }).click();
    await settled();
    await expect.poll(() => page.getByTestId('table-reservations').innerText()).toContain('No reservations');
    await shot('reservations-empty');
    await page.getByRole('link', { name: 'Add' }).click();
    await page.waitForURL('**/reservations/add');
    await page.getByLabel('Version').fill('1');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    expect(await page.getByText('must be an a.b version of two whole numbers, e.g. 1.0').count()).toBe(1);
    expect(await page.getByText('is required').count()).toBe(4);
    await shot('reservation-add-invalid');
    await page.getByRole('button', { name: 'Clear' }).click();
    expect(await page.getByLabel('Version').inputValue()).toBe('');

    const add = async (group: string, device: string, type: string, feature: string, count: number) => {
      await page.getByLabel('Group name').fill(group);
      await page.getByLabel('Device ID').fill(device);
      await page.getByLabel('ID type').click();
      await page.getByRole('option', { name: new RegExp(`^${type} `) }).click();
      await page.getByLabel('Feature').fill(feature);
      await page.getByLabel('Version').fill('1.0');
      await page.getByLabel('Count').fill(String(count));
      await page.getByRole('button', { name: 'Add', exact: true }).click();
    };
    await add('support', '7A7A77AAA77A', 'ETHERNET', 'cad', 2);
    await add('support', 'joe', 'USER', 'cam', 1);
    await add('lab', 'lab-1', 'STRING', 'cam', 5);
    expect(await page.getByTestId('pending-row').count()).toBe(3);
    // The API refuses the whole posting; its answer shows next to the count it names.
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByTestId('submit-refused').waitFor();
    expect(await page.getByTestId('pending-row').nth(2).getByTestId('pending-error-count').innerText()).toContain('5 of cam 1.0 or higher cannot be reserved');
    expect((await server.get(`${BASE}/reservations`, admin)).body.total).toBe(0);
    await shot('reservation-add-refused');
    await page.getByRole('button', { name: /^Remove entry 3/ }).click();
    await add('lab', 'lab-1', 'STRING', 'cam', 2);
    expect(await page.getByTestId('submit-refused').count()).toBe(0);
    await shot('reservation-add-pending');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('reservation-add-phone');
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/reservations'));
    await expect.poll(notice).toBe('Created 2 reservation groups: support, lab.');
    const groups = (await server.get(`${BASE}/reservationgroups`, admin)).body.items;
    expect(groups.map((g: { name: string; reservations: unknown[] }) => [g.name, g.reservations.length])).toEqual([['support', 2], ['lab', 1]]);
  });

  it('shows each entry\'s status, and why a reservation the server can no longer satisfy cannot be', async () => {
    await camLicense(2);
    await page.reload();
    await settled();
    const grid = page.getByTestId('table-reservations');
    await expect.poll(() => grid.locator('[data-status="unsatisfiable"]').count()).toBe(1);
    expect(await grid.locator('[data-status="satisfiable"]').count()).toBe(2);
    const unsatisfiable = grid.locator('[role="row"]', { has: page.locator('[data-status="unsatisfiable"]') });
    const text = await unsatisfiable.innerText();
    expect(text).toContain('Unsatisfiable');
    expect(text).toContain('needs 2 of cam ≥ 1.0; 1 left after other reservations');
    expect(text).toContain('lab-1');
    await shot('reservations');
  });

  it('exports every group to reservations.json, the shape the API takes', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toBe('reservations.json');
    exported = readFileSync(await download.path(), 'utf8');
    const groups = JSON.parse(exported) as Array<{ name: string; reservations: Array<{ hostId: { value: string; type: string } }> }>;
    expect(groups.map((g) => [g.name, g.reservations.map((r) => `${r.hostId.type}:${r.hostId.value}`)])).toEqual([
      ['support', ['ETHERNET:7A7A77AAA77A', 'USER:joe']],
      ['lab', ['STRING:lab-1']],
    ]);
    await expect.poll(notice).toBe('Exported 2 reservation groups to reservations.json.');
  });

  it('deletes the checked groups after asking', async () => {
    const grid = page.getByTestId('table-reservations');
    // Checking one entry checks its whole group.
    await grid.locator('[role="row"]', { hasText: '7A7A77AAA77A' }).getByRole('checkbox').check();
    await expect.poll(() => grid.locator('[role="row"][aria-selected="true"]').count()).toBe(2);
    await grid.locator('[role="row"]', { hasText: 'lab-1' }).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Delete (2 groups)' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('support, lab');
    await shot('reservations-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete 2 groups' }).click();
    await expect.poll(notice).toBe('Deleted 2 reservation groups: support, lab.');
    expect((await server.get(`${BASE}/reservationgroups`, admin)).body.total).toBe(0);
  });

  it('imports the exported file back, first showing the API\'s refusal with the field it names', async () => {
    const file = { name: 'reservations.json', mimeType: 'application/json', buffer: Buffer.from(exported) };
    await page.setInputFiles('input[aria-label="Reservations JSON file"]', file);
    const refused = page.getByTestId('import-refused');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('body.1.reservations.0.reservationEntries.0.featureCount');
    await shot('reservations-import-refused');
    await camLicense(3);
    await page.setInputFiles('input[aria-label="Reservations JSON file"]', file);
    await expect.poll(notice).toBe('Imported 2 reservation groups from reservations.json: support, lab.');
    await settled();
    expect(await page.getByTestId('table-reservations').locator('[data-status="satisfiable"]').count()).toBe(3);
    expect((await server.get(`${BASE}/reservationgroups/export`, admin)).body).toEqual(JSON.parse(exported));
  });

  it('lets a reservations user add and delete a group, and check a model', async () => {
    await logInAs('allocator', '/reservations/add');
    await page.getByLabel('Group name').fill('night');
    await page.getByLabel('Device ID').fill('render-7');
    await page.getByLabel('Feature').fill('cad');
    await page.getByLabel('Version').fill('2.0');
    await page.getByLabel('Count').fill('1');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(notice).toBe('Created 1 reservation group: night.');
    await settled();
    await page.getByTestId('table-reservations').locator('[role="row"]', { hasText: 'render-7' }).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Delete (1 group)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete 1 group' }).click();
    await expect.poll(notice).toBe('Deleted 1 reservation group: night.');
    await page.getByRole('link', { name: 'Named License Pools' }).click();
    await page.getByRole('tab', { name: 'Model' }).click();
    await settled();
    expect(await page.getByRole('button', { name: 'Browse…' }).isEnabled()).toBe(true);
    // Reservations are in force: a model can be checked but not activated, and the view says why.
    expect(await page.getByText('Reservations are in use').count()).toBe(1);
  });

  it('shows a read-only user the reservations and the model with every control that changes them disabled, and why', async () => {
    await logInAs('viewer', '/reservations');
    expect(await page.getByTestId('read-only-note').innerText()).toContain('may view reservations but not change them');
    expect(await page.getByRole('button', { name: 'Import…' }).isDisabled()).toBe(true);
    expect(await page.getByRole('link', { name: 'Add' }).getAttribute('aria-disabled')).toBe('true');
    expect(await page.getByRole('button', { name: 'Export' }).isEnabled()).toBe(true);
    expect(await page.getByTestId('table-reservations').getByRole('checkbox').count()).toBe(0);
    expect(await page.getByTestId('table-reservations').locator('[data-status="satisfiable"]').count()).toBe(3);
    await shot('reservations-read-only');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('reservations-phone');
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${server.url}/reservations/add`);
    await page.getByTestId('access-denied').waitFor();
    await page.getByRole('link', { name: 'Named License Pools' }).click();
    await page.getByRole('tab', { name: 'Model' }).click();
    await settled();
    for (const name of ['Browse…', 'Validate', 'Upload / Activate', 'Delete model']) expect(await page.getByRole('button', { name }).isDisabled()).toBe(true);
    expect(await page.getByTestId('read-only-note').innerText()).toContain('may read the model but not change it');
    expect(await page.getByLabel('Model definition text').getAttribute('readonly')).not.toBeNull();
    await shot('model-read-only');
  });
});
