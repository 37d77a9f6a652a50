import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/backoffice/licensing/catalog.js';
import { openBackofficeDb } from '../../src/backoffice/store/db.js';
import { systemClock } from '../../src/common/time.js';
import { runTally } from '../support/tally-cli.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';
import { until } from '../support/until.js';

const dir = mkdtempSync(join(tmpdir(), 'tally-cloud-cli-'));
const data = join(dir, 'backoffice');
const env = { ...process.env, TALLY_HOME: join(dir, 'home') };

/** Runs `tally backoffice ...` on the test's data folder. */
const backoffice = (...args: string[]) => runTally(['backoffice', ...args, '--data', data], env);

describe('tally backoffice cloud-instance: cloud instances from the command line', { timeout: 60_000 }, () => {
  let bo: TestBackoffice | undefined;
  let oneTime = '';

  beforeAll(async () => {
    for (const id of ['acme', 'globex']) expect((await backoffice('account', 'add', id)).code).toBe(0);
    const db = openBackofficeDb(data);
    try {
      const catalog = new Catalog(db, systemClock);
      catalog.addProduct({ id: 'cad-pro', name: 'Tally CAD Pro', features: [{ name: 'cad', version: '2.0', count: 1 }] });
      catalog.addEntitlement({ id: 'ENT-ACME', accountId: 'acme', lineItems: [{ activationId: 'ACT-ACME', productId: 'cad-pro', quantity: 4 }] });
    } finally {
      db.close();
    }
  });
  afterAll(async () => {
    await bo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create makes an instance for an account and prints its admin one-time password once, with where the customer logs in', async () => {
    const created = await backoffice('cloud-instance', 'create', '--account', 'acme', '--name', 'Acme cloud', '--id', 'acme-cloud');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created cloud instance acme-cloud (Acme cloud) of account acme.');
    expect(created.stdout).toContain('/manager/?instance=acme-cloud');
    oneTime = /One-time password \(shown once\): (\S+)/.exec(created.stdout)?.[1] ?? '';
    expect(oneTime).not.toBe('');
    expect(existsSync(join(data, 'instances', 'acme-cloud'))).toBe(true);

    const json = await backoffice('cloud-instance', 'create', '--account', 'globex', '--name', 'Globex cloud', '--json');
    expect(json.code, json.stderr).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body.instance).toEqual(expect.objectContaining({ accountId: 'globex', kind: 'cloud', name: 'Globex cloud' }));
    expect(body.admin).toEqual({ user: 'admin', oneTimePassword: expect.any(String) });
  });

  it('create refuses an unknown account, a bad ID or a taken one, naming the field, and makes nothing', async () => {
    const unknown = await backoffice('cloud-instance', 'create', '--account', 'nobody', '--name', 'X');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('accountId: matches no account');
    const bad = await backoffice('cloud-instance', 'create', '--account', 'acme', '--name', 'X', '--id', 'has space');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('id: must be 1-64 letters, digits, dots, dashes or underscores');
    const taken = await backoffice('cloud-instance', 'create', '--account', 'acme', '--name', 'X', '--id', 'acme-cloud');
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toContain('id: is taken');
    const listed = JSON.parse((await backoffice('cloud-instance', 'list', '--json')).stdout);
    expect(listed.total).toBe(2);
  });

  it('list shows every cloud instance, or those of one account', async () => {
    const all = await backoffice('cloud-instance', 'list');
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^INSTANCE\s+ACCOUNT\s+NAME\s+CREATED\s+API/);
    expect(all.stdout).toMatch(/acme-cloud\s+acme\s+Acme cloud/);
    expect(all.stdout).toContain('Globex cloud');
    const acme = JSON.parse((await backoffice('cloud-instance', 'list', '--account', 'acme', '--json')).stdout);
    expect(acme.items.map((i: { id: string }) => i.id)).toEqual(['acme-cloud']);
    expect(JSON.stringify(acme)).not.toContain(oneTime);
  });

  it('reset-admin prints a new one-time password; the old one no longer works', async () => {
    const reset = await backoffice('cloud-instance', 'reset-admin', 'acme-cloud', '--json');
    expect(reset.code, reset.stderr).toBe(0);
    const answer = JSON.parse(reset.stdout);
    expect(answer).toEqual({ instanceId: 'acme-cloud', user: 'admin', oneTimePassword: expect.any(String) });
    expect(answer.oneTimePassword).not.toBe(oneTime);

    bo = await startTestBackoffice({ dataDir: data });
    const api = '/api/1.0/instances/acme-cloud';
    const old = await bo.call('POST', `${api}/reset-password`, { user: 'admin', currentPassword: oneTime, newPassword: ADMIN_PASSWORD });
    expect(old.status).toBe(401);
    const login = await bo.call('POST', `${api}/reset-password`, { user: 'admin', currentPassword: answer.oneTimePassword, newPassword: ADMIN_PASSWORD });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const activated = await bo.call('POST', `${api}/activations`, { activations: [{ activationId: 'ACT-ACME', count: 3 }] }, { authorization: `Bearer ${login.body.token}` });
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
  });

  it('tally client reaches a cloud instance by --server (the back office) and --instance', async () => {
    const held = await runTally(['client', 'request', 'cad:2.0=2', '--server', bo!.url, '--instance', 'acme-cloud', '--hostid', 'ws-1', '--json'], env);
    expect(held.code, held.stderr).toBe(0);
    expect(JSON.parse(held.stdout).granted).toEqual([expect.objectContaining({ feature: 'cad', count: 2 })]);
    const elsewhere = await runTally(['client', 'status', '--server', bo!.url, '--instance', 'no-such-instance', '--hostid', 'ws-1'], env);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain('No cloud instance no-such-instance is hosted here.');
  });

  it('delete gives the activated counts back and removes the folder; a running back office stops serving it; a second delete says there is none', async () => {
    const deleted = await backoffice('cloud-instance', 'delete', 'acme-cloud');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('Deleted cloud instance acme-cloud');
    expect(existsSync(join(data, 'instances', 'acme-cloud'))).toBe(false);
    expect(bo!.catalog.lineItemView('ACT-ACME').activated).toBe(0);
    const list = JSON.parse((await backoffice('cloud-instance', 'list', '--account', 'acme', '--json')).stdout);
    expect(list.total).toBe(0);
    await until(async () => (await bo!.call('POST', '/api/1.0/instances/acme-cloud/capability', { device: { hostId: { value: 'ws-1', type: 'HOSTNAME' } } })).status === 404);
    const again = await backoffice('cloud-instance', 'delete', 'acme-cloud');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('instanceId: matches no cloud instance');
  });
});
