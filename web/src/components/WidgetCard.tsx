import type { ReactNode } from 'react';
import { Alert, Box, Button, Card, CardContent, CircularProgress, Typography } from '@mui/material';
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
}

/** A report widget with its title, and a loading, error or empty state that says what to do. */
export function WidgetCard<T>({ title, subtitle, query, isEmpty, emptyText, children, testId, minHeight = 300 }: WidgetCardProps<T>) {
  let body: ReactNode;
  if (query.isPending) {
    body = (
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 1, minHeight }} role="status">
        <CircularProgress size={24} />
        <Typography variant="body2">Loading…</Typography>
      </Box>
    );
  } else if (query.isError) {
    body = (
      <Alert
        severity="error"
        action={
          <Button color="inherit" size="small" onClick={() => void query.refetch()}>
            Retry
          </Button>
        }
      >
        Could not load this widget: {query.error.message}
      </Alert>
    );
  } else if (isEmpty(query.data)) {
    body = (
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', minHeight, textAlign: 'center', px: 2 }}>
        <Typography variant="body2" color="text.secondary">
          {emptyText ?? 'No data in this time range with these filters. Widen the time range or remove a filter.'}
        </Typography>
      </Box>
    );
  } else {
    body = children(query.data);
  }
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
        <Box sx={{ mt: 1, opacity: query.isFetching && !query.isPending ? 0.6 : 1 }}>{body}</Box>
      </CardContent>
    </Card>
  );
}
