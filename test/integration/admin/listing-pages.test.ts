import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../../support/test-server.js';

const BASE = '/api/1.0/instances/~';

// Written out of listing order on purpose: the listings sort, whatever order the license has.
const FEATURES = [
  { id: 'm-2', name: 'mesh', version: '2.0', count: 4, expiry: 'permanent' },
  { id: 'c-perm', name: 'cad', version: '1.0', count: 2, expiry: 'permanent' },
  { id: 'w', name: 'weld', version: '1.0', count: 50, expiry: 'permanent' },
  { id: 'c-2030', name: 'cad', version: '1.0', count: 3, expiry: '2030-06-30' },
  { id: 'a', name: 'anim', version: '1.0', count: 9, expiry: '2031-01-01' },
  { id: 'm-1', name: 'mesh', version: '1.0', count: 5, expiry: '2029-01-01' },
  { id: 'c-10', name: 'cad', version: '10.0', count: 1, expiry: 'permanent' },
  { id: 'c-2', name: 'cad', version: '2.0', count: 1, expiry: '2031-01-01' },
  { id: 'v', name: 'viewer', version: '1.0', count: 0, counted: false, expiry: 'permanent' },
];
const IN_ORDER = ['a', 'c-2030', 'c-perm', 'c-2', 'c-10', 'm-1', 'm-2', 'v', 'w'];

/** Device IDs in the order they first ask, not the order they are listed in. */
const FIRST_DEVICES = ['ws-17', 'ws-03', 'lab-9', 'ws-10', 'build-1', 'ws-02', 'lab-10', 'ws-99', 'ws-1'];

type Row = Record<string, string | number | boolean | null>;

describe('listing pages at the edges', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ features: { licenseId: 'base', features: FEATURES } });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    for (const id of FIRST_DEVICES) await server.post(CAPABILITY, capability(id, [{ name: 'weld', count: 2 }]));
    await server.post(CAPABILITY, capability('ws-03', [{ name: 'cad', count: 1 }], { incremental: true }));
    const group = (name: string, hosts: string[]) => ({
      name,
      reservations: hosts.map((value) => ({ hostId: { value, type: 'STRING' }, reservationEntries: [{ featureName: 'mesh', featureVersion: '1.0', featureCount: 1 }, { featureName: 'anim', featureVersion: '1.0', featureCount: 1 }] })),
    });
    const imported = await server.post(`${BASE}/reservationgroups/import`, [group('first', ['r-1', 'r-2']), group('second', ['r-3']), group('third', ['r-4', 'r-5'])], auth);
    expect(imported.status).toBe(201);
  });
  afterAll(async () => server.stop());

  const get = async (path: string) => {
    const res = await server.get(`${BASE}${path}`, auth);
    expect(res.status).toBe(200);
    return res.body as { total: number; page: number; pageSize: number; items: Row[] };
  };

  /** Reads a listing page after page until a page comes back empty. */
  const pageByPage = async (path: string, pageSize: number) => {
    const rows: Row[] = [];
    const totals = new Set<number>();
    for (let page = 1; ; page++) {
      const body = await get(`${path}${path.includes('?') ? '&' : '?'}page=${page}&pageSize=${pageSize}`);
      expect([body.page, body.pageSize]).toEqual([page, pageSize]);
      totals.add(body.total);
      if (body.items.length === 0) break;
      expect(body.items.length).toBeLessThanOrEqual(pageSize);
      rows.push(...body.items);
    }
    return { rows, totals: [...totals] };
  };

  const LISTINGS = ['/features', '/features?name=cad', '/features/summaries', '/features/summaries?name=mesh', '/devices', '/devices?holding=true', '/reservations', '/reservationgroups'];

  it.each(LISTINGS)('%s read page by page gives the rows of one page of all, in the same order, with the same total', async (path) => {
    const all = await get(`${path}${path.includes('?') ? '&' : '?'}pageSize=1000`);
    expect(all.items.length).toBe(all.total);
    expect(all.total).toBeGreaterThan(0);
    for (const size of [1, 4]) {
      const read = await pageByPage(path, size);
      expect(read.rows).toEqual(all.items);
      expect(read.totals).toEqual([all.total]);
    }
  });

  it('answers a page past the last with no rows and the total, and the last page with what is left', async () => {
    expect(await get('/features?page=4&pageSize=4')).toEqual({ total: 9, page: 4, pageSize: 4, items: [] });
    expect((await get('/features?page=3&pageSize=4')).items.map((r) => r.id)).toEqual(['w']);
    expect(await get('/features?name=nothing')).toEqual({ total: 0, page: 1, pageSize: 50, items: [] });
    expect(await get('/devices?page=100')).toMatchObject({ total: FIRST_DEVICES.length, page: 100, items: [] });
    expect(await get('/reservations?page=3&pageSize=8')).toEqual({ total: 10, page: 3, pageSize: 8, items: [] });
  });

  it('lists records by name, then version in number order, then the order counts are drawn in', async () => {
    expect((await get('/features')).items.map((r) => r.id)).toEqual(IN_ORDER);
    expect((await get('/features/summaries')).items.map((s) => `${s.feature} ${s.version} ${s.records}`)).toEqual([
      'anim 1.0 1', 'cad 1.0 2', 'cad 2.0 1', 'cad 10.0 1', 'mesh 1.0 1', 'mesh 2.0 1', 'viewer 1.0 1', 'weld 1.0 1',
    ]);
  });

  it('lists the records of a license loaded later in their places, and forgets those of a license removed', async () => {
    const extra = server.sign({ licenseId: 'extra', features: [{ id: 'b', name: 'blend', version: '1.0', count: 1, expiry: 'permanent' }, { id: 'c-3', name: 'cad', version: '3.0', count: 1, expiry: 'permanent' }] });
    expect((await server.post(`${BASE}/licenses`, extra, auth)).status).toBe(200);
    expect((await get('/features')).items.map((r) => r.id)).toEqual(['a', 'b', 'c-2030', 'c-perm', 'c-2', 'c-3', 'c-10', 'm-1', 'm-2', 'v', 'w']);
    expect((await get('/features/summaries?name=cad')).items.map((s) => s.version)).toEqual(['1.0', '2.0', '3.0', '10.0']);
    expect((await server.call('DELETE', `${BASE}/licenses/extra`, undefined, auth)).status).toBe(204);
    expect((await get('/features')).items.map((r) => r.id)).toEqual(IN_ORDER);
  });

  it('lists devices by ID type and ID, devices first seen after a listing included', async () => {
    const ids = () => get('/devices?pageSize=1000').then((b) => b.items.map((d) => `${d.deviceIdType}:${d.deviceId}`));
    expect(await ids()).toEqual(FIRST_DEVICES.map((id) => `STRING:${id}`).sort());
    for (const id of ['aaa-0', 'ws-05', 'zz-9']) await server.post(CAPABILITY, capability(id, [{ name: 'weld', count: 1 }]));
    await server.post(CAPABILITY, { device: { hostId: { value: '00AA11BB22CC', type: 'ETHERNET' } }, features: [{ name: 'weld', version: '1.0', count: 1 }] });
    expect(await ids()).toEqual(['ETHERNET:00AA11BB22CC', ...[...FIRST_DEVICES, 'aaa-0', 'ws-05', 'zz-9'].map((id) => `STRING:${id}`).sort()]);
  });

  it('counts only devices holding counts now under holding=true, and keeps a device that gave all back in the full list', async () => {
    const before = await get('/devices?holding=true&pageSize=1000');
    const res = await server.post(CAPABILITY, capability('ws-17', [{ name: 'weld', count: -2 }], { incremental: true }));
    expect(res.status).toBe(200);
    const after = await get('/devices?holding=true&pageSize=1000');
    expect(after.total).toBe(before.total - 1);
    expect(after.items.map((d) => d.deviceId)).toEqual(before.items.map((d) => d.deviceId).filter((id) => id !== 'ws-17'));
    expect((await get('/devices?pageSize=1000')).items.find((d) => d.deviceId === 'ws-17')).toMatchObject({ featuresHeld: 0, countHeld: 0, deviceExpiry: null });
  });

  it("lists a record's served devices by ID, each once with its counts summed, and drops those that gave theirs back", async () => {
    await server.post(CAPABILITY, capability('ws-02', [{ name: 'weld', count: 3 }], { incremental: true }));
    const served = async () => (await server.get(`${BASE}/features/w`, auth)).body.servedDevices as Row[];
    const list = await served();
    expect(list.map((d) => d.deviceId)).toEqual([...list.map((d) => d.deviceId as string)].sort());
    expect(list.find((d) => d.deviceId === 'ws-02')).toMatchObject({ count: 5, deviceIdType: 'STRING' });
    expect(list.some((d) => d.deviceId === 'ws-17')).toBe(false);
    expect(list.reduce((n, d) => n + (d.count as number), 0)).toBe((await server.get(`${BASE}/features/w`, auth)).body.used);
    await server.post(CAPABILITY, capability('ws-02', [{ name: 'weld', count: -5 }], { incremental: true }));
    expect((await served()).some((d) => d.deviceId === 'ws-02')).toBe(false);
  });
});
