import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { TABLE_WIDGETS } from '../../../src/reports/report-widgets.js';
import { checkCsv, checkPdf, checkWorkbook, pdfText } from '../../support/export-checks.js';
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
    expect(rows.map((r) => Number(r['Usage percentage']))).toEqual([100, 80, 80, 80]);
    expect(new Set(rows.map((r) => r['Account ID']))).toEqual(new Set(['acme']));
  });

  it('streams more rows than one chunk of the engine holds, each exactly once', async () => {
    // DuckDB hands rows over 2048 at a time: 5000 events take several chunks.
    const ts = '2026-01-15T10:00:00.000Z';
    await bo.warehouse.ingest(Array.from({ length: 5000 }, (_, i) => buildEvent({ accountId: 'bulk', deviceId: `bulk-${i}`, ts })));
    const res = await download(`${REPORT}/events.csv?accounts=bulk&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`);
    const rows = checkCsv(res.body);
    expect(rows).toHaveLength(5000);
    expect(new Set(rows.map((r) => r.Device)).size).toBe(5000);
  });

  it('exports the denials summary, leaving out what is not a denial', async () => {
    const rows = checkCsv((await download(`${REPORT}/denials-summary.csv`)).body);
    expect(rows).toHaveLength(SCENARIO.denials.total);
    expect(new Set(rows.map((r) => r.Kind))).toEqual(new Set(['deny']));
    expect(rows.filter((r) => r['Denial code'] === '7')).toHaveLength(SCENARIO.denials.byCode[7][0]);
  });

  it('exports a widget\'s table as CSV', async () => {
    const rows = checkCsv((await download(`${REPORT}/denials-distribution.csv`)).body);
    const expected = Object.entries(SCENARIO.denials.byCode).sort(([, [a]], [, [b]]) => b - a);
    expect(rows.map((r) => [r['Denial code'], r.Denials, r.Percentage])).toEqual(expected.map(([code, [count, pct]]) => [code, String(count), String(pct)]));
    const clients = checkCsv((await download(`${REPORT}/unique-clients.csv?model=concurrent&accounts=acme,globex`)).body);
    expect(clients.find((r) => r.Feature === 'cad')?.Devices).toBe(String(SCENARIO.uniqueDevices.cad));
  });

  it('exports names beside IDs and denial reasons as people read them', async () => {
    bo.registry.addAccount({ id: 'acme', name: 'Acme Corporation' });
    const reasons = checkCsv((await download(`${REPORT}/denials-distribution.csv`)).body);
    expect(reasons.find((r) => r['Denial code'] === '7')?.['Denial reason']).toBe('Insufficient count (7)');
    const events = checkCsv((await download(`${REPORT}/denials-summary.csv?accounts=acme`)).body);
    expect(new Set(events.map((r) => `${r.Account} ${r['Account ID']}`))).toEqual(new Set(['Acme Corporation acme']));
    expect(events.filter((r) => r['Denial reason'] === 'Insufficient count (7)')).toHaveLength(events.filter((r) => r['Denial code'] === '7').length);
    const byAccount = checkCsv((await download(`${REPORT}/denials-by-account.csv`)).body);
    expect(byAccount.find((r) => r['Account ID'] === 'acme')?.Account).toBe('Acme Corporation');
  });

  it('exports the denials page as a workbook: a sheet per widget and the summary', async () => {
    const res = await download(`${REPORT}/denials.xlsx?accounts=acme`);
    expect(res.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = await checkWorkbook(res.body);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Filters', 'Denial reasons', 'Denials distribution', 'Denials by account', 'Denials by feature', 'Denials per week', 'Denials summary']);
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

  it('heads every CSV alike: sentence case, and one word for one column across files', async () => {
    const files = ['events', 'denials-summary', ...TABLE_WIDGETS];
    const headings = new Map<string, string[]>();
    for (const file of files) {
      const res = await download(`${REPORT}/${file}.csv`);
      expect(res.status).toBe(200);
      const heading = res.body.toString('utf8').split('\r\n')[0]!.split(',');
      headings.set(file, heading);
      // "Time", "Account ID", "Clients per license": a capital first, then lower case (but ID).
      for (const h of heading) expect(h, `${file}.csv: ${h}`).toMatch(/^[A-Z][a-z]*( ([a-z]+|ID|%))*$/);
      expect(new Set(heading).size, `${file}.csv names a column twice`).toBe(heading.length);
    }
    expect(headings.get('events')).toEqual(expect.arrayContaining(['Time', 'Account ID', 'Instance ID', 'Feature', 'Denial code']));
    expect(headings.get('active-accounts')).toContain('Account ID');
    expect(headings.get('active-instances')).toContain('Instance ID');
    expect(headings.get('denials-by-account')).toContain('Account ID');
    expect(headings.get('concurrent-usage')!.slice(0, 2)).toEqual(['Period start', 'Feature']);
    expect(headings.get('denials-distribution')!.slice(0, 2)).toEqual(['Denial reason', 'Denial code']);
  });

  it('exports the listing\'s columns asked for, in their order, to CSV, XLSX and PDF', async () => {
    const query = 'accounts=acme&columns=feature,usagePercentage,ts';
    expect((await download(`${REPORT}/events.csv?${query}`)).body.toString('utf8').split('\r\n')[0]).toBe('Feature,Usage percentage,Time');
    const sheet = (await checkWorkbook((await download(`${REPORT}/events.xlsx?${query}`)).body)).getWorksheet('Events')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Feature', 'Usage percentage', 'Time']);
    expect(sheet.getRow(1).cellCount).toBe(3);
    const text = pdfText((await download(`${REPORT}/events.pdf?${query}`)).body);
    expect(text).toEqual(expect.arrayContaining(['Feature', 'Usage percentage', 'Time']));
    expect(text).not.toContain('Instance');
  });

  it('refuses columns it does not know, naming the field', async () => {
    for (const columns of ['nosuch', 'ts,ts', '']) {
      const res = await download(`${REPORT}/events.csv?columns=${columns}`);
      expect(res.status, columns).toBe(400);
      expect(JSON.parse(res.body.toString()).error.details[0].field).toMatch(/columns/);
    }
  });

  it('says every filter, condition, sort and column on the workbook\'s Filters sheet, and writes times as dates', async () => {
    const query = 'accounts=acme&features=cad&codes=7&true=1&tolerance=10&search=ws&where=usagePercentage>=80&sort=usagePercentage&order=asc&columns=ts,feature,usagePercentage&from=2020-01-01T00:00:00Z';
    const workbook = await checkWorkbook((await download(`${REPORT}/events.xlsx?${query}`)).body);
    const cover = workbook.getWorksheet('Filters')!;
    const filters = new Map<string, string>();
    cover.eachRow((row) => filters.set(row.getCell(1).text, row.getCell(2).text));
    expect(filters.get('Time range')).toMatch(/^2020-01-01 00:00 to \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(filters.get('Time zone')).toMatch(/^UTC/);
    expect(filters.get('Accounts')).toBe('acme');
    expect(filters.get('Instances')).toBe('All');
    expect(filters.get('Features')).toBe('cad');
    expect(filters.get('License model')).toBe('All');
    expect(filters.get('Denial codes')).toBe('Insufficient count (7)');
    expect(filters.get('Search')).toBe('ws');
    expect(filters.get('True denials only')).toMatch(/^Yes: .*10 minutes/);
    expect(filters.get('Conditions')).toBe('Usage percentage >= 80');
    expect(filters.get('Sort')).toBe('Usage percentage, ascending');
    expect(filters.get('Columns')).toBe('Time, Feature, Usage percentage');
    const events = workbook.getWorksheet('Events')!;
    expect(events.getCell('A2').type).toBe(ExcelJS.ValueType.Date);
    const usage = (await checkWorkbook((await download(`${REPORT}/overview.xlsx`)).body)).worksheets[1]!;
    expect(usage.getCell('A1').value).toBe('Period start');
    expect(usage.getCell('A2').type).toBe(ExcelJS.ValueType.Date);
  });

  it('prints every filter on the PDF\'s cover, a table with its heading on every page, and page numbers', async () => {
    const res = await download(`${REPORT}/events.pdf?accounts=acme&codes=7&where=kind=deny&sort=feature&order=asc`);
    const { pages } = checkPdf(res.body);
    const text = pdfText(res.body);
    for (const expected of ['Time range', 'Time zone', 'Accounts', 'acme', 'Denial codes', 'Insufficient count (7)', 'Conditions', 'Kind is deny', 'Sort', 'Feature, ascending', 'Columns']) {
      expect(text, expected).toContain(expected);
    }
    expect(text.filter((t) => /page \d+ of \d+$/.test(t))).toHaveLength(pages);
    // A long listing runs onto more pages, each starting with the heading row.
    const long = pdfText((await download(`${REPORT}/events.pdf?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&accounts=bulk&columns=ts,deviceId`)).body);
    expect(long.filter((t) => t === 'Device').length).toBeGreaterThan(2);
  });

  it('answers a bad filter with the API\'s error, not a broken file', async () => {
    const res = await download(`${REPORT}/events.csv?where=nosuch>=1`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString()).error.code).toBe('BAD_REQUEST');
  });
});
