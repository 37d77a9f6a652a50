import { describe, expect, it } from 'vitest';
import { usageEventSchema } from '../licensing/usage-event.js';
import { compareVersions } from '../licensing/version.js';
import { brief, importText } from '../../test/support/imports.js';
import { tallyVersion } from './imported-event.js';

describe('versions of imported events', () => {
  it('keeps an a.b version as the source wrote it, leading zeros and all, without a leading v', () => {
    expect(tallyVersion('2.04')).toBe('2.04');
    expect(tallyVersion('v2017.06')).toBe('2017.06');
    expect(tallyVersion('2016.0831')).toBe('2016.0831');
    expect(tallyVersion('31.000000')).toBe('31.000000');
    expect(tallyVersion('V3.1')).toBe('3.1');
  });

  it('makes an a.b version of what is not one, as little changed as it can be', () => {
    expect(tallyVersion('3')).toBe('3.0');
    expect(tallyVersion('1.2.3')).toBe('1.2');
    expect(tallyVersion('10.0a')).toBe('10.0');
    expect(tallyVersion('')).toBe('0.0');
    expect(tallyVersion(null)).toBe('0.0');
    expect(tallyVersion('beta')).toBe('0.0');
  });

  it('gives versions the event checks accept and that compare by number', () => {
    for (const v of ['2.04', 'v2017.06', '3', '1.2.3', '']) expect(usageEventSchema.shape.version.safeParse(tallyVersion(v)).success).toBe(true);
    expect(compareVersions(tallyVersion('2.04'), '2.4')).toBe(0);
    expect(compareVersions(tallyVersion('v2017.06'), '2017.10')).toBeLessThan(0);
  });

  it('reaches the events of every format as written', async () => {
    const rlm = await importText('rlm', ['', 'RLM Report Log Format 0, version 12.0, authenticated', 'START build01 06/02/2024 08:00:00', 'OUT datavis 2.04 1 ann ws1 "" 1 1 0 a1 a1 1f3 "" "" "" 06/02 08:10:05', ''].join('\n'));
    expect(rlm.events.map((e) => e.version)).toEqual(['2.04']);
    const lmstat = await importText('lmstat', ['Flexible License Manager status on Tue 1/9/2024 10:30', '     cadd: UP v11.19.4', 'Feature usage info:', 'Users of solid:  (Total of 10 licenses issued;  Total of 1 license in use)', '  "solid" v2017.06, vendor: cadd', '    ann ws1 /dev/pts/1 (v2017.06) (lic1/27000 101), start Tue 1/9 9:15', ''].join('\n'));
    expect(lmstat.events.map(brief)).toEqual(['2024-01-09T09:15:00 checkout solid ann@ws1 x1 in-use 1']);
    expect(lmstat.events.map((e) => e.version)).toEqual(['2017.06']);
    const flexlm = await importText('flexlm', ' 9:00:00 (lmgrd) TIMESTAMP 1/2/2022\n 9:00:01 (cadd) OUT: "solid" @ws1 (2) ^^^ 2.50 ann 10.0.0.7 4711 12 7 20 Apollo 11.16 2 1/2/2022 9:00:01 0 ^^^\n');
    expect(flexlm.events.map((e) => e.version)).toEqual(['2.50']);
  });
});
