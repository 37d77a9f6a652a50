import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * A page's own URL parameters (its listing's page and sort) and a change that sets or removes
 * several at once as one history entry; `resetPage` names the page parameter the change makes
 * stale, since a new sort or condition starts again at the first page.
 */
export function useUrlState() {
  const [url, setUrl] = useSearchParams();
  const change = useCallback(
    (set: Record<string, string | null>, resetPage: string | null = 'page') =>
      setUrl((current) => {
        const next = new URLSearchParams(current);
        for (const [k, v] of Object.entries(set)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        if (resetPage) next.delete(resetPage);
        return next;
      }),
    [setUrl],
  );
  return { url, change };
}
