import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReservationGroupInput } from '../../../../src/server/allocation-service.js';
import type { PoolsPage } from '../../../../src/server/http/model/routes.js';
import type { ReservationRow } from '../../../../src/server/http/reservations/routes.js';
import type { Page } from '../../../../src/http/paging.js';
import { apiFetch, apiJson, instancePath } from '../../api/client.js';

export type { ReservationGroupInput, ReservationRow };

export function useReservationRows(page: number, pageSize: number) {
  return useQuery({
    queryKey: [instancePath('/reservations'), page, pageSize],
    queryFn: () => apiJson<Page<ReservationRow>>(instancePath(`/reservations?page=${page}&pageSize=${pageSize}`)),
  });
}

/** The active model's name (null: none): reservations cannot be added while one is. */
export function useActiveModelName() {
  return useQuery({
    queryKey: [instancePath('/pools'), 'model'],
    queryFn: async () => (await apiJson<PoolsPage>(instancePath('/pools?page=1&pageSize=1'))).model,
  });
}

/** A change to the reservations also changes their statuses, the pools' conflict and the Features view's `reserved`. */
function useReservationChange<A, R>(fn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ predicate: (q) => typeof q.queryKey[0] === 'string' && q.queryKey[0].startsWith(instancePath()) }),
  });
}

interface AddedGroups {
  groups: Array<{ id: string; name: string }>;
}

/** Adds groups in one call, all or nothing; `body` is the JSON text as the import file holds it. */
export function useImportGroups() {
  return useReservationChange((body: string) => apiJson<AddedGroups>(instancePath('/reservationgroups/import'), { method: 'POST', body }));
}

export function useSubmitGroups() {
  return useReservationChange((groups: ReservationGroupInput[]) => apiJson<AddedGroups>(instancePath('/reservationgroups/import'), { method: 'POST', body: JSON.stringify(groups) }));
}

export function useDeleteGroups() {
  return useReservationChange(async (ids: string[]) => {
    await apiFetch(instancePath('/reservationgroups/delete'), { method: 'POST', body: JSON.stringify({ ids }) });
  });
}

/** Every group as the export gives it (the JSON import takes back). */
export async function exportGroups(): Promise<{ text: string; groups: number }> {
  const text = await (await apiFetch(instancePath('/reservationgroups/export'))).text();
  return { text, groups: (JSON.parse(text) as unknown[]).length };
}
