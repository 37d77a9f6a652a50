import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Box, Button, Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from '@mui/material';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useChartScheme } from '../app/theme.js';
import { visuallyHidden } from '../app/visually-hidden.js';
import type { ChartTable } from './chart-table.js';
import { chartTable, describeRow } from './chart-table.js';

// Only the charts and parts the report draws, so the bundle carries nothing else.
echarts.use([BarChart, LineChart, PieChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

/** What a click on a bar or a slice names. */
export interface ChartClick {
  name: string;
  seriesName: string | undefined;
  dataIndex: number;
}

export interface EChartProps {
  option: EChartsCoreOption;
  height?: number;
  /** Accessible name of the chart; ECharts adds a description of its data. */
  label: string;
  onClick?: (event: ChartClick) => void;
  testId?: string;
  /** The chart's values as a table, when reading them off the option would not say them well. */
  table?: ChartTable;
}

/**
 * An ECharts chart drawn as SVG (sharp at any zoom, and its text is in the page for screen
 * readers and tests), resized with its container, in the light or dark theme of the page.
 * Reachable by keyboard: the arrow keys move between its bars, slices or points, highlighting
 * each and announcing its values, and Enter does what a click does. "View as table" shows the
 * same values as a table.
 */
export function EChart({ option, height = 300, label, onClick, testId, table: given }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  const scheme = useChartScheme();
  const [asTable, setAsTable] = useState(false);
  // The value the keyboard is on belongs to the option it was chosen in: new data starts afresh.
  const [keyboard, setKeyboard] = useState<{ option: EChartsCoreOption; index: number } | null>(null);
  const focused = keyboard?.option === option ? keyboard.index : null;
  const table = useMemo(() => given ?? chartTable(option), [given, option]);
  const pie = useMemo(() => series(option).some((s) => s.type === 'pie'), [option]);
  const tableId = useId();
  useEffect(() => {
    clickRef.current = onClick;
  }, [onClick]);

  useEffect(() => {
    if (asTable) return;
    const el = element.current!;
    const instance = echarts.init(el, scheme.dark ? 'dark' : null, { renderer: 'svg' });
    chart.current = instance;
    instance.on('click', (params) => {
      const p = params as { name: string; seriesName?: string; dataIndex: number };
      clickRef.current?.({ name: p.name, seriesName: p.seriesName, dataIndex: p.dataIndex });
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [scheme.dark, asTable]);

  useEffect(() => {
    chart.current?.setOption(
      {
        aria: { enabled: true },
        animation: false,
        // The card's paper shows through, in either theme (ECharts' dark theme has its own).
        backgroundColor: 'transparent',
        ...option,
      },
      { notMerge: true },
    );
  }, [option, scheme, asTable]);

  /** Highlights one bar, slice or point (every series at that category) and shows its tooltip. */
  const focus = (index: number) => {
    const instance = chart.current;
    setKeyboard({ option, index });
    if (!instance) return;
    const count = series(option).length;
    instance.dispatchAction({ type: 'downplay' });
    for (let s = 0; s < count; s++) instance.dispatchAction({ type: 'highlight', seriesIndex: s, dataIndex: index });
    instance.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: index });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const last = table.rows.length - 1;
    if (last < 0) return;
    const moves: Record<string, number> = {
      ArrowRight: (focused ?? -1) + 1,
      ArrowDown: (focused ?? -1) + 1,
      ArrowLeft: (focused ?? last + 1) - 1,
      ArrowUp: (focused ?? last + 1) - 1,
      Home: 0,
      End: last,
    };
    if (e.key in moves) {
      e.preventDefault();
      focus(Math.min(last, Math.max(0, moves[e.key]!)));
    } else if ((e.key === 'Enter' || e.key === ' ') && focused !== null && onClick) {
      e.preventDefault();
      onClick({ name: String(table.rows[focused]![0]), seriesName: pie ? undefined : series(option)[0]?.name, dataIndex: focused });
    }
  };

  const hint = `Arrow keys move between values${onClick ? ', Enter drills down' : ''}.`;
  return (
    <Box sx={{ position: 'relative', '& .tally-chart:focus-visible': { outline: 2, outlineStyle: 'solid', outlineColor: 'primary.main', outlineOffset: 2 } }}>
      {asTable ? (
        <TableContainer sx={{ maxHeight: height, overflow: 'auto' }}>
          <Table size="small" stickyHeader aria-label={label} id={tableId} data-testid={testId && `${testId}-table`}>
            <TableHead>
              <TableRow>
                {table.columns.map((c) => (
                  <TableCell key={c}>{c}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {table.rows.map((row, i) => (
                <TableRow key={i}>
                  {row.map((v, j) => (
                    <TableCell key={j} align={typeof v === 'number' ? 'right' : 'left'} {...(j === 0 ? { component: 'th', scope: 'row' } : {})}>
                      {v === null ? '–' : typeof v === 'number' ? v.toLocaleString() : v}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      ) : (
        <div
          ref={element}
          role="application"
          aria-roledescription="chart"
          aria-label={`${label}. ${hint}`}
          tabIndex={0}
          onKeyDown={onKeyDown}
          onBlur={() => chart.current?.dispatchAction({ type: 'hideTip' })}
          data-testid={testId}
          style={{ width: '100%', height, cursor: onClick ? 'pointer' : 'default', borderRadius: 4 }}
          className="tally-chart"
        />
      )}
      <Box role="status" aria-live="polite" sx={visuallyHidden} data-testid={testId && `${testId}-announcement`}>
        {!asTable && focused !== null && table.rows[focused] ? describeRow(table, focused) : ''}
      </Box>
      <Box sx={{ display: 'flex', justifyContent: 'flex-end' }}>
        <Button size="small" aria-pressed={asTable} aria-controls={asTable ? tableId : undefined} onClick={() => setAsTable((t) => !t)} sx={{ textTransform: 'none', py: 0 }}>
          {asTable ? 'View as chart' : 'View as table'}
        </Button>
      </Box>
    </Box>
  );
}

function series(option: EChartsCoreOption): Array<{ type?: string; name?: string }> {
  const s = (option as { series?: unknown }).series;
  return (Array.isArray(s) ? s : s ? [s] : []) as Array<{ type?: string; name?: string }>;
}
