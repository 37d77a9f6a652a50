import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';
import { storedHoldings } from '../support/storage.js';
import { seededRandom } from '../support/random.mjs';

const SEATS = 5;
const CLIENTS = 40;
const ROUNDS = 25;

describe('many clients racing for a few seats', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      features: [
        { name: 'seat', version: '1.0', count: 3, expiry: 'permanent', id: 'seat-a' },
        { name: 'seat', version: '1.0', count: 2, expiry: '2030-01-01', id: 'seat-b' },
      ],
    });
  });
  afterAll(async () => server.stop());

  it(`never serves more than ${SEATS} seats to ${CLIENTS} concurrent clients, after every round`, async () => {
    const next = seededRandom(42).next;
    const held = new Map<string, number>();
    let grants = 0;
    let denials = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, i) => {
          const device = `racer-${i}`;
          const roll = next();
          const body =
            roll < 0.5
              ? capability(device, [{ name: 'seat', count: 1 + Math.floor(next() * 2) }], { partial: roll < 0.2 })
              : roll < 0.7
                ? capability(device, [{ name: 'seat', count: 1 }], { incremental: true })
                : roll < 0.9
                  ? capability(device, [{ name: 'seat', count: -1 }], { incremental: true })
                  : capability(device, [{ name: 'seat', count: 0 }]);
          const res = await server.post(CAPABILITY, body);
          expect(res.status).toBe(200);
          grants += res.body.granted.length;
          denials += res.body.denied.length;
          held.set(device, res.body.granted.reduce((n: number, g: { count: number }) => n + g.count, 0));
        }),
      );
      const seen = [...held.values()].reduce((a, b) => a + b, 0);
      const stored = storedHoldings(server.dataDir).filter((h) => h.feature === 'seat').reduce((n, h) => n + h.count, 0);
      expect(seen).toBeLessThanOrEqual(SEATS);
      expect(stored).toBe(seen);
    }
    // The race was real: seats were both won and refused.
    expect(grants).toBeGreaterThan(ROUNDS);
    expect(denials).toBeGreaterThan(ROUNDS);
  });
});
