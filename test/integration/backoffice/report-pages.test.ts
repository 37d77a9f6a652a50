import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCsv, checkWorkbook } from '../../support/export-checks.js';
import { reportScenario } from '../../support/report-data.js';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';

const REPORT = '/api/reports/usage-denials';

describe('the report’s sessions, utilization and denial insights over HTTP', () => {
  let bo: TestBackoffice;
  let auth: Record<string, string>;
  const get = (path: string) => bo.adminGet(path);
  const refusal = async (path: string, field: string) => {
    const res = await get(path);
    expect(res.status, path).toBe(400);
    expect(JSON.stringify(res.body), path).toContain(field);
    return res.body as unknown;
  };

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest(reportScenario(Date.now()));
    auth = { authorization: `Bearer ${await bo.adminToken()}` };
  });
  afterAll(async () => bo.stop());

  it('needs a login for the new widgets and their exports', async () => {
    for (const path of ['account-utilization', 'denials-insights', 'denials-by-feature', 'session-hours', 'sessions.csv', 'utilization.xlsx', 'sessions.pdf']) {
      expect((await bo.call('GET', `${REPORT}/${path}`)).status, path).toBe(401);
    }
  });

  it('refuses bad paging, sorting and conditions, naming the parameter', async () => {
    await refusal(`${REPORT}/account-utilization?limit=0`, 'limit');
    await refusal(`${REPORT}/account-utilization?limit=1001`, 'limit');
    await refusal(`${REPORT}/sessions?sort=colour`, 'sort');
    await refusal(`${REPORT}/sessions?order=up`, 'order');
    await refusal(`${REPORT}/denials-by-feature?limit=ten`, 'limit');
    await refusal(`${REPORT}/denials-insights?codes=99`, 'codes');
    // Contains searches text: a number or the time is compared, not searched.
    expect(JSON.stringify(await refusal(`${REPORT}/events?where=count~3`, 'where'))).toContain('text columns');
    await refusal(`${REPORT}/events?where=ts~2026`, 'where');
    await refusal(`${REPORT}/events?where=colour~red`, 'where');
  });

  it('answers the accounts at 80 % or more, the buyers and the reasons with their actions for the scenario', async () => {
    const util = (await get(`${REPORT}/account-utilization`)).body;
    expect(util.rows.map((r: { accountId: string; peakPercentage: number }) => [r.accountId, r.peakPercentage])).toEqual([['acme', 100], ['globex', 80]]);
    const insights = (await get(`${REPORT}/denials-insights`)).body;
    expect(insights.rows[0]).toMatchObject({ code: 7, count: 9 });
    // acme's first insufficient-count denial came at 60 % and was served two minutes later; the next five at 100 %.
    expect(insights.buyers.rows).toEqual([{ accountId: 'acme', accountName: null, denials: 5, features: ['cad'] }, { accountId: 'globex', accountName: null, denials: 3, features: ['cad'] }]);
    const byFeature = (await get(`${REPORT}/denials-by-feature`)).body;
    expect(byFeature.rows[0]).toEqual({ feature: 'cad', count: 16, percentage: 80 });
    const contains = (await get(`${REPORT}/events?where=${encodeURIComponent('user~ACME-USER-0,kind=checkout')}&pageSize=100`)).body;
    expect(contains.total).toBe(10);
  });

  it('exports sessions, session hours and utilization as CSV and as workbooks', async () => {
    const csv = async (file: string) => checkCsv(Buffer.from(await (await fetch(`${bo.url}${REPORT}/${file}`, { headers: auth })).arrayBuffer()));
    expect((await csv('sessions.csv')).length).toBeGreaterThan(0);
    expect((await csv('account-utilization.csv')).map((r) => r['Account ID'])).toEqual(['acme', 'globex']);
    expect((await csv('session-hours.csv')).length).toBeGreaterThan(0);
    for (const page of ['sessions', 'utilization']) {
      const res = await fetch(`${bo.url}${REPORT}/${page}.xlsx`, { headers: auth });
      expect(res.status).toBe(200);
      await checkWorkbook(Buffer.from(await res.arrayBuffer()));
    }
  });
});
