import { describe, expect, it } from 'vitest';
import { buildDevice, buildFeature, buildRequest, sequentialIds } from '../../test/support/factories.js';
import type { CapabilityRequest, DesiredFeature } from './capability.js';
import { decideCapability, decideCutback, decideExpiry } from './capability.js';
import type { FeatureRecord } from './feature-record.js';
import type { LicensingPolicy } from './lease.js';
import { DEFAULT_POLICY } from './lease.js';
import { LicenseState } from './license-state.js';
import { MAX_COUNT } from './limits.js';
import { usageEventSchema } from './usage-event.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;
const context = { instanceId: 'inst-1', accountId: 'acct-1' };

function serverWith(...records: FeatureRecord[]) {
  const state = new LicenseState();
  state.setRecords(records);
  let policy: LicensingPolicy = { ...DEFAULT_POLICY };
  const newId = sequentialIds();
  const serve = (features: DesiredFeature[], overrides: Partial<CapabilityRequest> = {}, now = NOW) => {
    const decision = decideCapability(state, buildRequest(features, overrides), policy, context, { now, newId });
    state.apply(decision.change);
    return decision;
  };
  const expire = (now: number) => {
    const change = decideExpiry(state, state.dueHoldings(now), context, { now, newId });
    state.apply(change);
    return change;
  };
  const held = (device = 'device-1') =>
    state.holdingsOf(`STRING:${device}`).map((h) => ({ record: h.recordId, count: h.count, kind: h.kind }));
  return { state, serve, expire, held, setPolicy: (p: Partial<LicensingPolicy>) => (policy = { ...policy, ...p }) };
}

const on = (device: string) => ({ device: buildDevice(device) });

describe('decideCapability: choosing records', () => {
  it('draws from the record that expires first', () => {
    const late = buildFeature({ id: 'late', expiry: '2027-12-31' });
    const soon = buildFeature({ id: 'soon', expiry: '2026-12-31' });
    const forever = buildFeature({ id: 'forever' });
    const s = serverWith(forever, late, soon);
    s.serve([{ name: 'cad', version: '1.0', count: 1 }]);
    expect(s.held()).toEqual([{ record: 'soon', count: 1, kind: 'lease' }]);
  });

  it('draws from the lowest version when records expire together', () => {
    const s = serverWith(buildFeature({ id: 'v3', version: '3.0' }), buildFeature({ id: 'v2', version: '2.0' }));
    s.serve([{ name: 'cad', version: '1.5', count: 1 }]);
    expect(s.held()).toEqual([{ record: 'v2', count: 1, kind: 'lease' }]);
  });

  it('serves a request for 1.0 from a 2.0 record, since any newer version satisfies it', () => {
    const s = serverWith(buildFeature({ id: 'v2', version: '2.0' }));
    const d = s.serve([{ name: 'cad', version: '1.0', count: 2 }]);
    expect(d.denials).toEqual([]);
    expect(s.held()).toEqual([{ record: 'v2', count: 2, kind: 'lease' }]);
  });

  it('never serves an older version than requested, even when it has counts: INSUFFICIENT_COUNT', () => {
    const s = serverWith(buildFeature({ id: 'v1', version: '1.9' }), buildFeature({ id: 'v10', version: '1.10', count: 1 }));
    s.serve([{ name: 'cad', version: '1.10', count: 1 }]);
    const d = s.serve([{ name: 'cad', version: '1.10', count: 1 }], on('device-2'));
    expect(d.denials.map((x) => x.code)).toEqual([7]);
  });

  it('combines records when no single record has enough counts', () => {
    const s = serverWith(buildFeature({ id: 'a', count: 2, expiry: '2026-12-31' }), buildFeature({ id: 'b', count: 3 }));
    s.serve([{ name: 'cad', version: '1.0', count: 4 }]);
    expect(s.held()).toEqual([
      { record: 'a', count: 2, kind: 'lease' },
      { record: 'b', count: 2, kind: 'lease' },
    ]);
  });
});

describe('decideCapability: denial codes', () => {
  const table: Array<{ why: string; records: () => FeatureRecord[]; want: DesiredFeature; code: number; name: string }> = [
    { why: 'the server has no such feature', records: () => [buildFeature()], want: { name: 'cam', version: '1.0', count: 1 }, code: 15, name: 'NOT_AVAILABLE' },
    { why: 'only older versions exist', records: () => [buildFeature({ version: '1.0' })], want: { name: 'cad', version: '2.0', count: 1 }, code: 12, name: 'NO_MATCHING_VERSION' },
    { why: 'every matching record has expired', records: () => [buildFeature({ expiry: '2026-05-31' })], want: { name: 'cad', version: '1.0', count: 1 }, code: 11, name: 'EXPIRED' },
    { why: 'every matching record starts in the future', records: () => [buildFeature({ start: '2026-06-02' })], want: { name: 'cad', version: '1.0', count: 1 }, code: 10, name: 'NOT_YET_STARTED' },
    {
      why: 'one matching record expired and the other has not started',
      records: () => [buildFeature({ expiry: '2026-05-31' }), buildFeature({ start: '2026-07-01' })],
      want: { name: 'cad', version: '1.0', count: 1 },
      code: 11,
      name: 'EXPIRED',
    },
    { why: 'all 5 seats are leased', records: () => [buildFeature({ count: 5 })], want: { name: 'cad', version: '1.0', count: 6 }, code: 7, name: 'INSUFFICIENT_COUNT' },
    {
      why: 'a capped metered feature would pass its cap',
      records: () => [buildFeature({ model: 'metered', count: 10, metered: { capped: true } })],
      want: { name: 'cad', version: '1.0', count: 11 },
      code: 58,
      name: 'WOULD_CAUSE_OVERAGE',
    },
  ];
  it.each(table)('denies with $code $name when $why', ({ records, want, code, name }) => {
    const s = serverWith(...records());
    const d = s.serve([want]);
    expect(d.denials).toHaveLength(1);
    expect(d.denials[0]).toMatchObject({ feature: want.name, version: want.version, code, name });
    expect(d.denials[0]!.description.length).toBeGreaterThan(10);
    expect(s.held()).toEqual([]);
  });

  it('records a deny event with the code, the requested count and the usage at that moment', () => {
    const s = serverWith(buildFeature({ count: 2 }));
    s.serve([{ name: 'cad', version: '1.0', count: 2 }], on('a'));
    const d = s.serve([{ name: 'cad', version: '1.0', count: 1 }], on('b'));
    expect(d.change.events).toEqual([
      expect.objectContaining({ kind: 'deny', statusCode: 7, count: 1, deviceId: 'b', inUseAfter: 2, capacity: 2, source: 'server' }),
    ]);
  });

  it('records no deny event when licensing.trackDeniedRequests is off', () => {
    const s = serverWith(buildFeature({ count: 0 }));
    s.setPolicy({ trackDeniedRequests: false });
    const d = s.serve([{ name: 'cad', version: '1.0', count: 1 }]);
    expect(d.denials).toHaveLength(1);
    expect(d.change.events).toEqual([]);
  });

  it('denies the whole count with INSUFFICIENT_COUNT and keeps what the device held when partial fulfilment is off', () => {
    const s = serverWith(buildFeature({ count: 3 }));
    s.serve([{ name: 'cad', version: '1.0', count: 2 }]);
    const d = s.serve([{ name: 'cad', version: '1.0', count: 5 }]);
    expect(d.denials[0]).toMatchObject({ code: 7, count: 3 });
    expect(s.held()).toEqual([{ record: expect.any(String), count: 2, kind: 'lease' }]);
  });

  it('serves what is left and denies the rest with INSUFFICIENT_COUNT when partial fulfilment is on', () => {
    const s = serverWith(buildFeature({ count: 3 }));
    s.serve([{ name: 'cad', version: '1.0', count: 2 }], on('other'));
    const d = s.serve([{ name: 'cad', version: '1.0', count: 4 }], { partial: true });
    expect(s.held()).toEqual([{ record: expect.any(String), count: 1, kind: 'lease' }]);
    expect(d.denials).toEqual([expect.objectContaining({ code: 7, count: 3 })]);
    expect(d.change.events.map((e) => [e.kind, e.count])).toEqual([
      ['deny', 3],
      ['checkout', 1],
    ]);
  });

  it('decides each desired feature on its own: one denial does not stop the others', () => {
    const s = serverWith(buildFeature({ name: 'cad' }), buildFeature({ name: 'cam', count: 0 }));
    const d = s.serve([
      { name: 'cam', version: '1.0', count: 1 },
      { name: 'cad', version: '1.0', count: 1 },
    ]);
    expect(d.denials.map((x) => x.feature)).toEqual(['cam']);
    expect(s.held()).toHaveLength(1);
  });
});

describe('decideCapability: leases', () => {
  it('leases for the server borrow interval when neither feature nor client asks for less', () => {
    const s = serverWith(buildFeature());
    s.setPolicy({ borrowInterval: 3600 });
    s.serve([{ name: 'cad', version: '1.0', count: 1 }]);
    expect(s.state.holdingsOf('STRING:device-1')[0]!.expiresAt).toBe(NOW + HOUR);
  });

  it.each([
    { why: "the feature's own borrow interval", feature: { borrowInterval: '30m' }, client: null, max: 86_400, minutes: 30 },
    { why: "the client's requested interval", feature: {}, client: 600, max: 86_400, minutes: 10 },
    { why: 'the server maximum', feature: { borrowInterval: '2d' }, client: 7200, max: 1800, minutes: 30 },
  ])('shortens the lease to $why', ({ feature, client, max, minutes }) => {
    const s = serverWith(buildFeature(feature));
    s.setPolicy({ borrowInterval: 86_400, borrowIntervalMax: max });
    s.serve([{ name: 'cad', version: '1.0', count: 1 }], { borrowInterval: client });
    expect(s.state.holdingsOf('STRING:device-1')[0]!.expiresAt).toBe(NOW + minutes * 60_000);
  });

  it('never leases past the end of the record', () => {
    const s = serverWith(buildFeature({ expiry: '2026-06-01' }));
    s.serve([{ name: 'cad', version: '1.0', count: 1 }]);
    expect(s.state.holdingsOf('STRING:device-1')[0]!.expiresAt).toBe(Date.parse('2026-06-02T00:00:00Z'));
  });

  it('renews a lease when the device asks again for the same count, without new usage events', () => {
    const s = serverWith(buildFeature());
    s.setPolicy({ borrowInterval: 3600 });
    s.serve([{ name: 'cad', version: '1.0', count: 2 }]);
    const d = s.serve([{ name: 'cad', version: '1.0', count: 2 }], {}, NOW + 30 * 60_000);
    expect(d.change.events).toEqual([]);
    expect(s.state.holdingsOf('STRING:device-1')[0]!.expiresAt).toBe(NOW + 90 * 60_000);
    expect(s.state.usedOf(s.state.holdingsOf('STRING:device-1')[0]!.recordId)).toBe(2);
  });

  it('lets a renewing device keep its counts even when none are free for others', () => {
    const s = serverWith(buildFeature({ count: 2 }));
    s.serve([{ name: 'cad', version: '1.0', count: 2 }]);
    const d = s.serve([{ name: 'cad', version: '1.0', count: 2 }]);
    expect(d.denials).toEqual([]);
  });

  it('returns features a full request no longer names', () => {
    const s = serverWith(buildFeature({ name: 'cad' }), buildFeature({ name: 'cam' }));
    s.serve([
      { name: 'cad', version: '1.0', count: 1 },
      { name: 'cam', version: '1.0', count: 1 },
    ]);
    const d = s.serve([{ name: 'cam', version: '1.0', count: 1 }]);
    expect(d.change.events.map((e) => [e.kind, e.feature])).toEqual([['return', 'cad']]);
    expect(s.state.inUseOf('cad')).toBe(0);
  });

  it('frees counts at once when a full request asks for 0', () => {
    const s = serverWith(buildFeature({ count: 1 }));
    s.serve([{ name: 'cad', version: '1.0', count: 1 }], on('a'));
    s.serve([{ name: 'cad', version: '1.0', count: 0 }], on('a'));
    const d = s.serve([{ name: 'cad', version: '1.0', count: 1 }], on('b'));
    expect(d.denials).toEqual([]);
  });

  it('adds to and takes from the holding in incremental requests, never below zero', () => {
    const s = serverWith(buildFeature({ count: 10 }));
    s.serve([{ name: 'cad', version: '1.0', count: 3 }], { incremental: true });
    s.serve([{ name: 'cad', version: '1.0', count: 2 }], { incremental: true });
    expect(s.held()[0]!.count).toBe(5);
    s.serve([{ name: 'cad', version: '1.0', count: -4 }], { incremental: true });
    expect(s.held()[0]!.count).toBe(1);
    const d = s.serve([{ name: 'cad', version: '1.0', count: -9 }], { incremental: true });
    expect(s.held()).toEqual([]);
    expect(d.change.events.map((e) => [e.kind, e.count])).toEqual([['return', 1]]);
  });

  it('leaves features an incremental request does not name untouched', () => {
    const s = serverWith(buildFeature({ name: 'cad' }), buildFeature({ name: 'cam' }));
    s.serve([{ name: 'cad', version: '1.0', count: 1 }]);
    s.serve([{ name: 'cam', version: '1.0', count: 1 }], { incremental: true });
    expect(s.held()).toHaveLength(2);
  });

  it('changes nothing for a request without desired features', () => {
    const s = serverWith(buildFeature());
    s.serve([{ name: 'cad', version: '1.0', count: 1 }]);
    const d = s.serve([]);
    expect(d.change.upserts).toEqual([]);
    expect(d.change.events).toEqual([]);
    expect(s.held()).toHaveLength(1);
  });

  it('expires lapsed leases with an expire event and frees their counts', () => {
    const s = serverWith(buildFeature({ count: 1 }));
    s.setPolicy({ borrowInterval: 60 });
    s.serve([{ name: 'cad', version: '1.0', count: 1 }], on('a'));
    expect(s.state.dueHoldings(NOW + 59_000)).toEqual([]);
    const change = s.expire(NOW + 60_000);
    expect(change.events).toEqual([expect.objectContaining({ kind: 'expire', deviceId: 'a', count: 1, inUseAfter: 0 })]);
    expect(s.serve([{ name: 'cad', version: '1.0', count: 1 }], on('b'), NOW + 60_000).denials).toEqual([]);
  });

  it('does not expire a lease that was renewed before it lapsed', () => {
    const s = serverWith(buildFeature());
    s.setPolicy({ borrowInterval: 60 });
    s.serve([{ name: 'cad', version: '1.0', count: 1 }]);
    s.serve([{ name: 'cad', version: '1.0', count: 1 }], {}, NOW + 30_000);
    expect(s.state.dueHoldings(NOW + 60_000)).toEqual([]);
    expect(s.state.dueHoldings(NOW + 90_000)).toHaveLength(1);
  });
});

describe('decideCapability: overdraft and uncounted features', () => {
  it('serves overdraft only after every regular count of every record is taken, and reports it', () => {
    const s = serverWith(
      buildFeature({ id: 'a', count: 1, overdraft: 2, expiry: '2026-12-31' }),
      buildFeature({ id: 'b', count: 1 }),
    );
    const first = s.serve([{ name: 'cad', version: '1.0', count: 2 }], on('x'));
    expect(first.change.events.map((e) => e.overdraft)).toEqual([0, 0]);
    const second = s.serve([{ name: 'cad', version: '1.0', count: 2 }], on('y'));
    expect(second.denials).toEqual([]);
    expect(second.change.events).toEqual([expect.objectContaining({ kind: 'checkout', recordId: 'a', count: 2, overdraft: 2, inUseAfter: 4, capacity: 2 })]);
    expect(s.serve([{ name: 'cad', version: '1.0', count: 1 }], on('z')).denials[0]?.code).toBe(7);
  });

  it('always grants an uncounted feature and still records the checkout', () => {
    const s = serverWith(buildFeature({ count: 0, counted: false }));
    const d = s.serve([{ name: 'cad', version: '1.0', count: 500 }]);
    expect(d.denials).toEqual([]);
    expect(d.change.events).toEqual([expect.objectContaining({ kind: 'checkout', count: 500, capacity: null })]);
  });
});

describe('decideCapability: metered features', () => {
  const metered = (terms: Record<string, unknown>, more: Record<string, unknown> = {}) =>
    buildFeature({ model: 'metered', count: 10, metered: terms, ...more });

  it('consumes units of a non-reusable feature on every request, even a full one', () => {
    const s = serverWith(metered({ capped: true }));
    s.serve([{ name: 'cad', version: '1.0', count: 4 }]);
    const d = s.serve([{ name: 'cad', version: '1.0', count: 4 }]);
    expect(d.change.events).toEqual([expect.objectContaining({ kind: 'consume', count: 4, inUseAfter: 8, capacity: 10 })]);
    expect(s.serve([{ name: 'cad', version: '1.0', count: 4 }]).denials[0]?.code).toBe(58);
  });

  it('serves an uncapped feature past its count and records the overage', () => {
    const s = serverWith(metered({ capped: false }));
    s.serve([{ name: 'cad', version: '1.0', count: 8 }]);
    const d = s.serve([{ name: 'cad', version: '1.0', count: 5 }]);
    expect(d.denials).toEqual([]);
    expect(d.change.events).toEqual([expect.objectContaining({ kind: 'consume', count: 5, overdraft: 3, inUseAfter: 13, capacity: 10 })]);
  });

  it('takes back returned units of a reusable feature', () => {
    const s = serverWith(metered({ capped: true, reusable: true }));
    s.serve([{ name: 'cad', version: '1.0', count: 10 }], on('a'));
    s.serve([{ name: 'cad', version: '1.0', count: -6 }], { ...on('a'), incremental: true });
    const d = s.serve([{ name: 'cad', version: '1.0', count: 6 }], on('b'));
    expect(d.denials).toEqual([]);
    expect(s.state.inUseOf('cad')).toBe(10);
  });

  it('refuses with BAD_REQUEST to take back units of a non-reusable feature, and records no deny event', () => {
    const s = serverWith(metered({ capped: true, reusable: false }));
    s.serve([{ name: 'cad', version: '1.0', count: 3 }]);
    const d = s.serve([{ name: 'cad', version: '1.0', count: -3 }], { incremental: true });
    expect(d.denials).toEqual([expect.objectContaining({ code: 51, name: 'BAD_REQUEST' })]);
    expect(d.change.events).toEqual([]);
    expect(s.state.inUseOf('cad')).toBe(3);
  });

  it('undoes a consumption within the undo interval', () => {
    const s = serverWith(metered({ capped: true, undoInterval: '10m' }));
    const consumed = s.serve([{ name: 'cad', version: '1.0', count: 3 }]);
    const d = s.serve([], { operation: 'undo', correlationId: consumed.correlationId }, NOW + 5 * 60_000);
    expect(d.change.events).toEqual([expect.objectContaining({ kind: 'return', count: 3, inUseAfter: 0 })]);
  });

  it('refuses an undo after the undo interval has passed', () => {
    const s = serverWith(metered({ capped: true, undoInterval: '10m' }));
    const consumed = s.serve([{ name: 'cad', version: '1.0', count: 3 }]);
    expect(() => s.serve([], { operation: 'undo', correlationId: consumed.correlationId }, NOW + 11 * 60_000)).toThrow(/undo interval/);
  });

  it('refuses an undo of a consumption the device does not have', () => {
    const s = serverWith(metered({ capped: true, undoInterval: '10m' }));
    expect(() => s.serve([], { operation: 'undo', correlationId: 'nope' })).toThrow(/no metered consumption/);
  });
});

describe('decideCapability: the count limit every usage event can report', () => {
  const MILLION = 1_000_000;

  it('refuses with WOULD_CAUSE_OVERAGE an uncapped consumption that would take the in-use count past MAX_COUNT, and every event it wrote fits the event schema', () => {
    const s = serverWith(buildFeature({ model: 'metered', count: 10, metered: { capped: false } }));
    const events = [];
    for (let i = 0; i < MAX_COUNT / MILLION; i++) {
      const d = s.serve([{ name: 'cad', version: '1.0', count: MILLION }], { incremental: true });
      expect(d.denials).toEqual([]);
      events.push(...d.change.events);
    }
    expect(s.state.inUseOf('cad')).toBe(MAX_COUNT);
    const refused = s.serve([{ name: 'cad', version: '1.0', count: 1 }], { incremental: true });
    expect(refused.denials).toEqual([expect.objectContaining({ code: 58, count: 1, description: expect.stringContaining(String(MAX_COUNT)) })]);
    expect(refused.change.upserts).toEqual([]);
    events.push(...refused.change.events);
    expect(events.filter((e) => !usageEventSchema.safeParse(e).success)).toEqual([]);
  });

  it('serves an uncounted feature up to MAX_COUNT in use and refuses past it with INSUFFICIENT_COUNT, in part when partial', () => {
    const s = serverWith(buildFeature({ count: 0, counted: false }));
    for (let i = 0; i < MAX_COUNT / MILLION - 1; i++) s.serve([{ name: 'cad', version: '1.0', count: MILLION }], { ...on(`d${i}`) });
    expect(s.state.inUseOf('cad')).toBe(MAX_COUNT - MILLION);
    s.serve([{ name: 'cad', version: '1.0', count: MILLION - 10 }], on('last'));
    const whole = s.serve([{ name: 'cad', version: '1.0', count: 20 }], on('more'));
    expect(whole.denials).toEqual([expect.objectContaining({ code: 7, count: 20 })]);
    const partial = s.serve([{ name: 'cad', version: '1.0', count: 20 }], { ...on('more'), partial: true });
    expect(partial.denials).toEqual([expect.objectContaining({ code: 7, count: 10 })]);
    expect(partial.change.events).toContainEqual(expect.objectContaining({ kind: 'checkout', count: 10, inUseAfter: MAX_COUNT }));
    // Giving back is never limited, and makes room again.
    s.serve([{ name: 'cad', version: '1.0', count: 0 }], on('last'));
    expect(s.serve([{ name: 'cad', version: '1.0', count: 20 }], on('more')).denials).toEqual([]);
  });
});

describe('decideCapability: its only inputs', () => {
  it('decides the same request on two copies of the same state identically, IDs and events included, given the same clock and ID source', () => {
    const run = () => {
      const s = serverWith(
        buildFeature({ id: 'cad-a', count: 2 }),
        buildFeature({ id: 'units-a', name: 'units', model: 'metered', count: 5, metered: { capped: true } }),
      );
      s.setPolicy({ borrowInterval: 60 });
      s.serve([{ name: 'cad', version: '1.0', count: 2 }], on('x'));
      const decision = s.serve(
        [
          { name: 'cad', version: '1.0', count: 1 },
          { name: 'units', version: '1.0', count: 3 },
          { name: 'cam', version: '1.0', count: 1 },
        ],
        { ...on('y'), partial: true },
      );
      return { decision, expiry: s.expire(NOW + 60_000) };
    };
    const first = run();
    expect(first.decision.change.events.map((e) => [e.kind, e.statusCode])).toEqual([
      ['deny', 7],
      ['consume', null],
      ['deny', 15],
    ]);
    expect(first.expiry.events.map((e) => e.kind)).toEqual(['expire']);
    expect(run()).toEqual(first);
  });
});

describe('decideCutback: when a license is reissued with less', () => {
  const cut = (s: ReturnType<typeof serverWith>, records: FeatureRecord[], now = NOW) => {
    s.state.setRecords(records);
    const decided = decideCutback(s.state, context, { now, newId: sequentialIds() });
    s.state.apply(decided.change);
    return decided;
  };

  it('ends the newest leases first until the rest fit the lowered count, and keeps the older ones', () => {
    const s = serverWith(buildFeature({ id: 'r', count: 4 }));
    for (const [i, d] of ['a', 'b', 'c', 'd'].entries()) s.serve([{ name: 'cad', version: '1.0', count: 1 }], on(d), NOW + i * 1000);
    const { cutbacks, change } = cut(s, [buildFeature({ id: 'r', count: 2 })]);
    expect(cutbacks.map((c) => [c.deviceKey, c.count, c.reason])).toEqual([['STRING:d', 1, 'count-lowered'], ['STRING:c', 1, 'count-lowered']]);
    expect(change.events.map((e) => [e.kind, e.deviceId, e.count, e.inUseAfter, e.capacity])).toEqual([['expire', 'd', 1, 3, 2], ['expire', 'c', 1, 2, 2]]);
    expect(['a', 'b', 'c', 'd'].map((d) => s.held(d).length)).toEqual([1, 1, 0, 0]);
    for (const e of change.events) expect(usageEventSchema.safeParse(e).success).toBe(true);
  });

  it('takes only the counts over the limit from a lease that holds several', () => {
    const s = serverWith(buildFeature({ id: 'r', count: 5 }));
    s.serve([{ name: 'cad', version: '1.0', count: 5 }], on('big'));
    const { cutbacks } = cut(s, [buildFeature({ id: 'r', count: 3 })]);
    expect(cutbacks).toEqual([expect.objectContaining({ count: 2, left: 3 })]);
    expect(s.held('big')).toEqual([{ record: 'r', count: 3, kind: 'lease' }]);
  });

  it('keeps leases that still fit, overdraft included', () => {
    const s = serverWith(buildFeature({ id: 'r', count: 3 }));
    s.serve([{ name: 'cad', version: '1.0', count: 3 }], on('a'));
    expect(cut(s, [buildFeature({ id: 'r', count: 2, overdraft: 1 })]).cutbacks).toEqual([]);
  });

  it('ends every lease on a record taken away, and leaves used-up metered units used', () => {
    const meter = buildFeature({ id: 'm', name: 'render', count: 100, model: 'metered', metered: { capped: true, reusable: false, undoInterval: 0 } });
    const s = serverWith(buildFeature({ id: 'r', count: 2 }), meter);
    s.serve([{ name: 'cad', version: '1.0', count: 2 }, { name: 'render', version: '1.0', count: 10 }], on('a'));
    const { cutbacks } = cut(s, []);
    expect(cutbacks).toEqual([expect.objectContaining({ recordId: 'r', count: 2, left: 0, reason: 'record-removed' })]);
    expect(s.held('a')).toEqual([{ record: 'm', count: 10, kind: 'consumption' }]);
  });
});
