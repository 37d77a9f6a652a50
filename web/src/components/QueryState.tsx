import type { ReactNode } from 'react';
import { Alert, Box, Button, CircularProgress, Typography } from '@mui/material';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError } from '../api/client.js';

export interface QueryStateProps<T> {
  query: UseQueryResult<T>;
  /** What is being loaded, for the error text: "the features". */
  what: string;
  /** True when the data has nothing to show. */
  isEmpty?: (data: T) => boolean;
  /** What to tell the user when there is nothing to show, and what to do about it. */
  emptyText?: string;
  children: (data: T) => ReactNode;
  minHeight?: number;
}

/** A refusal for the role: said plainly rather than shown as a failure. */
export function AccessDenied({ message }: { message?: string }) {
  return (
    <Alert severity="warning" data-testid="access-denied">
      Access denied. {message ?? 'Your role may not do this; ask an administrator.'}
    </Alert>
  );
}

/** The loading, error (with Retry; "access denied" for a refusal of the role) or empty state of a query, else its content. */
export function QueryState<T>({ query, what, isEmpty, emptyText, children, minHeight = 120 }: QueryStateProps<T>) {
  if (query.isPending) {
    return (
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 1, minHeight }} role="status" data-state="loading">
        <CircularProgress size={24} />
        <Typography variant="body2">Loading…</Typography>
      </Box>
    );
  }
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 403) return <AccessDenied message={query.error.message} />;
    return (
      <Alert
        severity="error"
        data-state="error"
        action={
          <Button color="inherit" size="small" onClick={() => void query.refetch()}>
            Retry
          </Button>
        }
      >
        Could not load {what}: {query.error.message}
      </Alert>
    );
  }
  if (isEmpty?.(query.data)) {
    return (
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', minHeight, textAlign: 'center', px: 2 }} data-state="empty">
        <Typography variant="body2" color="text.secondary">
          {emptyText ?? 'Nothing to show.'}
        </Typography>
      </Box>
    );
  }
  return <>{children(query.data)}</>;
}
