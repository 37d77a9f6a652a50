import type { WIDGETS, WidgetName } from '../../../src/reports/report-widgets.js';
import type { ReportFilterState } from './filters.js';
import { FILTER_LABELS, filterInForce } from './filters.js';

/**
 * The filters each widget does not apply, as the API declares them (`ignores` of its widgets):
 * the type makes this copy the same as that declaration, so the two cannot drift apart.
 */
const IGNORES: { [N in WidgetName]: (typeof WIDGETS)[N]['ignores'] } = {
  'denials-distribution': ['kinds'],
  'denials-by-account': ['kinds'],
  events: [],
  sessions: ['kinds', 'codes', 'true'],
  'denials-summary': ['kinds'],
  'concurrent-usage': ['kinds', 'codes', 'true'],
  'metered-usage': ['kinds', 'codes', 'true'],
  'active-accounts': [],
  'active-instances': [],
  'unique-clients': ['codes', 'true'],
  'denials-over-time': ['kinds'],
  'session-hours': ['kinds', 'codes', 'true'],
  'account-utilization': ['model', 'kinds', 'codes', 'search', 'true'],
  'denials-by-feature': ['kinds'],
  'denials-insights': ['kinds'],
};

/** The filters in force that a widget ignores, by their labels: the widget says so. */
export function ignoredFilters(widget: WidgetName, filters: ReportFilterState): string[] {
  return IGNORES[widget].filter((name) => filterInForce(filters, name)).map((name) => FILTER_LABELS[name]);
}
