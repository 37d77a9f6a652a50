import { describe, expect, it } from 'vitest';
import { buildDevice, buildFeature } from '../../test/support/factories.js';
import { seededRandom } from '../../test/support/random.mjs';
import type { Holding } from './holding.js';
import { LicenseState, emptyChange } from './license-state.js';

const holding = (id: string, deviceKey: string, recordId: string, count: number): Holding => ({
  id,
  deviceKey,
  recordId,
  feature: 'cad',
  version: '1.0',
  model: 'concurrent',
  kind: 'lease',
  count,
  overdraft: 0,
  grantedAt: 0,
  renewedAt: 0,
  expiresAt: 1_000,
  correlationId: 'c',
  pool: null,
  reservedFor: null,
});

describe('the indexes the listings read from the license state', () => {
  it('agree with a scan of every holding and device after any sequence of grants, changes, returns and new devices', () => {
    const random = seededRandom(14);
    const state = new LicenseState();
    state.setRecords(['r0', 'r1', 'r2'].map((id) => buildFeature({ id })));
    const live = new Map<string, Holding>();
    for (let step = 0; step < 2_000; step++) {
      const change = emptyChange();
      const id = `h${random.int(60)}`;
      const key = `STRING:d${random.int(40)}`;
      if (step === 500) state.deviceKeysInOrder(); // the order is kept from here on, device by device
      if (random.next() < 0.3 && live.has(id)) {
        change.removals.push(live.get(id)!);
        live.delete(id);
      } else {
        const previous = live.get(id);
        const h = holding(id, previous?.deviceKey ?? key, previous?.recordId ?? `r${random.int(3)}`, random.int(5));
        change.upserts.push(h);
        live.set(id, h);
        change.devices.push({ key: h.deviceKey, device: buildDevice(h.deviceKey.slice(7)), seenAt: step });
      }
      state.apply(change);
    }
    const all = [...state.allHoldings()];
    expect(all.length).toBe(live.size);
    for (const r of ['r0', 'r1', 'r2']) expect([...state.holdingsOfRecord(r)]).toEqual(all.filter((h) => h.recordId === r));
    const keys = [...state.devices()].map(([k]) => k);
    expect(state.deviceKeysInOrder()).toEqual([...keys].sort());
    for (const k of keys) expect(state.countHeldBy(k)).toBe(state.holdingsOf(k).reduce((n, h) => n + h.count, 0));
  });

  it('orders the records again once they are replaced', () => {
    const state = new LicenseState();
    state.setRecords([buildFeature({ id: 'b' })]);
    expect(state.fromRecords('ids', () => state.allRecords().map((r) => r.id))).toEqual(['b']);
    state.setRecords([buildFeature({ id: 'b' }), buildFeature({ id: 'a' })]);
    expect(state.fromRecords('ids', () => state.allRecords().map((r) => r.id))).toEqual(['b', 'a']);
  });
});
