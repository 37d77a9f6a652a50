import type { EChartsOption } from 'echarts';
import { z } from 'zod';
import { denialReason } from '../licensing/denials.js';
import type { FilterName, ReportFilters } from '../warehouse/filters.js';
import { activeRankingSchema, getActiveAccounts, getActiveInstances, getUniqueClients, uniqueClientsSchema } from '../warehouse/queries/get-active-clients.js';
import { concurrentUsageSchema, getConcurrentUsage } from '../warehouse/queries/get-concurrent-usage.js';
import { denialsByAccountSchema, getDenialsByAccount } from '../warehouse/queries/get-denials-by-account.js';
import { denialsDistributionSchema, getDenialsDistribution } from '../warehouse/queries/get-denials-distribution.js';
import { denialsOverTimeSchema, getDenialsOverTime } from '../warehouse/queries/get-denials-over-time.js';
import type { EventsOptions } from '../warehouse/queries/get-events.js';
import { SORTABLE_COLUMNS, eventsPageSchema, getEvents, onlyDenials, parseConditions } from '../warehouse/queries/get-events.js';
import { getMeteredUsage, meteredUsageSchema } from '../warehouse/queries/get-metered-usage.js';
import { SESSION_SORTS, getSessionHours, getSessions, sessionHoursSchema, sessionsSchema } from '../warehouse/queries/get-sessions.js';
import { accountUtilizationSchema, getAccountUtilization } from '../warehouse/queries/get-account-utilization.js';
import { denialsByFeatureSchema, getDenialsByFeature } from '../warehouse/queries/get-denials-by-feature.js';
import { denialsInsightsSchema, getDenialsInsights } from '../warehouse/queries/get-denials-insights.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { denialColor } from './denial-palette.js';

const wholeNumber = z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more');
const upTo1000 = wholeNumber.max(1000, 'must be at most 1000');
const limitQuery = z.object({ limit: upTo1000.default(10) });
const pagingQuery = z.object({ page: wholeNumber.default(1), pageSize: upTo1000.default(50) });
/** How a listing of events is sorted and narrowed: in the API and its exports alike. */
export const listingQuery = z.object({
  sort: z.enum(SORTABLE_COLUMNS, { error: `must be one of ${SORTABLE_COLUMNS.join(', ')}` }).default('ts'),
  order: z.enum(['asc', 'desc']).default('desc'),
  where: z.string().max(2000).optional().describe('column conditions, e.g. usagePercentage>=80,kind=deny'),
});
const eventsQuery = pagingQuery.extend(listingQuery.shape);
const sessionsQuery = pagingQuery.extend({
  sort: z.enum(SESSION_SORTS, { error: `must be one of ${SESSION_SORTS.join(', ')}` }).default('start'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

type RowOf<A> = A extends { rows: Array<infer R> } ? R : never;

/** One widget of the Usage and Denials report: its route, its answer, and how it exports. */
export interface Widget<A extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, I extends readonly FilterName[] = readonly FilterName[]> {
  summary: string;
  /** The report filters this widget does not apply (its query leaves them out), shown on the widget. */
  ignores: I;
  /** Query parameters beyond the report's filters. */
  query?: Q;
  answer: A;
  run(warehouse: Pick<Warehouse, 'report'>, filters: ReportFilters, query: z.output<Q>): Promise<z.output<A>>;
  /** The widget as an exported table (`<widget>.csv`, and a section of a page) with its chart. */
  table?: {
    /** Columns of its rows and their labels, in the order exported. */
    columns: { [K in keyof RowOf<z.output<A>>]?: string };
    /** Query parameters of the export, when not the API's defaults. */
    query?: z.input<Q>;
    chart(answer: z.output<A>): { title: string; chart: EChartsOption };
  };
}
const widget = <A extends z.ZodType, const I extends readonly FilterName[], Q extends z.ZodType = z.ZodObject>(w: Widget<A, Q, I>): Widget<A, Q, I> => w;

/** The filters and options of a listing, narrowed to denials for the denials summary. */
export function scopeListing(filters: ReportFilters, options: EventsOptions, denialsOnly: boolean): [ReportFilters, EventsOptions] {
  const scoped = { ...filters };
  const conditions = [...options.conditions];
  if (denialsOnly) onlyDenials(scoped, conditions);
  return [scoped, { ...options, conditions }];
}

const listing = <const I extends readonly FilterName[]>(summary: string, denialsOnly: boolean, ignores: I) =>
  widget({
    summary,
    ignores,
    query: eventsQuery,
    answer: eventsPageSchema,
    run: (warehouse, filters, q) => warehouse.report(getEvents, ...scopeListing(filters, { page: q.page, pageSize: q.pageSize, sort: q.sort, order: q.order, conditions: parseConditions(q.where) }, denialsOnly)),
  });

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

const ranking = (summary: string, title: string, query: typeof getActiveAccounts) =>
  widget({
    summary,
    ignores: [],
    query: limitQuery,
    answer: activeRankingSchema,
    run: (warehouse, filters, q) => warehouse.report(query, filters, { limit: q.limit }),
    table: {
      columns: { name: 'Name', id: 'ID', usage: 'Usage', checkouts: 'Checkouts', clients: 'Clients', denials: 'Denials' },
      chart: (r) => ({ title, chart: bar(r.rows.map((x) => x.name ?? x.id ?? '(none)'), r.rows.map((x) => x.usage), 'Usage') }),
    },
  });

/** The widgets of the Usage and Denials report, by their path under the report's API. */
export const WIDGETS = {
  'denials-distribution': widget({
    summary: 'Denials by status code: code, name, description, count and percentage of all denials',
    ignores: ['kinds'],
    answer: denialsDistributionSchema,
    run: (warehouse, filters) => warehouse.report(getDenialsDistribution, filters, {}),
    table: {
      columns: { label: 'Reason', code: 'Code', name: 'Name', description: 'Description', count: 'Denials', percentage: 'Percentage' },
      chart: (d) => ({
        title: `Denials distribution (${d.total} denials)`,
        chart: {
          // Every code in the legend, wrapping onto more lines: a printed page cannot page a legend.
          legend: { type: 'plain', bottom: 0 },
          series: [{ type: 'pie', radius: ['30%', '60%'], center: ['50%', '42%'], data: d.rows.map((r) => ({ name: r.label, value: r.count, itemStyle: { color: denialColor(r.code) } })), label: { formatter: '{d}%' } }],
        },
      }),
    },
  }),
  'denials-by-account': widget({
    summary: 'Denials per account, most first',
    ignores: ['kinds'],
    query: limitQuery,
    answer: denialsByAccountSchema,
    run: (warehouse, filters, q) => warehouse.report(getDenialsByAccount, filters, { limit: q.limit }),
    table: {
      columns: { accountName: 'Account', accountId: 'Account ID', count: 'Denials', percentage: 'Percentage' },
      query: { limit: 20 },
      chart: (r) => ({ title: 'Denials by account', chart: bar(r.rows.map((x) => x.accountName ?? x.accountId ?? '(none)'), r.rows.map((x) => x.count), 'Denials') }),
    },
  }),
  events: listing('All events: paged, sortable by any column, narrowed by column conditions such as usagePercentage>=80', false, []),
  sessions: widget({
    summary: 'Checkout sessions: how long each device held each concurrent feature, with totals; paged and sorted',
    ignores: ['kinds', 'codes', 'true'],
    query: sessionsQuery,
    answer: sessionsSchema,
    run: (warehouse, filters, q) => warehouse.report(getSessions, filters, { page: q.page, pageSize: q.pageSize, sort: q.sort, order: q.order }),
    table: {
      columns: { start: 'Start (UTC)', end: 'End (UTC)', minutes: 'Minutes', accountName: 'Account', accountId: 'Account ID', instanceName: 'Instance', instanceId: 'Instance ID', feature: 'Feature', deviceId: 'Device', user: 'User', peakCount: 'Most counts held', endedBy: 'Ended by' },
      // A table export holds the newest thousand sessions, the most a page of the API holds.
      query: { pageSize: 1000 },
      chart(r) {
        const hours = new Map<string, number>();
        for (const row of r.rows) hours.set(row.feature, (hours.get(row.feature) ?? 0) + row.minutes / 60);
        const ranked = [...hours].sort((a, b) => b[1] - a[1]);
        return { title: `Checkout sessions (${r.total}, ${r.totalHours} hours)`, chart: bar(ranked.map(([f]) => f), ranked.map(([, h]) => Math.round(h * 100) / 100), 'Hours') };
      },
    },
  }),
  'session-hours': widget({
    summary: 'Hours of checkout sessions within the range per account and feature, most first',
    ignores: ['kinds', 'codes', 'true'],
    answer: sessionHoursSchema,
    run: (warehouse, filters) => warehouse.report(getSessionHours, filters, {}),
    table: {
      columns: { accountName: 'Account', accountId: 'Account ID', feature: 'Feature', hours: 'Hours', sessions: 'Sessions' },
      chart: (r) => ({ title: `Hours used (${r.totalHours})`, chart: bar(r.rows.map((x) => `${x.accountName ?? x.accountId ?? '(none)'} · ${x.feature}`), r.rows.map((x) => x.hours), 'Hours') }),
    },
  }),
  'account-utilization': widget({
    summary: 'Accounts ranked by the peak and the time-weighted average utilization of their concurrent licenses, with the feature at peak and denials',
    // The utilization is of concurrent licenses by time, account, instance and feature; the denials column follows every filter.
    ignores: ['model', 'kinds', 'codes', 'search', 'true'],
    query: z.object({ limit: upTo1000.default(100) }),
    answer: accountUtilizationSchema,
    run: (warehouse, filters, q) => warehouse.report(getAccountUtilization, filters, { limit: q.limit }),
    table: {
      columns: { accountName: 'Account', accountId: 'Account ID', peakPercentage: 'Peak utilization (%)', peakFeature: 'Feature at peak', peakAt: 'Peak at (UTC)', averagePercentage: 'Average utilization (%)', capacity: 'Licenses', denials: 'Denials' },
      chart: (r) => ({ title: `Peak utilization per account (${r.threshold} % and more is high)`, chart: bar(r.rows.map((x) => x.accountName ?? x.accountId ?? '(none)'), r.rows.map((x) => x.peakPercentage), 'Peak %') }),
    },
  }),
  'denials-by-feature': widget({
    summary: 'Denials per feature, most first',
    ignores: ['kinds'],
    query: limitQuery,
    answer: denialsByFeatureSchema,
    run: (warehouse, filters, q) => warehouse.report(getDenialsByFeature, filters, { limit: q.limit }),
    table: {
      columns: { feature: 'Feature', count: 'Denials', percentage: 'Percentage' },
      query: { limit: 20 },
      chart: (r) => ({ title: 'Denials by feature', chart: bar(r.rows.map((x) => x.feature), r.rows.map((x) => x.count), 'Denials') }),
    },
  }),
  'denials-insights': widget({
    summary: 'Each denial reason with its count, denial rate, meaning and suggested action, and the accounts that would buy more',
    ignores: ['kinds'],
    answer: denialsInsightsSchema,
    run: (warehouse, filters) => warehouse.report(getDenialsInsights, filters, {}),
    table: {
      columns: { label: 'Reason', code: 'Code', count: 'Denials', denialRate: 'Denial rate (%)', meaning: 'What it means', action: 'What to do' },
      chart: (r) => ({ title: `Denial reasons (${r.denials} denials, ${r.checkouts} checkouts)`, chart: bar(r.rows.map((x) => x.label), r.rows.map((x) => x.denialRate), 'Denial rate %') }),
    },
  }),
  'denials-summary': listing('Denials one by one: client, user, feature, time and reason', true, ['kinds']),
  'concurrent-usage': widget({
    summary: 'Concurrent usage over time per feature: in use at the end of each bucket, capacity (null when uncounted), peak, overdraft past capacity',
    ignores: ['kinds', 'codes', 'true'],
    answer: concurrentUsageSchema,
    run: (warehouse, filters) => warehouse.report(getConcurrentUsage, filters, {}),
    table: {
      columns: { bucketStart: 'Period start (UTC)', feature: 'Feature', inUse: 'In use at end', peak: 'Peak', capacity: 'Capacity', overdraft: 'Overdraft' },
      chart(usage) {
        // Counted features against their capacity; uncounted ones (no capacity) on a line of their own.
        const counted = sumByBucket(usage.rows.filter((r) => r.capacity !== null), ['inUse', 'peak', 'capacity', 'overdraft']);
        const uncounted = new Map(sumByBucket(usage.rows.filter((r) => r.capacity === null), ['inUse']).map((r) => [r.bucketStart, r.inUse]));
        const buckets = [...new Set(usage.rows.map((r) => r.bucketStart))].sort();
        const byBucket = new Map(counted.map((r) => [r.bucketStart, r]));
        const totals = buckets.map((b) => ({ bucketStart: b, inUse: 0, peak: 0, capacity: 0, overdraft: 0, ...byBucket.get(b), uncounted: uncounted.get(b) ?? 0 }));
        const series: Array<[string, string]> = [['inUse', 'In use'], ['peak', 'Peak'], ['capacity', 'Capacity']];
        if (totals.some((t) => t.overdraft > 0)) series.push(['overdraft', 'Overdraft']);
        if (uncounted.size > 0) series.push(['uncounted', 'Uncounted in use']);
        return { title: `Concurrent usage per ${usage.bucket}`, chart: lines(totals, series) };
      },
    },
  }),
  'metered-usage': widget({
    summary: 'Metered usage over time per feature: consumed, cap, in use and overage',
    ignores: ['kinds', 'codes', 'true'],
    answer: meteredUsageSchema,
    run: (warehouse, filters) => warehouse.report(getMeteredUsage, filters, {}),
    table: {
      columns: { bucketStart: 'Period start (UTC)', feature: 'Feature', consumed: 'Consumed', cap: 'Cap', inUseAfter: 'In use at end', overage: 'Overage' },
      chart(usage) {
        const totals = sumByBucket(usage.rows, ['consumed', 'overage']);
        // Units of different metered features do not add up to one cap: a cap line only for one feature.
        const single = new Set(usage.rows.map((r) => r.feature)).size === 1;
        const caps = new Map(usage.rows.map((r) => [r.bucketStart, r.cap]));
        const series: Array<[string, string]> = [['consumed', 'Consumed'], ['overage', 'Overage']];
        if (single) series.splice(1, 0, ['cap', 'Cap']);
        return { title: `Metered usage per ${usage.bucket}`, chart: lines(single ? totals.map((t) => ({ ...t, cap: caps.get(String(t.bucketStart)) ?? null })) : totals, series) };
      },
    },
  }),
  'active-accounts': ranking('Accounts ranked by counts checked out or consumed', 'Most active account identifiers', getActiveAccounts),
  'active-instances': ranking('License server instances ranked by counts checked out or consumed', 'Most active cloud server instances', getActiveInstances),
  'unique-clients': widget({
    summary: 'Distinct devices and users served per feature, and clients per license count',
    ignores: ['codes', 'true'],
    answer: uniqueClientsSchema,
    run: (warehouse, filters) => warehouse.report(getUniqueClients, filters, {}),
    table: {
      columns: { feature: 'Feature', devices: 'Devices', users: 'Users', capacity: 'Licenses', clientsPerLicense: 'Clients per license' },
      chart: (r) => ({ title: 'Unique served clients per feature', chart: bar(r.rows.map((x) => x.feature), r.rows.map((x) => x.devices), 'Devices', false) }),
    },
  }),
  'denials-over-time': widget({
    summary: 'Denials per time bucket (chosen, or sized to the range) and status code',
    ignores: ['kinds'],
    answer: denialsOverTimeSchema,
    run: (warehouse, filters) => warehouse.report(getDenialsOverTime, filters, {}),
    table: {
      columns: { bucketStart: 'Period start (UTC)', code: 'Code', count: 'Denials' },
      chart(r) {
        // Stacked by code in each code's colour, as on screen.
        const buckets = [...new Set(r.rows.map((x) => x.bucketStart))].sort();
        const codes = [...new Set(r.rows.map((x) => x.code))].sort((a, b) => a - b);
        const count = new Map(r.rows.map((x) => [`${x.bucketStart} ${x.code}`, x.count]));
        return {
          title: `Denials per ${r.bucket}`,
          chart: {
            legend: { type: 'plain', top: 0 },
            grid: { left: 10, right: 20, top: 30 + 20 * Math.floor(codes.length / 4), bottom: 10, containLabel: true },
            xAxis: { type: 'category', data: buckets.map((b) => b.slice(0, 16).replace('T', ' ')) },
            yAxis: { type: 'value' },
            series: codes.map((code) => ({ type: 'bar', stack: 'denials', name: denialReason(code), itemStyle: { color: denialColor(code) }, data: buckets.map((b) => count.get(`${b} ${code}`) ?? 0) })),
          },
        };
      },
    },
  }),
};

export type WidgetName = keyof typeof WIDGETS;
/** What a widget's route answers. */
export type WidgetAnswer<N extends WidgetName> = z.output<(typeof WIDGETS)[N]['answer']>;
/** The widgets that export as a table, by name. */
export const TABLE_WIDGETS = (Object.keys(WIDGETS) as WidgetName[]).filter((name) => (WIDGETS[name] as Widget).table);
