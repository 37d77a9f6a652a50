import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../support/test-server.js';
import { startTestServer } from '../../support/test-server.js';

/** The only routes anyone may call without logging in. Adding one here must be a decision. */
const PUBLIC = [
  'GET /api/1.0/health',
  'GET /api/1.0/instances/~/health',
  'POST /api/1.0/instances/~/capability',
  'POST /api/1.0/instances/~/authorize',
  'POST /api/1.0/instances/~/reset-password',
  // The License Server Manager's files, its page and its producer's branding (the data behind it needs a login).
  'GET /*',
  'GET /branding/data.json',
  'GET /branding/logo',
];

/** The failover pair's link: no login, but only requests signed with the pair's secret get through. */
const PAIR_LINK = [
  'POST /api/1.0/instances/~/failover/heartbeat',
  'POST /api/1.0/instances/~/failover/changes',
  'PUT /api/1.0/instances/~/failover/snapshot',
  'POST /api/1.0/instances/~/failover/handback',
];

const ROLES = ['admin', 'read-only', 'reservations'] as const;

/** Fills path parameters with plausible values; access is decided before they are looked at. */
function concrete(url: string): string {
  return url.replace(':idType', 'STRING').replace(/:[A-Za-z]+/g, 'probe');
}

describe('access control on every route', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    server = await startTestServer();
    tokens.admin = await server.adminToken();
    tokens['read-only'] = await server.userToken('reader', 'read-only');
    tokens.reservations = await server.userToken('booker', 'reservations');
  });
  afterAll(async () => server.stop());

  const guarded = () =>
    server.app.registeredRoutes.filter(
      (r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.url.startsWith('/docs') && ![...PUBLIC, ...PAIR_LINK].includes(`${r.method} ${r.url}`),
    );

  it('opens no route to anonymous callers but capability, health, login, first-login password reset and the manager with its branding', () => {
    const open = server.app.registeredRoutes
      .filter((r) => r.access === 'public' && r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.url.startsWith('/docs'))
      .map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual([...PUBLIC, ...PAIR_LINK].sort());
    expect(guarded().length).toBeGreaterThan(15);
  });

  it('opens the failover pair\'s link to no one but the other server of the pair: anonymous and logged-in callers get 401', async () => {
    for (const route of PAIR_LINK) {
      const [method, url] = route.split(' ') as [string, string];
      for (const headers of [{}, { authorization: `Bearer ${tokens.admin}` }] as Array<Record<string, string>>) {
        const res = await server.call(method, url, {}, headers);
        expect({ route, status: res.status, code: res.body?.error?.code }).toEqual({ route, status: 401, code: 'UNAUTHORIZED' });
      }
    }
  });

  it('refuses an anonymous call to every other route with 401', async () => {
    for (const route of guarded()) {
      const res = await server.call(route.method, concrete(route.url), route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      expect({ route: `${route.method} ${route.url}`, status: res.status, code: res.body?.error?.code }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
  });

  it('gives a license server no account-viewer: that role exists only where the report is', async () => {
    const res = await server.call('POST', '/api/1.0/instances/~/users', { name: 'viewer', role: 'account-viewer', account: 'acme' }, { authorization: `Bearer ${tokens.admin}` });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ field: 'body.role', message: 'must be one of admin, read-only, reservations' });
  });

  it('refuses a call with a made-up token with 401', async () => {
    for (const route of guarded()) {
      const res = await server.call(route.method, concrete(route.url), undefined, { authorization: 'Bearer not-a-real-token' });
      expect([`${route.method} ${route.url}`, res.status]).toEqual([`${route.method} ${route.url}`, 401]);
    }
  });

  it('refuses a call from every role the route does not allow with 403', async () => {
    let checked = 0;
    for (const route of guarded()) {
      const allowed = route.access === 'public' ? ROLES : route.access;
      for (const role of ROLES.filter((r) => !allowed.includes(r))) {
        const res = await server.call(route.method, concrete(route.url), route.method === 'GET' || route.method === 'DELETE' ? undefined : {}, { authorization: `Bearer ${tokens[role]}` });
        expect([`${route.method} ${route.url}`, role, res.status, res.body?.error?.code]).toEqual([`${route.method} ${route.url}`, role, 403, 'FORBIDDEN']);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('lets read-only and reservations users read features, devices and properties', async () => {
    for (const role of ['read-only', 'reservations'] as const) {
      for (const path of ['/api/1.0/instances/~/features', '/api/1.0/instances/~/features/summaries', '/api/1.0/instances/~/devices', '/api/1.0/instances/~/properties', '/api/1.0/instances/~/licenses']) {
        expect([role, path, (await server.get(path, { authorization: `Bearer ${tokens[role]}` })).status]).toEqual([role, path, 200]);
      }
    }
  });
});
