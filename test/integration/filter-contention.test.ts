import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';
import { storedHoldings } from '../support/storage.js';
import { seededRandom } from '../support/random.mjs';

const SEATS = 5;
const CLIENTS = 30;
const ROUNDS = 15;
const BASE = '/api/1.0/instances/~';

// Each filter refuses exactly one of the two features every request asks for, so each answer
// shows which filter decided it.
const FILTERS = {
  A: 'filter "A" { deny feature("cad") }',
  B: 'filter "B" { deny feature("viewer") }',
};

describe('checkout filters changed while clients race for seats', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({
      features: [
        { name: 'seat', version: '1.0', count: SEATS, expiry: 'permanent', id: 'seat' },
        { name: 'cad', version: '1.0', count: 1000, expiry: 'permanent', id: 'cad' },
        { name: 'viewer', version: '1.0', count: 1000, expiry: 'permanent', id: 'viewer' },
      ],
    });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => server.stop());

  it(`decides every request wholly by the old filter or the new one, and never serves more than ${SEATS} seats`, async () => {
    const next = seededRandom(67).next;
    const held = new Map<string, number>();
    const decidedBy = { A: 0, B: 0 };
    let seatDenials = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const switches = (async () => {
        for (let i = 0; i < 6; i++) {
          const res = await server.call('PUT', `${BASE}/filters`, { text: (round + i) % 2 === 0 ? FILTERS.A : FILTERS.B }, auth);
          expect(res.status).toBe(200);
        }
      })();
      const requests = Array.from({ length: CLIENTS }, async (_, i) => {
        const device = `racer-${i}`;
        const seats = Math.floor(next() * 3);
        const res = await server.post(CAPABILITY, capability(device, [{ name: 'cad', count: 1 }, { name: 'viewer', count: 1 }, { name: 'seat', count: seats }]));
        expect(res.status).toBe(200);
        const filtered = res.body.denied.filter((d: { code: number }) => d.code === 67);
        // Exactly one filter decided: it refused its feature and let the other one through.
        expect(filtered).toHaveLength(1);
        const by = filtered[0].feature === 'cad' ? 'A' : 'B';
        expect(filtered[0].description).toMatch(new RegExp(`^Checkout filter "${by}"`));
        expect(res.body.granted.map((g: { feature: string }) => g.feature)).toContain(by === 'A' ? 'viewer' : 'cad');
        decidedBy[by]++;
        seatDenials += res.body.denied.filter((d: { feature: string }) => d.feature === 'seat').length;
        held.set(device, res.body.granted.filter((g: { feature: string }) => g.feature === 'seat').reduce((n: number, g: { count: number }) => n + g.count, 0));
      });
      await Promise.all([switches, ...requests]);
      const seen = [...held.values()].reduce((a, b) => a + b, 0);
      const stored = storedHoldings(server.dataDir).filter((h) => h.feature === 'seat').reduce((n, h) => n + h.count, 0);
      expect(seen).toBeLessThanOrEqual(SEATS);
      expect(stored).toBe(seen);
    }
    // The race was real: both filters decided requests, and seats were refused.
    expect(decidedBy.A).toBeGreaterThan(0);
    expect(decidedBy.B).toBeGreaterThan(0);
    expect(seatDenials).toBeGreaterThan(0);
  });
});
