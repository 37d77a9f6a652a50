import type { EChartsCoreOption } from 'echarts/core';

/** A chart's values as a table: a column for what each row is (category, slice), then one per series. */
export interface ChartTable {
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

type Datum = number | null | undefined | { value?: unknown; name?: unknown } | unknown[];
interface Series {
  type?: string;
  name?: string;
  data?: Datum[];
}
interface Axis {
  type?: string;
  name?: string;
  data?: unknown[];
}

const list = <T>(x: T | T[] | undefined): T[] => (Array.isArray(x) ? x : x === undefined ? [] : [x]);
const valueOf = (d: Datum): number | null => {
  const v = Array.isArray(d) ? d[d.length - 1] : d !== null && typeof d === 'object' ? d.value : d;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/**
 * Reads a chart's values off its option, so that every chart has its table without saying it
 * twice: a pie gives a row per slice; a chart on a category axis a row per category with a
 * column per series.
 */
export function chartTable(option: EChartsCoreOption): ChartTable {
  const o = option as { series?: Series | Series[]; xAxis?: Axis | Axis[]; yAxis?: Axis | Axis[] };
  const series = list(o.series);
  const pie = series.find((s) => s.type === 'pie');
  if (pie) {
    const nameOf = (d: Datum) => {
      const name = (d as { name?: unknown } | null)?.name;
      return typeof name === 'string' || typeof name === 'number' ? String(name) : '';
    };
    return { columns: ['Name', pie.name ?? 'Value'], rows: (pie.data ?? []).map((d) => [nameOf(d), valueOf(d)]) };
  }
  const category = [...list(o.xAxis), ...list(o.yAxis)].find((a) => a.type === 'category');
  const names = series.map((s, i) => s.name ?? `Series ${i + 1}`);
  const labels = category?.data?.map(String) ?? (series[0]?.data ?? []).map((d, i) => (Array.isArray(d) ? String(d[0]) : String(i + 1)));
  return { columns: [category?.name ?? 'Category', ...names], rows: labels.map((label, i) => [label, ...series.map((s) => valueOf(s.data?.[i]))]) };
}

/** One row said as a sentence: `Insufficient count (7): Denials 45`. */
export function describeRow(table: ChartTable, index: number): string {
  const [label, ...values] = table.rows[index] ?? [];
  const parts = values.map((v, i) => `${table.columns[i + 1]} ${v === null ? 'none' : v.toLocaleString()}`);
  return `${label}: ${parts.join(', ')} (${index + 1} of ${table.rows.length})`;
}
