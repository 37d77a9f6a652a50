import type { EChartsOption } from 'echarts';
import type { ReportFilters } from '../warehouse/filters.js';
import { denialReason } from '../licensing/denials.js';
import type { ColumnCondition, EventColumn, EventsOptions } from '../warehouse/queries/get-events.js';
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
  /** The time bucket an over-time widget counted in. */
  bucket?: string;
}

/**
 * The one heading of a column key in every export, whatever a widget calls it on screen:
 * sentence case, an ID said as such beside the name it stands for, times without their zone
 * (the filters say it once, and the values carry it).
 */
const HEADINGS: Record<string, string> = {
  ts: 'Time',
  bucketStart: 'Period start',
  start: 'Start',
  end: 'End',
  peakAt: 'Peak at',
  accountId: 'Account ID',
  accountName: 'Account',
  instanceId: 'Instance ID',
  instanceName: 'Instance',
  feature: 'Feature',
  statusCode: 'Denial code',
  denialName: 'Denial',
  denialReason: 'Denial reason',
  denialDescription: 'Description',
  deviceId: 'Device',
  user: 'User',
};
/** Keys that mean something else in each widget: a ranking's `id` is what it ranks. */
const WIDGET_HEADINGS: Partial<Record<WidgetName, Record<string, string>>> = {
  'active-accounts': { id: 'Account ID', name: 'Account' },
  'active-instances': { id: 'Instance ID', name: 'Instance' },
  'denials-distribution': { code: 'Denial code', name: 'Denial', label: 'Denial reason', description: 'Description' },
  'denials-over-time': { code: 'Denial code' },
  'denials-insights': { code: 'Denial code', label: 'Denial reason' },
};
/** Columns that hold a moment (ISO text in the rows): a spreadsheet gets them as dates. */
const DATE_KEYS = new Set(['ts', 'bucketStart', 'start', 'end', 'peakAt']);

/** The export column of a key: its one heading, and whether it is a date. */
export function exportColumn(key: string, label: string, widget?: WidgetName): ExportColumn {
  const heading = (widget && WIDGET_HEADINGS[widget]?.[key]) || HEADINGS[key] || label.replace(/ \(UTC\)$/, '').replace(/ \(%\)$/, ' %');
  return DATE_KEYS.has(key) ? { key, label: heading, type: 'date' } : { key, label: heading };
}

/** The report's pages that export whole: the overview, the denials, the events listing, the sessions and the utilization. */
export type ReportPage = 'overview' | 'denials' | 'events' | 'sessions' | 'utilization';
export const REPORT_PAGES: readonly ReportPage[] = ['overview', 'denials', 'events', 'sessions', 'utilization'];

/** Every column of the events listing, in the API's order. */
export const EVENT_EXPORT_COLUMNS: ExportColumn[] = Object.entries(EVENT_COLUMNS).map(([key, c]) => exportColumn(key, c.label));
/** The columns an events export may be asked for (`columns=ts,feature`). */
export const EVENT_COLUMN_KEYS = Object.keys(EVENT_COLUMNS) as [keyof typeof EVENT_COLUMNS, ...Array<keyof typeof EVENT_COLUMNS>];
/** The listing's columns by key, in the order asked. */
export const eventExportColumns = (keys: readonly string[]): ExportColumn[] => keys.map((key) => EVENT_EXPORT_COLUMNS.find((c) => c.key === key)!);

const DENIAL_SUMMARY_COLUMNS: ExportColumn[] = eventExportColumns(['ts', 'accountName', 'accountId', 'user', 'deviceId', 'alias', 'feature', 'version', 'denialReason', 'statusCode', 'denialName', 'denialDescription']);

/** One widget as a section: its table, and the chart drawn from it. */
export async function widgetSection(name: WidgetName, warehouse: Pick<Warehouse, 'report'>, filters: ReportFilters): Promise<ReportSection> {
  const widget: Widget = WIDGETS[name];
  const table = widget.table!;
  const answer = (await widget.run(warehouse, filters, widget.query?.parse(table.query ?? {}))) as { rows: object[]; bucket?: string };
  const columns = Object.entries(table.columns).map(([key, label]) => exportColumn(key, String(label), name));
  return { ...table.chart(answer), columns, rows: answer.rows, ...(answer.bucket ? { bucket: answer.bucket } : {}) };
}

/** The widgets of each page, in the order they are shown; the overview's usage follows the model. */
function pageWidgets(page: ReportPage, filters: ReportFilters): WidgetName[] {
  if (page === 'overview') return [filters.model === 'metered' ? 'metered-usage' : 'concurrent-usage', 'active-accounts', 'active-instances', 'unique-clients', 'denials-distribution'];
  if (page === 'denials') return ['denials-insights', 'denials-distribution', 'denials-by-account', 'denials-by-feature', 'denials-over-time'];
  if (page === 'sessions') return ['session-hours', 'sessions'];
  if (page === 'utilization') return ['account-utilization'];
  return [];
}

/** The sections of a page, for an XLSX or PDF export; the listing a page ends with comes apart. */
export async function pageSections(page: ReportPage, warehouse: Pick<Warehouse, 'report'>, filters: ReportFilters): Promise<ReportSection[]> {
  return Promise.all(pageWidgets(page, filters).map((name) => widgetSection(name, warehouse, filters)));
}

/** The listing a page ends with, if any: its title, columns and query options. */
export function pageListing(
  page: ReportPage,
  options: Omit<EventsOptions, 'page' | 'pageSize'>,
  columns?: readonly string[],
): { title: string; columns: ExportColumn[]; options: EventsOptions; denialsOnly: boolean } | null {
  if (page !== 'denials' && page !== 'events') return null;
  const all = { ...options, page: 1, pageSize: 0 };
  return page === 'denials'
    ? { title: 'Denials summary', columns: columns ? eventExportColumns(columns) : DENIAL_SUMMARY_COLUMNS, options: all, denialsOnly: true }
    : { title: 'Events', columns: columns ? eventExportColumns(columns) : EVENT_EXPORT_COLUMNS, options: all, denialsOnly: false };
}


const OPS: Record<ColumnCondition['op'], string> = { '=': 'is', '!=': 'is not', '>': '>', '>=': '>=', '<': '<', '<=': '<=', '~': 'contains' };
const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const listOr = (values: readonly string[], none: string) => (values.length ? values.join(', ') : none);

/** How a listing was narrowed, sorted and which of its columns were exported. */
export interface ListingDescription {
  conditions: readonly ColumnCondition[];
  sort: EventColumn;
  order: 'asc' | 'desc';
  columns: readonly ExportColumn[];
}

/**
 * Every filter in force, one per row, each said even when it is left open ("All"), so that a
 * reader of the file knows exactly what it shows: the cover of a PDF, the Filters sheet of a
 * workbook. `scope` names the account a limited user is bound to.
 */
export function filterRows(f: ReportFilters, options: { listing?: ListingDescription; bucket?: string; scope?: string | null } = {}): Array<[string, string]> {
  const heading = (key: string) => EVENT_EXPORT_COLUMNS.find((c) => c.key === key)?.label ?? key;
  const rows: Array<[string, string]> = [
    ['Time range', `${minute(f.from)} to ${minute(f.to)}`],
    ['Time zone', 'UTC: every time in this export is in UTC'],
    ['Accounts', options.scope ? `${options.scope} (this user sees only this account)` : listOr(f.accounts, 'All')],
    ['Instances', listOr(f.instances, 'All')],
    ['Features', listOr(f.features, 'All')],
    ['License model', f.model ? `${f.model.charAt(0).toUpperCase()}${f.model.slice(1)}` : 'All'],
    ['Event kinds', listOr(f.kinds, 'All')],
    ['Denial codes', listOr(f.codes.map(denialReason), 'All')],
    ['Search', f.search ?? 'None'],
    ['True denials only', f.trueDenials ? `Yes: a denial followed by a grant within ${f.toleranceSeconds / 60} minutes is not counted` : 'No: every denial counts'],
  ];
  if (options.bucket) rows.push(['Time grouping', `Per ${options.bucket}`]);
  const listing = options.listing;
  if (listing) {
    rows.push(['Conditions', listOr(listing.conditions.map((c) => `${heading(c.column)} ${OPS[c.op]} ${c.value}`), 'None')]);
    rows.push(['Sort', `${heading(listing.sort)}, ${listing.order === 'asc' ? 'ascending' : 'descending'}`]);
    rows.push(['Columns', listing.columns.map((c) => c.label).join(', ')]);
  }
  return rows;
}


