import { describe, expect, it } from 'vitest';
import { brief, importText } from '../../../test/support/imports.js';
import { tokens } from './rlm-log.js';

const HEADER = ['', 'RLM Report Log Format 0, version 12.0, authenticated', 'ISV: cadco, RLM version 12.0 BL2', 'Logfile format Copyright (C) 2006-2017 Reprise Software, Inc.', 'For documentation on this format, email info@reprisesoftware.com', 'You are encouraged to build tools to process this data.', ''];
const report = (...lines: string[]) => [...HEADER, ...lines].join('\n') + '\n';

describe('RLM report log import', () => {
  it('reads OUT, IN and DENY records with the year of START and the in-use counts they carry', async () => {
    const { events, summary } = await importText(
      'rlm',
      report(
        'START build01 12/31/2021 22:00:00',
        'PRODUCT solver 2.0 1 4 0 4 "" "" "" "" "" "" 0 0 0 0 0 0 0 0 0',
        '12/31/2021 22:00',
        'OUT solver 2.0 1 ann ws1 "" 2 2 0 a1 a1 1f3 "" "" "" 12/31 23:10:05',
        'OUT solver 2.0 1 bob "big box" "Project X" 1 3 0 b2 b2 1f4 "" "" "" 12/31 23:20:00',
        'DENY solver 2.0 cy ws3 "" 2 -22 1 12/31 23:30',
        'DENY solver 2.0 cy ws3 "" 2 -22 0 12/31 23:30',
        'DENY solver 2.0 cy ws3 "" 1 -25 1 12/31 23:31',
        'IN 1 solver 1.0 ann ws1 "" 2 1 0 a1 01/01 00:15:00',
        'OUT solver 2.0 1 ann ws1 "" 1 2 0 a1 a1 1f5 "" "" "" 01/01 00:16:00',
      ),
    );
    expect(events.map(brief)).toEqual([
      '2021-12-31T23:10:05 checkout solver ann@ws1 x2 in-use 2',
      '2021-12-31T23:20:00 checkout solver bob@big box x1 in-use 3',
      '2021-12-31T23:30:00 deny solver cy@ws3 x2 in-use 3 code 7',
      '2022-01-01T00:15:00 return solver ann@ws1 x2 in-use 1',
      '2022-01-01T00:16:00 checkout solver ann@ws1 x1 in-use 2',
    ]);
    expect(events[3]!.version).toBe('2.0');
    expect(events.every((e) => e.capacity === 4 && e.source === 'rlm')).toBe(true);
    expect(summary.notes['denials the client retried elsewhere (last_attempt 0, not stored)']).toBe(1);
    expect(summary.notes['queued requests']).toBe(1);
  });

  it('joins small-format INs to their OUT by handle, and closes what is open at SHUTDOWN', async () => {
    const text = ['', 'RLM Report Log Format 1, version 12.0, authenticated', 'START build01 03/02/2022 08:00', '03/02/2022 08:00', 'OUT solver 2.0 ann ws1 "" 1 a1 a1 08:05', 'OUT solver 2.0 bob ws2 "" 1 b2 b2 08:06', 'IN 1 1 a1 09:00', 'SHUTDOWN admin ws9 03/02 10:00:00'].join('\n');
    const { events, summary } = await importText('rlm', text);
    expect(events.map(brief)).toEqual([
      '2022-03-02T08:05:00 checkout solver ann@ws1 x1 in-use 1',
      '2022-03-02T08:06:00 checkout solver bob@ws2 x1 in-use 2',
      '2022-03-02T09:00:00 return solver ann@ws1 x1 in-use 1',
      '2022-03-02T10:00:00 return solver bob@ws2 x1 in-use 0',
    ]);
    expect(summary.notes['returns made at a server shutdown (no IN in the log)']).toBe(1);
  });

  it('counts a truncated record and an unknown one, and refuses what is not an RLM log', async () => {
    const { summary } = await importText('rlm', report('START build01 12/31/2021 22:00:00', 'OUT datavis 2.04 1 cecil win7_xeon ""', 'FROBNICATE 1 2 3'));
    expect(summary.skipped).toEqual({ 'malformed OUT record': { count: 1, firstLines: ['9'] }, 'unknown record': { count: 1, firstLines: ['10'] } });
    await expect(importText('rlm', ' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022\n')).rejects.toThrow(/not an RLM report or debug log.*FlexLM debug log/);
  });
});

describe('RLM debug log import', () => {
  it('reads minute times with the year of the fallback date, and the denial reason on the next line', async () => {
    const text = [
      '12/31 23:50 (cadco) Server started on build01 (hostid: 0a0b0c) for:',
      '12/31 23:50 (cadco) \tsolver',
      '\tCopyright (C) 2006-2022, Reprise Software, Inc. All rights reserved.',
      '12/31 23:55 (cadco) OUT: solver v2.0 by ann@ws1 (2 licenses)',
      '12/31 23:56 (cadco) DENIED: (1) solver v2.0 to bob@ws2',
      '12/31 23:56 (cadco)         All licenses in use',
      '01/01 00:10 (cadco) IN: (client exit) solver v2.0 by ann@ws1 (2 licenses)',
    ].join('\n');
    const { events, summary } = await importText('rlm', text, { fallbackDay: { day: 18_993, of: 'last' } });
    expect(events.map(brief)).toEqual(['2021-12-31T23:55:00 checkout solver ann@ws1 x2 in-use 2', '2021-12-31T23:56:00 deny solver bob@ws2 x1 in-use 2 code 7', '2022-01-01T00:10:00 return solver ann@ws1 x2 in-use 0']);
    expect(summary.skipped['no envelope (banner or continuation line)']?.count).toBe(1);
  });
});

describe('RLM ISV debug log, as the real ones are written', () => {
  // The shapes of ISVInDetails.log and ISVDenyDetails.log (ssrobins/rlm-log-reader test files).
  const isv = [
    '03/03 12:44 (demo) Server started on winXP (hostid: bc305b9a62d1) for:',
    '03/18 19:19 (demo) DENIED: (1) no good 1 v3.03 to edgar@vaio ',
    '03/18 19:19 (demo)         All licenses in use',
    '03/19 5:17 (demo) OUT: analytics v3.03 by james@macpro ',
    '03/19 5:18 (demo) OUT: datavis v3.1 by cecil@winxp ',
    '03/19 08:52 (demo) IN: (client exit) analytics v3.03 by james@macpro ',
    '03/19 09:15 (demo) IN: (lmremove) datavis v3.1 by cecil@winxp ',
    '01/02 10:48 (demo) IN: (failed server back up) datavis v2.04 by cecil@win7_xeon ',
  ].join('\n');

  it('dates the last line with the file date: a log ending on 01/02 ends in that year, not the next', async () => {
    // The file was last written on 2024-06-01, so its last line (01/02) is 2024-01-02 and the March lines are 2023.
    const { events } = await importText('rlm', isv, { fallbackDay: { day: 19_875, of: 'last' } });
    expect(events.map((e) => e.ts.slice(0, 16))).toEqual(['2023-03-18T19:19', '2023-03-19T05:17', '2023-03-19T05:18', '2023-03-19T08:52', '2023-03-19T09:15', '2024-01-02T10:48']);
    const first = await importText('rlm', isv, { fallbackDay: { day: 19_419, of: 'first' } });
    expect(first.events[0]!.ts.slice(0, 10)).toBe('2023-03-18');
    expect(first.events.at(-1)!.ts.slice(0, 10)).toBe('2024-01-02');
  });

  it('reads one-digit hours, and the product, version, user and host of a denial written with "no good"', async () => {
    const { events, summary } = await importText('rlm', isv, { fallbackDay: { day: 19_875, of: 'last' } });
    expect(events.map((e) => `${e.kind} ${e.feature} ${e.version} ${e.user}@${e.deviceAlias} x${e.count}${e.statusCode === null ? '' : ` code ${e.statusCode}`}`)).toEqual([
      'deny 1 3.03 edgar@vaio x1 code 7',
      'checkout analytics 3.03 james@macpro x1',
      'checkout datavis 3.1 cecil@winxp x1',
      'return analytics 3.03 james@macpro x1',
      'return datavis 3.1 cecil@winxp x1',
      'return datavis 2.04 cecil@win7_xeon x1',
    ]);
    expect(summary.skipped).toEqual({});
  });
});

describe('tokens', () => {
  it('keeps quoted fields whole and empty quotes empty', () => {
    expect(tokens('OUT a 1 "ISV Def" "" x')).toEqual(['OUT', 'a', '1', 'ISV Def', '', 'x']);
  });
});
