import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FilterSummary } from '../../../../src/server/checkout-filter-service.js';
import type { ActiveFilter } from '../../../../src/server/http/filters/routes.js';
import { ApiError, apiFetch, apiJson, instancePath } from '../../api/client.js';

export type { ActiveFilter, FilterSummary };

/** Every query of this view starts with the instance, so another server's answers never show. */
const filterKey = () => [instancePath('/filters')];

/** The active checkout filter, or null when none is (the API's 404). */
export function useActiveFilter() {
  return useQuery({
    queryKey: filterKey(),
    queryFn: async () => {
      try {
        return await apiJson<ActiveFilter>(instancePath('/filters'));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

export function useValidateFilter() {
  return useMutation({
    mutationFn: (text: string) => apiJson<{ filter: FilterSummary }>(instancePath('/filters/validate'), { method: 'POST', body: JSON.stringify({ text }) }),
  });
}

function useFilterChange<A, R>(fn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: filterKey() }) });
}

export function useActivateFilter() {
  return useFilterChange((text: string) => apiJson<{ filter: FilterSummary; replaced: boolean }>(instancePath('/filters'), { method: 'PUT', body: JSON.stringify({ text }) }));
}

export function useDeleteFilter() {
  return useFilterChange(async () => {
    await apiFetch(instancePath('/filters'), { method: 'DELETE' });
  });
}
