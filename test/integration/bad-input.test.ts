import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';
import { outboxEvents, storedHoldings } from '../support/storage.js';

const device = { hostId: { value: 'bad-1', type: 'STRING' } };
const feature = { name: 'cad', version: '1.0', count: 1 };

/** Each malformed request, the status it gets, and the field its refusal must name. */
const CASES: Array<{ why: string; body: unknown; status: number; code: string; field: string; contentType?: string }> = [
  { why: 'the body is not JSON', body: '{"device": ', status: 400, code: 'INVALID_JSON', field: 'body' },
  { why: 'the body is empty', body: '', status: 400, code: 'INVALID_JSON', field: 'body' },
  { why: 'the body is not JSON but text', body: 'device=x', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type', contentType: 'text/plain' },
  { why: 'the body is a JSON array', body: [], status: 400, code: 'BAD_REQUEST', field: 'body' },
  { why: 'the device is missing', body: { features: [feature] }, status: 400, code: 'BAD_REQUEST', field: 'body.device' },
  { why: 'the hostid type is unknown', body: { device: { hostId: { value: 'x', type: 'MAC' } } }, status: 400, code: 'BAD_REQUEST', field: 'body.device.hostId.type' },
  { why: 'the hostid value is empty', body: { device: { hostId: { value: '', type: 'STRING' } } }, status: 400, code: 'BAD_REQUEST', field: 'body.device.hostId.value' },
  { why: 'a field is unknown', body: { device, features: [feature], priority: 'high' }, status: 400, code: 'BAD_REQUEST', field: 'body.priority' },
  { why: 'a feature field is unknown', body: { device, features: [{ ...feature, seats: 2 }] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.0.seats' },
  { why: 'a count is a string', body: { device, features: [{ ...feature, count: '1' }] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.0.count' },
  { why: 'a count is fractional', body: { device, features: [{ ...feature, count: 1.5 }] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.0.count' },
  { why: 'a count is absurd', body: { device, features: [{ ...feature, count: 1e12 }] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.0.count' },
  { why: 'a count is negative in a full request', body: { device, features: [{ ...feature, count: -1 }] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.0.count' },
  { why: 'a version is not a.b', body: { device, features: [{ ...feature, version: '1.0.2' }] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.0.version' },
  { why: 'a version is a number', body: { device, features: [{ ...feature, version: 1 }] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.0.version' },
  { why: 'a feature has no version', body: { device, features: [{ name: 'cad', count: 1 }] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.0.version' },
  { why: 'a feature has no count', body: { device, features: [{ name: 'cad', version: '1.0' }] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.0.count' },
  { why: 'a feature is asked for twice', body: { device, features: [feature, feature] }, status: 400, code: 'BAD_REQUEST', field: 'body.features.1.name' },
  {
    why: 'an incremental request both adds and gives back',
    body: { device, incremental: true, features: [feature, { name: 'cam', version: '1.0', count: -1 }] },
    status: 400,
    code: 'BAD_REQUEST',
    field: 'body.features',
  },
  { why: 'the borrow interval is not a duration', body: { device, features: [feature], borrowInterval: 'soon' }, status: 400, code: 'BAD_REQUEST', field: 'body.borrowInterval' },
  { why: 'an undo has no correlation ID', body: { device, operation: 'undo' }, status: 400, code: 'BAD_REQUEST', field: 'body.correlationId' },
  { why: 'the operation is unknown', body: { device, operation: 'steal' }, status: 400, code: 'BAD_REQUEST', field: 'body.operation' },
  { why: 'the body carries __proto__', body: '{"device":{"hostId":{"value":"x","type":"STRING"}},"__proto__":{"admin":true}}', status: 400, code: 'INVALID_JSON', field: 'body' },
  {
    why: 'the body is larger than the server accepts',
    body: { device: { ...device, alias: 'x'.repeat(300 * 1024) } },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    field: 'body',
  },
];

describe('capability requests with bad input', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ features: [{ name: 'cad', version: '1.0', count: 5, expiry: 'permanent' }, { name: 'cam', version: '1.0', count: 5, expiry: 'permanent' }] });
    await server.post(CAPABILITY, capability('bad-1', [{ name: 'cad', count: 1 }]));
  });
  afterAll(async () => server.stop());

  it.each(CASES)('answers $status $code naming $field when $why, and changes nothing', async ({ body, status, code, field, contentType }) => {
    const eventsBefore = outboxEvents(server.dataDir).length;
    const holdingsBefore = storedHoldings(server.dataDir);
    const res = await fetch(server.url + CAPABILITY, {
      method: 'POST',
      headers: { 'content-type': contentType ?? 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status).toBe(status);
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
    const parsed = JSON.parse(text);
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.message.length).toBeGreaterThan(5);
    expect(parsed.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(outboxEvents(server.dataDir).length).toBe(eventsBefore);
    expect(storedHoldings(server.dataDir)).toEqual(holdingsBefore);
  });

  it('tells a missing field from a wrong one', async () => {
    const missing = await server.post(CAPABILITY, { device: { hostId: { value: 'x' } }, features: [{ name: 'cad', count: 1 }] });
    expect(missing.body.error.details).toEqual([
      { field: 'body.device.hostId.type', message: 'is required' },
      { field: 'body.features.0.version', message: 'is required' },
    ]);
    const wrong = await server.post(CAPABILITY, { device: { hostId: { value: 'x', type: 'STRING' } }, features: [{ name: 'cad', version: 2, count: 'one' }] });
    expect(wrong.body.error.details).toEqual([
      { field: 'body.features.0.version', message: 'must be an a.b version such as 1.0' },
      { field: 'body.features.0.count', message: 'must be a whole number' },
    ]);
  });

  it('answers 404 in the same error shape for an unknown route', async () => {
    const res = await server.get('/api/1.0/instances/~/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
