import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/licensing/usage-event.js';
import { parseCapacities } from '../../src/importers/imported-event.js';
import { parseLmstat } from '../../src/importers/lmstat/lmstat-output.js';
import type { MonitorState } from '../../src/importers/monitor/license-monitor.js';
import { INITIAL_STATUS, LicenseMonitor } from '../../src/importers/monitor/license-monitor.js';
import { WallClock } from '../../src/importers/wall-clock.js';
import { importText } from '../support/imports.js';

/**
 * The event IDs of imported events are part of what Tally promises: importing a log again
 * after an upgrade must give the same IDs, or the warehouse stores the whole log twice. These
 * IDs were written down once; a change to the hash, to what it covers or to how a line is
 * read that moves any of them fails here. Such a change needs a migration, not a new golden.
 */
const pinned = (events: UsageEvent[]) => events.map((e) => `${e.eventId} ${e.kind} ${e.feature} ${e.ts}`);

describe('golden event IDs', () => {
  it('FlexLM debug log', async () => {
    const { events } = await importText(
      'flexlm',
      [
        ' 9:00:00 (lmgrd) TIMESTAMP 6/1/2024',
        ' 9:00:01 (cadd) OUT: "solid" ann@ws1  (2 licenses)',
        ' 9:00:01 (cadd) OUT: "solid" ann@ws1  (2 licenses)',
        ' 9:00:02 (cadd) OUT: "MSCONE" jo@ws3 [MSCONE:NASTRAN] (13 licenses)',
        ' 9:00:03 (cadd) DENIED: "solid" bob@ws2  (Licensed number of users already reached. (-4,342))',
        ' 9:30:00 (cadd) IN: "solid" ann@ws1  (2 licenses)',
        '10:00:05 (lmgrd) REStarted cadd (pid 4242)',
        '10:01:00 (cadd) OUT: "mill" cy@ws4',
        '11:00:00 (lmgrd) EXITING DUE TO SIGNAL 15',
        '',
      ].join('\n'),
      { timeZone: 'Europe/Berlin' },
    );
    expect(pinned(events)).toEqual([
      'b87035ffec073c80bef4601471258b48 checkout solid 2024-06-01T07:00:01.000Z',
      'f8e506da9de6f89c8189d18adc912774 checkout solid 2024-06-01T07:00:01.000Z',
      '8c29ea82a70d4818947df82826fe0e33 checkout MSCONE 2024-06-01T07:00:02.000Z',
      '2acb48af72d04e97654c8207d2c541a9 deny solid 2024-06-01T07:00:03.000Z',
      'c4b12aca05cecd9bc166a392784fa18b return solid 2024-06-01T07:30:00.000Z',
      '4792048ae59cbd1385475a07f2f9f9e3 return solid 2024-06-01T08:00:05.000Z',
      'aa2a30211547c158ed5b004b3e833563 return MSCONE 2024-06-01T08:00:05.000Z',
      '88e72b7ea5ea6eb51c097763bc08ec39 checkout mill 2024-06-01T08:01:00.000Z',
      'b1b1312b011417ca42de6087b7fe7dcf return mill 2024-06-01T09:00:00.000Z',
    ]);
  });

  it('RLM report log', async () => {
    const { events } = await importText(
      'rlm',
      [
        '',
        'RLM Report Log Format 0, version 12.0, authenticated',
        'ISV: cadco, RLM version 12.0 BL2',
        'START build01 12/31/2021 22:00:00',
        'PRODUCT solver 2.0 1 4 0 4 "" "" "" "" "" "" 0 0 0 0 0 0 0 0 0',
        'OUT solver 2.0 1 ann ws1 "" 2 2 0 a1 a1 1f3 "" "" "" 12/31 23:10:05',
        'DENY solver 2.0 cy ws3 "" 2 -22 1 12/31 23:30',
        'IN 1 solver 1.0 ann ws1 "" 2 0 0 a1 01/01 00:15:00',
        'OUT datavis 2.04 1 bob "big box" "" 1 1 0 b2 b2 1f4 "" "" "" 01/01 00:16:00',
        'SHUTDOWN admin ws9 01/01 01:00:00',
        '',
      ].join('\n'),
      { timeZone: 'America/New_York' },
    );
    expect(pinned(events)).toEqual([
      '2b1a3d21159c6917d542a4ae3a51cc9c checkout solver 2022-01-01T04:10:05.000Z',
      'ebdf836bd0068ba85ce064e251a83220 deny solver 2022-01-01T04:30:00.000Z',
      'b19cd59416e47e3136da008d1a347270 return solver 2022-01-01T05:15:00.000Z',
      'f95a60340b5ae617f0f58740dc1e247b checkout datavis 2022-01-01T05:16:00.000Z',
      '9e952c3dafa22e33d2b9d88d2327eaf4 return datavis 2022-01-01T06:00:00.000Z',
    ]);
  });

  it('RLM ISV debug log', async () => {
    const { events } = await importText(
      'rlm',
      [
        '05/11 15:16 (demo) Server started on Win2008 (hostid: 6fc049e3e83d) for:',
        '05/11 15:17 (demo) OUT: analytics v2.09 by cecil@win2008 ',
        '05/11 15:20 (demo) DENIED: (1) simulator v2.1 to cecil@win2008 ',
        '05/11 15:20 (demo)         All licenses in use',
        '05/11 16:07 (demo) IN: (client exit) analytics v2.09 by cecil@win2008 ',
        '05/12 1:32 (demo) OUT: datavis v3.01 by terra@ubuntu (2 licenses)',
        '',
      ].join('\n'),
      { timeZone: 'UTC', fallbackDay: { day: 15_837, of: 'last' } },
    );
    expect(pinned(events)).toEqual([
      'e8ad727ee2c3e0c508c951bf4120c7b7 checkout analytics 2013-05-11T15:17:00.000Z',
      'f8d86461a6d61c01d652d32eeed5a458 deny simulator 2013-05-11T15:20:00.000Z',
      'eb6ff0b2f956a426fbe59183899ab847 return analytics 2013-05-11T16:07:00.000Z',
      '5267cc1bed168d7d58f70fca884c25d2 checkout datavis 2013-05-12T01:32:00.000Z',
    ]);
  });

  const capture = (time: string, users: string[]) =>
    [
      `Flexible License Manager status on Tue 1/9/2024 ${time}`,
      '     cadd: UP v11.19.4',
      'Feature usage info:',
      `Users of solid:  (Total of 10 licenses issued;  Total of ${users.length} licenses in use)`,
      '  "solid" v2024.0, vendor: cadd',
      ...users,
      '',
    ].join('\n');
  const ANN = '    ann ws1 /dev/pts/1 (v2024.0) (lic1/27000 101), start Tue 1/9 9:15';
  const MARIA = '    Maria del Mar WS-07 WS-07 (v2024.0) (lic1/27000 102), start Mon 1/8 17:02, 2 licenses';
  const DAN = '    dan ws4 ws4 (v2024.0) (lic1/27000 103), start Tue 1/9 11:00';

  it('lmstat capture', async () => {
    const { events } = await importText('lmstat', capture('10:30', [ANN, MARIA]), { timeZone: 'America/Chicago' });
    expect(pinned(events)).toEqual([
      '94a153a3f421bfd05cf57b681db99922 checkout solid 2024-01-08T23:02:00.000Z',
      '33f19aaa4320dd1da05799c7f6c236ca checkout solid 2024-01-09T15:15:00.000Z',
    ]);
  });

  it('remote monitor polls', async () => {
    const clock = new WallClock('America/Chicago');
    const polls = [capture('10:30', [ANN, MARIA]), capture('11:30', [MARIA, DAN])];
    let state: MonitorState = { status: INITIAL_STATUS, snapshot: null };
    const stored: UsageEvent[] = [];
    const monitor = new LicenseMonitor(
      { instanceId: 'inst-1', accountId: 'acct-1', source: 'lmstat', timeZone: 'America/Chicago', capacities: parseCapacities([]) },
      async () => parseLmstat(polls.shift()!, clock),
      { load: () => state, save: (s) => (state = s) },
      async (events) => {
        stored.push(...events);
        return { accepted: events.length, duplicates: 0 };
      },
      () => Date.UTC(2024, 0, 9, 17, 30),
    );
    await monitor.poll();
    await monitor.poll();
    expect(pinned(stored)).toEqual([
      '94a153a3f421bfd05cf57b681db99922 checkout solid 2024-01-08T23:02:00.000Z',
      '33f19aaa4320dd1da05799c7f6c236ca checkout solid 2024-01-09T15:15:00.000Z',
      'b3751e6687a33fa24e97304d7ecaf571 checkout solid 2024-01-09T17:00:00.000Z',
      '416f846294f8179e0a24e9706248b8a0 return solid 2024-01-09T17:30:00.000Z',
    ]);
  });
});
