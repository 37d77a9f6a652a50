import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, startTestServer } from '../support/test-server.js';
import { outboxEvents, storedPoolHoldings } from '../support/storage.js';

const BASE = '/api/1.0/instances/~';
const GROUPS = `${BASE}/reservationgroups`;
const FEATURES = [
  { id: 'cad', name: 'cad', version: '2.0', count: 6, expiry: 'permanent' },
  { id: 'cam', name: 'cam', version: '1.0', count: 3, expiry: 'permanent' },
];

const entry = (featureName: string, featureCount: number, featureVersion = '1.0') => ({ featureName, featureVersion, featureCount });
const host = (value: string, type = 'STRING') => ({ value, type });
const ask = (id: string, features: Array<[string, number]>, extra: Record<string, unknown> = {}) => ({
  device: { hostId: { value: id, type: 'STRING' }, ...extra },
  features: features.map(([name, count]) => ({ name, version: '1.0', count })),
});

const SUPPORT = {
  name: 'support',
  reservations: [
    { hostId: host('7A7A77AAA77A', 'ETHERNET'), reservationEntries: [entry('cad', 2)] },
    { hostId: host('joe', 'USER'), reservationEntries: [entry('cad', 1), entry('cam', 1)] },
  ],
};

describe('reservations over the admin API', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  let reserver: Record<string, string>;
  let readOnly: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer({ features: FEATURES });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
    reserver = { authorization: `Bearer ${await server.userToken('desk', 'reservations')}` };
    readOnly = { authorization: `Bearer ${await server.userToken('viewer', 'read-only')}` };
  });
  afterAll(async () => server.stop());

  const listed = async () => (await server.get(`${GROUPS}?pageSize=1000`, auth)).body;

  it('lets the reservations role add groups, and refuses read-only users and anonymous callers', async () => {
    expect((await server.post(GROUPS, SUPPORT)).status).toBe(401);
    expect((await server.post(GROUPS, SUPPORT, readOnly)).status).toBe(403);
    const res = await server.post(GROUPS, SUPPORT, reserver);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'support',
      reservations: [
        { hostId: { value: '7A7A77AAA77A', type: 'ETHERNET' }, status: 'satisfiable', reservationEntries: [{ featureName: 'cad', featureVersion: '1.0', featureCount: 2 }] },
        { hostId: { value: 'joe', type: 'USER' }, status: 'satisfiable' },
      ],
    });
    expect(res.body.id).toMatch(/\S/);
    expect((await server.get(`${GROUPS}/${res.body.id}`, readOnly)).body.name).toBe('support');
    // The Features view shows the counts held for reservations on each record.
    expect((await server.get(`${BASE}/features?name=cad`, readOnly)).body.items[0]).toMatchObject({ count: 6, used: 0, reserved: 3 });
  });

  it.each([
    [{ ...SUPPORT, name: undefined }, 'body.name', /required/],
    [{ name: 'x', reservations: [] }, 'body.reservations', /at least one reservation/],
    [{ name: 'x', reservations: [{ hostId: host('a', 'MAC'), reservationEntries: [entry('cad', 1)] }] }, 'body.reservations.0.hostId.type', /must be one of/],
    [{ name: 'x', reservations: [{ hostId: host('a'), reservationEntries: [entry('cad', 0)] }] }, 'body.reservations.0.reservationEntries.0.featureCount', /at least 1/],
    [{ name: 'x', reservations: [{ hostId: host('a'), reservationEntries: [entry('cad', 1, '1')] }] }, 'body.reservations.0.reservationEntries.0.featureVersion', /a\.b version/],
    [{ name: 'x', reservations: [{ hostId: host('a'), reservationEntries: [entry('nope', 1)] }] }, 'body.reservations.0.reservationEntries.0.featureName', /no feature nope/],
    [{ name: 'x', reservations: [{ hostId: host('a'), reservationEntries: [entry('cad', 1, '3.0')] }] }, 'body.reservations.0.reservationEntries.0.featureVersion', /no version 3\.0/],
    [
      { name: 'x', reservations: [{ hostId: host('a'), reservationEntries: [entry('cad', 1)] }, { hostId: host('a'), reservationEntries: [entry('cam', 1)] }] },
      'body.reservations.1.hostId',
      /more than once/,
    ],
    [{ name: 'x', reservations: [{ hostId: host('a'), reservationEntries: [entry('cad', 1)], extra: true }] }, 'body.reservations.0.extra', /not a known field/],
  ])('refuses %j with 400 naming %s, and adds nothing', async (body, field, message) => {
    const before = await listed();
    const res = await server.post(GROUPS, body, auth);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe(field);
    expect(res.body.error.details[0].message).toMatch(message);
    expect(await listed()).toEqual(before);
  });

  it('refuses a group name already in use, and a group the unreserved counts cannot cover, adding none of it', async () => {
    const before = await listed();
    const taken = await server.post(GROUPS, { ...SUPPORT, reservations: [{ hostId: host('z'), reservationEntries: [entry('cam', 1)] }] }, auth);
    expect(taken.status).toBe(409);
    expect(taken.body.error.details[0]).toEqual({ field: 'body.name', message: 'a reservation group named "support" already exists' });
    // 3 of 6 cad are reserved: the first reservation fits, the second does not, so neither is added.
    const tooBig = await server.post(GROUPS, {
      name: 'big',
      reservations: [
        { hostId: host('p'), reservationEntries: [entry('cad', 2)] },
        { hostId: host('q'), reservationEntries: [entry('cad', 2)] },
      ],
    }, auth);
    expect(tooBig.status).toBe(409);
    expect(tooBig.body.error.message).toMatch(/nothing was added/);
    expect(await listed()).toEqual(before);
  });

  it('holds reserved counts for their device and user, draws them first, and puts the pool on grants and events', async () => {
    // 6 cad, 3 reserved: others share 3.
    const others = await server.post(CAPABILITY, ask('walk-in', [['cad', 4]]));
    expect(others.body.denied).toMatchObject([{ code: 7, count: 4 }]);
    expect((await server.post(CAPABILITY, ask('walk-in', [['cad', 3]]))).body.denied).toEqual([]);
    const vip = await server.post(CAPABILITY, { device: { hostId: { value: '7a:7a:77:aa:a7:7a', type: 'ethernet' } }, features: [{ name: 'cad', version: '1.0', count: 2 }] });
    expect(vip.body.denied).toEqual([]);
    expect(vip.body.granted).toMatchObject([{ feature: 'cad', count: 2, pool: 'reservations' }]);
    await server.service.flush();
    const checkout = outboxEvents(server.dataDir).filter((e) => e.kind === 'checkout' && e.deviceIdType === 'ETHERNET');
    expect(checkout.map((e) => [e.pool, e.count])).toEqual([['reservations', 2]]);
  });

  it('answers a request naming no features with the reservations of the device and of its user', async () => {
    const res = await server.post(CAPABILITY, { device: { hostId: { value: 'joes-box', type: 'STRING' }, user: 'joe' } });
    expect(res.status).toBe(200);
    expect(res.body.denied).toEqual([]);
    expect(res.body.granted.map((g: { feature: string; count: number; pool: string }) => [g.feature, g.count, g.pool]).sort()).toEqual([
      ['cad', 1, 'reservations'],
      ['cam', 1, 'reservations'],
    ]);
    // A device with nothing reserved still gets what it holds, unchanged.
    const plain = await server.post(CAPABILITY, { device: { hostId: { value: 'walk-in', type: 'STRING' } } });
    expect(plain.body.granted).toMatchObject([{ feature: 'cad', count: 3, pool: null }]);
  });

  it('lists one row per entry with its status, and pages', async () => {
    const page = await server.get(`${BASE}/reservations?pageSize=2&page=2`, readOnly);
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items).toEqual([
      expect.objectContaining({ status: 'satisfiable', deviceId: 'joe', idType: 'USER', group: 'support', featureName: 'cam', featureVersion: '1.0', featureCount: 1 }),
    ]);
    expect((await server.get(`${BASE}/reservations?pageSize=0`, readOnly)).body.error.details[0].field).toBe('querystring.pageSize');
  });

  it('exports JSON that imports back to the same state, all or nothing', async () => {
    const exported = (await server.get(`${GROUPS}/export`, readOnly)).body;
    expect(exported).toEqual([SUPPORT]);
    // An import whose second group does not fit adds neither.
    const partial = await server.post(`${GROUPS}/import`, [
      { name: 'fits', reservations: [{ hostId: host('f'), reservationEntries: [entry('cam', 1)] }] },
      { name: 'too-big', reservations: [{ hostId: host('t'), reservationEntries: [entry('cam', 5)] }] },
    ], auth);
    expect(partial.status).toBe(409);
    expect(partial.body.error.details[0].field).toBe('body.1.reservations.0.reservationEntries.0.featureCount');
    expect((await listed()).total).toBe(1);

    const ids = (await listed()).items.map((g: { id: string }) => g.id);
    expect((await server.post(`${GROUPS}/delete`, { ids: [...ids, 'no-such-group'] }, auth)).status).toBe(404);
    expect((await listed()).total).toBe(1);
    expect((await server.post(`${GROUPS}/delete`, { ids }, reserver)).status).toBe(204);
    expect((await listed()).total).toBe(0);

    const imported = await server.post(`${GROUPS}/import`, exported, reserver);
    expect(imported.status).toBe(201);
    expect((await server.get(`${GROUPS}/export`, auth)).body).toEqual(exported);
  });

  it('refuses a model definition while reservations exist, saying to delete them first', async () => {
    const res = await server.call('PUT', `${BASE}/model`, { text: 'model "m" { }' }, auth);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/delete every reservation group before activating a model/);
    expect((await server.get(`${BASE}/model`, auth)).status).toBe(404);
  });

  it('never lets racing devices take reserved counts over HTTP', async () => {
    // Free everything, then race 30 devices for the 3 shared cad counts.
    await server.post(CAPABILITY, ask('walk-in', [['cad', 0]]));
    await server.post(CAPABILITY, { device: { hostId: { value: 'joes-box', type: 'STRING' }, user: 'joe' }, features: [{ name: 'cad', version: '1.0', count: 0 }, { name: 'cam', version: '1.0', count: 0 }] });
    await server.post(CAPABILITY, { device: { hostId: { value: '7A7A77AAA77A', type: 'ETHERNET' } }, features: [{ name: 'cad', version: '1.0', count: 0 }] });
    for (let round = 0; round < 6; round++) {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => server.post(CAPABILITY, ask(`racer-${i}`, [['cad', 1 + ((i + round) % 2)]]))));
      for (const r of results) expect(r.status).toBe(200);
      const shared = storedPoolHoldings(server.dataDir).filter((h) => h.feature === 'cad' && h.pool === null).reduce((n, h) => n + h.count, 0);
      expect(shared).toBeLessThanOrEqual(3);
    }
    const vip = await server.post(CAPABILITY, { device: { hostId: { value: '7A7A77AAA77A', type: 'ETHERNET' } }, features: [{ name: 'cad', version: '1.0', count: 2 }] });
    expect(vip.body.denied).toEqual([]);
    const joe = await server.post(CAPABILITY, { device: { hostId: { value: 'any-box', type: 'STRING' }, user: 'joe' } });
    expect(joe.body.denied).toEqual([]);
  });

  it('deletes a group by ID; an unknown ID is 404', async () => {
    const [g] = (await listed()).items;
    expect((await server.call('DELETE', `${GROUPS}/${g.id}`, undefined, readOnly)).status).toBe(403);
    expect((await server.call('DELETE', `${GROUPS}/${g.id}`, undefined, auth)).status).toBe(204);
    expect((await server.call('DELETE', `${GROUPS}/${g.id}`, undefined, auth)).status).toBe(404);
    expect((await server.get(`${GROUPS}/${g.id}`, auth)).status).toBe(404);
    expect((await listed()).total).toBe(0);
  });
});
