import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { ReportNames } from '../../../src/backoffice/http/report-routes.js';
import { apiJson } from '../api/client.js';
import { REPORT_API } from './hooks.js';

/**
 * The registry's names of some accounts and instances (the ones in the filters): the URL keeps
 * IDs, the page shows names. An ID the registry does not know reads as itself.
 */
export function useNames(accounts: readonly string[], instances: readonly string[]): { account: (id: string) => string; instance: (id: string) => string } {
  const query = new URLSearchParams();
  if (accounts.length) query.set('accounts', accounts.join(','));
  if (instances.length) query.set('instances', instances.join(','));
  const names = useQuery({
    queryKey: ['usage-denials', 'names', query.toString()],
    queryFn: ({ signal }) => apiJson<ReportNames>(`${REPORT_API}/names?${query.toString()}`, { signal }),
    enabled: accounts.length + instances.length > 0,
    staleTime: 5 * 60_000,
  });
  return useMemo(() => {
    const account = new Map(names.data?.accounts.map((a) => [a.id, a.name]));
    const instance = new Map(names.data?.instances.map((i) => [i.id, i.name]));
    return { account: (id: string) => account.get(id) ?? id, instance: (id: string) => instance.get(id) ?? id };
  }, [names.data]);
}
