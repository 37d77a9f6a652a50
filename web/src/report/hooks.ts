import { useEffect } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DenialCodes } from '../../../src/backoffice/http/report-routes.js';
import type { WidgetAnswer, WidgetName } from '../../../src/reports/report-widgets.js';
import type { DataAsOf } from '../../../src/warehouse/queries/get-data-as-of.js';
import { apiJson } from '../api/client.js';

export const REPORT_API = '/api/reports/usage-denials';

const widgetQuery = <T>(widget: string, query: string) => ({
  queryKey: ['usage-denials', widget, query],
  queryFn: ({ signal }: { signal: AbortSignal }) => apiJson<T>(`${REPORT_API}/${widget}?${query}`, { signal }),
});

/** One report widget's data for these query parameters, kept on screen while the next loads. */
function useWidget<N extends WidgetName>(widget: N, params: URLSearchParams, enabled = true) {
  return useQuery({ ...widgetQuery<WidgetAnswer<N>>(widget, params.toString()), placeholderData: keepPreviousData, enabled });
}

/**
 * Starts a page's requests as soon as the frame knows which page it is, while the page's own
 * code is still loading; the page's hooks then find them under the same keys.
 */
export function usePrefetch(requests: ReadonlyArray<readonly [widget: WidgetName, params: URLSearchParams]>): void {
  const client = useQueryClient();
  const key = requests.map(([w, p]) => `${w}?${p.toString()}`).join(' ');
  useEffect(() => {
    for (const request of key.split(' ').filter(Boolean)) {
      const [widget = '', query = ''] = request.split('?');
      // A failure shows on the widget when its own hook asks again.
      client.query(widgetQuery(widget, query)).catch(() => undefined);
    }
  }, [client, key]);
}

// One hook per endpoint of the report API.
export const useConcurrentUsage = (p: URLSearchParams, enabled = true) => useWidget('concurrent-usage', p, enabled);
export const useMeteredUsage = (p: URLSearchParams, enabled = true) => useWidget('metered-usage', p, enabled);
export const useActiveAccounts = (p: URLSearchParams) => useWidget('active-accounts', p);
export const useActiveInstances = (p: URLSearchParams) => useWidget('active-instances', p);
export const useUniqueClients = (p: URLSearchParams) => useWidget('unique-clients', p);
export const useDenialsDistribution = (p: URLSearchParams) => useWidget('denials-distribution', p);
export const useDenialsByAccount = (p: URLSearchParams) => useWidget('denials-by-account', p);
export const useDenialsOverTime = (p: URLSearchParams) => useWidget('denials-over-time', p);
export const useDenialsSummary = (p: URLSearchParams) => useWidget('denials-summary', p);
export const useEvents = (p: URLSearchParams) => useWidget('events', p);
export const useDenialsByFeature = (p: URLSearchParams) => useWidget('denials-by-feature', p);
export const useDenialsInsights = (p: URLSearchParams) => useWidget('denials-insights', p);
export const useSessions = (p: URLSearchParams) => useWidget('sessions', p);
export const useSessionHours = (p: URLSearchParams) => useWidget('session-hours', p);
export const useAccountUtilization = (p: URLSearchParams) => useWidget('account-utilization', p);
export const useDenialCodes = () => useQuery({ ...widgetQuery<DenialCodes>('denial-codes', ''), placeholderData: keepPreviousData });
/** How fresh the report's data is, asked again at every refresh of the report (`asOf`, its clock). */
export const useDataAsOf = (asOf: number) =>
  useQuery({ queryKey: ['usage-denials', 'data-as-of', asOf], queryFn: ({ signal }) => apiJson<DataAsOf>(`${REPORT_API}/data-as-of`, { signal }), placeholderData: keepPreviousData, staleTime: 0 });
