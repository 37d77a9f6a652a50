import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, startTestServer } from '../support/test-server.js';
import type { Random } from '../support/random.mjs';
import { seededRandom } from '../support/random.mjs';

const BASE = '/api/1.0/instances/~';

const GOOD_GROUP = {
  name: 'g',
  reservations: [{ hostId: { value: 'h', type: 'STRING' }, reservationEntries: [{ featureName: 'cad', featureVersion: '1.0', featureCount: 1 }] }],
};
const ODD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e300, '', 'x', '1.0', 'ETHERNET', [], {}, [1, 2], { a: 1 }, '\u0000', 'a'.repeat(300)];

/** Replaces, drops or adds one value somewhere in a JSON document. */
function mutate(doc: unknown, rnd: Random): unknown {
  if (rnd.next() < 0.15) return rnd.pick(ODD_VALUES);
  if (Array.isArray(doc)) {
    const copy = [...doc];
    if (copy.length > 0 && rnd.next() < 0.3) copy.splice(rnd.int(copy.length), 1);
    else if (copy.length > 0) copy[rnd.int(copy.length)] = mutate(copy[rnd.int(copy.length)], rnd);
    else copy.push(rnd.pick(ODD_VALUES));
    return copy;
  }
  if (doc !== null && typeof doc === 'object') {
    let copy: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const roll = rnd.next();
    if (keys.length > 0 && roll < 0.25) {
      const dropped = rnd.pick(keys);
      copy = Object.fromEntries(Object.entries(copy).filter(([k]) => k !== dropped));
    } else if (roll < 0.35) copy[rnd.pick(['extra', 'name', 'hostId', 'type', 'value'])] = rnd.pick(ODD_VALUES);
    else if (keys.length > 0) {
      const key = rnd.pick(keys);
      copy[key] = mutate(copy[key], rnd);
    }
    return copy;
  }
  return rnd.pick(ODD_VALUES);
}

describe('the pool and reservation endpoints under mutated bodies', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ features: [{ name: 'cad', version: '1.0', count: 3, expiry: 'permanent' }] });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => server.stop());

  it('answers every mutated body with a 2xx or a 4xx in the one error shape, never a 5xx, and stays consistent', async () => {
    const rnd = seededRandom(424_242);
    const targets: Array<[string, string, unknown]> = [
      ['POST', `${BASE}/reservationgroups`, GOOD_GROUP],
      ['POST', `${BASE}/reservationgroups/import`, [GOOD_GROUP]],
      ['POST', `${BASE}/reservationgroups/delete`, { ids: ['x'] }],
      ['POST', `${BASE}/model/validate`, { text: 'model "m" { }' }],
    ];
    for (let i = 0; i < 400; i++) {
      const [method, path, good] = targets[i % targets.length]!;
      const body = mutate(good, rnd);
      const res = await server.call(method, path, body, auth);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.body.error.code).toMatch(/^[A-Z_]+$/);
        expect(Array.isArray(res.body.error.details)).toBe(true);
      }
    }
    // Whatever was added, the reserved counts never exceed what the server holds.
    const rows = (await server.get(`${BASE}/reservations?pageSize=1000`, auth)).body.items as Array<{ featureCount: number }>;
    expect(rows.reduce((n, r) => n + r.featureCount, 0)).toBeLessThanOrEqual(3);
    expect((await server.post(CAPABILITY, { device: { hostId: { value: 'probe', type: 'STRING' } } })).status).toBe(200);
  });
});
