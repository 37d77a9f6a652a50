import type { EChartsOption } from 'echarts';
import type { ReportFilters } from '../warehouse/filters.js';
import { getActiveAccounts, getActiveInstances, getUniqueClients } from '../warehouse/queries/get-active-clients.js';
import { getConcurrentUsage } from '../warehouse/queries/get-concurrent-usage.js';
import { getDenialsByAccount } from '../warehouse/queries/get-denials-by-account.js';
import { getDenialsDistribution } from '../warehouse/queries/get-denials-distribution.js';
import { getDenialsOverTime } from '../warehouse/queries/get-denials-over-time.js';
import type { EventsOptions } from '../warehouse/queries/get-events.js';
import { getMeteredUsage } from '../warehouse/queries/get-metered-usage.js';
import type { ReportQuery } from '../warehouse/warehouse.js';
import type { ExportColumn } from './csv.js';

/** Runs a report query with the export's filters. */
export type RunReport = <O, R>(query: ReportQuery<O, R>, options: O) => Promise<R>;

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

export const EVENT_EXPORT_COLUMNS: ExportColumn[] = [
  { key: 'ts', label: 'Time (UTC)' },
  { key: 'accountId', label: 'Account' },
  { key: 'instanceId', label: 'Instance' },
  { key: 'feature', label: 'Feature' },
  { key: 'version', label: 'Version' },
  { key: 'kind', label: 'Kind' },
  { key: 'count', label: 'Count' },
  { key: 'deviceId', label: 'Device' },
  { key: 'deviceIdType', label: 'Device ID type' },
  { key: 'alias', label: 'Alias' },
  { key: 'user', label: 'User' },
  { key: 'pool', label: 'Pool' },
  { key: 'inUseAfter', label: 'In use after' },
  { key: 'capacity', label: 'Capacity' },
  { key: 'usagePercentage', label: 'Usage percentage' },
  { key: 'statusCode', label: 'Denial code' },
  { key: 'denialName', label: 'Denial' },
  { key: 'denialDescription', label: 'Denial description' },
  { key: 'source', label: 'Source' },
];
/** The key columns of `EVENT_EXPORT_COLUMNS`, which the CSV names as the API does. */
export const EVENT_CSV_COLUMNS: ExportColumn[] = EVENT_EXPORT_COLUMNS.map((c) => ({ key: c.key, label: c.key }));

const DENIAL_SUMMARY_COLUMNS: ExportColumn[] = ['ts', 'accountId', 'user', 'deviceId', 'alias', 'feature', 'version', 'statusCode', 'denialName', 'denialDescription'].map(
  (key) => EVENT_EXPORT_COLUMNS.find((c) => c.key === key)!,
);

const bar = (names: string[], values: number[], name: string, horizontal = true): EChartsOption => ({
  grid: { left: 10, right: 40, top: 10, bottom: 10, containLabel: true },
  [horizontal ? 'yAxis' : 'xAxis']: { type: 'category', data: names, inverse: horizontal },
  [horizontal ? 'xAxis' : 'yAxis']: { type: 'value' },
  series: [{ type: 'bar', name, data: values, label: { show: true, position: horizontal ? 'right' : 'top' }, itemStyle: { color: '#1f5fa8' } }],
});

/** Per time bucket, the sum over features of each measure. */
function sumByBucket<T extends { bucketStart: string }>(rows: T[], measures: Array<keyof T & string>): Array<Record<string, unknown>> {
  const buckets = new Map<string, Record<string, number | string>>();
  for (const row of rows) {
    const b = buckets.get(row.bucketStart) ?? { bucketStart: row.bucketStart, ...Object.fromEntries(measures.map((m) => [m, 0])) };
    for (const m of measures) b[m] = (b[m] as number) + Number(row[m] ?? 0);
    buckets.set(row.bucketStart, b);
  }
  return [...buckets.values()].sort((a, b) => String(a.bucketStart).localeCompare(String(b.bucketStart)));
}

const lines = (rows: Array<Record<string, unknown>>, series: Array<[key: string, name: string]>): EChartsOption => ({
  legend: { top: 0 },
  grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
  xAxis: { type: 'category', data: rows.map((r) => String(r.bucketStart).slice(0, 16).replace('T', ' ')) },
  yAxis: { type: 'value' },
  // A line through one point draws nothing: a lone period is shown as its point.
  series: series.map(([key, name]) => ({ type: 'line', name, showSymbol: rows.length === 1, data: rows.map((r) => (r[key] === null ? null : Number(r[key]))) })),
});

/** A widget of the report as a table with its chart: what the exports are made of. */
interface WidgetTable {
  columns: ExportColumn[];
  load(run: RunReport, filters: ReportFilters): Promise<Omit<ReportSection, 'columns'>>;
}

const RANKING: ExportColumn[] = [{ key: 'id', label: 'ID' }, { key: 'usage', label: 'Usage' }, { key: 'checkouts', label: 'Checkouts' }, { key: 'clients', label: 'Clients' }, { key: 'denials', label: 'Denials' }];

/** Every widget that exports as a table (`<widget>.csv`), by its API name. */
export const WIDGET_TABLES = {
  'concurrent-usage': {
    columns: [{ key: 'bucketStart', label: 'Period start (UTC)' }, { key: 'feature', label: 'Feature' }, { key: 'inUse', label: 'In use at end' }, { key: 'peak', label: 'Peak' }, { key: 'capacity', label: 'Capacity' }, { key: 'overdraft', label: 'Overdraft' }],
    async load(run) {
      const usage = await run(getConcurrentUsage, {});
      // Counted features against their capacity; uncounted ones (no capacity) on a line of their own.
      const counted = sumByBucket(usage.rows.filter((r) => r.capacity !== null), ['inUse', 'peak', 'capacity', 'overdraft']);
      const uncounted = new Map(sumByBucket(usage.rows.filter((r) => r.capacity === null), ['inUse']).map((r) => [r.bucketStart, r.inUse]));
      const buckets = [...new Set(usage.rows.map((r) => r.bucketStart))].sort();
      const byBucket = new Map(counted.map((r) => [r.bucketStart, r]));
      const totals = buckets.map((b) => ({ bucketStart: b, inUse: 0, peak: 0, capacity: 0, overdraft: 0, ...byBucket.get(b), uncounted: uncounted.get(b) ?? 0 }));
      const series: Array<[string, string]> = [['inUse', 'In use'], ['peak', 'Peak'], ['capacity', 'Capacity']];
      if (totals.some((t) => t.overdraft > 0)) series.push(['overdraft', 'Overdraft']);
      if (uncounted.size > 0) series.push(['uncounted', 'Uncounted in use']);
      return { title: `Concurrent usage per ${usage.bucket}`, rows: usage.rows, chart: lines(totals, series) };
    },
  },
  'metered-usage': {
    columns: [{ key: 'bucketStart', label: 'Period start (UTC)' }, { key: 'feature', label: 'Feature' }, { key: 'consumed', label: 'Consumed' }, { key: 'cap', label: 'Cap' }, { key: 'inUseAfter', label: 'In use at end' }, { key: 'overage', label: 'Overage' }],
    async load(run) {
      const usage = await run(getMeteredUsage, {});
      const totals = sumByBucket(usage.rows, ['consumed', 'overage']);
      // Units of different metered features do not add up to one cap: a cap line only for one feature.
      const single = new Set(usage.rows.map((r) => r.feature)).size === 1;
      const caps = new Map(usage.rows.map((r) => [r.bucketStart, r.cap]));
      const series: Array<[string, string]> = [['consumed', 'Consumed'], ['overage', 'Overage']];
      if (single) series.splice(1, 0, ['cap', 'Cap']);
      return { title: `Metered usage per ${usage.bucket}`, rows: usage.rows, chart: lines(single ? totals.map((t) => ({ ...t, cap: caps.get(String(t.bucketStart)) ?? null })) : totals, series) };
    },
  },
  'active-accounts': {
    columns: RANKING,
    async load(run) {
      const r = await run(getActiveAccounts, { limit: 10 });
      return { title: 'Most active account identifiers', rows: r.rows, chart: bar(r.rows.map((x) => x.id ?? '(none)'), r.rows.map((x) => x.usage), 'Usage') };
    },
  },
  'active-instances': {
    columns: RANKING,
    async load(run) {
      const r = await run(getActiveInstances, { limit: 10 });
      return { title: 'Most active cloud server instances', rows: r.rows, chart: bar(r.rows.map((x) => x.id ?? '(none)'), r.rows.map((x) => x.usage), 'Usage') };
    },
  },
  'unique-clients': {
    columns: [{ key: 'feature', label: 'Feature' }, { key: 'devices', label: 'Devices' }, { key: 'users', label: 'Users' }, { key: 'capacity', label: 'Licenses' }, { key: 'clientsPerLicense', label: 'Clients per license' }],
    async load(run) {
      const r = await run(getUniqueClients, {});
      return { title: 'Unique served clients per feature', rows: r.rows, chart: bar(r.rows.map((x) => x.feature), r.rows.map((x) => x.devices), 'Devices', false) };
    },
  },
  'denials-distribution': {
    columns: [{ key: 'code', label: 'Code' }, { key: 'name', label: 'Name' }, { key: 'description', label: 'Description' }, { key: 'count', label: 'Denials' }, { key: 'percentage', label: 'Percentage' }],
    async load(run) {
      const d = await run(getDenialsDistribution, {});
      return {
        title: `Denials distribution (${d.total} denials)`,
        rows: d.rows,
        chart: { legend: { bottom: 0 }, series: [{ type: 'pie', radius: ['30%', '60%'], center: ['50%', '45%'], data: d.rows.map((r) => ({ name: `${r.code} ${r.name}`, value: r.count })), label: { formatter: '{b}: {d}%' } }] },
      };
    },
  },
  'denials-by-account': {
    columns: [{ key: 'accountId', label: 'Account' }, { key: 'count', label: 'Denials' }, { key: 'percentage', label: 'Percentage' }],
    async load(run) {
      const r = await run(getDenialsByAccount, { limit: 20 });
      return { title: 'Denials by account', rows: r.rows, chart: bar(r.rows.map((x) => x.accountId ?? '(none)'), r.rows.map((x) => x.count), 'Denials') };
    },
  },
  'denials-over-time': {
    columns: [{ key: 'bucketStart', label: 'Period start (UTC)' }, { key: 'code', label: 'Code' }, { key: 'count', label: 'Denials' }],
    async load(run) {
      const r = await run(getDenialsOverTime, {});
      return { title: `Denials per ${r.bucket}`, rows: r.rows, chart: lines(sumByBucket(r.rows, ['count']), [['count', 'Denials']]) };
    },
  },
} satisfies Record<string, WidgetTable>;

export type WidgetTableName = keyof typeof WIDGET_TABLES;

/** One widget as a section. */
export async function widgetSection(name: WidgetTableName, run: RunReport, filters: ReportFilters): Promise<ReportSection> {
  const widget: WidgetTable = WIDGET_TABLES[name];
  return { ...(await widget.load(run, filters)), columns: widget.columns };
}

/** The widgets of each page, in the order they are shown; the overview's usage follows the model. */
function pageWidgets(page: ReportPage, filters: ReportFilters): WidgetTableName[] {
  if (page === 'overview') return [filters.model === 'metered' ? 'metered-usage' : 'concurrent-usage', 'active-accounts', 'active-instances', 'unique-clients', 'denials-distribution'];
  if (page === 'denials') return ['denials-distribution', 'denials-by-account', 'denials-over-time'];
  return [];
}

/** The sections of a page, for an XLSX or PDF export; the listing a page ends with comes apart. */
export async function pageSections(page: ReportPage, run: RunReport, filters: ReportFilters): Promise<ReportSection[]> {
  return Promise.all(pageWidgets(page, filters).map((name) => widgetSection(name, run, filters)));
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
