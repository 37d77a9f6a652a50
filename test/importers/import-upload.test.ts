import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';

describe('the import endpoint on input that ends early', () => {
  let bo: TestBackoffice;
  let auth: Record<string, string>;

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.register('acme', 'flex-1');
    auth = { authorization: `Bearer ${await bo.adminToken()}` };
  });

  afterAll(async () => bo.stop());

  it('answers 400 naming the file and where it ended when the gzip is cut, after storing what came before', async () => {
    const lines = [' 9:00:00 (lmgrd) TIMESTAMP 6/1/2024'];
    for (let i = 0; i < 3000; i++) lines.push(` 9:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} (cadd) OUT: "solid" user${i}@ws${i % 89}`);
    const whole = gzipSync(lines.join('\n') + '\n');
    const res = await fetch(`${bo.url}/api/1.0/backoffice/instances/flex-1/imports?format=flexlm&timezone=UTC&name=cut.log.gz`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...auth },
      body: whole.subarray(0, Math.floor(whole.length * 0.6)),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: Array<{ field: string; message: string }> } };
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toMatch(/^cut\.log\.gz: the gzip data ends early \(unexpected end of file\) after line \d+ \(byte \d+ of the text\); \d+ events stored, 0 already stored/);
    expect(body.error.details).toEqual([{ field: 'body', message: expect.stringMatching(/ends early/) }]);
    const stored = Number(/; (\d+) events stored/.exec(body.error.message)?.[1]);
    expect(stored).toBeGreaterThan(0);
    expect((await bo.warehouse.events({ instanceId: 'flex-1', limit: 5000 })).length).toBe(stored);
  });
});
