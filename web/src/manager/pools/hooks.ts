import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ModelSummary } from '../../../../src/server/allocation-service.js';
import type { ActiveModel, PoolsPage } from '../../../../src/server/http/model/routes.js';
import { ApiError, apiFetch, apiJson, instancePath } from '../../api/client.js';

export type { ActiveModel, PoolsPage };

/** Every query of this view starts with the instance, so another server's answers never show. */
const modelKey = () => [instancePath('/model')];
const poolsKey = () => [instancePath('/pools')];

export function usePools(page: number, pageSize: number) {
  return useQuery({
    queryKey: [...poolsKey(), page, pageSize],
    queryFn: () => apiJson<PoolsPage>(instancePath(`/pools?page=${page}&pageSize=${pageSize}`)),
  });
}

/** The active model, or null when none is (the API's 404). */
export function useActiveModel() {
  return useQuery({
    queryKey: modelKey(),
    queryFn: async () => {
      try {
        return await apiJson<ActiveModel>(instancePath('/model'));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

/** How many reservation entries exist: a model cannot be activated while any do. */
export function useReservationCount() {
  return useQuery({
    queryKey: [instancePath('/reservations'), 'count'],
    queryFn: async () => (await apiJson<{ total: number }>(instancePath('/reservations?page=1&pageSize=1'))).total,
  });
}

export function useValidateModel() {
  return useMutation({
    mutationFn: (text: string) => apiJson<{ model: ModelSummary }>(instancePath('/model/validate'), { method: 'POST', body: JSON.stringify({ text }) }),
  });
}

/** Activating or deleting the model changes the pools, the model and what the Features view counts. */
function useAllocationChange<A, R>(fn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ predicate: (q) => typeof q.queryKey[0] === 'string' && q.queryKey[0].startsWith(instancePath()) }),
  });
}

export function useActivateModel() {
  return useAllocationChange((text: string) => apiJson<{ model: ModelSummary; replaced: boolean }>(instancePath('/model'), { method: 'PUT', body: JSON.stringify({ text }) }));
}

export function useDeleteModel() {
  return useAllocationChange(async () => {
    await apiFetch(instancePath('/model'), { method: 'DELETE' });
  });
}
