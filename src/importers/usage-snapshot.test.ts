import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../licensing/usage-event.js';
import { LicenseMonitor } from './monitor/license-monitor.js';
import type { MonitorState } from './monitor/license-monitor.js';
import { INITIAL_STATUS } from './monitor/license-monitor.js';
import type { SnapshotCheckout, UsageSnapshot } from './usage-snapshot.js';
import { diffSnapshots } from './usage-snapshot.js';

const T0 = Date.UTC(2024, 0, 9, 10, 0);
const MIN = 60_000;
const co = (user: string, since: number, count = 1): SnapshotCheckout => ({ key: `h-${user}-${since}`, daemon: 'cadd', feature: 'solid', version: '1.0', user, host: `${user}-pc`, count, since });
const snap = (takenAt: number, checkouts: SnapshotCheckout[], complete = true): UsageSnapshot => ({
  takenAt,
  complete,
  problems: complete ? [] : ['vendor daemon cadd is down'],
  features: [{ daemon: 'cadd', feature: 'solid', issued: 5, inUse: checkouts.reduce((n, c) => n + c.count, 0), queued: 0, reserved: 0 }],
  checkouts,
});

describe('diffSnapshots', () => {
  it('turns checkouts that went into returns at the poll time and new ones into checkouts at their start time', () => {
    const before = snap(T0, [co('ann', T0 - 30 * MIN), co('bob', T0 - 10 * MIN, 2)]);
    const after = snap(T0 + 5 * MIN, [co('bob', T0 - 10 * MIN, 2), co('cy', T0 + 2 * MIN)]);
    expect(diffSnapshots(before, after).map((r) => `${r.kind} ${r.user} ${(r.utcMs - T0) / MIN} in-use ${r.inUseAfter} of ${r.capacity}`)).toEqual(['checkout cy 2 in-use 4 of 5', 'return ann 5 in-use 3 of 5']);
  });

  it('places a checkout whose start is not between the polls at the poll time', () => {
    const r = diffSnapshots(snap(T0, []), snap(T0 + 5 * MIN, [co('ann', T0 - 60 * MIN)]));
    expect(r.map((x) => x.utcMs)).toEqual([T0 + 5 * MIN]);
  });
});

describe('LicenseMonitor', () => {
  const setup = (answers: Array<UsageSnapshot | Error>) => {
    let state: MonitorState = { status: INITIAL_STATUS, snapshot: null };
    const stored: UsageEvent[] = [];
    let now = T0;
    const store = { load: () => state, save: (s: MonitorState) => (state = s) };
    const monitor = () =>
      new LicenseMonitor(
        { instanceId: 'i1', accountId: 'a1', source: 'lmstat', timeZone: 'UTC', capacities: { all: null, byFeature: new Map() } },
        async () => {
          const next = answers.shift()!;
          if (next instanceof Error) throw next;
          return next;
        },
        store,
        async (events) => {
          const fresh = events.filter((e) => !stored.some((s) => s.eventId === e.eventId));
          stored.push(...fresh);
          return { accepted: fresh.length, duplicates: events.length - fresh.length };
        },
        () => (now += 5 * MIN),
      );
    return { monitor, stored, state: () => state };
  };

  it('stores what the first poll shows, then only differences; a failed or partial poll marks the server down and invents nothing; it resumes from the last good snapshot', async () => {
    const ann = co('ann', T0 - 30 * MIN);
    const bob = co('bob', T0 + 7 * MIN);
    const { monitor, stored, state } = setup([snap(T0 + 5 * MIN, [ann]), new Error('connect ECONNREFUSED'), snap(T0 + 15 * MIN, [], false), snap(T0 + 20 * MIN, [bob])]);
    const m = monitor();
    expect((await m.poll()).state).toBe('up');
    expect(stored.map((e) => `${e.kind} ${e.user}`)).toEqual(['checkout ann']);
    const down = await m.poll();
    expect(down).toMatchObject({ state: 'down', lastError: 'connect ECONNREFUSED', downSince: new Date(T0 + 10 * MIN).toISOString(), lastSeenAt: new Date(T0 + 5 * MIN).toISOString() });
    const partial = await m.poll();
    expect(partial).toMatchObject({ state: 'down', downSince: new Date(T0 + 10 * MIN).toISOString(), lastError: 'vendor daemon cadd is down' });
    expect(stored).toHaveLength(1);
    const back = await m.poll();
    expect(back).toMatchObject({ state: 'up', downSince: null, lastError: null, eventsStored: 3 });
    expect(stored.map((e) => `${e.kind} ${e.user} ${e.ts.slice(11, 16)}`)).toEqual(['checkout ann 09:30', 'checkout bob 10:07', 'return ann 10:20']);
    expect(state().snapshot?.checkouts.map((c) => c.user)).toEqual(['bob']);
  });

  it('does not invent events after a restart: the next monitor diffs against the kept snapshot', async () => {
    const ann = co('ann', T0 - 30 * MIN);
    const { monitor, stored } = setup([snap(T0 + 5 * MIN, [ann]), snap(T0 + 10 * MIN, [ann])]);
    await monitor().poll();
    await monitor().poll();
    expect(stored.map((e) => `${e.kind} ${e.user}`)).toEqual(['checkout ann']);
  });
});
