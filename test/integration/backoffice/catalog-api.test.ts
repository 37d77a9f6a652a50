import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { ADMIN_PASSWORD } from '../../support/test-server.js';

const BASE = '/api/1.0/backoffice';

const cadSuite = {
  id: 'cad-suite',
  name: 'CAD Suite',
  version: '2026',
  term: '365d',
  features: [
    { name: 'cad', version: '2.0', count: 1 },
    { name: 'render', version: '1.0', count: 2, overdraft: 1 },
  ],
};

const fields = (res: { body: any }) => (res.body.error.details as Array<{ field: string }>).map((d) => d.field);

describe('the back office catalog API', () => {
  let bo: TestBackoffice;
  let admin: Record<string, string>;
  let reader: Record<string, string>;
  let acmeServer = '';
  let otherServer = '';
  const as = (auth: Record<string, string>) => ({
    get: (path: string) => bo.call('GET', path, undefined, auth),
    send: (method: string, path: string, body: unknown) => bo.call(method, path, body, auth),
  });

  beforeAll(async () => {
    bo = await startTestBackoffice();
    admin = { authorization: `Bearer ${await bo.adminToken()}` };
    const created = await bo.call('POST', '/api/1.0/instances/~/users', { name: 'reader', role: 'read-only' }, admin);
    const login = await bo.call('POST', '/api/1.0/instances/~/reset-password', { user: 'reader', currentPassword: created.body.oneTimePassword, newPassword: ADMIN_PASSWORD });
    reader = { authorization: `Bearer ${login.body.token}` };
    acmeServer = (await bo.register('acme')).instanceId;
    otherServer = (await bo.register('globex')).instanceId;
    expect((await as(admin).send('POST', `${BASE}/products`, cadSuite)).status).toBe(201);
    expect((await as(admin).send('POST', `${BASE}/products`, { id: 'viewer', name: 'Viewer', features: [{ name: 'view', version: '1.0', count: 5 }] })).status).toBe(201);
  }, 30_000);
  afterAll(async () => bo.stop());

  describe('products', () => {
    it('are defined with their features, counts per unit and term, and shown as stored', async () => {
      const res = await as(reader).get(`${BASE}/products/cad-suite`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 'cad-suite', name: 'CAD Suite', version: '2026', term: '365d' });
      expect(res.body.features).toEqual([
        expect.objectContaining({ name: 'cad', version: '2.0', count: 1, model: 'concurrent' }),
        expect.objectContaining({ name: 'render', version: '1.0', count: 2, overdraft: 1 }),
      ]);
    });

    it('refuse a bad feature naming its field, and a taken ID with 409; nothing is added', async () => {
      const bad = await as(admin).send('POST', `${BASE}/products`, { id: 'broken', name: 'Broken', features: [{ name: 'cad', version: '1.0', count: -1 }] });
      expect(bad.status).toBe(400);
      expect(fields(bad)).toContain('body.features.0.count');
      const none = await as(admin).send('POST', `${BASE}/products`, { id: 'empty', name: 'Empty', features: [] });
      expect(none.status).toBe(400);
      expect(fields(none)).toEqual(['body.features']);
      const twice = await as(admin).send('POST', `${BASE}/products`, { ...cadSuite, name: 'Another' });
      expect(twice.status).toBe(409);
      expect(fields(twice)).toEqual(['id']);
      expect((await as(admin).get(`${BASE}/products/broken`)).status).toBe(404);
      expect((await as(admin).get(`${BASE}/products/cad-suite`)).body.name).toBe('CAD Suite');
    });

    it('are searched by ID, name or feature name, and paged by ID', async () => {
      expect((await as(reader).get(`${BASE}/products?q=render`)).body.items.map((p: { id: string }) => p.id)).toEqual(['cad-suite']);
      expect((await as(reader).get(`${BASE}/products?q=VIEW`)).body.items.map((p: { id: string }) => p.id)).toEqual(['viewer']);
      const second = await as(reader).get(`${BASE}/products?page=2&pageSize=1`);
      expect(second.body).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [expect.objectContaining({ id: 'viewer' })] });
      const badPage = await as(reader).get(`${BASE}/products?pageSize=0`);
      expect(badPage.status).toBe(400);
      expect(fields(badPage)).toEqual(['querystring.pageSize']);
    });

    it('are replaced whole under the same ID; an ID in the body must be the one of the path', async () => {
      const replaced = await as(admin).send('PUT', `${BASE}/products/viewer`, { name: 'Viewer Pro', features: [{ name: 'view', version: '1.0', count: 10 }] });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ id: 'viewer', name: 'Viewer Pro', features: [expect.objectContaining({ count: 10 })] });
      const moved = await as(admin).send('PUT', `${BASE}/products/viewer`, { id: 'other', name: 'X', features: [{ name: 'view', version: '1.0', count: 1 }] });
      expect(moved.status).toBe(400);
      expect(fields(moved)).toEqual(['body.id']);
      const bad = await as(admin).send('PUT', `${BASE}/products/viewer`, { name: 'Viewer', features: [{ name: 'view', version: '1.0', count: 'many' }] });
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['body.features.0.count']);
      expect((await as(admin).send('PUT', `${BASE}/products/nothing`, { name: 'X', features: [{ name: 'view', version: '1.0', count: 1 }] })).status).toBe(404);
      expect((await as(admin).get(`${BASE}/products/viewer`)).body.name).toBe('Viewer Pro');
    });
  });

  describe('entitlements', () => {
    it('give each line item an activation ID, made when not given, with its quantity all remaining', async () => {
      const res = await as(admin).send('POST', `${BASE}/entitlements`, {
        id: 'ENT-ACME-1',
        accountId: 'acme',
        name: 'Acme 2026 order',
        lineItems: [
          { activationId: 'ACT-ACME-CAD', productId: 'cad-suite', quantity: 5 },
          { productId: 'viewer', quantity: 2, expiry: '2030-12-31' },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: 'ENT-ACME-1', accountId: 'acme', accountName: 'Account acme', name: 'Acme 2026 order' });
      expect(res.body.lineItems).toEqual([
        expect.objectContaining({ activationId: 'ACT-ACME-CAD', productName: 'CAD Suite', quantity: 5, activated: 0, remaining: 5, expiry: null, expired: false }),
        expect.objectContaining({ activationId: expect.stringMatching(/^ACT-\w{4}-\w{4}-\w{4}$/), productId: 'viewer', quantity: 2, expiry: '2030-12-31' }),
      ]);
    });

    it('refuse an unknown product (400), an unknown account (404) and an activation ID already used (409), naming the field; nothing is added', async () => {
      const product = await as(admin).send('POST', `${BASE}/entitlements`, { id: 'ENT-X', accountId: 'acme', lineItems: [{ productId: 'cad-suite', quantity: 1 }, { productId: 'nothing', quantity: 1 }] });
      expect(product.status).toBe(400);
      expect(fields(product)).toEqual(['lineItems.1.productId']);
      const account = await as(admin).send('POST', `${BASE}/entitlements`, { id: 'ENT-X', accountId: 'nobody', lineItems: [{ productId: 'cad-suite', quantity: 1 }] });
      expect(account.status).toBe(404);
      expect(fields(account)).toEqual(['accountId']);
      const taken = await as(admin).send('POST', `${BASE}/entitlements`, { id: 'ENT-X', accountId: 'acme', lineItems: [{ activationId: 'ACT-ACME-CAD', productId: 'cad-suite', quantity: 1 }] });
      expect(taken.status).toBe(409);
      expect(fields(taken)).toEqual(['lineItems.0.activationId']);
      const quantity = await as(admin).send('POST', `${BASE}/entitlements`, { id: 'ENT-X', accountId: 'acme', lineItems: [{ productId: 'cad-suite', quantity: 0 }] });
      expect(quantity.status).toBe(400);
      expect(fields(quantity)).toEqual(['body.lineItems.0.quantity']);
      expect((await as(admin).get(`${BASE}/entitlements/ENT-X`)).status).toBe(404);
    });

    it('are listed by account or searched by ID, name, account, activation ID or product, newest first, paged', async () => {
      await as(admin).send('POST', `${BASE}/entitlements`, { id: 'ENT-GLOBEX-1', accountId: 'globex', lineItems: [{ activationId: 'ACT-GLOBEX-VIEW', productId: 'viewer', quantity: 1 }] });
      const ids = async (query: string) => ((await as(reader).get(`${BASE}/entitlements?${query}`)).body.items as Array<{ id: string }>).map((e) => e.id);
      expect(await ids('accountId=acme')).toEqual(['ENT-ACME-1']);
      expect(await ids('q=ACT-GLOBEX')).toEqual(['ENT-GLOBEX-1']);
      expect(await ids('q=CAD Suite')).toEqual(['ENT-ACME-1']);
      expect(await ids('q=viewer')).toEqual(['ENT-GLOBEX-1', 'ENT-ACME-1']);
      expect(await ids('q=viewer&accountId=globex')).toEqual(['ENT-GLOBEX-1']);
      expect(await ids('q=100%')).toEqual([]);
      const page = await as(reader).get(`${BASE}/entitlements?pageSize=1&page=2`);
      expect(page.body).toMatchObject({ total: 2, page: 2, items: [expect.objectContaining({ id: 'ENT-ACME-1' })] });
    });
  });

  describe('roles', () => {
    it('let every role read the catalog and only the admin change it; nobody without a login', async () => {
      expect((await as(reader).get(`${BASE}/products`)).status).toBe(200);
      expect((await as(reader).get(`${BASE}/entitlements/ENT-ACME-1`)).status).toBe(200);
      expect((await as(reader).get(`${BASE}/activation-ids/ACT-ACME-CAD`)).status).toBe(200);
      expect((await as(reader).send('POST', `${BASE}/products`, { id: 'mine', name: 'Mine', features: [{ name: 'x', version: '1.0', count: 1 }] })).status).toBe(403);
      expect((await as(reader).send('POST', `${BASE}/entitlements`, { accountId: 'acme', lineItems: [{ productId: 'viewer', quantity: 1 }] })).status).toBe(403);
      expect((await as(reader).send('PATCH', `${BASE}/activation-ids/ACT-ACME-CAD`, { quantity: 50 })).status).toBe(403);
      expect((await as(reader).send('PUT', `${BASE}/activation-ids/ACT-ACME-CAD/servers/${acmeServer}`, { count: 1 })).status).toBe(403);
      const catalogRoutes = bo.app.registeredRoutes.filter((r) => /\/(products|entitlements|activation-ids)/.test(r.url) && r.method !== 'HEAD');
      expect(catalogRoutes).toHaveLength(10);
      for (const route of catalogRoutes) {
        const path = route.url.replace(/:[A-Za-z]+/g, 'probe');
        const body = route.method === 'GET' ? undefined : {};
        expect([route.method, route.url, (await bo.call(route.method, path, body)).status]).toEqual([route.method, route.url, 401]);
        if (route.method !== 'GET') expect([route.method, route.url, (await bo.call(route.method, path, body, reader)).status]).toEqual([route.method, route.url, 403]);
      }
      expect((await as(admin).get(`${BASE}/products/mine`)).status).toBe(404);
    });
  });

  describe('activation IDs', () => {
    it('take counts onto a server of their account up to what remains, and record each move', async () => {
      const set = await as(admin).send('PUT', `${BASE}/activation-ids/ACT-ACME-CAD/servers/${acmeServer}`, { count: 3 });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ quantity: 5, activated: 3, remaining: 2, servers: [expect.objectContaining({ instanceId: acmeServer, instanceName: 'server of acme', count: 3 })] });
      expect(set.body.servers[0].expiresAt).not.toBeNull();
      expect(set.body.history).toEqual([expect.objectContaining({ instanceId: acmeServer, delta: 3, countAfter: 3, via: 'producer' })]);
      const tooMany = await as(admin).send('PUT', `${BASE}/activation-ids/ACT-ACME-CAD/servers/${acmeServer}`, { count: 6 });
      expect(tooMany.status).toBe(409);
      expect(tooMany.body.error.details).toEqual([{ field: 'count', message: 'must be at most 5' }]);
      const other = await as(admin).send('PUT', `${BASE}/activation-ids/ACT-ACME-CAD/servers/${otherServer}`, { count: 1 });
      expect(other.status).toBe(409);
      expect(fields(other)).toEqual(['instanceId']);
      expect((await as(admin).send('PUT', `${BASE}/activation-ids/ACT-ACME-CAD/servers/no-such-server`, { count: 1 })).status).toBe(404);
      expect((await as(admin).send('PUT', `${BASE}/activation-ids/ACT-NONE/servers/${acmeServer}`, { count: 1 })).status).toBe(404);
      const negative = await as(admin).send('PUT', `${BASE}/activation-ids/ACT-ACME-CAD/servers/${acmeServer}`, { count: -1 });
      expect(negative.status).toBe(400);
      expect(fields(negative)).toEqual(['body.count']);
      expect((await as(admin).get(`${BASE}/activation-ids/ACT-ACME-CAD`)).body.activated).toBe(3);
    });

    it('cannot lose counts below those activated (409) but may gain counts and be renewed', async () => {
      const below = await as(admin).send('PATCH', `${BASE}/activation-ids/ACT-ACME-CAD`, { quantity: 2 });
      expect(below.status).toBe(409);
      expect(below.body.error.details).toEqual([{ field: 'quantity', message: 'must be at least 3, the counts activated' }]);
      const more = await as(admin).send('PATCH', `${BASE}/activation-ids/ACT-ACME-CAD`, { quantity: 8 });
      expect(more.status).toBe(200);
      expect(more.body).toMatchObject({ quantity: 8, activated: 3, remaining: 5 });
      const renewed = await as(admin).send('PATCH', `${BASE}/activation-ids/ACT-ACME-CAD`, { expiry: '2031-06-30' });
      expect(renewed.body).toMatchObject({ quantity: 8, expiry: '2031-06-30', expired: false });
      const shown = await as(reader).get(`${BASE}/activation-ids/ACT-ACME-CAD`);
      // A date as expiry means to the end of that day.
      expect(shown.body.servers[0].expiresAt).toBe('2031-07-01T00:00:00.000Z');
    });

    it('refuse a change that changes nothing or names an unknown field, and an unknown activation ID', async () => {
      const nothing = await as(admin).send('PATCH', `${BASE}/activation-ids/ACT-ACME-CAD`, {});
      expect(nothing.status).toBe(400);
      const unknown = await as(admin).send('PATCH', `${BASE}/activation-ids/ACT-ACME-CAD`, { quantity: 9, owner: 'me' });
      expect(unknown.status).toBe(400);
      expect(fields(unknown)).toEqual(['body.owner']);
      const badDate = await as(admin).send('PATCH', `${BASE}/activation-ids/ACT-ACME-CAD`, { expiry: 'soon' });
      expect(badDate.status).toBe(400);
      expect(fields(badDate)).toEqual(['body.expiry']);
      const missing = await as(admin).send('PATCH', `${BASE}/activation-ids/ACT-NONE`, { quantity: 1 });
      expect(missing.status).toBe(404);
      expect(fields(missing)).toEqual(['activationId']);
      expect((await as(admin).get(`${BASE}/activation-ids/ACT-ACME-CAD`)).body.quantity).toBe(8);
    });

    it('are taken back whole from a server with a count of 0, the history newest first', async () => {
      const back = await as(admin).send('PUT', `${BASE}/activation-ids/ACT-ACME-CAD/servers/${acmeServer}`, { count: 0 });
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ activated: 0, remaining: 8, servers: [] });
      expect(back.body.history.map((h: { delta: number; countAfter: number }) => [h.delta, h.countAfter])).toEqual([
        [-3, 0],
        [3, 3],
      ]);
      const lowered = await as(admin).send('PATCH', `${BASE}/activation-ids/ACT-ACME-CAD`, { quantity: 1 });
      expect(lowered.body).toMatchObject({ quantity: 1, remaining: 1 });
    });
  });
});
