import type { Bucket } from '../../../../src/warehouse/filters.js';
import { escapeHtml } from '../../charts/escape-html.js';
import type { ConcurrentUsage } from '../../../../src/warehouse/queries/get-concurrent-usage.js';
import type { MeteredUsage } from '../../../../src/warehouse/queries/get-metered-usage.js';

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

/** Rows grouped by bucket start, in time order. */
function byBucket<R extends { bucketStart: string }>(rows: readonly R[]): Array<[string, R[]]> {
  const buckets = new Map<string, R[]>();
  for (const r of rows) {
    const bucket = buckets.get(r.bucketStart);
    if (bucket) bucket.push(r);
    else buckets.set(r.bucketStart, [r]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Each feature's last row: where the range ends. */
function lastOfEach<R extends { feature: string; bucketStart: string }>(rows: readonly R[]): R[] {
  const last = new Map<string, R>();
  for (const r of rows) if ((last.get(r.feature)?.bucketStart ?? '') <= r.bucketStart) last.set(r.feature, r);
  return [...last.values()];
}

const sum = <R>(rows: readonly R[], of: (r: R) => number) => rows.reduce((a, r) => a + of(r), 0);

type ConcurrentRow = ConcurrentUsage['rows'][number];
/** A feature without a capacity (uncounted, or the source did not say) has nothing to be measured against. */
const counted = (r: ConcurrentRow) => r.capacity !== null;

/**
 * Concurrent usage per bucket and the figures where the range ends. In use, peak, capacity and
 * utilization cover counted features only, so that use is always measured against the capacity
 * it draws on; counts served past capacity (overdraft) and uncounted use are given apart.
 */
export function concurrentTotals(data: ConcurrentUsage) {
  const series = byBucket(data.rows).map(([t, rows]) => {
    const c = rows.filter(counted);
    return [t, { inUse: sum(c, (r) => r.inUse), peak: sum(c, (r) => r.peak), capacity: sum(c, (r) => r.capacity ?? 0), overdraft: sum(c, (r) => r.overdraft), uncounted: sum(rows.filter((r) => !counted(r)), (r) => r.inUse) }] as const;
  });
  const end = lastOfEach(data.rows);
  const c = end.filter(counted);
  const capacity = sum(c, (r) => r.capacity ?? 0);
  const overdraft = sum(c, (r) => r.overdraft);
  const inUse = sum(c, (r) => r.inUse);
  return {
    series,
    inUse,
    capacity,
    overdraft,
    uncounted: sum(end.filter((r) => !counted(r)), (r) => r.inUse),
    available: sum(c, (r) => Math.max(0, (r.capacity ?? 0) - (r.inUse - r.overdraft))),
    utilization: percent(inUse - overdraft, capacity),
    peak: Math.max(0, ...series.map(([, b]) => b.peak)),
  };
}

/**
 * Metered consumption per bucket and totals over the range. Units of different features are
 * not comparable, so caps are never added up: the cap is given for a single feature, and the
 * utilization is the highest of each feature's consumption against its own cap.
 */
export function meteredTotals(data: MeteredUsage) {
  const features = new Set(data.rows.map((r) => r.feature)).size;
  const series = byBucket(data.rows).map(([t, rows]) => [t, { consumed: sum(rows, (r) => r.consumed), overage: sum(rows, (r) => r.overage), cap: features === 1 ? rows[0]!.cap : null }] as const);
  const end = lastOfEach(data.rows);
  const consumedBy = new Map<string, number>();
  for (const r of data.rows) consumedBy.set(r.feature, (consumedBy.get(r.feature) ?? 0) + r.consumed);
  let utilization: number | null = null;
  let utilizationFeature: string | null = null;
  for (const r of end) {
    const u = r.cap === null ? null : percent(consumedBy.get(r.feature) ?? 0, r.cap);
    if (u !== null && (utilization === null || u > utilization)) [utilization, utilizationFeature] = [u, r.feature];
  }
  return {
    series,
    features,
    consumed: sum(data.rows, (r) => r.consumed),
    cap: features === 1 ? (end[0]?.cap ?? null) : null,
    overage: sum(data.rows, (r) => r.overage),
    utilization,
    utilizationFeature,
  };
}

/** A bucket's start as a short label: the period it stands for. */
export function bucketLabel(iso: string, bucket: Bucket): string {
  const d = new Date(iso);
  if (bucket === 'minute' || bucket === 'hour') return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  if (bucket === 'month') return d.toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const day = d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  return bucket === 'week' ? `Week of ${day}` : day;
}

/** The start of the bucket `ms` falls in, in UTC as the API counts (weeks start on Monday). */
function bucketStart(ms: number, bucket: Bucket): number {
  const d = new Date(ms);
  if (bucket === 'minute') return Math.floor(ms / 60_000) * 60_000;
  if (bucket === 'hour') return Math.floor(ms / 3_600_000) * 3_600_000;
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (bucket === 'day') return day;
  if (bucket === 'week') return day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Every bucket start of the range, so that bars are one period wide and a quiet period is a zero. */
export function bucketStarts(range: { from: string; to: string }, bucket: Bucket): number[] {
  const starts: number[] = [];
  const end = Date.parse(range.to);
  for (let t = bucketStart(Date.parse(range.from), bucket); t < end && starts.length <= 2000; ) {
    starts.push(t);
    const d = new Date(t);
    t = bucket === 'month' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) : t + { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 }[bucket];
  }
  return starts;
}

/** Counts per bucket start over every bucket of the range, zero where there were none. */
export function countsOverRange(counts: ReadonlyMap<number, number>, starts: readonly number[]): TimePoint[] {
  return starts.map((t) => [t, counts.get(t) ?? 0]);
}

/** A series' values by bucket start, as points of a time axis. */
export type TimePoint = [time: number, value: number | null];
export const timePoints = <B>(series: ReadonlyArray<readonly [string, B]>, value: (b: B) => number | null): TimePoint[] => series.map(([t, b]) => [Date.parse(t), value(b)]);

/**
 * Whether a line needs its points drawn: a line through a lone point draws nothing, so with few
 * points, or a point with no neighbour to join, each point is shown as a marker.
 */
export function needsMarkers(points: readonly TimePoint[]): boolean {
  if (points.length <= 40) return true;
  return points.some(([, v], i) => v !== null && (points[i - 1]?.[1] ?? null) === null && (points[i + 1]?.[1] ?? null) === null);
}

interface TooltipItem {
  marker?: unknown;
  seriesName?: string;
  value?: unknown;
}

/**
 * A chart over time on a time axis spanning the whole range, so that a stretch without data
 * shows as one; the tooltip names the period and each series (escaped: it is HTML).
 */
export function timeChartOption(options: { yName: string; bucket: Bucket; range: { from: string; to: string }; series: object[] }) {
  const { yName, bucket, range, series } = options;
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (items: TooltipItem | TooltipItem[]) => {
        const list = Array.isArray(items) ? items : [items];
        const [first] = list;
        const time = Array.isArray(first?.value) ? Number((first.value as unknown[])[0]) : NaN;
        const head = Number.isNaN(time) ? '' : escapeHtml(bucketLabel(new Date(time).toISOString(), bucket));
        const rows = list.map((p) => {
          const v: unknown = Array.isArray(p.value) ? (p.value as unknown[])[1] : p.value;
          return `${typeof p.marker === 'string' ? p.marker : ''}${escapeHtml(p.seriesName)}: <b>${v === null || v === undefined ? '–' : escapeHtml(Number(v).toLocaleString())}</b>`;
        });
        return [head, ...rows].join('<br/>');
      },
    },
    legend: { top: 0, type: 'scroll' },
    // Room under the legend for the axis name, however the legend wraps on a phone.
    grid: { left: 8, right: 24, top: 52, bottom: 8, containLabel: true },
    xAxis: { type: 'time', min: Date.parse(range.from), max: Date.parse(range.to), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name: yName, minInterval: 1 },
    series,
  };
}
