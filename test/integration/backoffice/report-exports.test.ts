import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCsv, checkPdf, checkWorkbook } from '../../support/export-checks.js';
import { reportScenario, SCENARIO } from '../../support/report-data.js';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { buildEvent } from '../../support/factories.js';

const REPORT = '/api/reports/usage-denials';

describe('the exports of the Usage and Denials report', () => {
  let bo: TestBackoffice;
  let auth: Record<string, string>;
  const download = async (path: string) => {
    const res = await fetch(bo.url + path, { headers: auth });
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), body: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest(reportScenario(Date.now()));
    auth = { authorization: `Bearer ${await bo.adminToken()}` };
  });
  afterAll(async () => bo.stop());

  it('refuses exports without a login, like the API', async () => {
    for (const file of ['events.csv', 'overview.pdf', 'denials.xlsx', 'unique-clients.csv']) {
      expect((await fetch(`${bo.url}${REPORT}/${file}`)).status).toBe(401);
    }
  });

  it('streams every event in the filters as CSV, with the listing\'s conditions and sort', async () => {
    const res = await download(`${REPORT}/events.csv?accounts=acme&where=usagePercentage>=80&sort=usagePercentage&order=desc`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    expect(res.disposition).toMatch(/attachment; filename="tally-events-.*\.csv"/);
    const rows = checkCsv(res.body);
    expect(rows).toHaveLength(SCENARIO.acmeEventsAtOrAbove80);
    expect(rows.map((r) => Number(r.usagePercentage))).toEqual([100, 80, 80, 80]);
    expect(new Set(rows.map((r) => r.accountId))).toEqual(new Set(['acme']));
  });

  it('streams more rows than one chunk of the engine holds, each exactly once', async () => {
    // DuckDB hands rows over 2048 at a time: 5000 events take several chunks.
    const ts = '2026-01-15T10:00:00.000Z';
    await bo.warehouse.ingest(Array.from({ length: 5000 }, (_, i) => buildEvent({ accountId: 'bulk', deviceId: `bulk-${i}`, ts })));
    const res = await download(`${REPORT}/events.csv?accounts=bulk&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`);
    const rows = checkCsv(res.body);
    expect(rows).toHaveLength(5000);
    expect(new Set(rows.map((r) => r.deviceId)).size).toBe(5000);
  });

  it('exports the denials summary, leaving out what is not a denial', async () => {
    const rows = checkCsv((await download(`${REPORT}/denials-summary.csv`)).body);
    expect(rows).toHaveLength(SCENARIO.denials.total);
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['deny']));
    expect(rows.filter((r) => r.statusCode === '7')).toHaveLength(SCENARIO.denials.byCode[7][0]);
  });

  it('exports a widget\'s table as CSV', async () => {
    const rows = checkCsv((await download(`${REPORT}/denials-distribution.csv`)).body);
    const expected = Object.entries(SCENARIO.denials.byCode).sort(([, [a]], [, [b]]) => b - a);
    expect(rows.map((r) => [r.Code, r.Denials, r.Percentage])).toEqual(expected.map(([code, [count, pct]]) => [code, String(count), String(pct)]));
    const clients = checkCsv((await download(`${REPORT}/unique-clients.csv?model=concurrent&accounts=acme,globex`)).body);
    expect(clients.find((r) => r.Feature === 'cad')?.Devices).toBe(String(SCENARIO.uniqueDevices.cad));
  });

  it('exports names beside IDs and denial reasons as people read them', async () => {
    bo.registry.addAccount({ id: 'acme', name: 'Acme Corporation' });
    const reasons = checkCsv((await download(`${REPORT}/denials-distribution.csv`)).body);
    expect(reasons.find((r) => r.Code === '7')?.Reason).toBe('Insufficient count (7)');
    const events = checkCsv((await download(`${REPORT}/denials-summary.csv?accounts=acme`)).body);
    expect(new Set(events.map((r) => `${r.accountName} ${r.accountId}`))).toEqual(new Set(['Acme Corporation acme']));
    expect(events.filter((r) => r.denialReason === 'Insufficient count (7)')).toHaveLength(events.filter((r) => r.statusCode === '7').length);
    const byAccount = checkCsv((await download(`${REPORT}/denials-by-account.csv`)).body);
    expect(byAccount.find((r) => r['Account ID'] === 'acme')?.Account).toBe('Acme Corporation');
  });

  it('exports the denials page as a workbook: a sheet per widget and the summary', async () => {
    const res = await download(`${REPORT}/denials.xlsx?accounts=acme`);
    expect(res.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = await checkWorkbook(res.body);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Report', 'Denials distribution', 'Denials by account', 'Denials per week', 'Denials summary']);
    expect(workbook.getWorksheet('Report')!.getCell('A2').text).toContain('accounts: acme');
    const byAccount = workbook.getWorksheet('Denials by account')!;
    expect([byAccount.getCell('B2').value, byAccount.getCell('C2').value]).toEqual(['acme', SCENARIO.denials.byAccount.acme]);
    expect(workbook.getWorksheet('Denials summary')!.rowCount).toBe(1 + SCENARIO.denials.byAccount.acme);
  });

  it('exports the overview and the denials as PDFs with their charts', async () => {
    for (const page of ['overview', 'denials', 'events']) {
      const res = await download(`${REPORT}/${page}.pdf`);
      expect(res.status).toBe(200);
      expect(res.type).toBe('application/pdf');
      const pdf = checkPdf(res.body);
      // A section per page: five widgets on the overview, three charts and the summary on the denials.
      expect(pdf.pages).toBeGreaterThanOrEqual({ overview: 5, denials: 4, events: 1 }[page]!);
    }
  });

  it('answers a bad filter with the API\'s error, not a broken file', async () => {
    const res = await download(`${REPORT}/events.csv?where=nosuch>=1`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString()).error.code).toBe('BAD_REQUEST');
  });
});
