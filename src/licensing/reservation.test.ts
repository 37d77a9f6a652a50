import { describe, expect, it } from 'vitest';
import { buildDevice, buildFeature, buildRequest } from '../../test/support/factories.js';
import { TallyError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import type { CapabilityRequest, DesiredFeature } from './capability.js';
import { decideCapability } from './capability.js';
import type { FeatureRecord } from './feature-record.js';
import type { Device, HostId } from './hostid.js';
import { DEFAULT_POLICY } from './lease.js';
import { LicenseState } from './license-state.js';
import type { ReservationGroup } from './reservation.js';
import { ReservationBook, checkNewGroups, holderOf, reservationStatus } from './reservation.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const context = { instanceId: 'inst-1', accountId: null };
let ids = 0;

function group(name: string, reservations: Array<{ hostId: HostId; entries: Array<[string, string, number]> }>): ReservationGroup {
  return {
    id: `g-${++ids}`,
    name,
    createdAt: NOW,
    reservations: reservations.map((r) => ({
      id: `r-${++ids}`,
      hostId: r.hostId,
      holder: holderOf(r.hostId),
      entries: r.entries.map(([feature, version, count]) => ({ id: `e-${++ids}`, feature, version, count })),
    })),
  };
}

const str = (value: string): HostId => ({ value, type: 'STRING' });

function serverWith(groups: ReservationGroup[], ...records: FeatureRecord[]) {
  const state = new LicenseState();
  state.setRecords(records);
  state.reservations = new ReservationBook(groups);
  const serve = (device: Device, features: DesiredFeature[], overrides: Partial<CapabilityRequest> = {}) => {
    const decision = decideCapability(state, buildRequest(features, { device, ...overrides }), DEFAULT_POLICY, context, { now: NOW, newId });
    state.apply(decision.change);
    return decision;
  };
  const held = (device: Device) =>
    state
      .holdingsOf(`${device.hostId.type}:${device.hostId.value}`)
      .map((h) => ({ feature: h.feature, version: h.version, pool: h.pool, count: h.count }))
      .sort((a, b) => `${a.feature}${a.pool}`.localeCompare(`${b.feature}${b.pool}`));
  return { state, serve, held };
}

const cad = (count: number, version = '1.0'): DesiredFeature => ({ name: 'cad', version, count });

describe('capability requests with reservations', () => {
  it('holds reserved counts for their device: others are refused them with INSUFFICIENT_COUNT', () => {
    const s = serverWith([group('g', [{ hostId: str('vip'), entries: [['cad', '1.0', 2]] }])], buildFeature({ name: 'cad', count: 3 }));
    expect(s.serve(buildDevice('a'), [cad(1)]).denials).toEqual([]);
    expect(s.serve(buildDevice('b'), [cad(1)]).denials.map((d) => d.code)).toEqual([7]);
    expect(s.serve(buildDevice('vip'), [cad(2)]).denials).toEqual([]);
    expect(s.held(buildDevice('vip'))).toEqual([{ feature: 'cad', version: '1.0', pool: 'reservations', count: 2 }]);
  });

  it('lets the reserving device draw its reservation first, then shared counts', () => {
    const s = serverWith([group('g', [{ hostId: str('vip'), entries: [['cad', '1.0', 2]] }])], buildFeature({ name: 'cad', count: 5 }));
    const d = s.serve(buildDevice('vip'), [cad(4)]);
    expect(d.denials).toEqual([]);
    expect(s.held(buildDevice('vip'))).toEqual([
      { feature: 'cad', version: '1.0', pool: null, count: 2 },
      { feature: 'cad', version: '1.0', pool: 'reservations', count: 2 },
    ]);
    expect(d.change.events.map((e) => [e.pool, e.count])).toEqual([
      ['reservations', 2],
      [null, 2],
    ]);
    // Shared counts go back first when the device lowers its count.
    s.serve(buildDevice('vip'), [cad(2)]);
    expect(s.held(buildDevice('vip'))).toEqual([{ feature: 'cad', version: '1.0', pool: 'reservations', count: 2 }]);
  });

  it('keeps holding the unused part of a reservation as its holder draws and returns counts', () => {
    const s = serverWith([group('g', [{ hostId: str('vip'), entries: [['cad', '1.0', 3]] }])], buildFeature({ name: 'cad', count: 5 }));
    expect(s.serve(buildDevice('vip'), [cad(2)]).denials).toEqual([]);
    expect(s.serve(buildDevice('a'), [cad(2)]).denials).toEqual([]);
    expect(s.serve(buildDevice('b'), [cad(1)]).denials.map((d) => d.code)).toEqual([7]);
    s.serve(buildDevice('vip'), [cad(0)]);
    expect(s.serve(buildDevice('b'), [cad(1)]).denials.map((d) => d.code)).toEqual([7]);
    expect(s.serve(buildDevice('vip'), [cad(3)]).denials).toEqual([]);
    expect(s.state.coveredReservations('cad')).toEqual(new Map([['1.0', 3]]));
  });

  it('reserves for a user on any device with a USER hostid', () => {
    const s = serverWith([group('g', [{ hostId: { value: 'joe', type: 'USER' }, entries: [['cad', '1.0', 1]] }])], buildFeature({ name: 'cad', count: 1 }));
    expect(s.serve(buildDevice('someone'), [cad(1)]).denials.map((d) => d.code)).toEqual([7]);
    expect(s.serve(buildDevice('joes-laptop', { user: 'joe' }), [cad(1)]).denials).toEqual([]);
  });

  it('keeps a higher-version reservation whole: others are served from the lower version', () => {
    const s = serverWith(
      [group('g', [{ hostId: str('vip'), entries: [['cad', '2.0', 2]] }])],
      buildFeature({ id: 'v1', name: 'cad', version: '1.0', count: 2 }),
      buildFeature({ id: 'v2', name: 'cad', version: '2.0', count: 2 }),
    );
    expect(s.serve(buildDevice('a'), [cad(2)]).denials).toEqual([]);
    expect(s.serve(buildDevice('b'), [cad(1)]).denials.map((d) => d.code)).toEqual([7]);
    expect(s.serve(buildDevice('vip'), [cad(2, '2.0')]).denials).toEqual([]);
  });

  it('serves a request naming no features everything reserved for the device and its user', () => {
    const s = serverWith(
      [
        group('g', [
          { hostId: str('vip'), entries: [['cad', '1.0', 2], ['cam', '1.0', 1]] },
          { hostId: { value: 'ann', type: 'USER' }, entries: [['cad', '1.0', 1]] },
        ]),
      ],
      buildFeature({ name: 'cad', count: 5 }),
      buildFeature({ name: 'cam', count: 5 }),
    );
    const d = s.serve(buildDevice('vip', { user: 'ann' }), [], { incremental: true });
    expect(d.denials).toEqual([]);
    // Asking again renews what is held rather than adding to it.
    s.serve(buildDevice('vip', { user: 'ann' }), [], { incremental: true });
    expect(s.held(buildDevice('vip')).map((h) => [h.feature, h.count]).sort()).toEqual([
      ['cad', 2],
      ['cad', 1],
      ['cam', 1],
    ].sort());
  });

  it('never lets shared draws eat into reservations, whatever the order of requests', () => {
    const s = serverWith(
      [group('g', [{ hostId: str('vip'), entries: [['cad', '1.0', 3]] }])],
      buildFeature({ id: 'r1', name: 'cad', count: 4 }),
      buildFeature({ id: 'r2', name: 'cad', count: 2, version: '2.0' }),
    );
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 5; i++) s.serve(buildDevice(`d${i}`), [cad(((round + i) % 3) + 1)], { incremental: round % 3 === 1 });
      const shared = [...s.state.allHoldings()].filter((h) => h.pool === null).reduce((n, h) => n + h.count, 0);
      expect(shared).toBeLessThanOrEqual(3);
    }
    expect(s.serve(buildDevice('vip'), [cad(3)]).denials).toEqual([]);
  });
});

describe('reservation groups: adding and status', () => {
  const records = [buildFeature({ name: 'cad', version: '2.0', count: 5 }), buildFeature({ name: 'free', count: 0, counted: false })];
  const add = (existing: ReservationGroup[], added: ReservationGroup[]) => checkNewGroups(existing, added, records, NOW, (i) => `body.${i}`);
  const refusal = (existing: ReservationGroup[], added: ReservationGroup[]): TallyError => {
    try {
      add(existing, added);
    } catch (error) {
      expect(error).toBeInstanceOf(TallyError);
      return error as TallyError;
    }
    throw new Error('the group was accepted');
  };

  it('accepts a group the unreserved counts cover; a reservation for 1.0 is satisfied by 2.0', () => {
    expect(() => add([], [group('a', [{ hostId: str('x'), entries: [['cad', '1.0', 5]] }])])).not.toThrow();
  });

  it('refuses the whole group when the unreserved counts cannot cover all of it', () => {
    const first = group('a', [{ hostId: str('x'), entries: [['cad', '1.0', 3]] }]);
    const error = refusal([first], [group('b', [{ hostId: str('y'), entries: [['cad', '1.0', 1]] }, { hostId: str('z'), entries: [['cad', '2.0', 2]] }])]);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/nothing was added/);
    expect(error.details[0]!.field).toMatch(/^body\.0\.reservations\.[01]\.reservationEntries\.0\.featureCount$/);
  });

  it('refuses a name already taken, a hostid twice in one posting, unknown features and versions, naming each field', () => {
    const first = group('a', [{ hostId: str('x'), entries: [['cad', '1.0', 1]] }]);
    expect(refusal([first], [group('a', [{ hostId: str('q'), entries: [['cad', '1.0', 1]] }])]).details).toEqual([{ field: 'body.0.name', message: 'a reservation group named "a" already exists' }]);
    const twice = refusal([], [group('b', [{ hostId: str('q'), entries: [['cad', '1.0', 1]] }, { hostId: str('q'), entries: [['cad', '1.0', 1]] }])]);
    expect(twice.details[0]!.field).toBe('body.0.reservations.1.hostId');
    const unknown = refusal([], [group('c', [{ hostId: str('q'), entries: [['nope', '1.0', 1], ['cad', '3.0', 1], ['free', '1.0', 1]] }])]);
    expect(unknown.details.map((d) => d.field)).toEqual([
      'body.0.reservations.0.reservationEntries.0.featureName',
      'body.0.reservations.0.reservationEntries.1.featureVersion',
      'body.0.reservations.0.reservationEntries.2.featureName',
    ]);
  });

  it('marks a reservation unsatisfiable once the server no longer holds enough, saying what it needs and what is left', () => {
    const g = group('a', [{ hostId: str('x'), entries: [['cad', '1.0', 3]] }, { hostId: str('y'), entries: [['cad', '2.0', 1]] }]);
    expect([...reservationStatus([g], records, NOW).values()]).toEqual([
      { satisfiable: true, reason: null },
      { satisfiable: true, reason: null },
    ]);
    const shrunk = [buildFeature({ name: 'cad', version: '2.0', count: 3 })];
    const status = reservationStatus([g], shrunk, NOW);
    expect(status.get(g.reservations[1]!.id)).toEqual({ satisfiable: true, reason: null });
    // The 2.0 entry is placed first (it needs the higher version), leaving 2 of the 3 for x.
    expect(status.get(g.reservations[0]!.id)).toEqual({ satisfiable: false, reason: 'needs 3 of cad ≥ 1.0; 2 left after other reservations' });
  });

  it('says when the server holds too little of a feature for one reservation alone, or none active', () => {
    const g = group('a', [{ hostId: str('x'), entries: [['cad', '1.0', 5], ['cam', '1.0', 1]] }]);
    const status = reservationStatus([g], [buildFeature({ name: 'cad', count: 3 }), buildFeature({ name: 'cam', count: 2, expiry: '2020-01-01' })], NOW);
    expect(status.get(g.reservations[0]!.id)).toEqual({
      satisfiable: false,
      reason: 'needs 5 of cad ≥ 1.0; the server has only 3 active; and needs 1 of cam ≥ 1.0; the server has none active',
    });
  });
});
