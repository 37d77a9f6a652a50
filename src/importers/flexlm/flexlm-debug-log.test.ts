import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { brief, importText } from '../../../test/support/imports.js';
import { parseUsageLine } from './flexlm-debug-log.js';

const log = (...lines: string[]) => lines.join('\n') + '\n';

describe('FlexLM debug log import', () => {
  it('dates lines from TIMESTAMP lines and adds a day when the clock passes midnight', async () => {
    const { events } = await importText(
      'flexlm',
      log(
        '22:10:00 (lmgrd) TIMESTAMP 3/4/2020',
        '23:50:10 (cadd) OUT: "solid" ann@ws1  ',
        ' 0:05:00 (cadd) IN: "solid" ann@ws1  ',
        ' 9:15:00 (cadd) OUT: "solid" bob@ws2  ',
      ),
    );
    expect(events.map(brief)).toEqual([
      '2020-03-04T23:50:10 checkout solid ann@ws1 x1 in-use 1',
      '2020-03-05T00:05:00 return solid ann@ws1 x1 in-use 0',
      '2020-03-05T09:15:00 checkout solid bob@ws2 x1 in-use 1',
    ]);
  });

  it('keeps the date when lmgrd and a daemon write a few seconds out of order', async () => {
    const { events } = await importText('flexlm', log(' 8:00:00 (lmgrd) TIMESTAMP 7/1/2021', '20:40:34 (lmgrd) cadd using TCP-port 1075', '20:40:18 (cadd) OUT: "solid" ann@ws1'));
    expect(events.map(brief)).toEqual(['2021-07-01T20:40:18 checkout solid ann@ws1 x1 in-use 1']);
  });

  it('takes the date of the start banner and the system-date line, and dates lines written before the first date line', async () => {
    const { events } = await importText(
      'flexlm',
      log(
        '10:00:00 (cadd) OUT: "early" ann@ws1',
        '10:00:01 (lmgrd) FlexNet Licensing (v11.16.2.0 build 1 x64_lsb) started on srv (linux) (11/30/2019)',
        '10:00:02 (cadd) OUT: "solid" ann@ws1',
        '11:00:00 (lmgrd) Server\'s System Date and Time: Sat Dec 14 2019 11:00:00 W. Europe Standard Time',
        '11:00:05 (cadd) OUT: "solid" bob@ws2',
      ),
    );
    expect(events.map((e) => `${e.ts.slice(0, 19)} ${e.feature} ${e.user}`)).toEqual(['2019-11-30T10:00:00 early ann', '2019-11-30T10:00:01 early ann', '2019-11-30T10:00:02 solid ann', '2019-12-14T11:00:05 solid bob']);
  });

  it('re-dates the lines of the day a date line corrects, and counts the correction', async () => {
    const { events, summary } = await importText(
      'flexlm',
      log('18:46:24 (cadd) TIMESTAMP 11/7/2014', '15:05:23 (cadd) OUT: "solid" ann@ws1', '17:01:11 (cadd) IN: "solid" ann@ws1', '18:42:01 (lmgrd) TIMESTAMP 11/11/2014', '19:00:00 (cadd) OUT: "solid" bob@ws2'),
    );
    expect(events.map((e) => e.ts.slice(0, 10))).toEqual(['2014-11-11', '2014-11-11', '2014-11-11']);
    expect(summary.notes['date lines that corrected the inferred date']).toBe(1);
  });

  it('reads counts, checkout data, unquoted features, user names with spaces and @, and IN reasons', async () => {
    const { events } = await importText(
      'flexlm',
      log(
        ' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022',
        ' 9:01:00 (MSC) OUT: "MSCONE" jo@ws3 [MSCONE:NASTRAN] (13 licenses)',
        ' 9:02:00 (telelogic) OUT: TLSTOK-token indkach@indkach [DOORS] (3 licenses)',
        ' 9:03:00 (cadd) OUT: "solid" Marta Rodríguez@DESKTOP-L00QHGH  ',
        ' 9:04:00 (cadd) OUT: "solid" team@lab@ws9',
        ' 9:05:00 (cadd) IN: "solid" Marta Rodríguez@DESKTOP-L00QHGH  (INACTIVE)',
        ' 9:06:00 (MSC) IN: "MSCONE" jo@ws3 [MSCONE:NASTRAN] (13 licenses) (SHUTDOWN)',
      ),
    );
    expect(events.map(brief)).toEqual([
      '2022-01-02T09:01:00 checkout MSCONE jo@ws3 x13 in-use 13',
      '2022-01-02T09:02:00 checkout TLSTOK-token indkach@indkach x3 in-use 3',
      '2022-01-02T09:03:00 checkout solid Marta Rodríguez@DESKTOP-L00QHGH x1 in-use 1',
      '2022-01-02T09:04:00 checkout solid team@lab@ws9 x1 in-use 2',
      '2022-01-02T09:05:00 return solid Marta Rodríguez@DESKTOP-L00QHGH x1 in-use 1',
      '2022-01-02T09:06:00 return MSCONE jo@ws3 x13 in-use 0',
    ]);
    expect(events[0]).toMatchObject({ deviceId: 'ws3', deviceIdType: 'HOSTNAME', deviceAlias: 'ws3', source: 'flexlm', instanceId: 'inst-1', accountId: 'acct-1', version: '0.0', model: 'concurrent' });
  });

  it("keeps each vendor daemon's checkouts apart and pairs identical checkouts first in, first out", async () => {
    const { events, summary } = await importText(
      'flexlm',
      log(
        ' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022',
        ' 9:00:01 (cadd) OUT: "solid" ann@ws1',
        ' 9:00:02 (cadd) OUT: "solid" ann@ws1',
        ' 9:00:03 (camd_2) OUT: "solid" ann@ws1',
        ' 9:00:04 (cadd) IN: "solid" ann@ws1',
        ' 9:00:05 (camd) IN: "solid" ann@ws1',
        ' 9:00:06 (camd) IN: "solid" ann@ws1',
      ),
    );
    expect(events.map((e) => `${e.kind} ${e.inUseAfter}`)).toEqual(['checkout 1', 'checkout 2', 'checkout 1', 'return 1', 'return 0', 'return 0']);
    expect(summary.notes['returns without a checkout in the log']).toBe(1);
  });

  it('maps DENIED reasons to denial codes, keeps the reason text in the summary, and does not store queue waits or connection errors', async () => {
    const { events, summary } = await importText(
      'flexlm',
      log(
        ' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022',
        ' 9:00:01 (cadd) DENIED: "solid" ann@ws1  (Licensed number of users already reached. (-4,342:104 "Connection reset by peer"))',
        ' 9:00:02 (abaqus) DENIED: "standard" bob@ws2  (25 licenses) (Users are queued for this feature. (-24,332))',
        ' 9:00:03 (cadd) DENIED: "solid" cy@ws3  (User/host on EXCLUDE list for feature. (-38,147))',
        ' 9:00:04 (cadd) DENIED: "old" cy@ws3  (Feature has expired. (-10,0))',
        ' 9:00:05 (cadd) DENIED: "solid" cy@ws3  (Checkout exceeds MAX specified in options file. (-87,147))',
        ' 9:00:06 (cadd) DENIED: "solid" cy@ws3  (In the queue for this feature. (-35,0))',
        ' 9:00:07 (cadd) DENIED: "solid" cy@ws3  (Cannot connect to license server system. (-15,10))',
        ' 9:00:08 (cadd) UNSUPPORTED: "pathway" (PORT_AT_HOST_PLUS   ) cy@ws3  (License server system does not support this feature. (-18,327))',
      ),
    );
    expect(events.map((e) => `${e.feature} x${e.count} ${e.statusCode}`)).toEqual(['solid x1 7', 'standard x25 7', 'solid x1 80', 'old x1 11', 'solid x1 81']);
    expect(summary.denialsByCode).toEqual({ '7 INSUFFICIENT_COUNT': 2, '80 RULE_REJECTION': 1, '11 EXPIRED': 1, '81 RULE_MAX_EXCEEDED': 1 });
    expect(summary.denialReasons).toContainEqual({ reason: 'Licensed number of users already reached', code: 7, count: 1 });
    expect(summary.denialReasons).toContainEqual({ reason: 'Cannot connect to license server system', code: null, count: 1 });
    expect(summary.notes['queued requests']).toBe(1);
    expect(summary.notes['UNSUPPORTED lines (features this server does not serve)']).toBe(1);
  });

  it('stores UNSUPPORTED lines as 15 NOT_AVAILABLE only when asked', async () => {
    const { events } = await importText('flexlm', log(' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022', ' 9:00:08 (cadd) UNSUPPORTED: "pathway" (PORT_AT_HOST_PLUS   ) cy@ws3  (License server system does not support this feature. (-18,327))'), {
      includeUnsupported: true,
    });
    expect(events.map(brief)).toEqual(['2022-01-02T09:00:08 deny pathway cy@ws3 x1 in-use 0 code 15']);
  });

  it('closes the checkouts a crashed daemon left open when it starts again (at its logged exit when there is one), and not at a reread', async () => {
    const { events, summary } = await importText(
      'flexlm',
      log(
        ' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022',
        ' 9:00:01 (cadd) OUT: "solid" ann@ws1  (2 licenses)',
        ' 9:00:02 (camd) OUT: "mill" bob@ws2',
        ' 9:30:00 (cadd) Server started on srv for:\tsolid',
        '10:00:00 (lmgrd) cadd exited with status 28 (Communications error)',
        '10:00:05 (lmgrd) REStarted cadd (pid 4242)',
        '10:00:06 (cadd) FlexNet Licensing version v11.16.2.0 build 1 x64_lsb',
        '11:00:00 (lmgrd) FlexNet Licensing (v11.16.2.0 build 1 x64_lsb) started on srv (linux) (1/3/2022)',
      ),
    );
    expect(events.map(brief)).toEqual([
      '2022-01-02T09:00:01 checkout solid ann@ws1 x2 in-use 2',
      '2022-01-02T09:00:02 checkout mill bob@ws2 x1 in-use 1',
      '2022-01-02T10:00:00 return solid ann@ws1 x2 in-use 0',
      '2022-01-03T11:00:00 return mill bob@ws2 x1 in-use 0',
    ]);
    expect(summary.notes['returns made at a logged shutdown (no IN in the log)']).toBe(1);
    expect(summary.notes['returns made at a restart (no IN in the log)']).toBe(1);
  });

  it('returns the checkouts still open at a logged shutdown at the shutdown, after the (SHUTDOWN) check-ins the daemon wrote', async () => {
    const { events, summary } = await importText(
      'flexlm',
      log(
        ' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022',
        ' 9:00:01 (cadd) OUT: "solid" ann@ws1  (2 licenses)',
        ' 9:00:02 (cadd) OUT: "solid" bob@ws2',
        ' 9:00:03 (cadd) OUT: "mill" cy@ws3',
        '17:25:35 (lmgrd) lmgrd will now shut down all the vendor daemons',
        '17:25:35 (lmgrd) Shutting down cadd pid=11757 because of signal 15',
        '17:25:35 (cadd) daemon shutdown requested - shutting down',
        '17:25:36 (cadd) IN: "solid" bob@ws2  (SHUTDOWN)',
        '17:25:38 (lmgrd) EXITING DUE TO SIGNAL 15',
      ),
    );
    expect(events.map(brief)).toEqual([
      '2022-01-02T09:00:01 checkout solid ann@ws1 x2 in-use 2',
      '2022-01-02T09:00:02 checkout solid bob@ws2 x1 in-use 3',
      '2022-01-02T09:00:03 checkout mill cy@ws3 x1 in-use 1',
      '2022-01-02T17:25:36 return solid bob@ws2 x1 in-use 2',
      '2022-01-02T17:25:35 return solid ann@ws1 x2 in-use 0',
      '2022-01-02T17:25:35 return mill cy@ws3 x1 in-use 0',
    ]);
    expect(summary.notes['returns made at a logged shutdown (no IN in the log)']).toBe(2);
    expect(summary.notes['returns without a checkout in the log']).toBeUndefined();
  });

  it('reads the shutdown of one vendor daemon in its own words, leaves the other daemons alone, and does not wait for the restart', async () => {
    for (const shutdown of ['17:00:00 (cadd) EXITING DUE TO SIGNAL 15', '17:00:00 (cadd) Shutdown requested', '17:00:00 (lmgrd) cadd exited with status 28 (Communications error)', '17:00:00 (cadd) Lost connection to lmgrd, heartbeat timeout expired, exiting.']) {
      const { events } = await importText(
        'flexlm',
        log(' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022', ' 9:00:01 (cadd) OUT: "solid" ann@ws1', ' 9:00:02 (camd) OUT: "mill" bob@ws2', shutdown, '12:00:00 (lmgrd) TIMESTAMP 1/5/2022', '12:00:05 (lmgrd) REStarted cadd (pid 4242)'),
      );
      expect(events.map(brief), shutdown).toEqual(['2022-01-02T09:00:01 checkout solid ann@ws1 x1 in-use 1', '2022-01-02T09:00:02 checkout mill bob@ws2 x1 in-use 1', '2022-01-02T17:00:00 return solid ann@ws1 x1 in-use 0']);
    }
  });

  it('never dates a return made at a restart before its checkout, when a later log segment starts on an earlier date', async () => {
    const { events } = await importText(
      'flexlm',
      log(
        '10:00:00 (lmgrd) FlexNet Licensing (v11.16.2.0 build 1 x64_lsb) started on srv (linux) (11/21/2015)',
        '10:05:00 (cadd) OUT: "solid" ann@ws1',
        '15:00:00 (cadd) OUT: "mill" bob@ws2',
        '16:00:00 (cadd) TIMESTAMP 11/21/2015',
        ' 8:00:00 (lmgrd) FlexNet Licensing (v11.16.2.0 build 1 x64_lsb) started on srv (linux) (10/1/2015)',
        ' 8:05:00 (cadd) OUT: "solid" cy@ws3',
        ' 9:00:00 (lmgrd) lmgrd will now shut down all the vendor daemons',
        ' 7:00:00 (lmgrd) Server\'s System Date and Time: Thu Jul 30 2015 07:00:00 Eastern Daylight Time',
        ' 7:00:01 (lmgrd) FlexNet Licensing (v11.16.2.0 build 1 x64_lsb) started on srv (linux) (7/30/2015)',
      ),
    );
    expect(events.map(brief)).toEqual([
      '2015-11-21T10:05:00 checkout solid ann@ws1 x1 in-use 1',
      '2015-11-21T15:00:00 checkout mill bob@ws2 x1 in-use 1',
      '2015-11-21T15:00:00 return solid ann@ws1 x1 in-use 0',
      '2015-11-21T15:00:00 return mill bob@ws2 x1 in-use 0',
      '2015-10-01T08:05:00 checkout solid cy@ws3 x1 in-use 1',
      '2015-10-01T09:00:00 return solid cy@ws3 x1 in-use 0',
    ]);
  });

  it('follows UPGRADE count changes', async () => {
    const { events } = await importText('flexlm', log(' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022', ' 9:00:01 (cfd) OUT: "flow" ann@ws1  (5 licenses)', ' 9:10:00 (cfd) UPGRADE: "flow" ann@ws1  (5->6 licenses)', ' 9:20:00 (cfd) IN: "flow" ann@ws1  (6 licenses)'));
    expect(events.map((e) => `${e.kind} x${e.count} ${e.inUseAfter}`)).toEqual(['checkout x5 5', 'checkout x1 6', 'return x6 0']);
  });

  it('reads verbose ^^^ records: the user, version and counts from the block', async () => {
    const { events } = await importText(
      'flexlm',
      log(
        ' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022',
        ' 9:00:01 (cadd) OUT: "solid" @ws1 (2) ^^^ 2.5 ann 10.0.0.7 4711 12 7 20 Project Apollo 11.16 2 1/2/2022 9:00:01 0 ^^^',
      ),
    );
    expect(events[0]).toMatchObject({ user: 'ann', deviceAlias: 'ws1', count: 2, version: '2.5', inUseAfter: 7, capacity: 20 });
  });

  it('reads the -datestamp envelope, the older time without seconds and zero-padded hours', async () => {
    const { events } = await importText('flexlm', log('2023-05-06T07:08:09+02:00 (cadd) OUT: "solid" ann@ws1', '08:10 (cadd) OUT: "solid" bob@ws2', '09:11:12 (cadd) IN: "solid" bob@ws2'));
    expect(events.map((e) => e.ts)).toEqual(['2023-05-06T07:08:09.000Z', '2023-05-06T08:10:00.000Z', '2023-05-06T09:11:12.000Z']);
  });

  it('converts wall-clock times with the real daylight-saving rules of --timezone', async () => {
    const text = log(' 1:00:00 (lmgrd) TIMESTAMP 3/29/2020', ' 1:30:00 (cadd) OUT: "solid" ann@ws1', ' 3:30:00 (cadd) IN: "solid" ann@ws1', '12:00:00 (lmgrd) TIMESTAMP 10/25/2020', '12:00:01 (cadd) OUT: "solid" ann@ws1');
    const { events, summary } = await importText('flexlm', text, { timeZone: 'Europe/Paris' });
    expect(events.map((e) => e.ts)).toEqual(['2020-03-29T00:30:00.000Z', '2020-03-29T01:30:00.000Z', '2020-10-25T11:00:01.000Z']);
    expect(summary.timeZone).toBe('Europe/Paris');
    await expect(importText('flexlm', text, { timeZone: 'Mars/Olympus' })).rejects.toThrow(/Unknown time zone/);
  });

  it('reads CRLF, a byte-order mark, Latin-1 bytes and gzip', async () => {
    const text = '\uFEFF 9:00:00 (lmgrd) TIMESTAMP 1/2/2022\r\n 9:00:01 (cadd) OUT: "solid" ann@ws1  \r\n';
    const latin1 = Buffer.concat([Buffer.from(text), Buffer.from(' 9:00:02 (cadd) OUT: "solid" gra\xf1a@ws2\r\n', 'latin1')]);
    const plain = await importText('flexlm', latin1);
    const zipped = await importText('flexlm', gzipSync(latin1));
    expect(plain.events.map(brief)).toEqual(['2022-01-02T09:00:01 checkout solid ann@ws1 x1 in-use 1', '2022-01-02T09:00:02 checkout solid graña@ws2 x1 in-use 2']);
    expect(zipped.events).toEqual(plain.events);
    expect(plain.summary.notes['lines read as Latin-1 (not UTF-8)']).toBe(1);
  });

  it('counts malformed lines with their line numbers and goes on', async () => {
    const { events, summary } = await importText(
      'flexlm',
      log(' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022', '12:49:3a9 (cadd) OUT: "solid" ann@ws1', ' ansyslmd  ansoftd  ', ' 9:00:03 (cadd) OUT:   ', '', ' 9:00:04 (cadd) OUT: "solid" bob@ws2 (lmgrd) ------', ' 9:00:05 (cadd) IN: "solid" bob@ws2'),
    );
    expect(events.map(brief)).toEqual(['2022-01-02T09:00:04 checkout solid bob@ws2 x1 in-use 1', '2022-01-02T09:00:05 return solid bob@ws2 x1 in-use 0']);
    expect(summary.skipped).toEqual({
      'corrupt time': { count: 1, firstLines: ['2'] },
      'no time envelope (continuation or foreign line)': { count: 1, firstLines: ['3'] },
      'malformed OUT line': { count: 1, firstLines: ['4'] },
    });
  });

  it('refuses a file that is not a FlexLM debug log, naming what it looks like', async () => {
    await expect(importText('flexlm', log('RLM Report Log Format 0, version 10.0, authenticated', 'ISV: demo'))).rejects.toThrow(/not a FlexLM debug log.*RLM report log/);
    await expect(importText('flexlm', 'hello\nworld\n')).rejects.toThrow(/not a FlexLM debug log/);
  });

  it('dates a log without any date line from the fallback date, or skips its events', async () => {
    const text = log('23:00:00 (cadd) OUT: "solid" ann@ws1', ' 1:00:00 (cadd) IN: "solid" ann@ws1');
    const last = await importText('flexlm', text, { fallbackDay: { day: 18_262, of: 'last' } });
    expect(last.events.map((e) => e.ts.slice(0, 19))).toEqual(['2019-12-31T23:00:00', '2020-01-01T01:00:00']);
    const none = await importText('flexlm', text);
    expect(none.events).toEqual([]);
    expect(none.summary.skipped['no date (no date line in the log)']?.count).toBe(2);
  });

  it('gives the same event IDs when a longer copy of a growing log is imported', async () => {
    const lines = [' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022', ' 9:00:01 (cadd) OUT: "solid" ann@ws1', ' 9:00:01 (cadd) OUT: "solid" ann@ws1', ' 9:05:00 (cadd) IN: "solid" ann@ws1'];
    const first = await importText('flexlm', log(...lines));
    const longer = await importText('flexlm', log(...lines, ' 9:06:00 (cadd) IN: "solid" ann@ws1'));
    const ids = first.events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(3);
    expect(longer.events.slice(0, 3).map((e) => e.eventId)).toEqual(ids);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    const other = await importText('flexlm', log(...lines), { instanceId: 'inst-2' });
    expect(other.events[0]!.eventId).not.toBe(ids[0]);
  });

  it('reads capacities from --capacity', async () => {
    const { events } = await importText('flexlm', log(' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022', ' 9:00:01 (cadd) OUT: "solid" ann@ws1', ' 9:00:02 (cadd) OUT: "mill" ann@ws1'), { capacity: ['4', 'mill=2'] });
    expect(events.map((e) => e.capacity)).toEqual([4, 2]);
  });
});

describe('parseUsageLine', () => {
  it('splits user and host at the last @ and reads the legacy "by user" form', () => {
    expect(parseUsageLine('"f" José Juan Galera@Plasmon  ', 0)).toMatchObject({ feature: 'f', user: 'José Juan Galera', host: 'Plasmon', count: 1 });
    expect(parseUsageLine('cad by ann (2 licenses)', 0)).toMatchObject({ feature: 'cad', user: 'ann', host: null, count: 2 });
    expect(parseUsageLine('"f" ann (1 license)', 0)).toMatchObject({ user: 'ann', host: null, count: 1 });
    expect(parseUsageLine('""', 0)).toBeNull();
  });
});

describe('FlexLM events and the ingest checks', () => {
  it('keeps odd fields within what ingest accepts, so that one line cannot refuse a batch', async () => {
    const { usageEventSchema } = await import('../../licensing/usage-event.js');
    const long = 'x'.repeat(400);
    const { events } = await importText('flexlm', log(' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022', ` 9:00:01 (cadd) OUT: "solid" ${long}@${long}`, ` 9:00:02 (cadd) OUT: "${'f'.repeat(128)}" @`));
    expect(events).toHaveLength(2);
    for (const e of events) expect(usageEventSchema.safeParse(e).success).toBe(true);
  });
});
