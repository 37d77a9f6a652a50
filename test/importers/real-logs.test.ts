import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_SHARED_LOGS, NO_SHARED_LOGS_REASON, SHARED_LOGS, importText } from '../support/imports.js';

const flexlm = (name: string) => readFileSync(join(SHARED_LOGS, 'flexlm', name));

describe.skipIf(!HAVE_SHARED_LOGS)(`real FlexLM debug logs${HAVE_SHARED_LOGS ? '' : ` (skipped: ${NO_SHARED_LOGS_REASON})`}`, () => {
  it('pairs every OUT of the ANSYS log with its IN, over six weeks, with no line skipped but the vendor-name continuation', async () => {
    const { events, summary } = await importText('flexlm', flexlm('justbennet__ansys.2017-01-08_17-17-45.log'), { timeZone: 'America/New_York' });
    expect(summary.eventsByKind).toEqual({ checkout: 598, return: 598 });
    expect(summary.skipped['no time envelope (continuation or foreign line)']).toEqual({ count: 1, firstLines: ['91'] });
    expect(events.every((e) => e.inUseAfter >= 0)).toBe(true);
    expect(events.at(-1)!.inUseAfter).toBe(0);
    // Times only ever go forward in a single-run log.
    expect(events.every((e, i) => i === 0 || e.ts >= events[i - 1]!.ts)).toBe(true);
    expect(summary.firstEvent).toBe('2017-01-09T02:06:15.000Z');
  });

  it('reads the Autodesk log with its denials, the BOM and CRLF logs, and the midnight-rollover excerpt', async () => {
    const adsk = await importText('flexlm', flexlm('ImSukh__debug.log'));
    expect(adsk.summary.denialsByCode).toEqual({ '7 INSUFFICIENT_COUNT': 2 });
    const maple = await importText('flexlm', flexlm('joseantoniovilar__maple.log'));
    expect(maple.summary.eventsByKind).toEqual({ checkout: 262, return: 262 });
    const crlf = await importText('flexlm', flexlm('lutzpeschlow__lmgrd_anonym.log'));
    expect(crlf.events.every((e) => !e.feature.includes('\r') && !(e.deviceAlias ?? '').includes('\r'))).toBe(true);
    const rollover = await importText('flexlm', flexlm('talestk__logfile_daychange_test.log'));
    expect(rollover.events.map((e) => e.ts.slice(0, 19))).toEqual(['2015-04-07T23:32:16', '2015-04-07T23:32:16', '2015-04-08T01:32:49', '2015-04-08T01:32:49']);
  });

  it('survives the log with many restarts and midnight rereads without inventing returns', async () => {
    const { summary, events } = await importText('flexlm', flexlm('talestk__dj.log'));
    expect(summary.notes['returns made at a restart (no IN in the log)'] ?? 0).toBe(0);
    expect(summary.eventsByKind.checkout).toBe(summary.eventsByKind.return);
    expect(events.every((e) => e.inUseAfter >= 0)).toBe(true);
  });

  it('lets the MSC daemon write its own (SHUTDOWN) check-ins after its EXITING line, inventing no return', async () => {
    const { summary } = await importText('flexlm', flexlm('lutzpeschlow__lmgrd_anonym.log'));
    expect(summary.eventsByKind).toEqual({ checkout: 21, return: 21 });
    expect(summary.notes['daemon shutdowns with checkouts open']).toBe(1);
    expect(summary.notes['returns made at a logged shutdown (no IN in the log)']).toBeUndefined();
    expect(summary.notes['returns without a checkout in the log']).toBeUndefined();
  });

  it('refuses the RLM and lmstat samples as FlexLM logs', async () => {
    await expect(importText('flexlm', readFileSync(join(SHARED_LOGS, 'rlm', 'ssrobins__SampleLog_Report.log')))).rejects.toThrow(/not a FlexLM debug log/);
    await expect(importText('flexlm', readFileSync(join(SHARED_LOGS, 'lmstat', 'brian32768__lmstat.txt')))).rejects.toThrow(/lmstat output/);
  });
});

const shared = (dir: string, name: string) => readFileSync(join(SHARED_LOGS, dir, name));

describe.skipIf(!HAVE_SHARED_LOGS)(`real RLM logs and lmstat captures${HAVE_SHARED_LOGS ? '' : ` (skipped: ${NO_SHARED_LOGS_REASON})`}`, () => {
  it('reads the RLM report log and the debug log of the same server to the same checkouts and denial', async () => {
    const report = await importText('rlm', shared('rlm', 'ssrobins__SampleLog_Report.log'));
    const debug = await importText('rlm', shared('rlm', 'ssrobins__SampleLog_ISV.log'), { fallbackDay: { day: 15_837, of: 'last' } });
    expect(report.summary.eventsByKind).toEqual({ checkout: 5, deny: 1, return: 4 });
    expect(report.summary.denialsByCode).toEqual({ '7 INSUFFICIENT_COUNT': 1 });
    const minute = (events: typeof report.events) => events.filter((e) => e.kind !== 'return').map((e) => `${e.ts.slice(0, 16)} ${e.kind} ${e.feature} ${e.user}@${e.deviceAlias}`);
    expect(minute(debug.events)).toEqual(minute(report.events));
  });

  it('reads every user line of the lmstat captures, and refuses lmstat -i output', async () => {
    const app1 = await importText('lmstat', shared('lmstat', 'flexlm_exporter__lmstat_app1.txt'));
    expect(app1.summary.eventsByKind).toEqual({ checkout: 127 });
    expect(app1.events.map((e) => e.user)).toContain('Jane Doe Jr.');
    const arcgis = await importText('lmstat', shared('lmstat', 'brian32768__lmstat.txt'));
    expect(arcgis.events.map((e) => `${e.feature} ${e.user}@${e.deviceAlias} ${e.capacity}`)).toEqual(['ARC/INFO jsmith@machine1 6', 'ARC/INFO jdoe@machine2 6', 'VBA jdoe@machine2 4']);
    await expect(importText('lmstat', shared('lmstat', 'flexlm_exporter__lmstat_i_app1.txt'))).rejects.toThrow(/not lmstat -a output/);
  });
});
