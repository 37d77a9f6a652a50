import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CloudInstance, cloudInstanceInput, createdCloudInstanceSchema } from '../../../../src/backoffice/hosting/instance-host.js';
import type { Page } from '../../../../src/http/paging.js';
import { apiJson } from '../../api/client.js';
import { LICENSING, LICENSING_PAGE_SIZE } from '../licensing-api.js';

export type { CloudInstance };
export type CloudInstanceInput = z.input<typeof cloudInstanceInput>;
export type CreatedCloudInstance = z.infer<typeof createdCloudInstanceSchema>;
/** An administrator's one-time password, as the back office answers it once. */
export type OneTimeAdmin = CreatedCloudInstance['admin'];

const BASE = `${LICENSING}/cloud-instances`;
const seg = encodeURIComponent;

/** The routes a control needs, as the session's `may` names them. */
export const CLOUD_INSTANCE_ROUTES = {
  create: ['POST', BASE],
  remove: ['DELETE', `${BASE}/:instanceId`],
  resetAdmin: ['POST', `${BASE}/:instanceId/admin-password`],
} as const;

/** Where the License Server Manager of this back office opens a cloud instance's login. */
export const managerLink = (instanceId: string) => `/manager/?instance=${seg(instanceId)}`;

export function useCloudInstances(filter: { q: string; accountId: string }, page: number) {
  return useQuery({
    queryKey: ['licensing', 'cloud-instances', filter.q, filter.accountId, page],
    queryFn: () => {
      const search = new URLSearchParams({ page: String(page), pageSize: String(LICENSING_PAGE_SIZE) });
      if (filter.q) search.set('q', filter.q);
      if (filter.accountId) search.set('accountId', filter.accountId);
      return apiJson<Page<CloudInstance>>(`${BASE}?${search.toString()}`);
    },
    placeholderData: keepPreviousData,
  });
}

export function useCreateCloudInstance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CloudInstanceInput) => apiJson<CreatedCloudInstance>(BASE, { method: 'POST', body: JSON.stringify(input) }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['licensing', 'cloud-instances'] }),
  });
}

export function useDeleteCloudInstance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (instanceId: string) => apiJson<null>(`${BASE}/${seg(instanceId)}`, { method: 'DELETE' }),
    // Its counts went back to their activation IDs: those pages change too.
    onSuccess: () => client.invalidateQueries({ queryKey: ['licensing'] }),
  });
}

export function useResetCloudAdmin() {
  return useMutation({
    mutationFn: (instanceId: string) => apiJson<OneTimeAdmin>(`${BASE}/${seg(instanceId)}/admin-password`, { method: 'POST' }),
  });
}
