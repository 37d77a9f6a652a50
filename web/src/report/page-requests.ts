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

/** A page of the denials summary. */
export function summaryRequest(filters: ReportFilterState, page: number): URLSearchParams {
  const params = apiParams(filters);
  params.set('page', String(page + 1));
  params.set('pageSize', String(SUMMARY_PAGE_SIZE));
  return params;
}

/** Every widget request a page makes when it opens. */
export function pageRequests(page: ReportPageName, filters: ReportFilterState, url: URLSearchParams): Array<[WidgetName, URLSearchParams]> {
  if (page === 'events') return [['events', eventsRequest(filters, url)]];
  const all = apiParams(filters);
  if (page === 'denials') return [['denials-distribution', all], ['denials-by-account', all], ['denials-over-time', all], ['denials-summary', summaryRequest(filters, 0)]];
  const model = overviewModel(filters);
  const usage = apiParams(filters, { model });
  return [[`${model}-usage`, usage], ['active-accounts', usage], ['active-instances', usage], ['unique-clients', usage], ['denials-distribution', usage]];
}
