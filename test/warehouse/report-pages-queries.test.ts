import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/licensing/usage-event.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { reportQuerySchema, toFilters } from '../../src/warehouse/filters.js';
import type { ReportQueryParams } from '../../src/warehouse/filters.js';
import { getAccountUtilization } from '../../src/warehouse/queries/get-account-utilization.js';
import { getDenialsByFeature } from '../../src/warehouse/queries/get-denials-by-feature.js';
import { getDenialsInsights } from '../../src/warehouse/queries/get-denials-insights.js';
import { getEvents, parseConditions } from '../../src/warehouse/queries/get-events.js';
import { getSessionHours, getSessions } from '../../src/warehouse/queries/get-sessions.js';
import { at, buildEvent } from '../support/factories.js';

/**
 * Three accounts on servers of `cad` with 10 counts each, from 08:00 to 10:00:
 * - buyer (i-a): 8 in use from 08:00, 9 from 08:42; three true insufficient-count denials at 80 %
 *   (08:10, 08:20, 08:30) and one at 08:40 whose device is served two minutes later (not true).
 * - calm (i-b): 5 in use from 08:00 to 09:00, then none; five true insufficient-count denials at
 *   50 %, and one expired-license denial.
 * - few (i-c): 9 in use from 08:00; two true insufficient-count denials at 90 %: too few to buy.
 */
function traffic(): UsageEvent[] {
  const ev = (accountId: string, instanceId: string, hhmm: string, e: Partial<UsageEvent>) => buildEvent({ accountId, instanceId, ts: at(hhmm), capacity: 10, ...e });
  const deny = (accountId: string, instanceId: string, hhmm: string, n: number, statusCode: UsageEvent['statusCode'] = 7) =>
    ev(accountId, instanceId, hhmm, { kind: 'deny', statusCode, deviceId: `${accountId}-denied-${n}`, user: `${accountId}-user-${n}`, inUseAfter: 0, capacity: null });
  return [
    ev('buyer', 'i-a', '08:00', { deviceId: 'a1', user: 'a1-user', inUseAfter: 8 }),
    deny('buyer', 'i-a', '08:10', 1),
    deny('buyer', 'i-a', '08:20', 2),
    deny('buyer', 'i-a', '08:30', 3),
    deny('buyer', 'i-a', '08:40', 4),
    ev('buyer', 'i-a', '08:42', { deviceId: 'buyer-denied-4', user: 'buyer-user-4', inUseAfter: 9 }),
    ev('calm', 'i-b', '08:00', { deviceId: 'c1', user: 'Alice Smith', inUseAfter: 5 }),
    ...[1, 2, 3, 4, 5].map((n) => deny('calm', 'i-b', `08:${n}5`, n)),
    deny('calm', 'i-b', '08:59', 6, 11),
    ev('calm', 'i-b', '09:00', { deviceId: 'c1', user: 'Alice Smith', kind: 'return', inUseAfter: 0 }),
    ev('few', 'i-c', '08:00', { deviceId: 'f1', user: 'al_ice', inUseAfter: 9 }),
    deny('few', 'i-c', '08:10', 1),
    deny('few', 'i-c', '08:20', 2),
  ];
}

describe('the report pages’ queries', () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  const filters = (q: ReportQueryParams = {}) => toFilters(reportQuerySchema.parse({ from: at('08:00'), to: at('10:00'), ...q }), Date.parse(at('10:00')));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tally-pages-'));
    warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'));
    await warehouse.ingest(traffic());
  });
  afterAll(async () => {
    await warehouse.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ranks accounts by peak utilization, with the time-weighted average of count-hours in use over count-hours available', async () => {
    const r = await warehouse.report(getAccountUtilization, filters(), { limit: 100 });
    expect(r.threshold).toBe(80);
    expect(r.rows).toEqual([
      // 9 of 10 at 08:42; (8 × 42 + 9 × 78) / (10 × 120) count-minutes.
      { accountId: 'few', accountName: null, peakPercentage: 90, peakFeature: 'cad', peakAt: at('08:00'), averagePercentage: 90, capacity: 10, denials: 2 },
      { accountId: 'buyer', accountName: null, peakPercentage: 90, peakFeature: 'cad', peakAt: at('08:42'), averagePercentage: 86.5, capacity: 10, denials: 4 },
      // 5 of 10 for one hour, none the next.
      { accountId: 'calm', accountName: null, peakPercentage: 50, peakFeature: 'cad', peakAt: at('08:00'), averagePercentage: 25, capacity: 10, denials: 6 },
    ]);
  });

  it('counts an account’s utilization only from the account filter’s servers and its denials by every filter', async () => {
    const r = await warehouse.report(getAccountUtilization, filters({ accounts: 'calm', codes: '11' }), { limit: 100 });
    expect(r.rows).toEqual([expect.objectContaining({ accountId: 'calm', peakPercentage: 50, averagePercentage: 25, denials: 1 })]);
  });

  it('gives each denial reason its denial rate of all requests and its action, and lists as buyers only accounts with three true insufficient-count denials at 80 % or more', async () => {
    const r = await warehouse.report(getDenialsInsights, filters(), {});
    expect(r.checkouts).toBe(4);
    expect(r.denials).toBe(12);
    expect(r.rows.map((x) => [x.code, x.count, x.denialRate])).toEqual([
      [7, 11, 68.75],
      [11, 1, 6.25],
    ]);
    expect(r.rows[0]!.action).toMatch(/^Buy more/);
    expect(r.rows[1]!.action).toMatch(/^Renew/);
    // calm's denials came at 50 %, few's are two, buyer's fourth was served two minutes later.
    expect(r.buyers).toEqual({ threshold: 80, minDenials: 3, rows: [{ accountId: 'buyer', accountName: null, denials: 3, features: ['cad'] }] });
  });

  it('ranks denials by feature', async () => {
    const r = await warehouse.report(getDenialsByFeature, filters(), { limit: 10 });
    expect(r).toEqual({ total: 12, rows: [{ feature: 'cad', count: 12, percentage: 100 }] });
  });

  it('sums the hours of checkout sessions within the range per account and feature, and sorts sessions by any column', async () => {
    const hours = await warehouse.report(getSessionHours, filters(), {});
    // buyer: a1 08:00–10:00 and buyer-denied-4 08:42–10:00; few: 08:00–10:00; calm: 08:00–09:00.
    expect(hours).toEqual({
      totalHours: 6.3,
      rows: [
        { accountId: 'buyer', accountName: null, feature: 'cad', hours: 3.3, sessions: 2 },
        { accountId: 'few', accountName: null, feature: 'cad', hours: 2, sessions: 1 },
        { accountId: 'calm', accountName: null, feature: 'cad', hours: 1, sessions: 1 },
      ],
    });
    const shortest = await warehouse.report(getSessions, filters(), { page: 1, pageSize: 2, sort: 'minutes', order: 'asc' });
    expect(shortest.rows.map((s) => [s.deviceId, s.minutes])).toEqual([['c1', 60], ['buyer-denied-4', 78]]);
    expect(shortest.total).toBe(4);
  });

  it('finds text that contains a condition’s value whatever its case, taking _ and % literally, and ANDs several conditions', async () => {
    const list = (where: string) => warehouse.report(getEvents, filters(), { page: 1, pageSize: 100, sort: 'ts', order: 'asc', conditions: parseConditions(where) }).then((p) => p.rows.map((r) => r.user));
    expect(await list('user~ALICE')).toEqual(['Alice Smith', 'Alice Smith']);
    expect(await list('user~al_')).toEqual(['al_ice']);
    expect(await list('user~%')).toEqual([]);
    expect(await list('user~alice,kind=return')).toEqual(['Alice Smith']);
    expect(await list('accountId~UY,usagePercentage>=85')).toEqual(['buyer-user-4']);
  });
});
