import type { ReportPage as ReportPageName } from '../../../src/reports/report-pages.js';
import type { WidgetName } from '../../../src/reports/report-widgets.js';
import type { ReportFilterState } from './filters.js';
import { apiParams } from './filters.js';

export type { ReportPage as ReportPageName } from '../../../src/reports/report-pages.js';

/** Rows per page of the denials summary. */
export const SUMMARY_PAGE_SIZE = 25;

/** The overview's usage widgets follow its model switch: concurrent unless metered is chosen. */
export const overviewModel = (f: ReportFilterState) => f.model ?? 'concurrent';

/** The events listing's request: the filters, then its own page, sort and column conditions from the URL. */
export function eventsRequest(filters: ReportFilterState, url: URLSearchParams): URLSearchParams {
  const params = apiParams(filters);
  for (const key of ['sort', 'order', 'where']) {
    const value = url.get(key);
    if (value) params.set(key, value);
  }
  params.set('page', String(Math.max(1, Number(url.get('page') ?? 1) || 1)));
  params.set('pageSize', String(Number(url.get('size') ?? 50) || 50));
  return params;
}

/** The denials summary's columns that sort, by the API's names. */
export const SUMMARY_SORTS = ['ts', 'accountId', 'user', 'deviceId', 'feature', 'statusCode'] as const;
export type SummarySort = (typeof SUMMARY_SORTS)[number];

/** The denials summary's page and sort in the URL (`dpage`, `dsort`, `dorder`): newest first unless chosen. */
export function summaryState(url: URLSearchParams): { page: number; sort: SummarySort; order: 'asc' | 'desc' } {
  const sort = SUMMARY_SORTS.find((s) => s === url.get('dsort')) ?? 'ts';
  return { page: Math.max(1, Number(url.get('dpage') ?? 1) || 1), sort, order: url.get('dorder') === 'asc' ? 'asc' : 'desc' };
}

/** A page of the denials summary, as the URL has it. */
export function summaryRequest(filters: ReportFilterState, url: URLSearchParams): URLSearchParams {
  const { page, sort, order } = summaryState(url);
  const params = apiParams(filters);
  params.set('page', String(page));
  params.set('pageSize', String(SUMMARY_PAGE_SIZE));
  params.set('sort', sort);
  params.set('order', order);
  return params;
}

/** The sessions listing's request: the filters, then its page, size and sort from the URL. */
export function sessionsRequest(filters: ReportFilterState, url: URLSearchParams): URLSearchParams {
  const params = apiParams(filters);
  params.set('page', String(Math.max(1, Number(url.get('page') ?? 1) || 1)));
  params.set('pageSize', String(Number(url.get('size') ?? 25) || 25));
  for (const key of ['sort', 'order']) {
    const value = url.get(key);
    if (value) params.set(key, value);
  }
  return params;
}

/** Every widget request a page makes when it opens. */
export function pageRequests(page: ReportPageName, filters: ReportFilterState, url: URLSearchParams): Array<[WidgetName, URLSearchParams]> {
  if (page === 'events') return [['events', eventsRequest(filters, url)]];
  const all = apiParams(filters);
  if (page === 'denials') return [['denials-insights', all], ['denials-distribution', all], ['denials-by-account', all], ['denials-by-feature', all], ['denials-over-time', all], ['denials-summary', summaryRequest(filters, url)]];
  if (page === 'sessions') return [['session-hours', all], ['sessions', sessionsRequest(filters, url)]];
  if (page === 'utilization') return [['account-utilization', all]];
  const model = overviewModel(filters);
  const usage = apiParams(filters, { model });
  return [[`${model}-usage`, usage], ['active-accounts', usage], ['active-instances', usage], ['unique-clients', usage], ['denials-distribution', usage]];
}
