import { describe, expect, it } from 'vitest';
import { buildDevice, buildFeature, buildRequest } from '../../test/support/factories.js';
import { newId } from '../common/ids.js';
import type { CapabilityRequest, DesiredFeature } from './capability.js';
import { decideCapability } from './capability.js';
import type { FeatureRecord } from './feature-record.js';
import type { Device } from './hostid.js';
import { DEFAULT_POLICY } from './lease.js';
import { LicenseState } from './license-state.js';
import { parseModel } from './model-definition/parser.js';
import { planPools, validateModel } from './model-definition/validate.js';
import { listPools, poolsFor } from './pool.js';
import { placeHeldCounts } from './pool-draw.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const context = { instanceId: 'inst-1', accountId: null };

function serverWith(model: string, ...records: FeatureRecord[]) {
  const state = new LicenseState();
  state.setRecords(records);
  state.pools = validateModel(parseModel(model), records, NOW);
  const serve = (device: Device, features: DesiredFeature[], overrides: Partial<CapabilityRequest> = {}) => {
    const decision = decideCapability(state, buildRequest(features, { device, ...overrides }), DEFAULT_POLICY, context, { now: NOW, newId });
    state.apply(decision.change);
    return decision;
  };
  const held = (device: Device) =>
    state.holdingsOf(`${device.hostId.type}:${device.hostId.value}`).map((h) => ({ pool: h.pool, count: h.count })).sort((a, b) => (a.pool! < b.pool! ? -1 : 1));
  const pools = () => listPools(state.pools!, state.allRecords(), (k) => state.usedInPool(k), NOW);
  return { state, serve, held, pools };
}

const cad = (count: number): DesiredFeature => ({ name: 'cad', version: '1.0', count });
const eng = buildDevice('eng-1', { vendorDictionary: { dept: 'eng' } });
const eng2 = buildDevice('eng-2', { vendorDictionary: { dept: 'eng' } });
const other = buildDevice('other-1');

const ENG_MODEL = `model "m" {
  partitions { partition "eng" { "cad" 1.0 3 } }
  on dictionary("dept":"eng") { use "eng" continue }
  on any() { use "default" accept }
}`;

describe('rules of access', () => {
  const plan = validateModel(
    parseModel(`model "m" {
      partitions { partition "a" { "cad" 1.0 1 } partition "b" { "cad" 1.0 1 } }
      on hostid("7200014F5DF0/ETHERNET") { use "a" accept }
      on user("alice", ~/^svc-/) and not hosttype("TEST") { use "a" continue }
      on hostname("build-*") { use "b" continue }
      on hosttype("BLOCKED") { deny }
    }`),
    [buildFeature({ name: 'cad', count: 5 })],
    NOW,
  );
  const pools = (device: Device) => {
    const access = poolsFor(plan, device);
    return access.kind === 'deny' ? 'deny' : access.grants.map((g) => g.pool);
  };

  it('stops at an accepting rule: the device draws from exactly the pools gathered', () => {
    expect(pools(buildDevice('72:00:01:4f:5d:f0', { hostId: { value: '72:00:01:4f:5d:f0', type: 'ETHERNET' } }))).toEqual(['a']);
  });

  it('does not match an ETHERNET rule for the same value under another hostid type', () => {
    expect(pools(buildDevice('7200014F5DF0'))).toEqual(['default']);
  });

  it('adds pools of every continuing rule, in rule order, then default when no rule accepts', () => {
    expect(pools(buildDevice('d', { user: 'svc-backup', alias: 'build-3' }))).toEqual(['a', 'b', 'default']);
    expect(pools(buildDevice('d', { user: 'svc-backup', hostType: 'TEST', alias: 'build-3' }))).toEqual(['b', 'default']);
  });

  it('denies when a deny rule matches before any accepting rule', () => {
    expect(pools(buildDevice('d', { hostType: 'BLOCKED' }))).toBe('deny');
  });

  it('never matches a user or host name condition for a device that sends none', () => {
    expect(pools(buildDevice('d'))).toEqual(['default']);
  });
});

describe('capability requests with named license pools', () => {
  it('serves a device its pools first, in rule order, then the default pool, and tags each grant and event with its pool', () => {
    const s = serverWith(ENG_MODEL, buildFeature({ id: 'r1', name: 'cad', count: 5 }));
    const d = s.serve(eng, [cad(4)]);
    expect(d.denials).toEqual([]);
    expect(s.held(eng)).toEqual([{ pool: 'default', count: 1 }, { pool: 'eng', count: 3 }]);
    expect(d.change.events.map((e) => [e.kind, e.pool, e.count])).toEqual([
      ['checkout', 'eng', 3],
      ['checkout', 'default', 1],
    ]);
  });

  it('keeps the counts of a pool for the devices its rules admit', () => {
    const s = serverWith(ENG_MODEL, buildFeature({ id: 'r1', name: 'cad', count: 5 }));
    expect(s.serve(other, [cad(2)]).denials).toEqual([]);
    // Default had 2: the other device cannot reach the 3 of eng.
    expect(s.serve(buildDevice('other-2'), [cad(1)]).denials.map((x) => x.code)).toEqual([7]);
    expect(s.serve(eng, [cad(3)]).denials).toEqual([]);
    expect(s.held(eng)).toEqual([{ pool: 'eng', count: 3 }]);
  });

  it('never serves more than the pool and the records hold, however the requests interleave', () => {
    const s = serverWith(ENG_MODEL, buildFeature({ id: 'r1', name: 'cad', count: 3 }), buildFeature({ id: 'r2', name: 'cad', count: 2, expiry: '2027-01-01' }));
    const devices = [eng, eng2, other, buildDevice('other-2'), buildDevice('eng-3', { vendorDictionary: { dept: 'eng' } })];
    for (let round = 0; round < 50; round++) {
      for (const [i, device] of devices.entries()) s.serve(device, [cad(((round + i) % 3) + 1)], { incremental: round % 2 === 1 });
      expect(s.state.usedInPool('eng\u0000cad\u00001.0')).toBeLessThanOrEqual(3);
      expect(s.state.usedInPool('default\u0000cad\u00001.0')).toBeLessThanOrEqual(2);
      expect(s.state.usedOf('r1')).toBeLessThanOrEqual(3);
      expect(s.state.usedOf('r2')).toBeLessThanOrEqual(2);
    }
  });

  it('refuses every feature with RULE_REJECTION when a rule denies the device, and records the denial', () => {
    const s = serverWith(
      'model "m" { on hosttype("KIOSK") { deny } }',
      buildFeature({ name: 'cad', count: 5 }),
    );
    const d = s.serve(buildDevice('k', { hostType: 'KIOSK' }), [cad(1)]);
    expect(d.denials).toMatchObject([{ code: 80, name: 'RULE_REJECTION', count: 1 }]);
    expect(d.denials[0]!.description).toMatch(/line 1 of model "m"/);
    expect(d.change.events.map((e) => [e.kind, e.statusCode])).toEqual([['deny', 80]]);
    expect(s.serve(other, [cad(1)]).denials).toEqual([]);
  });

  it('lets a device the rules now refuse give back what it holds, but not renew or add', () => {
    const s = serverWith(ENG_MODEL, buildFeature({ name: 'cad', count: 5 }));
    const kiosk = buildDevice('k', { hostType: 'KIOSK', vendorDictionary: { dept: 'eng' } });
    s.serve(kiosk, [cad(2)]);
    const closed = `model "m" {
      partitions { partition "eng" { "cad" 1.0 3 } }
      on hosttype("KIOSK") { deny }
      on dictionary("dept":"eng") { use "eng" continue }
    }`;
    s.state.pools = validateModel(parseModel(closed), s.state.allRecords(), NOW);
    expect(s.serve(kiosk, [cad(2)]).denials.map((x) => x.code)).toEqual([80]);
    expect(s.held(kiosk)).toEqual([{ pool: 'eng', count: 2 }]);
    expect(s.serve(kiosk, [cad(-1)], { incremental: true }).denials).toEqual([]);
    expect(s.held(kiosk)).toEqual([{ pool: 'eng', count: 1 }]);
    expect(s.serve(kiosk, [cad(0)]).denials).toEqual([]);
    expect(s.held(kiosk)).toEqual([]);
  });

  it("refuses with RULE_MAX_EXCEEDED past a rule's max per device, while the pool still has counts", () => {
    const s = serverWith(
      `model "m" { partitions { partition "eng" { "cad" 1.0 5 } }
         on dictionary("dept":"eng") { use "eng" max 2 accept } }`,
      buildFeature({ name: 'cad', count: 5 }),
    );
    expect(s.serve(eng, [cad(2)]).denials).toEqual([]);
    expect(s.serve(eng, [cad(1)], { incremental: true }).denials).toMatchObject([{ code: 81, name: 'RULE_MAX_EXCEEDED' }]);
    expect(s.serve(eng2, [cad(2)]).denials).toEqual([]);
  });

  it('counts a per-user max across all the devices of that user', () => {
    const s = serverWith(
      `model "m" { partitions { partition "eng" { "cad" 1.0 5 } }
         on user("bob") { use "eng" max 2 per user accept } }`,
      buildFeature({ name: 'cad', count: 5 }),
    );
    expect(s.serve(buildDevice('laptop', { user: 'bob' }), [cad(1)]).denials).toEqual([]);
    expect(s.serve(buildDevice('desktop', { user: 'bob' }), [cad(1)]).denials).toEqual([]);
    expect(s.serve(buildDevice('tablet', { user: 'bob' }), [cad(1)]).denials.map((x) => x.code)).toEqual([81]);
  });

  it('gives back from the last pool first when a device lowers its count', () => {
    const s = serverWith(ENG_MODEL, buildFeature({ name: 'cad', count: 5 }));
    s.serve(eng, [cad(4)]);
    s.serve(eng, [cad(3)]);
    expect(s.held(eng)).toEqual([{ pool: 'eng', count: 3 }]);
  });

  it('serves a request naming no features one count of each feature of the pools its rule serves unasked', () => {
    const s = serverWith(
      `model "m" { partitions { partition "kiosk" { "cad" 1.0 2 "viewer" 1.0 2 } }
         on hostname("kiosk-*") { all from "kiosk" accept } }`,
      buildFeature({ name: 'cad', count: 5 }),
      buildFeature({ name: 'viewer', count: 5 }),
    );
    const kiosk = buildDevice('k1', { alias: 'kiosk-1' });
    s.serve(kiosk, []);
    expect(s.state.holdingsOf('STRING:k1').map((h) => [h.feature, h.pool, h.count]).sort()).toEqual([
      ['cad', 'kiosk', 1],
      ['viewer', 'kiosk', 1],
    ]);
    // Devices the rule does not serve unasked get nothing from an empty request.
    s.serve(other, []);
    expect(s.state.holdingsOf('STRING:other-1')).toEqual([]);
  });

  it('marks a pool feature expired once its records have, and over-used when a smaller license leaves it holding more than allocated', () => {
    const s = serverWith(ENG_MODEL, buildFeature({ id: 'big', name: 'cad', count: 5, expiry: '2026-06-30' }));
    s.serve(eng, [cad(3)]);
    // The license is reissued with 2 counts: eng now gets 2 of them, and holds 3.
    const smaller = [buildFeature({ id: 'big', name: 'cad', count: 2, expiry: '2026-06-30' })];
    s.state.setRecords(smaller);
    s.state.pools = planPools(s.state.pools!.model, smaller, NOW).plan;
    expect(s.pools()[0]!.features[0]).toMatchObject({ allocated: 2, used: 3, status: 'over-used' });
    const later = listPools(s.state.pools, smaller, (k) => s.state.usedInPool(k), Date.parse('2026-07-02T00:00:00Z'));
    expect(later[0]!.features[0]).toMatchObject({ expiration: '2026-06-30', status: 'expired' });
  });

  it('lists each pool with allocated and used counts and a status', () => {
    const s = serverWith(
      ENG_MODEL,
      buildFeature({ name: 'cad', count: 5, expiry: '2027-03-01' }),
      buildFeature({ name: 'gone', count: 2, expiry: '2026-01-01' }),
    );
    s.serve(eng, [cad(2)]);
    expect(s.pools()).toEqual([
      { id: 1, name: 'eng', features: [{ feature: 'cad', version: '1.0', expiration: '2027-03-01', allocated: 3, used: 2, status: 'normal' }] },
      { id: 0, name: 'default', features: [{ feature: 'cad', version: '1.0', expiration: '2027-03-01', allocated: 2, used: 0, status: 'normal' }] },
    ]);
  });
});

describe('a model activated while devices hold counts', () => {
  /** A server without a model: devices draw counts first, then the model is activated. */
  function serverWithoutModel(...records: FeatureRecord[]) {
    const state = new LicenseState();
    state.setRecords(records);
    const serve = (device: Device, features: DesiredFeature[]) => {
      const decision = decideCapability(state, buildRequest(features, { device }), DEFAULT_POLICY, context, { now: NOW, newId });
      expect(decision.denials).toEqual([]);
      state.apply(decision.change);
    };
    const activate = (model: string) => {
      const plan = validateModel(parseModel(model), state.allRecords(), NOW);
      const change = placeHeldCounts(state, plan, newId);
      state.pools = plan;
      state.apply(change);
      return change;
    };
    const line = (pool: string, feature = 'cad') =>
      listPools(state.pools!, state.allRecords(), (k) => state.usedInPool(k), NOW)
        .find((p) => p.name === pool)!
        .features.find((f) => f.feature === feature);
    const held = (device: Device) =>
      state.holdingsOf(`${device.hostId.type}:${device.hostId.value}`).map((h) => ({ pool: h.pool, count: h.count })).sort((a, b) => (a.pool! < b.pool! ? -1 : 1));
    return { state, serve, activate, line, held };
  }

  it('counts what devices held before activation in the pools they would draw from', () => {
    const s = serverWithoutModel(buildFeature({ id: 'r1', name: 'cad', count: 5 }));
    s.serve(eng, [cad(2)]);
    s.serve(other, [cad(1)]);
    s.activate(ENG_MODEL);
    expect(s.line('eng')).toMatchObject({ allocated: 3, used: 2, status: 'normal' });
    expect(s.line('default')).toMatchObject({ allocated: 2, used: 1, status: 'normal' });
    expect(s.held(eng)).toEqual([{ pool: 'eng', count: 2 }]);
    // The pools now know what is taken: eng has one count left, default one.
    s.serve(eng2, [cad(2)]);
    expect(s.held(eng2)).toEqual([{ pool: 'default', count: 1 }, { pool: 'eng', count: 1 }]);
    expect(s.state.usedInPool('eng\u0000cad\u00001.0')).toBe(3);
  });

  it('splits a holding over the pools in rule order when one pool has no room for all of it, the rest in default', () => {
    const s = serverWithoutModel(buildFeature({ id: 'r1', name: 'cad', count: 5 }));
    s.serve(eng, [cad(2)]);
    s.serve(eng2, [cad(2)]);
    s.activate(ENG_MODEL);
    expect(s.held(eng)).toEqual([{ pool: 'eng', count: 2 }]);
    expect(s.held(eng2)).toEqual([{ pool: 'default', count: 1 }, { pool: 'eng', count: 1 }]);
    expect(s.line('eng')).toMatchObject({ allocated: 3, used: 3, status: 'normal' });
    expect(s.line('default')).toMatchObject({ allocated: 2, used: 1, status: 'normal' });
  });

  it('counts in default what a device the rules refuse holds, until it is given back', () => {
    const s = serverWithoutModel(buildFeature({ id: 'r1', name: 'cad', count: 5 }));
    s.serve(other, [cad(2)]);
    s.activate(`model "m" { on any() { deny } }`);
    expect(s.line('default')).toMatchObject({ allocated: 5, used: 2 });
  });

  it('moves counts held from pools the new model no longer has, and merges them with what the device holds there', () => {
    const s = serverWithoutModel(buildFeature({ id: 'r1', name: 'cad', count: 5 }));
    s.activate(ENG_MODEL);
    s.serve(eng, [cad(4)]);
    expect(s.held(eng)).toEqual([{ pool: 'default', count: 1 }, { pool: 'eng', count: 3 }]);
    s.activate(`model "m" { partitions { partition "ops" { "cad" 1.0 1 } } }`);
    expect(s.held(eng)).toEqual([{ pool: 'default', count: 4 }]);
    expect(s.line('default')).toMatchObject({ allocated: 4, used: 4, status: 'normal' });
    expect(s.line('ops')).toMatchObject({ allocated: 1, used: 0 });
    // One holding per slot: giving back takes the merged counts down together.
    s.serve(eng, [cad(1)]);
    expect(s.held(eng)).toEqual([{ pool: 'default', count: 1 }]);
  });

  it('changes nothing when nothing is held outside the new pools', () => {
    const s = serverWithoutModel(buildFeature({ id: 'r1', name: 'cad', count: 5 }));
    expect(s.activate(ENG_MODEL)).toMatchObject({ upserts: [], removals: [], events: [] });
  });

  it('shows an uncounted feature as uncounted in the listing, never over-used', () => {
    const s = serverWithoutModel(buildFeature({ id: 'r1', name: 'cad', count: 5 }), buildFeature({ id: 'v', name: 'viewer', count: 0, counted: false }));
    s.serve(eng, [{ name: 'viewer', version: '1.0', count: 1 }]);
    s.activate(ENG_MODEL);
    s.serve(other, [{ name: 'viewer', version: '1.0', count: 1 }]);
    expect(s.line('default', 'viewer')).toMatchObject({ allocated: 0, used: 2, status: 'uncounted' });
  });
});
