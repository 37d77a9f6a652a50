import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSummarySchema } from '../../src/importers/import-summary.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { runTally } from '../support/tally-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tally-import-cli-'));
const data = join(dir, 'data');
const env = { ...process.env, TALLY_HOME: join(dir, 'home') };
const tally = (args: string[]) => runTally(args, env);

const LOG = [
  ' 9:00:00 (lmgrd) TIMESTAMP 6/1/2024',
  ' 9:00:01 (cadd) OUT: "solid" ann@ws1  ',
  ' 9:00:02 (cadd) OUT: "solid" bob@ws2  (2 licenses)',
  ' 9:00:03 (cadd) DENIED: "solid" cy@ws3  (Licensed number of users already reached. (-4,342))',
  'garbage in the middle',
  '10:00:00 (cadd) IN: "solid" ann@ws1  ',
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tally import flexlm --data', () => {
  beforeAll(async () => {
    expect((await tally(['backoffice', 'account', 'add', 'acme', '--data', data])).code).toBe(0);
    expect((await tally(['backoffice', 'instance', 'add', '--account', 'acme', '--name', 'flex', '--id', 'flex-1', '--data', data])).code).toBe(0);
  }, 60_000);

  it('stores the events once: a re-import and a longer copy of the growing log add only the new lines', async () => {
    writeFileSync(join(dir, 'debug.log'), LOG.slice(0, 4).join('\n') + '\n');
    const first = await tally(['import', 'flexlm', join(dir, 'debug.log'), '--instance', 'flex-1', '--data', data, '--timezone', 'Europe/Berlin', '--json']);
    expect(first.code).toBe(0);
    const s1 = JSON.parse(first.stdout);
    // The summary printed here is the one the back office's import endpoint answers.
    expect(importSummarySchema.strict().parse(s1)).toEqual(s1);
    expect(s1).toMatchObject({ stored: 3, duplicates: 0, eventsByKind: { checkout: 2, deny: 1 }, denialsByCode: { '7 INSUFFICIENT_COUNT': 1 }, firstEvent: '2024-06-01T07:00:01.000Z', timeZone: 'Europe/Berlin' });

    const again = JSON.parse((await tally(['import', 'flexlm', join(dir, 'debug.log'), '--instance', 'flex-1', '--data', data, '--timezone', 'Europe/Berlin', '--json'])).stdout);
    expect(again).toMatchObject({ stored: 0, duplicates: 3 });

    writeFileSync(join(dir, 'debug.log.gz'), gzipSync(LOG.join('\r\n') + '\r\n'));
    const grown = await tally(['import', 'flexlm', join(dir, 'debug.log.gz'), '--instance', 'flex-1', '--data', data, '--timezone', 'Europe/Berlin']);
    expect(grown.code).toBe(0);
    expect(grown.stdout).toMatch(/4 events, 1 stored, 3 already stored/);
    expect(grown.stdout).toMatch(/no time envelope \(continuation or foreign line\): 1 \(first at line 5\)/);

    const warehouse = await DuckDbWarehouse.open(join(data, 'warehouse.duckdb'));
    try {
      const events = await warehouse.events({ instanceId: 'flex-1', limit: 10 });
      expect(events.map((e) => `${e.kind} ${e.user} ${e.accountId} ${e.source}`)).toEqual(['checkout ann acme flexlm', 'checkout bob acme flexlm', 'deny cy acme flexlm', 'return ann acme flexlm']);
    } finally {
      await warehouse.close();
    }
  }, 60_000);

  it('refuses a file that is not a FlexLM log, and an unknown instance, with a clear message', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'shopping list\nmilk\n');
    const refused = await tally(['import', 'flexlm', join(dir, 'notes.txt'), '--instance', 'flex-1', '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: notes\.txt: This is not a FlexLM debug log/);
    const unknown = await tally(['import', 'flexlm', join(dir, 'debug.log'), '--instance', 'nope', '--data', data]);
    expect(unknown.stderr).toMatch(/There is no instance nope/);
  }, 60_000);
});

describe('tally import: files that cannot be read', () => {
  const storedFor = async (instanceId: string) => {
    const warehouse = await DuckDbWarehouse.open(join(data, 'warehouse.duckdb'));
    try {
      return await warehouse.countEvents({ instanceId });
    } finally {
      await warehouse.close();
    }
  };

  beforeAll(async () => {
    expect((await tally(['backoffice', 'instance', 'add', '--account', 'acme', '--name', 'files', '--id', 'files-1', '--data', data])).code).toBe(0);
    writeFileSync(join(dir, 'good.log'), LOG.join('\n') + '\n');
  }, 60_000);

  it('names a missing file, a directory and an unreadable file in one line each, and stores nothing from the good files', async () => {
    const missingLast = await tally(['import', 'flexlm', join(dir, 'good.log'), join(dir, 'missing.log'), '--instance', 'files-1', '--data', data]);
    expect(missingLast.code).toBe(1);
    expect(missingLast.stderr).toBe(`error: ${join(dir, 'missing.log')}: no such file\n`);
    const missingFirst = await tally(['import', 'flexlm', join(dir, 'missing.log'), join(dir, 'good.log'), '--instance', 'files-1', '--data', data]);
    expect(missingFirst.stderr).toBe(`error: ${join(dir, 'missing.log')}: no such file\n`);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const directory = await tally(['import', 'flexlm', join(dir, 'good.log'), join(dir, 'logs'), '--instance', 'files-1', '--data', data]);
    expect(directory.code).toBe(1);
    expect(directory.stderr).toBe(`error: ${join(dir, 'logs')}: is a directory, not a file\n`);
    const both = await tally(['import', 'flexlm', join(dir, 'logs'), join(dir, 'good.log'), join(dir, 'missing.log'), '--instance', 'files-1', '--data', data]);
    expect(both.stderr.trim().split('\n')).toEqual([`error: ${join(dir, 'logs')}: is a directory, not a file`, `error: ${join(dir, 'missing.log')}: no such file`]);
    if (process.getuid?.() !== 0) {
      writeFileSync(join(dir, 'secret.log'), LOG.join('\n'));
      chmodSync(join(dir, 'secret.log'), 0o000);
      const unreadable = await tally(['import', 'flexlm', join(dir, 'good.log'), join(dir, 'secret.log'), '--instance', 'files-1', '--data', data]);
      expect(unreadable.stderr).toBe(`error: ${join(dir, 'secret.log')}: cannot be read (permission denied)\n`);
    }
    expect(await storedFor('files-1')).toBe(0);
  }, 60_000);

  it('names a data folder that is missing or is a file, and creates nothing', async () => {
    const missing = await tally(['import', 'flexlm', join(dir, 'good.log'), '--instance', 'files-1', '--data', join(dir, 'no-such-data')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error: --data ${join(dir, 'no-such-data')}: no such back office data folder\n`);
    expect(existsSync(join(dir, 'no-such-data'))).toBe(false);
    const file = await tally(['import', 'flexlm', join(dir, 'good.log'), '--instance', 'files-1', '--data', join(dir, 'good.log')]);
    expect(file.stderr).toBe(`error: --data ${join(dir, 'good.log')}: is a file, not a back office data folder\n`);
  }, 60_000);

  it('says which back office it cannot reach', async () => {
    // A port that was free a moment ago: nothing listens on it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const run = await runTally(['import', 'flexlm', join(dir, 'good.log'), '--instance', 'files-1', '--backoffice', `http://127.0.0.1:${port}`], { ...env, TALLY_TOKEN: 'x' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: good.log: cannot reach the back office at http://127.0.0.1:${port} (ECONNREFUSED); nothing of this file was sent\n`);
  }, 60_000);

  it('checks every file before the first upload to a back office', async () => {
    const run = await tally(['import', 'flexlm', join(dir, 'good.log'), join(dir, 'missing.log'), '--instance', 'files-1', '--backoffice', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: ${join(dir, 'missing.log')}: no such file\n`);
  }, 60_000);

  it('says where a truncated gzip ended, prints the summary of what it stored, and exits non-zero', async () => {
    const lines = [' 9:00:00 (lmgrd) TIMESTAMP 6/1/2024'];
    for (let i = 0; i < 4000; i++) lines.push(` 9:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} (cadd) OUT: "solid" user${i}@ws${i % 97}`);
    const whole = gzipSync(lines.join('\n') + '\n');
    writeFileSync(join(dir, 'cut.log.gz'), whole.subarray(0, Math.floor(whole.length * 0.6)));
    const run = await tally(['import', 'flexlm', join(dir, 'cut.log.gz'), '--instance', 'files-1', '--data', data]);
    expect(run.code).toBe(1);
    const stored = Number(/events, (\d+) stored/.exec(run.stdout)?.[1]);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(4000);
    expect(run.stdout).toMatch(/cut\.log\.gz ended early/);
    expect(run.stderr).toMatch(/^error: cut\.log\.gz: the gzip data ends early \(unexpected end of file\) after line \d+ \(byte \d+ of the text\); \d+ events stored, 0 already stored; import the whole file again to add the rest\n$/);
    expect(run.stderr).not.toMatch(/\bat \S+:\d+/);
    expect(await storedFor('files-1')).toBe(stored);
  }, 60_000);
});

describe('tally monitor run --once', () => {
  it('diffs each poll against the snapshot the previous run kept, so a restart invents nothing', async () => {
    const status = join(dir, 'lmstat.txt');
    const capture = (users: string[]) =>
      [
        'Flexible License Manager status on Mon 6/3/2024 12:00',
        '     cadd: UP v11.19.4',
        'Feature usage info:',
        `Users of solid:  (Total of 4 licenses issued;  Total of ${users.length} licenses in use)`,
        '  "solid" v3.0, vendor: cadd',
        ...users.map((u) => `    ${u} ${u}-pc /dev/tty (v3.0) (lic1/27000 ${u.length}), start Mon 6/3 9:0${u.length}`),
      ].join('\n');
    const run = () => tally(['monitor', 'run', '--once', '--instance', 'flex-1', '--command', `cat '${status}'`, '--data', data, '--timezone', 'UTC', '--json']);
    writeFileSync(status, capture(['al', 'bea']));
    expect(JSON.parse((await run()).stdout)).toMatchObject({ state: 'up', eventsStored: 2 });
    expect(JSON.parse((await run()).stdout)).toMatchObject({ state: 'up', eventsStored: 2 });
    writeFileSync(status, capture(['bea']));
    expect(JSON.parse((await run()).stdout)).toMatchObject({ state: 'up', eventsStored: 3 });
    writeFileSync(status, 'Error getting status: Cannot connect to license server system.');
    const down = JSON.parse((await run()).stdout);
    expect(down).toMatchObject({ state: 'down', eventsStored: 3 });
    expect(down.lastError).toMatch(/Cannot connect/);
  }, 60_000);
});
