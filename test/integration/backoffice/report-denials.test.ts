import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../../src/licensing/usage-event.js';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { buildEvent } from '../../support/factories.js';

const REPORT = '/api/reports/usage-denials';
const DAY = '2026-03-10';
const at = (minutes: number) => new Date(Date.parse(`${DAY}T00:00:00Z`) + minutes * 60_000).toISOString();
const RANGE = `from=${DAY}T00:00:00Z&to=2026-03-12T00:00:00Z`;

describe('the denials widgets of the Usage and Denials report', () => {
  let bo: TestBackoffice;
  const get = (path: string) => bo.adminGet(path);

  beforeAll(async () => {
    bo = await startTestBackoffice();
    const events: UsageEvent[] = [];
    // 200 denials whose reasons split 45 / 25 / 15 / 10 / 5 %, spread over two accounts and the day.
    const split: Array<[number, number]> = [[7, 90], [11, 50], [15, 30], [12, 20], [58, 10]];
    let n = 0;
    for (const [code, count] of split) {
      for (let i = 0; i < count; i++, n++) {
        events.push(buildEvent({ kind: 'deny', statusCode: code as UsageEvent['statusCode'], ts: at(n * 5), accountId: n % 5 < 3 ? 'acme' : 'globex', deviceId: `dev-${n}`, user: `user-${n}`, recordId: null }));
      }
    }
    // Not denials, or not counted as such.
    events.push(buildEvent({ kind: 'checkout', ts: at(1) }), buildEvent({ kind: 'deny', statusCode: 51, ts: at(2) }));
    await bo.warehouse.ingest(events);
    // One account the registry names; the other came from a log source it does not know.
    bo.registry.addAccount({ id: 'acme', name: 'Acme Corporation' });
  });
  afterAll(async () => bo.stop());

  it('splits denials by status code with counts, names, descriptions and percentages', async () => {
    const res = await get(`${REPORT}/denials-distribution?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(200);
    expect(res.body.rows.map((r: { code: number; name: string; count: number; percentage: number }) => [r.code, r.name, r.count, r.percentage])).toEqual([
      [7, 'INSUFFICIENT_COUNT', 90, 45],
      [11, 'EXPIRED', 50, 25],
      [15, 'NOT_AVAILABLE', 30, 15],
      [12, 'NO_MATCHING_VERSION', 20, 10],
      [58, 'WOULD_CAUSE_OVERAGE', 10, 5],
    ]);
    expect(res.body.rows[0].description).toMatch(/count/);
    expect(res.body.rows[0].label).toBe('Insufficient count (7)');
  });

  it('answers every counted denial code with its label and its chart colour', async () => {
    const res = await get(`${REPORT}/denial-codes`);
    expect(res.body.rows.find((r: { code: number }) => r.code === 7)).toEqual({ code: 7, name: 'INSUFFICIENT_COUNT', label: 'Insufficient count (7)', description: expect.stringMatching(/count/), color: expect.stringMatching(/^#[0-9A-F]{6}$/i) });
    expect(res.body.rows.map((r: { code: number }) => r.code)).not.toContain(51);
  });

  it('counts denials per account, naming the accounts the registry knows', async () => {
    const res = await get(`${REPORT}/denials-by-account?${RANGE}`);
    expect(res.body.rows).toEqual([
      { accountId: 'acme', accountName: 'Acme Corporation', count: 120, percentage: 60 },
      { accountId: 'globex', accountName: null, count: 80, percentage: 40 },
    ]);
  });

  it('narrows every widget by account, code and client search', async () => {
    expect((await get(`${REPORT}/denials-distribution?${RANGE}&accounts=globex`)).body.total).toBe(80);
    expect((await get(`${REPORT}/denials-distribution?${RANGE}&codes=7,58`)).body.rows.map((r: { code: number }) => r.code)).toEqual([7, 58]);
    expect((await get(`${REPORT}/denials-distribution?${RANGE}&search=USER-19`)).body.total).toBe(11); // user-19 and user-190..199
  });

  it('counts denials per time bucket sized to the range', async () => {
    const res = await get(`${REPORT}/denials-over-time?${RANGE}&codes=58`);
    expect(res.body.bucket).toBe('hour');
    // The ten code-58 denials are 5 minutes apart from 15:50 to 16:35.
    expect(res.body.rows).toEqual([
      { bucketStart: `${DAY}T15:00:00Z`, code: 58, count: 2 },
      { bucketStart: `${DAY}T16:00:00Z`, code: 58, count: 8 },
    ]);
  });

  it('leaves out denials that are not true: the device or user got the feature within the tolerance', async () => {
    const denied = buildEvent({ kind: 'deny', statusCode: 7, ts: '2026-04-01T10:00:00.000Z', deviceId: 'retry-box', user: 'ria', feature: 'cam', recordId: null });
    const servedSoonAfter = buildEvent({ kind: 'checkout', ts: '2026-04-01T10:03:00.000Z', deviceId: 'other-box', user: 'ria', feature: 'cam' });
    await bo.warehouse.ingest([denied, servedSoonAfter]);
    const range = 'from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z';
    expect((await get(`${REPORT}/denials-distribution?${range}`)).body.total).toBe(1);
    expect((await get(`${REPORT}/denials-distribution?${range}&true=1`)).body.total).toBe(0);
    expect((await get(`${REPORT}/denials-distribution?${range}&true=1&tolerance=2`)).body.total).toBe(1);
  });

  it('refuses bad filters, naming the parameter', async () => {
    const code = await get(`${REPORT}/denials-distribution?codes=7,99`);
    expect(code.status).toBe(400);
    expect(code.body.error.details[0].field).toMatch(/^querystring\.codes/);
    const order = await get(`${REPORT}/denials-distribution?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`);
    expect(order.body.error.details).toEqual([{ field: 'querystring.to', message: 'must be after from' }]);
    expect((await bo.call('GET', `${REPORT}/denials-distribution`)).status).toBe(401);
  });
});
