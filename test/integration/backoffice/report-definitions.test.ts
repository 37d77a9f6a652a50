import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPORT_API } from '../../../src/backoffice/http/report-routes.js';
import { USAGE_EVENT_KINDS } from '../../../src/licensing/usage-event.js';
import { EVENT_EXPORT_COLUMNS } from '../../../src/reports/report-pages.js';
import type { Widget, WidgetName } from '../../../src/reports/report-widgets.js';
import { WIDGETS } from '../../../src/reports/report-widgets.js';
import { reportQuerySchema, toFilters } from '../../../src/warehouse/filters.js';
import { eventRowSchema } from '../../../src/warehouse/queries/get-events.js';
import { GRID_COLUMNS } from '../../../web/src/report/events/event-columns.js';
import { EVENT_KINDS } from '../../../web/src/report/filters.js';
import { checkCsv, checkWorkbook } from '../../support/export-checks.js';
import { reportScenario } from '../../support/report-data.js';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';

const NAMES = Object.keys(WIDGETS) as WidgetName[];

/** The nesting of a JSON schema's objects and arrays, by property name: what a client reads. */
function outline(schema: Record<string, any>): unknown {
  if (schema.type === 'object') return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, outline(value as Record<string, any>)]));
  if (schema.type === 'array') return [outline(schema.items)];
  return 'value';
}

/** What the report answers, what it exports and what the browser app shows are one definition each. */
describe('the report\'s definitions', () => {
  let bo: TestBackoffice;
  let auth: Record<string, string>;
  const get = async (path: string) => fetch(bo.url + path, { headers: auth });

  beforeAll(async () => {
    bo = await startTestBackoffice();
    await bo.warehouse.ingest(reportScenario(Date.now()));
    auth = { authorization: `Bearer ${await bo.adminToken()}` };
  });
  afterAll(async () => bo.stop());

  it('export every column the events API returns, to CSV and XLSX, and show each in the web app\'s grid', async () => {
    const [row] = ((await (await get(`${REPORT_API}/events?pageSize=1&where=kind=deny`)).json()) as { rows: Array<Record<string, unknown>> }).rows;
    const { eventId, ...columns } = row!;
    expect(eventId).toEqual(expect.any(String));

    const csv = checkCsv(Buffer.from(await (await get(`${REPORT_API}/events.csv?where=kind=deny`)).arrayBuffer()));
    expect(Object.keys(csv[0]!)).toEqual(EVENT_EXPORT_COLUMNS.map((c) => c.label));
    expect(EVENT_EXPORT_COLUMNS.map((c) => c.key)).toEqual(Object.keys(columns));

    const workbook = await checkWorkbook(Buffer.from(await (await get(`${REPORT_API}/events.xlsx?where=kind=deny`)).arrayBuffer()));
    const sheet = workbook.getWorksheet('Events')!;
    const cells = (n: number) => Object.keys(columns).map((_, i) => sheet.getRow(n).getCell(i + 1).value ?? null);
    expect(cells(1)).toEqual(EVENT_EXPORT_COLUMNS.map((c) => c.label));
    // Moments are dates in a workbook.
    expect(cells(2)).toEqual(Object.entries(columns).map(([key, value]) => (key === 'ts' ? new Date(value as string) : value)));
    expect(sheet.getRow(1).cellCount).toBe(Object.keys(columns).length);

    // The grid shows names in the ID columns, the denial's reason in its code's column, and the
    // denial's name and description nowhere.
    const { accountName: _account, instanceName: _instance, denialReason: _reason, denialName: _name, denialDescription: _description, ...gridColumns } = columns;
    expect(Object.keys(GRID_COLUMNS)).toEqual(Object.keys(gridColumns));
    const types = z.toJSONSchema(eventRowSchema).properties!;
    const numeric = Object.keys(gridColumns).filter((key) => JSON.stringify(types[key]).includes('"number"'));
    expect(Object.keys(GRID_COLUMNS).filter((key) => GRID_COLUMNS[key as keyof typeof GRID_COLUMNS].numeric)).toEqual(numeric);
  });

  it('answer every widget route with what its answer schema parses, nothing more or less', async () => {
    const filters = toFilters(reportQuerySchema.parse({}), Date.now());
    for (const name of NAMES) {
      const widget: Widget = WIDGETS[name];
      const answer = await widget.run(bo.warehouse, filters, widget.query?.parse({}));
      expect(widget.answer.parse(answer), name).toEqual(answer);
      const res = await get(`${REPORT_API}/${name}`);
      expect(res.status, name).toBe(200);
      const body: unknown = await res.json();
      expect(widget.answer.parse(body), name).toEqual(body);
    }
  });

  it('document every widget route in OpenAPI with its summary and its answer as the response', async () => {
    const doc = (await (await get('/docs/json')).json()) as { paths: Record<string, { get?: { summary: string; responses: Record<string, any> } }> };
    for (const name of NAMES) {
      const widget: Widget = WIDGETS[name];
      const route = doc.paths[`${REPORT_API}/${name}`]?.get;
      expect(route?.summary, name).toBe(widget.summary);
      const documented = route?.responses['200']?.content['application/json'].schema;
      expect(outline(documented), name).toEqual(outline(z.toJSONSchema(widget.answer, { io: 'output' })));
    }
  });

  it('offer every kind of usage event as a filter in the web app', () => {
    expect(EVENT_KINDS).toEqual([...USAGE_EVENT_KINDS]);
  });
});
