import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSummarySchema } from '../../../src/importers/import-summary.js';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { runTally } from '../../support/tally-cli.js';

const LOG = [' 9:00:00 (lmgrd) TIMESTAMP 6/1/2024', ' 9:00:01 (cadd) OUT: "solid" ann@ws1', ' 9:00:02 (cadd) DENIED: "solid" bob@ws2  (Licensed number of users already reached. (-4,342))', ' 9:30:00 (cadd) IN: "solid" ann@ws1', ''].join('\n');

describe('POST /api/1.0/backoffice/instances/{id}/imports', () => {
  let bo: TestBackoffice;
  let auth: Record<string, string>;
  const path = (query: string) => `/api/1.0/backoffice/instances/flex-1/imports?${query}`;
  const upload = (query: string, body: Buffer | string, headers: Record<string, string> = auth) =>
    fetch(bo.url + path(query), { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers }, body });

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.register('acme', 'flex-1');
    auth = { authorization: `Bearer ${await bo.adminToken()}` };
  });

  afterAll(async () => bo.stop());

  it('imports a streamed log through the ingest checks, and stores nothing twice when it comes again gzipped', async () => {
    const res = await upload('format=flexlm&timezone=UTC&name=debug.log&capacity=3', LOG);
    expect(res.status).toBe(200);
    const summary = await res.json();
    expect(summary).toMatchObject({ format: 'flexlm', files: ['debug.log'], stored: 3, duplicates: 0, eventsByKind: { checkout: 1, deny: 1, return: 1 }, denialsByCode: { '7 INSUFFICIENT_COUNT': 1 } });
    const again = await (await upload('format=flexlm&timezone=UTC', gzipSync(LOG))).json();
    expect(again).toMatchObject({ stored: 0, duplicates: 3 });
    const events = await bo.warehouse.events({ instanceId: 'flex-1', limit: 10 });
    expect(events.map((e) => `${e.kind} ${e.accountId} ${e.capacity} ${e.source}`)).toEqual(['checkout acme 3 flexlm', 'deny acme 3 flexlm', 'return acme 3 flexlm']);
  });

  it('refuses a file of another format, an unknown instance, a bad query and a caller without an admin login', async () => {
    const refused = await upload('format=flexlm', 'RLM Report Log Format 0, version 10.0\n');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error.message).toMatch(/not a FlexLM debug log.*RLM report log/);
    const unknown = await fetch(`${bo.url}/api/1.0/backoffice/instances/nope/imports?format=rlm`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...auth }, body: 'x' });
    expect(unknown.status).toBe(404);
    const badQuery = await upload('format=syslog', LOG);
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as any).error.details[0].field).toBe('querystring.format');
    const anonymous = await upload('format=flexlm', LOG, {});
    expect(anonymous.status).toBe(401);
  });

  it('is what `tally import --backoffice` sends to, and both answer the one import summary shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-import-upload-'));
    try {
      writeFileSync(join(dir, 'rlm.log'), ['', 'RLM Report Log Format 0, version 12.0, authenticated', 'START build01 06/02/2024 08:00:00', 'OUT solver 2.0 1 ann ws1 "" 1 1 0 a1 a1 1f3 "" "" "" 06/02 08:10:05', ''].join('\n'));
      const env = { ...process.env, TALLY_HOME: join(dir, 'home'), TALLY_TOKEN: auth.authorization!.slice(7) };
      const run = await runTally(['import', 'rlm', join(dir, 'rlm.log'), '--instance', 'flex-1', '--backoffice', bo.url, '--timezone', 'Europe/Paris', '--json'], env);
      expect(run.stderr).toBe('');
      const printed = JSON.parse(run.stdout);
      expect(importSummarySchema.strict().parse(printed)).toEqual(printed);
      const answered = (await (await upload('format=rlm&timezone=Europe/Paris', 'RLM Report Log Format 0, version 12.0\n')).json()) as object;
      expect(importSummarySchema.strict().parse(answered)).toEqual(answered);
      expect(Object.keys(answered)).toEqual(Object.keys(printed));
      expect(printed).toMatchObject({ format: 'rlm', files: ['rlm.log'], stored: 1, firstEvent: '2024-06-02T06:10:05.000Z', timeZone: 'Europe/Paris' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
