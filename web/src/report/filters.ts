import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { LicenseModel } from '../../../src/licensing/feature-record.js';
import type { UsageEventKind } from '../../../src/licensing/usage-event.js';

export type { LicenseModel };
import type { FilterName, Grouping, ReportQueryParams } from '../../../src/warehouse/filters.js';
import { groupingFits } from './grouping.js';
import { reportNow, useReportNow } from './refresh.js';

export type { FilterName, Grouping };

/** Time range presets: URL value, label, length in ms. */
export const RANGE_PRESETS = [
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
  { value: '12m', label: 'Last 12 months', ms: 365 * 86_400_000 },
] as const;
export const DEFAULT_RANGE = '30d';

/** Time groupings of charts over time, offered on each: automatic fits the range. */
export const GROUPINGS: ReadonlyArray<{ value: Grouping; label: string }> = [
  { value: 'auto', label: 'Automatic' },
  { value: 'hour', label: 'Hour' },
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
];

/** Every event kind, offered as a filter: a kind the domain adds does not compile until it is here. */
export const EVENT_KINDS = Object.keys({ checkout: 0, return: 0, expire: 0, consume: 0, deny: 0 } satisfies Record<UsageEventKind, 0>);


/** Everything that narrows the report; it lives in the URL, so every view can be shared. */
export interface ReportFilterState {
  /** A preset value, or `custom` with from/to. */
  range: string;
  from: string | null;
  to: string | null;
  accounts: string[];
  instances: string[];
  features: string[];
  /** Null: every model (the overview's usage widgets then show concurrent). */
  model: LicenseModel | null;
  kinds: string[];
  codes: string[];
  search: string;
  trueDenials: boolean;
  /** The time grouping of charts over time. */
  bucket: Grouping;
}

/** What each filter is called on screen, as the chips and the widgets that ignore one name it. */
export const FILTER_LABELS: Record<FilterName, string> = {
  accounts: 'Accounts',
  instances: 'Instances',
  features: 'Features',
  model: 'License model',
  kinds: 'Event kinds',
  codes: 'Denial codes',
  search: 'Search',
  true: 'True denials only',
};

/** Whether a filter narrows anything now. */
export function filterInForce(f: ReportFilterState, name: FilterName): boolean {
  if (name === 'true') return f.trueDenials;
  if (name === 'model') return f.model !== null;
  if (name === 'search') return f.search !== '';
  return f[name].length > 0;
}

/** The list filters, which drill-downs add to and chips remove from. */
export type ListFilter = 'accounts' | 'instances' | 'features' | 'kinds' | 'codes';
export const LIST_FILTERS: ReadonlyArray<{ key: ListFilter; label: string }> = [
  { key: 'accounts', label: 'Account' },
  { key: 'instances', label: 'Instance' },
  { key: 'features', label: 'Feature' },
  { key: 'kinds', label: 'Event kind' },
  { key: 'codes', label: 'Denial code' },
];

const listOf = (params: URLSearchParams, key: string) => (params.get(key) ?? '').split(',').filter(Boolean);

export function readFilters(params: URLSearchParams): ReportFilterState {
  const model = params.get('model');
  const range = params.get('range') ?? (params.get('from') ? 'custom' : DEFAULT_RANGE);
  return {
    range,
    from: params.get('from'),
    to: params.get('to'),
    accounts: listOf(params, 'accounts'),
    instances: listOf(params, 'instances'),
    features: listOf(params, 'features'),
    model: model === 'concurrent' || model === 'metered' ? model : null,
    kinds: listOf(params, 'kinds'),
    codes: listOf(params, 'codes'),
    search: params.get('search') ?? '',
    trueDenials: params.get('true') === '1',
    bucket: GROUPINGS.find((g) => g.value === params.get('bucket'))?.value ?? 'auto',
  };
}

/** Writes filters into URL parameters, leaving out defaults so links stay short. */
export function writeFilters(f: ReportFilterState, params = new URLSearchParams()): URLSearchParams {
  const set = (key: string, value: string | null) => (value ? params.set(key, value) : params.delete(key));
  set('range', f.range === DEFAULT_RANGE ? null : f.range);
  set('from', f.range === 'custom' ? f.from : null);
  set('to', f.range === 'custom' ? f.to : null);
  for (const { key } of LIST_FILTERS) set(key, f[key].join(','));
  set('model', f.model);
  set('search', f.search || null);
  set('true', f.trueDenials ? '1' : null);
  set('bucket', f.bucket === 'auto' ? null : f.bucket);
  return params;
}

/**
 * The time range in force, up to the report's last refresh (not the moment of rendering, so that
 * every widget asks about the same range), rounded to the minute.
 */
export function timeRange(f: ReportFilterState, now = reportNow()): { from: string; to: string } {
  if (f.range === 'custom' && f.from && f.to) return { from: new Date(f.from).toISOString(), to: new Date(f.to).toISOString() };
  const preset = RANGE_PRESETS.find((p) => p.value === f.range) ?? RANGE_PRESETS.find((p) => p.value === DEFAULT_RANGE)!;
  const to = Math.ceil(now / 60_000) * 60_000;
  return { from: new Date(to - preset.ms).toISOString(), to: new Date(to).toISOString() };
}

/** The API's query parameters for these filters; `model` overrides the filter's own. */
export function apiParams(f: ReportFilterState, options: { model?: LicenseModel | null; now?: number } = {}): URLSearchParams {
  const model = options.model === undefined ? f.model : options.model;
  const range = timeRange(f, options.now);
  const q: { [K in keyof ReportQueryParams]: string | undefined } = {
    ...range,
    accounts: f.accounts.join(',') || undefined,
    instances: f.instances.join(',') || undefined,
    features: f.features.join(',') || undefined,
    model: model ?? undefined,
    kinds: f.kinds.join(',') || undefined,
    codes: f.codes.join(',') || undefined,
    search: f.search || undefined,
    true: f.trueDenials ? '1' : undefined,
    tolerance: undefined,
    // A grouping too fine for a longer range falls back to the automatic one.
    bucket: f.bucket === 'auto' || !groupingFits(f.bucket, range) ? undefined : f.bucket,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) if (value !== undefined) params.set(key, value);
  return params;
}

/** The report's filters from the URL, and changes that push a history entry (Back undoes them). */
export function useReportFilters() {
  const [params, setParams] = useSearchParams();
  // A refresh moves relative ranges on: every user of the filters asks again.
  useReportNow();
  const filters = useMemo(() => readFilters(params), [params]);
  const update = useCallback(
    (change: Partial<ReportFilterState>, options: { replace?: boolean } = {}) => {
      setParams((current) => {
        const next = writeFilters({ ...readFilters(current), ...change }, new URLSearchParams(current));
        // A listing's page (the events' and sessions' `page`, the denials summary's `dpage`) refers to the old rows.
        next.delete('page');
        next.delete('dpage');
        return next;
      }, { replace: options.replace ?? false });
    },
    [setParams],
  );
  /** Drill down: narrow a list filter to one value. */
  const drill = useCallback((key: ListFilter, value: string) => update({ [key]: [value] }), [update]);
  return { filters, update, drill, params };
}
