import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_API } from '../../../src/backoffice/http/report-routes.js';
import { INSTANCES_PREFIX, LOCAL_BASE } from '../../../src/http/access.js';
import { checkCsv, checkWorkbook } from '../../support/export-checks.js';
import { reportScenario } from '../../support/report-data.js';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';

const USERS = `${LOCAL_BASE}/users`;
const VIEWS = `${REPORT_API}/views`;
const PASSWORD = 'a long enough password for tests';

describe('an account-viewer and saved views of the usage report', () => {
  let bo: TestBackoffice;
  let admin: Record<string, string>;
  let acme: Record<string, string>;
  let reader: Record<string, string>;
  const get = (path: string, auth: Record<string, string>) => bo.call('GET', path, undefined, auth);
  /** Adds a user and logs it in with a password of its own; answers its auth header. */
  const addUser = async (name: string, role: string, account?: string) => {
    const made = await bo.call('POST', USERS, { name, role, ...(account ? { account } : {}) }, admin);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const login = await bo.call('POST', `${LOCAL_BASE}/reset-password`, { user: name, currentPassword: made.body.oneTimePassword, newPassword: PASSWORD });
    expect(login.status).toBe(200);
    return { session: login.body, auth: { authorization: `Bearer ${login.body.token as string}` } };
  };

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest(reportScenario(Date.now()));
    admin = { authorization: `Bearer ${await bo.adminToken()}` };
    const viewer = await addUser('acme-viewer', 'account-viewer', 'acme');
    expect(viewer.session).toMatchObject({ role: 'account-viewer', account: 'acme' });
    acme = viewer.auth;
    reader = (await addUser('reader', 'read-only')).auth;
  });
  afterAll(async () => bo.stop());

  it('binds an account-viewer to exactly one account, and no other role to any', async () => {
    const refusals: Array<[unknown, string]> = [
      [{ name: 'x1', role: 'account-viewer' }, 'account'],
      [{ name: 'x2', role: 'account-viewer', account: ' ' }, 'account'],
      [{ name: 'x3', role: 'read-only', account: 'acme' }, 'account'],
      [{ name: 'x4', role: 'owner' }, 'role'],
    ];
    for (const [body, field] of refusals) {
      const res = await bo.call('POST', USERS, body, admin);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).join()).toContain(field);
    }
    expect((await get(`${USERS}/acme-viewer`, admin)).body).toMatchObject({ role: 'account-viewer', account: 'acme' });
    const moved = await bo.call('PATCH', `${USERS}/reader`, { role: 'read-only' }, admin);
    expect(moved.body.account).toBeNull();
  });

  it('answers every report route and export with only its account\'s data', async () => {
    const routes = bo.app.registeredRoutes.filter((r) => r.method === 'GET' && r.url.startsWith(`${REPORT_API}/`) && !r.url.includes(':') && !r.url.startsWith(VIEWS));
    expect(routes.length).toBeGreaterThan(20);
    for (const { url } of routes) {
      const res = await fetch(bo.url + url, { headers: acme });
      expect(res.status, url).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      if (url.endsWith('.csv')) {
        const rows = checkCsv(body);
        for (const row of rows) if ('Account ID' in row) expect(row['Account ID'], url).toBe('acme');
      } else if (url.endsWith('.xlsx')) {
        const filters = (await checkWorkbook(body)).getWorksheet('Filters')!;
        let accounts = '';
        filters.eachRow((row) => {
          if (row.getCell(1).value === 'Accounts') accounts = row.getCell(2).text;
        });
        expect(accounts, url).toMatch(/^acme \(this user sees only this account\)$/);
      } else if (!url.endsWith('.pdf')) {
        const text = body.toString('utf8');
        for (const other of ['globex', 'initech']) expect(text, url).not.toContain(other);
      }
    }
    const accounts = (await get(`${REPORT_API}/active-accounts`, acme)).body.rows.map((r: { id: string }) => r.id);
    expect(accounts).toEqual(['acme']);
    const instances = (await get(`${REPORT_API}/active-instances`, acme)).body.rows.map((r: { id: string }) => r.id);
    expect(instances.sort()).toEqual(['acme-cls-1', 'acme-cls-2']);
    const events = (await get(`${REPORT_API}/events?pageSize=1000`, acme)).body;
    expect(new Set(events.rows.map((r: { accountId: string }) => r.accountId))).toEqual(new Set(['acme']));
    // What the readers see is not narrowed.
    expect((await get(`${REPORT_API}/active-accounts`, reader)).body.rows.length).toBeGreaterThan(1);
  });

  it('refuses an account-viewer that names another account, saying which field and why', async () => {
    for (const path of [`${REPORT_API}/events?accounts=globex`, `${REPORT_API}/denials-by-account?accounts=acme,globex`, `${REPORT_API}/events.csv?accounts=initech`, `${REPORT_API}/overview.pdf?accounts=globex`]) {
      const res = await get(path, acme);
      expect(res.status, path).toBe(403);
      expect(res.body.error.message).toMatch(/only the data of account acme/);
      expect(res.body.error.details).toEqual([{ field: 'accounts', message: 'must be acme or left out' }]);
    }
    expect((await get(`${REPORT_API}/events?accounts=acme`, acme)).status).toBe(200);
  });

  it('keeps an account-viewer out of every route but the report\'s and its own session\'s', async () => {
    const closed = bo.app.registeredRoutes.filter(
      (r) => r.access !== 'public' && !r.access.includes('account-viewer') && r.method === 'GET' && (!r.url.startsWith(INSTANCES_PREFIX) || r.url.startsWith(LOCAL_BASE)),
    );
    expect(closed.length).toBeGreaterThan(10);
    for (const { url } of closed) {
      const res = await get(url.replace(/:(\w+)/g, 'x'), acme);
      expect(res.status, url).toBe(403);
    }
    expect((await bo.call('POST', '/api/1.0/backoffice/accounts', { id: 'mine', name: 'Mine' }, acme)).status).toBe(403);
    const may: string[] = (await bo.call('POST', `${LOCAL_BASE}/authorize`, { user: 'acme-viewer', password: PASSWORD })).body.may;
    expect(may.every((route) => route.includes(REPORT_API) || /\/(logout|users\/me\/password)$/.test(route))).toBe(true);
  });

  it('saves, lists, opens, renames, shares and deletes views, each owned by its user', async () => {
    const made = await bo.call('POST', VIEWS, { name: 'Acme at 80 %', page: 'events', query: '?accounts=acme&where=usagePercentage>=80&hide=pool' }, reader);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Acme at 80 %', page: 'events', query: 'accounts=acme&where=usagePercentage>=80&hide=pool', shared: false, owner: 'reader', mine: true });
    const id = made.body.id as string;
    expect((await get(`${VIEWS}/${id}`, reader)).body.name).toBe('Acme at 80 %');
    // Not shared: nobody else finds it.
    expect((await get(`${VIEWS}/${id}`, admin)).status).toBe(404);
    expect((await get(VIEWS, admin)).body.items).toEqual([]);

    const renamed = await bo.call('PATCH', `${VIEWS}/${id}`, { name: 'Acme busy', shared: true }, reader);
    expect(renamed.body).toMatchObject({ name: 'Acme busy', shared: true });
    const seen = (await get(`${VIEWS}/${id}`, admin)).body;
    expect(seen).toMatchObject({ owner: 'reader', mine: false });
    // Shared, but still its owner's: another user may open it, not change it.
    const taken = await bo.call('PATCH', `${VIEWS}/${id}`, { name: 'Mine now' }, admin);
    expect(taken.status).toBe(403);
    expect(taken.body.error.details[0].field).toBe('id');
    expect((await bo.call('DELETE', `${VIEWS}/${id}`, undefined, admin)).status).toBe(403);
    expect((await bo.call('DELETE', `${VIEWS}/${id}`, undefined, reader)).status).toBe(204);
    expect((await get(`${VIEWS}/${id}`, reader)).status).toBe(404);
  });

  it('refuses a view without a name, with a long one, a long query, a bad page, or a name already used', async () => {
    const bad: Array<[unknown, string]> = [
      [{ name: '', page: 'events', query: '' }, 'name'],
      [{ name: '   ', page: 'events', query: '' }, 'name'],
      [{ name: 'x'.repeat(101), page: 'events', query: '' }, 'name'],
      [{ name: 'long', page: 'events', query: `search=${'x'.repeat(4000)}` }, 'query'],
      [{ name: 'page', page: '../admin', query: '' }, 'page'],
      [{ name: 'extra', page: 'events', query: '', owner: 'admin' }, 'owner'],
    ];
    for (const [body, field] of bad) {
      const res = await bo.call('POST', VIEWS, body, reader);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).join(), JSON.stringify(body).slice(0, 80)).toContain(field);
    }
    expect((await bo.call('POST', VIEWS, { name: 'Weekly', page: 'overview', query: 'range=7d' }, reader)).status).toBe(201);
    const twice = await bo.call('POST', VIEWS, { name: 'weekly', page: 'denials', query: '' }, reader);
    expect(twice.status).toBe(409);
    expect(twice.body.error.details[0].field).toBe('name');
    // Names are unique per user: another user may use it.
    expect((await bo.call('POST', VIEWS, { name: 'Weekly', page: 'overview', query: '' }, admin)).status).toBe(201);
    expect((await bo.call('PATCH', `${VIEWS}/nosuch`, { name: 'x' }, reader)).status).toBe(404);
    expect((await bo.call('PATCH', `${VIEWS}/nosuch`, {}, reader)).status).toBe(400);
  });

  it('shows an account-viewer only the shared views of its account, and narrows the views it saves to it', async () => {
    const share = async (name: string, query: string) => (await bo.call('POST', VIEWS, { name, page: 'overview', query, shared: true }, admin)).body.id as string;
    const forAcme = await share('For acme', 'accounts=acme&range=7d');
    const forGlobex = await share('For globex', 'accounts=globex');
    const everyone = await share('Every account', 'range=7d');
    const listed = (await get(VIEWS, acme)).body.items.map((v: { name: string }) => v.name);
    expect(listed).toEqual(['For acme']);
    expect((await get(`${VIEWS}/${forAcme}`, acme)).status).toBe(200);
    for (const id of [forGlobex, everyone]) expect((await get(`${VIEWS}/${id}`, acme)).status).toBe(404);

    const own = await bo.call('POST', VIEWS, { name: 'Mine', page: 'denials', query: 'codes=7' }, acme);
    expect(own.status).toBe(201);
    expect(new URLSearchParams(own.body.query as string).get('accounts')).toBe('acme');
    const other = await bo.call('POST', VIEWS, { name: 'Theirs', page: 'denials', query: 'accounts=globex' }, acme);
    expect(other.status).toBe(403);
    expect(other.body.error.details[0].field).toBe('query');
  });
});
