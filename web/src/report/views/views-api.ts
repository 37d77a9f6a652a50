import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReportView } from '../../../../src/backoffice/views/view-store.js';
import { apiJson } from '../../api/client.js';
import { REPORT_API } from '../hooks.js';

export type { ReportView };
const VIEWS = `${REPORT_API}/views`;
const KEY = ['report-views'];

/** The path of a report page in the browser: the overview is the report's root. */
export const pagePath = (page: string) => (page === 'overview' ? '/' : `/${page}`);
/** The report page a browser path shows. */
export const pageOf = (pathname: string) => pathname.replace(/^\/+|\/+$/g, '') || 'overview';
/** The link that opens a view, for whoever it is shared with. */
export const viewLink = (id: string) => `${window.location.origin}/views/${encodeURIComponent(id)}`;

export function useViews(enabled = true) {
  return useQuery({ queryKey: KEY, enabled, queryFn: ({ signal }) => apiJson<{ items: ReportView[] }>(VIEWS, { signal }).then((r) => r.items) });
}

export function useView(id: string) {
  return useQuery({ queryKey: [...KEY, id], retry: false, queryFn: ({ signal }) => apiJson<ReportView>(`${VIEWS}/${encodeURIComponent(id)}`, { signal }) });
}

/** Save, change and delete views; each refreshes the list. */
export function useViewChanges() {
  const client = useQueryClient();
  const done = () => client.invalidateQueries({ queryKey: KEY });
  return {
    save: useMutation({
      mutationFn: (view: { name: string; page: string; query: string; shared: boolean }) => apiJson<ReportView>(VIEWS, { method: 'POST', body: JSON.stringify(view) }),
      onSuccess: done,
    }),
    change: useMutation({
      mutationFn: ({ id, ...change }: { id: string; name?: string; shared?: boolean }) => apiJson<ReportView>(`${VIEWS}/${encodeURIComponent(id)}`, { method: 'PATCH', body: JSON.stringify(change) }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => apiJson<undefined>(`${VIEWS}/${encodeURIComponent(id)}`, { method: 'DELETE' }),
      onSuccess: done,
    }),
  };
}
