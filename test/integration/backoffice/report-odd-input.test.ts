import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import type { TestServer } from '../../support/test-server.js';
import { startTestServer } from '../../support/test-server.js';
import { buildEvent } from '../../support/factories.js';

const REPORT = '/api/reports/usage-denials';
const RANGE = 'from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z';

/** The report API on input no form would send: names from Object's prototype, LIKE wildcards, broken paths. */
describe('the report API on odd input', () => {
  let bo: TestBackoffice;
  let server: TestServer;
  let auth: Record<string, string>;
  const get = async (path: string) => {
    const res = await fetch(bo.url + path, { headers: auth });
    const text = await res.text();
    return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    bo = await startTestBackoffice();
    server = await startTestServer();
    const ts = '2026-06-01T12:00:00.000Z';
    await bo.warehouse.ingest([
      buildEvent({ ts, deviceId: 'plain-1', deviceAlias: 'plain', user: 'ann' }),
      buildEvent({ ts, deviceId: 'plain-2', deviceAlias: null, user: 'bob' }),
      buildEvent({ ts, deviceId: 'under_score', deviceAlias: null, user: 'carl' }),
      buildEvent({ ts, deviceId: '100%-sure', deviceAlias: null, user: 'dora' }),
      buildEvent({ ts, deviceId: 'back\\slash', deviceAlias: null, user: 'eve' }),
    ]);
    auth = { authorization: `Bearer ${await bo.adminToken()}` };
  });
  afterAll(async () => {
    await bo?.stop();
    await server?.stop();
  });

  it.each(['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty'])('refuses a column condition on %s with 400 naming it, in the listing and its CSV', async (name) => {
    for (const path of [`${REPORT}/events?${RANGE}&where=${name}=1`, `${REPORT}/events.csv?${RANGE}&where=${name}=1`, `${REPORT}/denials-summary?${RANGE}&where=${name}=1`]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.message).toContain(name);
      expect(res.body.error.details[0].field).toBe('querystring.where.0');
    }
  });

  it.each([
    ['_', ['under_score']],
    ['%', ['100%-sure']],
    ['0%-', ['100%-sure']],
    ['\\', ['back\\slash']],
    ['plain-_', []],
  ])('searches for %j literally: LIKE wildcards match only themselves', async (search, devices) => {
    const res = await get(`${REPORT}/events?${RANGE}&search=${encodeURIComponent(search)}`);
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: { deviceId: string }) => r.deviceId).sort()).toEqual(devices);
  });

  it('still finds a part of a device ID, alias or user', async () => {
    const res = await get(`${REPORT}/events?${RANGE}&search=PLAIN`);
    expect(res.body.rows.map((r: { deviceId: string }) => r.deviceId).sort()).toEqual(['plain-1', 'plain-2']);
  });

  it.each(['/%', '/%zz', '/api/%', '/docs/%', '/api/1.0/instances/~/%E0%A4%A'])('answers a path with broken URL encoding (%s) in Tally\'s error shape, on both roles', async (path) => {
    for (const url of [bo.url, server.url]) {
      const res = await fetch(url + path);
      const body = (await res.json()) as { error?: { code: string; message: string; details: unknown[] } };
      expect(res.status, `${url}${path}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(Object.keys(body)).toEqual(['error']);
      expect(Object.keys(body.error!).sort()).toEqual(['code', 'details', 'message']);
      expect(Array.isArray(body.error!.details)).toBe(true);
    }
  });
});
