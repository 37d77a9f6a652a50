import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { capability } from '../../support/test-server.js';

/**
 * Isolation of cloud instances: every route of a hosted instance is walked with another
 * instance's ID, credentials, tokens and object IDs. Nothing of instance B may be seen or
 * changed through instance A, and no token works anywhere but on its own instance.
 */
describe('cloud instances are isolated from each other', () => {
  let bo: TestBackoffice;
  let boAdmin: Record<string, string>;
  const password = { a: 'alpha instance password 1', b: 'bravo instance password 2' };
  const token: Record<'a' | 'b', Record<string, string>> = { a: {}, b: {} };
  const api = (id: string) => `/api/1.0/instances/${id}`;
  // Everything of B an attacker might name: none of it may come back through A.
  const B = { feature: 'bsecret', device: 'b-secret-device', user: 'b-secret-user', operator: 'b-operator', group: 'b-secret-group', recordId: '', groupId: '' };

  async function create(key: 'a' | 'b', accountId: string) {
    await bo.call('POST', '/api/1.0/backoffice/accounts', { id: accountId, name: `Account ${accountId}` }, boAdmin);
    const res = await bo.call('POST', '/api/1.0/backoffice/cloud-instances', { accountId, name: `${accountId} cloud`, id: `${key}-cloud` }, boAdmin);
    expect(res.status).toBe(201);
    const login = await bo.call('POST', `${api(`${key}-cloud`)}/reset-password`, { user: 'admin', currentPassword: res.body.admin.oneTimePassword, newPassword: password[key] });
    token[key] = { authorization: `Bearer ${login.body.token}` };
  }

  /** What B holds, as B's own admin sees it. */
  async function snapshotOfB() {
    const paths = ['/features', '/devices', '/users', '/licenses', '/reservationgroups', '/client-key', '/license-updates'];
    const views: Record<string, unknown> = {};
    for (const path of paths) views[path] = (await bo.call('GET', `${api('b-cloud')}${path}`, undefined, token.b)).body;
    return views;
  }

  const hostedRoutes = () => bo.app.registeredRoutes.filter((r) => r.url.startsWith('/api/1.0/instances/:instanceId/') && r.method !== 'HEAD');

  /** A route's path on an instance, its parameters filled with B's object IDs. */
  const pathOf = (url: string, instanceId: string) =>
    url
      .replace(':instanceId', instanceId)
      .replace(':recordId', B.recordId)
      .replace(':licenseId', 'backoffice')
      .replace(':idType', 'STRING')
      .replace(':id', B.device)
      .replace(':groupId', B.groupId)
      .replace(':name', B.operator)
      .replace(':key', 'licensing.trackDeniedRequests');

  /** A body that names B's things, for routes that take one. */
  const bodyOf = (method: string) =>
    method === 'GET' || method === 'DELETE' ? undefined : { user: 'admin', password: password.b, name: B.operator, role: 'admin', ids: [B.groupId], text: 'model "x" {}', ...capability(B.device, [{ name: B.feature, version: '1.0', count: 1 }]) };

  beforeAll(async () => {
    bo = await startTestBackoffice();
    boAdmin = { authorization: `Bearer ${await bo.adminToken()}` };
    await create('a', 'alpha');
    await create('b', 'bravo');
    bo.catalog.addProduct({ id: 'a-product', name: 'A product', features: [{ name: 'afeature', version: '1.0', count: 2 }] });
    bo.catalog.addProduct({ id: 'b-product', name: 'B product', features: [{ name: B.feature, version: '1.0', count: 2 }] });
    bo.catalog.addEntitlement({ id: 'ENT-A', accountId: 'alpha', lineItems: [{ activationId: 'ACT-A', productId: 'a-product', quantity: 1 }] });
    bo.catalog.addEntitlement({ id: 'ENT-B', accountId: 'bravo', lineItems: [{ activationId: 'ACT-B', productId: 'b-product', quantity: 1 }] });
    expect((await bo.call('POST', `${api('a-cloud')}/activations`, { activations: [{ activationId: 'ACT-A', count: 1 }] }, token.a)).status).toBe(200);
    expect((await bo.call('POST', `${api('b-cloud')}/activations`, { activations: [{ activationId: 'ACT-B', count: 1 }] }, token.b)).status).toBe(200);
    const grant = await bo.call('POST', `${api('b-cloud')}/capability`, capability(B.device, [{ name: B.feature, version: '1.0', count: 1 }], { device: { hostId: { value: B.device, type: 'STRING' }, user: B.user } }));
    expect(grant.body.granted).toHaveLength(1);
    expect((await bo.call('POST', `${api('b-cloud')}/users`, { name: B.operator, role: 'read-only' }, token.b)).status).toBe(201);
    const group = await bo.call('POST', `${api('b-cloud')}/reservationgroups`, { name: B.group, reservations: [{ hostId: { value: B.device, type: 'STRING' }, reservationEntries: [{ featureName: B.feature, featureVersion: '1.0', featureCount: 1 }] }] }, token.b);
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    B.groupId = group.body.id;
    B.recordId = (await bo.call('GET', `${api('b-cloud')}/features`, undefined, token.b)).body.items[0].id;
  });
  afterAll(async () => bo?.stop());

  it('a hosted instance answers every route a license server answers, under its ID', () => {
    const hosted = hostedRoutes().map((r) => `${r.method} ${r.url.replace('/api/1.0/instances/:instanceId', '~')}`);
    expect(hosted.length).toBeGreaterThan(40);
    expect(hosted).toEqual(expect.arrayContaining(['POST ~/capability', 'GET ~/features', 'PUT ~/model', 'POST ~/users', 'GET ~/health']));
  });

  it("refuses on every route of an instance but its device and login routes a caller without a token, and the tokens of another instance and of the back office's own users", async () => {
    const leaks: string[] = [];
    for (const route of hostedRoutes()) {
      if (route.access === 'public') continue;
      for (const [who, headers, on] of [
        ['no token', {}, 'a-cloud'],
        ["B's token", token.b, 'a-cloud'],
        ["A's token", token.a, 'b-cloud'],
        ["the back office admin's token", boAdmin, 'b-cloud'],
      ] as const) {
        const res = await bo.call(route.method, pathOf(route.url, on), bodyOf(route.method), headers);
        if (res.status !== 401) leaks.push(`${route.method} ${route.url} on ${on} with ${who}: ${res.status}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("refuses one instance's passwords at another's login", async () => {
    const res = await bo.call('POST', `${api('a-cloud')}/authorize`, { user: 'admin', password: password.b });
    expect(res.status).toBe(401);
    const operator = await bo.call('POST', `${api('a-cloud')}/authorize`, { user: B.operator, password: 'anything at all' });
    expect(operator.status).toBe(401);
  });

  it("lets A's own admin reach nothing of B by naming B's records, devices, users, groups and licenses through A", async () => {
    const before = await snapshotOfB();
    const leaks: string[] = [];
    for (const route of hostedRoutes()) {
      const res = await bo.call(route.method, pathOf(route.url, 'a-cloud'), bodyOf(route.method), token.a);
      const text = JSON.stringify(res.body ?? '');
      for (const marker of [B.feature, B.device, B.user, B.group, B.groupId, B.recordId, 'bravo', 'b-cloud']) {
        // A's capability route echoes the request it was sent: the device's own name, nothing of B's state.
        if (route.url.endsWith('/capability') && (marker === B.device || marker === B.feature)) continue;
        if (text.includes(marker)) leaks.push(`${route.method} ${route.url}: answered ${marker}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(await snapshotOfB()).toEqual(before);
    expect((await bo.call('GET', `${api('b-cloud')}/users/${B.operator}`, undefined, token.b)).status).toBe(200);
  });

  it("keeps each instance's usage in the warehouse under its own instance and account", async () => {
    await bo.call('POST', `${api('a-cloud')}/capability`, capability('a-device', [{ name: 'afeature', version: '1.0', count: 1 }]));
    const deadline = Date.now() + 20_000;
    while ((await bo.warehouse.countEvents({ instanceId: 'a-cloud' })) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const a = await bo.warehouse.events({ instanceId: 'a-cloud', limit: 1000 });
    const b = await bo.warehouse.events({ instanceId: 'b-cloud', limit: 1000 });
    expect(a.length).toBeGreaterThan(0);
    expect(a.every((e) => e.accountId === 'alpha' && e.feature !== B.feature)).toBe(true);
    expect(b.every((e) => e.accountId === 'bravo')).toBe(true);
  });

  it('answers an unknown instance and a local one alike: not found, whatever the route', async () => {
    const local = await bo.call('POST', '/api/1.0/backoffice/instances', { accountId: 'bravo', name: 'on-site server', id: 'b-local' }, boAdmin);
    expect(local.status).toBe(201);
    for (const id of ['b-local', 'no-such-instance']) {
      const health = await bo.call('GET', `${api(id)}/health`, undefined, token.b);
      const grant = await bo.call('POST', `${api(id)}/capability`, capability('x', [{ name: B.feature, version: '1.0', count: 1 }]));
      expect([health.status, grant.status]).toEqual([404, 404]);
      expect(grant.body.error.message).toBe(`No cloud instance ${id} is hosted here.`);
    }
  });
});
