import type { EChartsOption } from 'echarts';
import type { ReportFilters } from '../warehouse/filters.js';
import type { EventsOptions } from '../warehouse/queries/get-events.js';
import { EVENT_COLUMNS } from '../warehouse/queries/get-events.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { ExportColumn } from './csv.js';
import type { Widget, WidgetName } from './report-widgets.js';
import { WIDGETS } from './report-widgets.js';

/** One part of an exported page: a table, and the chart drawn from it. */
export interface ReportSection {
  title: string;
  columns: ExportColumn[];
  rows: readonly object[];
  chart?: EChartsOption;
  /** Rows left out of this section (a PDF shows only the first ones). */
  omitted?: number;
}

/** The report's pages that export whole: the overview, the denials and the events listing. */
export type ReportPage = 'overview' | 'denials' | 'events';
export const REPORT_PAGES: readonly ReportPage[] = ['overview', 'denials', 'events'];

export const EVENT_EXPORT_COLUMNS: ExportColumn[] = Object.entries(EVENT_COLUMNS).map(([key, c]) => ({ key, label: c.label }));
/** The key columns of `EVENT_EXPORT_COLUMNS`, which the CSV names as the API does. */
export const EVENT_CSV_COLUMNS: ExportColumn[] = EVENT_EXPORT_COLUMNS.map((c) => ({ key: c.key, label: c.key }));

const DENIAL_SUMMARY_COLUMNS: ExportColumn[] = (['ts', 'accountName', 'accountId', 'user', 'deviceId', 'alias', 'feature', 'version', 'denialReason', 'statusCode', 'denialName', 'denialDescription'] as const).map(
  (key) => ({ key, label: EVENT_COLUMNS[key].label }),
);

/** One widget as a section: its table, and the chart drawn from it. */
export async function widgetSection(name: WidgetName, warehouse: Pick<Warehouse, 'report'>, filters: ReportFilters): Promise<ReportSection> {
  const widget: Widget = WIDGETS[name];
  const table = widget.table!;
  const answer = (await widget.run(warehouse, filters, widget.query?.parse(table.query ?? {}))) as { rows: object[] };
  const columns = Object.entries(table.columns).map(([key, label]) => ({ key, label: String(label) }));
  return { ...table.chart(answer), columns, rows: answer.rows };
}

/** The widgets of each page, in the order they are shown; the overview's usage follows the model. */
function pageWidgets(page: ReportPage, filters: ReportFilters): WidgetName[] {
  if (page === 'overview') return [filters.model === 'metered' ? 'metered-usage' : 'concurrent-usage', 'active-accounts', 'active-instances', 'unique-clients', 'denials-distribution'];
  if (page === 'denials') return ['denials-distribution', 'denials-by-account', 'denials-over-time'];
  return [];
}

/** The sections of a page, for an XLSX or PDF export; the listing a page ends with comes apart. */
export async function pageSections(page: ReportPage, warehouse: Pick<Warehouse, 'report'>, filters: ReportFilters): Promise<ReportSection[]> {
  return Promise.all(pageWidgets(page, filters).map((name) => widgetSection(name, warehouse, filters)));
}

/** The listing a page ends with, if any: its title, columns and query options. */
export function pageListing(page: ReportPage, options: Omit<EventsOptions, 'page' | 'pageSize'>): { title: string; columns: ExportColumn[]; options: EventsOptions; denialsOnly: boolean } | null {
  if (page === 'overview') return null;
  const all = { ...options, page: 1, pageSize: 0 };
  return page === 'denials' ? { title: 'Denials summary', columns: DENIAL_SUMMARY_COLUMNS, options: all, denialsOnly: true } : { title: 'Events', columns: EVENT_EXPORT_COLUMNS, options: all, denialsOnly: false };
}

/** A line describing the filters, printed on every export so the reader knows what it shows. */
export function describeFilters(f: ReportFilters): string {
  const parts = [`${new Date(f.from).toISOString().slice(0, 16).replace('T', ' ')} – ${new Date(f.to).toISOString().slice(0, 16).replace('T', ' ')} UTC`];
  if (f.accounts.length) parts.push(`accounts: ${f.accounts.join(', ')}`);
  if (f.instances.length) parts.push(`instances: ${f.instances.join(', ')}`);
  if (f.features.length) parts.push(`features: ${f.features.join(', ')}`);
  if (f.model) parts.push(`model: ${f.model}`);
  if (f.kinds.length) parts.push(`kinds: ${f.kinds.join(', ')}`);
  if (f.codes.length) parts.push(`denial codes: ${f.codes.join(', ')}`);
  if (f.search) parts.push(`search: ${f.search}`);
  if (f.trueDenials) parts.push('true denials only');
  return parts.join(' · ');
}
