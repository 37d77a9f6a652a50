import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('tally import flexlm --data', () => {
  beforeAll(async () => {
    expect((await tally(['backoffice', 'account', 'add', 'acme', '--data', data])).code).toBe(0);
    expect((await tally(['backoffice', 'instance', 'add', '--account', 'acme', '--name', 'flex', '--id', 'flex-1', '--data', data])).code).toBe(0);
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the events once: a re-import and a longer copy of the growing log add only the new lines', async () => {
    writeFileSync(join(dir, 'debug.log'), LOG.slice(0, 4).join('\n') + '\n');
    const first = await tally(['import', 'flexlm', join(dir, 'debug.log'), '--instance', 'flex-1', '--data', data, '--timezone', 'Europe/Berlin', '--json']);
    expect(first.code).toBe(0);
    const s1 = JSON.parse(first.stdout);
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
