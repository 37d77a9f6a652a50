import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProducerKeys } from '../../src/licensing/license-file.js';
import { WELL_FORMED_MESSAGE } from '../../src/common/text.js';
import { outboxEvents, storedHoldings } from '../support/storage.js';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, startTestServer } from '../support/test-server.js';
import { startTestBackoffice } from '../support/test-backoffice.js';

/**
 * JSON bodies written as raw text, so that `\ud800` travels as JSON sends it: a lone UTF-16
 * surrogate, which storage would turn into U+FFFD.
 */
const device = (hostId: string, more = '') => `{"device":{"hostId":{"value":"${hostId}","type":"STRING"}${more}}`;
const CASES: Array<{ field: string; body: string }> = [
  { field: 'body.device.hostId.value', body: `${device('\\ud800X')},"features":[{"name":"cad","version":"1.0","count":1}]}` },
  { field: 'body.device.hostId.value', body: `${device('X\\udc00')},"features":[{"name":"cad","version":"1.0","count":1}]}` },
  { field: 'body.device.alias', body: `${device('ok-1', ',"alias":"build-\\ud83d"')},"features":[{"name":"cad","version":"1.0","count":1}]}` },
  { field: 'body.device.user', body: `${device('ok-1', ',"user":"\\udfffalice"')},"features":[{"name":"cad","version":"1.0","count":1}]}` },
  { field: 'body.device.vendorDictionary.dept', body: `${device('ok-1', ',"vendorDictionary":{"dept":"\\ud800"}')},"features":[{"name":"cad","version":"1.0","count":1}]}` },
  { field: 'body.correlationId', body: `${device('ok-1')},"operation":"undo","correlationId":"\\ud800"}` },
];

describe('text with lone UTF-16 surrogates', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ features: [{ name: 'cad', version: '1.0', count: 5, expiry: 'permanent' }] });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => server.stop());

  it.each(CASES)('is refused in a capability request with 400 naming $field, and nothing changes', async ({ field, body }) => {
    const eventsBefore = outboxEvents(server.dataDir).length;
    const res = await fetch(server.url + CAPABILITY, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    const answer: any = await res.json();
    expect(answer.error.code).toBe('BAD_REQUEST');
    expect(answer.error.details).toContainEqual({ field, message: WELL_FORMED_MESSAGE });
    expect(outboxEvents(server.dataDir).length).toBe(eventsBefore);
    expect(storedHoldings(server.dataDir)).toEqual([]);
  });

  it('is refused in the admin APIs: a reservation group name or hostid, a model definition', async () => {
    const group = (name: string, hostId: string) =>
      `{"name":"${name}","reservations":[{"hostId":{"value":"${hostId}","type":"STRING"},"reservationEntries":[{"featureName":"cad","featureVersion":"1.0","featureCount":1}]}]}`;
    const send = (method: string, path: string, body: string) =>
      fetch(`${server.url}/api/1.0/instances/~${path}`, { method, headers: { 'content-type': 'application/json', ...auth }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    for (const [body, field] of [
      [group('team-\\ud800', 'host-1'), 'body.name'],
      [group('team', 'host-\\ud800'), 'body.reservations.0.hostId.value'],
    ] as const) {
      const res = await send('POST', '/reservationgroups', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.details, field).toContainEqual({ field, message: WELL_FORMED_MESSAGE });
    }
    const model = await send('PUT', '/model', '{"text":"MODEL m\\n\\ud800"}');
    expect(model.status).toBe(400);
    expect(model.body.error.details).toContainEqual({ field: 'body.text', message: WELL_FORMED_MESSAGE });
  });

  it('is no obstacle to well-formed text beyond ASCII: a device named with an emoji stays one device across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-text-'));
    const keys = generateProducerKeys();
    const body = (count: number) => `${device('rack-\\ud83d\\ude00', ',"user":"Zoë"')},"features":[{"name":"cad","version":"1.0","count":${count}}]}`;
    const ask = (url: string, count: number) => fetch(url + CAPABILITY, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(count) }).then((r) => r.json() as Promise<any>);
    const first = await startTestServer({ dataDir, keys, features: [{ name: 'cad', version: '1.0', count: 5, expiry: 'permanent' }] });
    try {
      expect((await ask(first.url, 2)).granted).toEqual([expect.objectContaining({ count: 2 })]);
    } finally {
      await first.stop();
    }
    const second = await startTestServer({ dataDir, keys });
    try {
      // The same device asking again after the restart renews its 2 counts, rather than taking 2 more.
      expect((await ask(second.url, 2)).granted).toEqual([expect.objectContaining({ count: 2 })]);
      expect(storedHoldings(dataDir)).toEqual([expect.objectContaining({ device_key: 'STRING:rack-😀', count: 2 })]);
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('text with lone UTF-16 surrogates in the back office', () => {
  it.each([
    { path: '/api/1.0/backoffice/accounts', body: '{"id":"acme","name":"Acme \\ud800"}', field: 'body.name' },
    { path: '/api/1.0/backoffice/instances', body: '{"accountId":"acme","name":"HQ","hostId":"\\udc00rack"}', field: 'body.hostId' },
  ])('is refused when registering with 400 naming $field', async ({ path, body, field }) => {
    const backoffice = await startTestBackoffice();
    try {
      const auth = { authorization: `Bearer ${await backoffice.adminToken()}` };
      if (path.endsWith('/instances')) expect((await backoffice.call('POST', '/api/1.0/backoffice/accounts', { id: 'acme', name: 'Acme' }, auth)).status).toBe(201);
      const res = await fetch(backoffice.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
      expect(res.status).toBe(400);
      const answer: any = await res.json();
      expect(answer.error.details).toContainEqual({ field, message: WELL_FORMED_MESSAGE });
    } finally {
      await backoffice.stop();
    }
  });
});
