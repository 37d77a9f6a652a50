import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { ADMIN_PASSWORD, capability } from '../../support/test-server.js';
import { until } from '../../support/until.js';

/** Cloud instances: license servers a back office hosts, each answering under its own ID. */
describe('cloud instances hosted by the back office', () => {
  let bo: TestBackoffice;
  let boAdmin: Record<string, string>;
  const tokens: Record<string, Record<string, string>> = {};
  const api = (id: string) => `/api/1.0/instances/${id}`;

  /** Creates a cloud instance and logs its first administrator in (replacing the one-time password). */
  async function create(accountId: string, name: string, id?: string) {
    const res = await bo.call('POST', '/api/1.0/backoffice/cloud-instances', { accountId, name, ...(id ? { id } : {}) }, boAdmin);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const instanceId = res.body.instance.id as string;
    const login = await bo.call('POST', `${api(instanceId)}/reset-password`, { user: 'admin', currentPassword: res.body.admin.oneTimePassword, newPassword: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    tokens[instanceId] = { authorization: `Bearer ${login.body.token}` };
    return res.body;
  }

  beforeAll(async () => {
    bo = await startTestBackoffice();
    boAdmin = { authorization: `Bearer ${await bo.adminToken()}` };
    for (const id of ['acme', 'globex']) await bo.call('POST', '/api/1.0/backoffice/accounts', { id, name: `Account ${id}` }, boAdmin);
    bo.catalog.addProduct({ id: 'cad-pro', name: 'Tally CAD Pro', features: [{ name: 'cad', version: '2.0', count: 1 }] });
    bo.catalog.addEntitlement({ id: 'ENT-ACME', accountId: 'acme', lineItems: [{ activationId: 'ACT-ACME', productId: 'cad-pro', quantity: 5 }] });
    bo.catalog.addEntitlement({ id: 'ENT-GLOBEX', accountId: 'globex', lineItems: [{ activationId: 'ACT-GLOBEX', productId: 'cad-pro', quantity: 2 }] });
  });
  afterAll(async () => bo?.stop());

  it('creates an instance for an account with a first administrator whose one-time password is answered once', async () => {
    const created = await create('acme', 'Acme cloud', 'acme-cloud');
    expect(created.instance).toEqual(expect.objectContaining({ id: 'acme-cloud', accountId: 'acme', kind: 'cloud', name: 'Acme cloud', loaded: true, apiBase: '/api/1.0/instances/acme-cloud' }));
    expect(created.admin.user).toBe('admin');
    const listed = await bo.call('GET', '/api/1.0/backoffice/cloud-instances?accountId=acme', undefined, boAdmin);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual(['acme-cloud']);
    expect(JSON.stringify(listed.body)).not.toContain(created.admin.oneTimePassword);
  });

  it("tells an instance's session what it may call as a license server's routes, and nothing of the back office's", async () => {
    const login = await bo.call('POST', `${api('acme-cloud')}/authorize`, { user: 'admin', password: ADMIN_PASSWORD });
    expect(login.body.may).toEqual(expect.arrayContaining(['PUT /api/1.0/instances/~/model', 'GET /api/1.0/instances/~/features']));
    expect(login.body.may.filter((route: string) => !route.includes('/api/1.0/instances/~/'))).toEqual([]);
    const boLogin = await bo.call('POST', '/api/1.0/instances/~/authorize', { user: 'admin', password: ADMIN_PASSWORD });
    expect(boLogin.body.may).toContain('POST /api/1.0/backoffice/cloud-instances');
    expect(boLogin.body.may.filter((route: string) => route.includes(':instanceId/') && route.startsWith('PUT /api/1.0/instances'))).toEqual([]);
    expect(boLogin.body.may).not.toContain('PUT /api/1.0/instances/~/model');
  });

  it('serves the same capability and admin API as a license server, under the instance ID', async () => {
    const id = 'acme-cloud';
    const activated = await bo.call('POST', `${api(id)}/activations`, { activations: [{ activationId: 'ACT-ACME', count: 3 }] }, tokens[id]);
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    expect(bo.catalog.activationId('ACT-ACME').servers).toEqual([expect.objectContaining({ instanceId: id, count: 3 })]);
    const grant = await bo.call('POST', `${api(id)}/capability`, capability('dev-1', [{ name: 'cad', version: '2.0', count: 2 }]));
    expect(grant.status).toBe(200);
    expect(grant.body.granted).toEqual([expect.objectContaining({ feature: 'cad', count: 2 })]);
    const features = await bo.call('GET', `${api(id)}/features`, undefined, tokens[id]);
    expect(features.body.items).toEqual([expect.objectContaining({ feature: 'cad', count: 3, used: 2 })]);
    const health = await bo.call('GET', `${api(id)}/health`, undefined, tokens[id]);
    expect(health.body).toEqual(expect.objectContaining({ instanceId: id, status: 'ok' }));
  });

  it('puts usage of hosted instances straight into the warehouse, each event once', async () => {
    await until(async () => (await bo.warehouse.countEvents({ instanceId: 'acme-cloud' })) >= 1);
    const events = await bo.warehouse.events({ instanceId: 'acme-cloud', limit: 100 });
    expect(events.filter((e) => e.feature === 'cad' && e.kind === 'checkout')).toHaveLength(1);
    expect(events.every((e) => e.accountId === 'acme')).toBe(true);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('deleting an instance gives its activated counts back and removes its state; its usage history stays', async () => {
    await create('globex', 'Globex cloud', 'globex-cloud');
    const activated = await bo.call('POST', `${api('globex-cloud')}/activations`, { activations: [{ activationId: 'ACT-GLOBEX', count: 2 }] }, tokens['globex-cloud']);
    expect(activated.status).toBe(200);
    await bo.call('POST', `${api('globex-cloud')}/capability`, capability('g-1', [{ name: 'cad', version: '2.0', count: 1 }]));
    await until(async () => (await bo.warehouse.countEvents({ instanceId: 'globex-cloud' })) >= 1);
    const deleted = await bo.call('DELETE', '/api/1.0/backoffice/cloud-instances/globex-cloud', undefined, boAdmin);
    expect(deleted.status).toBe(204);
    expect(bo.catalog.lineItemView('ACT-GLOBEX').activated).toBe(0);
    expect(existsSync(join(bo.dataDir, 'instances', 'globex-cloud'))).toBe(false);
    const after = await bo.call('GET', `${api('globex-cloud')}/features`, undefined, tokens['globex-cloud']);
    expect(after.status).toBe(404);
    expect(await bo.warehouse.countEvents({ instanceId: 'globex-cloud' })).toBeGreaterThan(0);
  });

  it('keeps an instance through a restart of the back office: licenses, leases and users', async () => {
    await bo.stop({ keepData: true });
    bo = await startTestBackoffice({ dataDir: bo.dataDir });
    const features = await bo.call('GET', `${api('acme-cloud')}/features`, undefined, { authorization: `Bearer ${(await bo.call('POST', `${api('acme-cloud')}/authorize`, { user: 'admin', password: ADMIN_PASSWORD })).body.token}` });
    expect(features.body.items).toEqual([expect.objectContaining({ feature: 'cad', count: 3, used: 2 })]);
  });

  it('refuses at the edge what it cannot take, naming the field', async () => {
    const noAccount = await bo.call('POST', '/api/1.0/backoffice/cloud-instances', { accountId: 'nobody', name: 'x' }, boAdmin);
    expect(noAccount.status).toBe(404);
    const badId = await bo.call('POST', '/api/1.0/backoffice/cloud-instances', { accountId: 'acme', name: 'x', id: 'a/b' }, boAdmin);
    expect(badId.status).toBe(400);
    expect(badId.body.error.details[0].field).toBe('body.id');
    const taken = await bo.call('POST', '/api/1.0/backoffice/cloud-instances', { accountId: 'acme', name: 'x', id: 'acme-cloud' }, boAdmin);
    expect(taken.status).toBe(409);
    const unknown = await bo.call('POST', `${api('no-such')}/capability`, capability('d', [{ name: 'cad', count: 1 }]));
    expect(unknown.status).toBe(404);
  });
});
