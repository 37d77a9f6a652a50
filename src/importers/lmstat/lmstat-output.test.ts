import { describe, expect, it } from 'vitest';
import { brief, importText } from '../../../test/support/imports.js';
import { WallClock } from '../wall-clock.js';
import { parseLmstat } from './lmstat-output.js';

const CAPTURE = `lmutil - Copyright (c) 1989-2023 Flexera. All Rights Reserved.
Flexible License Manager status on Tue 1/9/2024 10:30

License server status: 27000@lic1
    License file(s) on lic1: /opt/flexlm/license.dat:

    lic1: license server UP (MASTER) v11.19.4

Vendor daemon status (on lic1):

     cadd: UP v11.19.4
Feature usage info:

Users of solid:  (Total of 10 licenses issued;  Total of 6 licenses in use)

  "solid" v2024.0, vendor: cadd, expiry: 31-dec-2024
  floating license

    ann ws1 /dev/pts/1 (v2024.0) (lic1/27000 101), start Tue 1/9 9:15
    Maria del Mar WS-07 WS-07 (v2024.0) (lic1/27000 102), start Mon 1/8 17:02, 2 licenses
    bob ws2 ws2:0.0 feature=cfd (v2023.1) (lic1/27000 205), start Sat 12/30 8:00
    2 RESERVATIONs for GROUP design (lic1/27000)
    cy ws3 ws3 (v2024.0) (lic1/27000 300) queued for 1 license

Users of mill:  (Total of 1 license issued;  Total of 0 licenses in use)

Users of viewer:  (Uncounted, node-locked)
`;

describe('lmstat -a output', () => {
  it('reads totals, users from the right, start years from the capture date and weekday, reservations and queue apart', () => {
    const snap = parseLmstat(CAPTURE, new WallClock('UTC'));
    expect(snap.complete).toBe(true);
    expect(snap.takenAt).toBe(Date.UTC(2024, 0, 9, 10, 30));
    expect(snap.features).toEqual([
      { daemon: 'cadd', feature: 'solid', issued: 10, inUse: 6, queued: 1, reserved: 2, users: 4 },
      { daemon: 'cadd', feature: 'mill', issued: 1, inUse: 0, queued: 0, reserved: 0, users: 0 },
      { daemon: 'cadd', feature: 'viewer', issued: null, inUse: 0, queued: 0, reserved: 0, users: 0 },
    ]);
    expect(snap.checkouts.map((c) => `${c.user}@${c.host} x${c.count} v${c.version} ${new Date(c.since!).toISOString()}`)).toEqual([
      'ann@ws1 x1 v2024.0 2024-01-09T09:15:00.000Z',
      'Maria del Mar@WS-07 x2 v2024.0 2024-01-08T17:02:00.000Z',
      'bob@ws2 x1 v2023.1 2023-12-30T08:00:00.000Z',
    ]);
  });

  it('marks a capture whose daemon is down or that could not reach the server as incomplete', () => {
    expect(parseLmstat(CAPTURE.replace('cadd: UP', 'cadd: DOWN'), new WallClock('UTC')).complete).toBe(false);
    const failed = parseLmstat('lmutil - Copyright (c) 1989-2023 Flexera.\nFlexible License Manager status on Tue 1/9/2024 10:30\n\nError getting status: Cannot connect to license server system. (-15,570:111 "Connection refused")\n', new WallClock('UTC'));
    expect(failed.complete).toBe(false);
    expect(failed.problems[0]).toMatch(/Cannot connect/);
  });

  it('imports the users as checkouts once: the next capture adds only new ones', async () => {
    const first = await importText('lmstat', CAPTURE, { timeZone: 'America/Chicago' });
    expect(first.events.map(brief)).toEqual([
      '2023-12-30T14:00:00 checkout solid bob@ws2 x1 in-use 1',
      '2024-01-08T23:02:00 checkout solid Maria del Mar@WS-07 x2 in-use 3',
      '2024-01-09T15:15:00 checkout solid ann@ws1 x1 in-use 4',
    ]);
    expect(first.events.every((e) => e.capacity === 10 && e.source === 'lmstat')).toBe(true);
    const later = await importText('lmstat', CAPTURE.replace('10:30', '11:30').replace('    ann ws1', '    dan ws4 ws4 (v2024.0) (lic1/27000 103), start Tue 1/9 11:00\n    ann ws1'), { timeZone: 'America/Chicago' });
    const known = new Set(first.events.map((e) => e.eventId));
    expect(later.events.filter((e) => !known.has(e.eventId)).map((e) => e.user)).toEqual(['dan']);
  });

  it('keeps user lines whose server part has no port (redacted captures), and notes features whose totals the user lines do not explain', async () => {
    const capture = [
      'Flexible License Manager status on Tue 1/9/2024 10:30',
      '     cadd: UP v11.19.4',
      'Feature usage info:',
      'Users of solid:  (Total of 10 licenses issued;  Total of 3 licenses in use)',
      '  "solid" v2024.0, vendor: cadd',
      '    ann ws1 /dev/pts/1 (v2024.0) (lic1/ , start Tue 1/9 9:15',
      '    bob ws2 ws2 (v2024.0) (lic1/port 1090), start Tue 1/9 9:20, 2 licenses',
      'Users of mill:  (Total of 4 licenses issued;  Total of 2 licenses in use)',
      '',
      'Users of lathe:  (Total of 4 licenses issued;  Total of 3 licenses in use)',
      '  "lathe" v1.0, vendor: cadd',
      '    cy ws3 ws3 (v1.0) (lic1/27000 7), start Tue 1/9 9:30',
      '',
    ].join('\n');
    const { events, summary } = await importText('lmstat', capture);
    expect(events.map(brief)).toEqual([
      '2024-01-09T09:15:00 checkout solid ann@ws1 x1 in-use 1',
      '2024-01-09T09:20:00 checkout solid bob@ws2 x2 in-use 3',
      '2024-01-09T09:30:00 checkout lathe cy@ws3 x1 in-use 1',
    ]);
    expect(summary.notes['features in use with no user lines (nothing stored for them)']).toBe(1);
    expect(summary.notes['features whose in-use total the user lines do not match']).toBe(1);
    expect(summary.notes['in use with no user lines: mill (2 in use)']).toBe(1);
    expect(summary.notes['in use not matched by user lines: lathe (3 in use, 1 in user lines)']).toBe(1);
  });

  it('refuses what is not lmstat output', async () => {
    await expect(importText('lmstat', 'Feature   Version   #licenses\nfeature1  2018.12   2\n')).rejects.toThrow(/not lmstat -a output/);
  });
});
