import { useEffect } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DenialCodes } from '../../../src/backoffice/http/report-routes.js';
import type { ActiveRanking, UniqueClients } from '../../../src/warehouse/queries/get-active-clients.js';
import type { ConcurrentUsage } from '../../../src/warehouse/queries/get-concurrent-usage.js';
import type { DenialsByAccount } from '../../../src/warehouse/queries/get-denials-by-account.js';
import type { DenialsDistribution } from '../../../src/warehouse/queries/get-denials-distribution.js';
import type { DenialsOverTime } from '../../../src/warehouse/queries/get-denials-over-time.js';
import type { EventsPage } from '../../../src/warehouse/queries/get-events.js';
import type { MeteredUsage } from '../../../src/warehouse/queries/get-metered-usage.js';
import { apiJson } from '../api/client.js';

export const REPORT_API = '/api/reports/usage-denials';

const widgetQuery = <T>(widget: string, query: string) => ({
  queryKey: ['usage-denials', widget, query],
  queryFn: ({ signal }: { signal: AbortSignal }) => apiJson<T>(`${REPORT_API}/${widget}?${query}`, { signal }),
});

/** One report widget's data for these query parameters, kept on screen while the next loads. */
function useWidget<T>(widget: string, params: URLSearchParams, enabled = true) {
  return useQuery({ ...widgetQuery<T>(widget, params.toString()), placeholderData: keepPreviousData, enabled });
}

/**
 * Starts a page's requests as soon as the frame knows which page it is, while the page's own
 * code is still loading; the page's hooks then find them under the same keys.
 */
export function usePrefetch(requests: ReadonlyArray<readonly [widget: string, params: URLSearchParams]>): void {
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
export const useConcurrentUsage = (p: URLSearchParams, enabled = true) => useWidget<ConcurrentUsage>('concurrent-usage', p, enabled);
export const useMeteredUsage = (p: URLSearchParams, enabled = true) => useWidget<MeteredUsage>('metered-usage', p, enabled);
export const useActiveAccounts = (p: URLSearchParams) => useWidget<ActiveRanking>('active-accounts', p);
export const useActiveInstances = (p: URLSearchParams) => useWidget<ActiveRanking>('active-instances', p);
export const useUniqueClients = (p: URLSearchParams) => useWidget<UniqueClients>('unique-clients', p);
export const useDenialsDistribution = (p: URLSearchParams) => useWidget<DenialsDistribution>('denials-distribution', p);
export const useDenialsByAccount = (p: URLSearchParams) => useWidget<DenialsByAccount>('denials-by-account', p);
export const useDenialsOverTime = (p: URLSearchParams) => useWidget<DenialsOverTime>('denials-over-time', p);
export const useDenialsSummary = (p: URLSearchParams) => useWidget<EventsPage>('denials-summary', p);
export const useEvents = (p: URLSearchParams) => useWidget<EventsPage>('events', p);
export const useDenialCodes = () => useWidget<DenialCodes>('denial-codes', new URLSearchParams());
