import type { ReactNode } from 'react';
import { Box, Card, CardContent, Chip, Tooltip, Typography } from '@mui/material';
import { QueryState } from './QueryState.js';
import type { UseQueryResult } from '@tanstack/react-query';

export interface WidgetCardProps<T> {
  title: string;
  subtitle?: string;
  query: UseQueryResult<T>;
  /** True when the data has nothing to show. */
  isEmpty: (data: T) => boolean;
  /** What to tell the user when there is nothing to show. */
  emptyText?: string;
  children: (data: T) => ReactNode;
  testId?: string;
  minHeight?: number;
  /** Filters in force that this widget does not apply, by their labels. */
  ignores?: string[];
}

/** A report widget with its title, and a loading, error or empty state that says what to do. */
export function WidgetCard<T>({ title, subtitle, query, isEmpty, emptyText, children, testId, minHeight = 300, ignores = [] }: WidgetCardProps<T>) {
  const body = (
    <QueryState query={query} what="this widget" isEmpty={isEmpty} emptyText={emptyText ?? 'No data in this time range with these filters. Widen the time range or remove a filter.'} minHeight={minHeight}>
      {children}
    </QueryState>
  );
  return (
    <Card variant="outlined" data-testid={testId} data-state={query.isPending ? 'loading' : query.isError ? 'error' : 'ready'} sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 600 }}>
          {title}
        </Typography>
        {subtitle && (
          <Typography variant="caption" color="text.secondary">
            {subtitle}
          </Typography>
        )}
        {ignores.length > 0 && (
          <Tooltip title="These filters do not concern what this widget counts: it is not narrowed by them.">
            <Chip size="small" variant="outlined" label={`Ignores: ${ignores.join(', ')}`} data-testid="widget-ignores" sx={{ ml: subtitle ? 1 : 0, height: 20, fontSize: 11 }} />
          </Tooltip>
        )}
        {/* Dimmed only when new data is slow to come, so that a refresh does not flicker. */}
        <Box sx={{ mt: 1, opacity: query.isFetching && !query.isPending ? 0.6 : 1, transition: query.isFetching ? 'opacity 0.2s 0.4s' : 'none' }}>{body}</Box>
      </CardContent>
    </Card>
  );
}
