import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Account } from '../../../src/backoffice/instances/instance-registry.js';
import type { ActivationIdView, EntitlementView, LineItemView, ProductView } from '../../../src/backoffice/licensing/catalog.js';
import type { EntitlementInput, ProductInput } from '../../../src/licensing/entitlement.js';
import type { Page } from '../../../src/http/paging.js';
import { apiJson } from '../api/client.js';

export type { Account, ActivationIdView, EntitlementView, LineItemView, ProductView };

/** The back office's licensing API. */
export const LICENSING = '/api/1.0/backoffice';

/** The routes a control needs, as the session's `may` names them. */
export const LICENSING_ROUTES = {
  addProduct: ['POST', `${LICENSING}/products`],
  addEntitlement: ['POST', `${LICENSING}/entitlements`],
  changeLineItem: ['PATCH', `${LICENSING}/activation-ids/:activationId`],
  setServerCount: ['PUT', `${LICENSING}/activation-ids/:activationId/servers/:instanceId`],
  offline: ['POST', `${LICENSING}/offline`],
} as const;

/** Rows a licensing list shows a page. */
export const LICENSING_PAGE_SIZE = 25;

const seg = encodeURIComponent;

function listPath(what: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  return `${LICENSING}/${what}?${search.toString()}`;
}

export function useProducts(q: string, page: number) {
  return useQuery({
    queryKey: ['licensing', 'products', q, page],
    queryFn: () => apiJson<Page<ProductView>>(listPath('products', { q, page, pageSize: LICENSING_PAGE_SIZE })),
    placeholderData: keepPreviousData,
  });
}

export function useProduct(productId: string) {
  return useQuery({ queryKey: ['licensing', 'product', productId], queryFn: () => apiJson<ProductView>(`${LICENSING}/products/${seg(productId)}`) });
}

export function useAddProduct() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ProductInput) => apiJson<ProductView>(`${LICENSING}/products`, { method: 'POST', body: JSON.stringify(input) }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['licensing'] }),
  });
}

export function useEntitlements(filter: { q: string; accountId: string }, page: number) {
  return useQuery({
    queryKey: ['licensing', 'entitlements', filter.q, filter.accountId, page],
    queryFn: () => apiJson<Page<EntitlementView>>(listPath('entitlements', { q: filter.q, accountId: filter.accountId, page, pageSize: LICENSING_PAGE_SIZE })),
    placeholderData: keepPreviousData,
  });
}

export function useEntitlement(entitlementId: string) {
  return useQuery({ queryKey: ['licensing', 'entitlement', entitlementId], queryFn: () => apiJson<EntitlementView>(`${LICENSING}/entitlements/${seg(entitlementId)}`) });
}

export function useAddEntitlement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: EntitlementInput) => apiJson<EntitlementView>(`${LICENSING}/entitlements`, { method: 'POST', body: JSON.stringify(input) }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['licensing'] }),
  });
}

/** Every account, for choosing one: a back office holds few enough for one page. */
export function useAccounts() {
  return useQuery({ queryKey: ['licensing', 'accounts'], queryFn: () => apiJson<Page<Account>>(`${LICENSING}/accounts?pageSize=1000`) });
}

/** A product list to choose from when entitling an account. */
export function useProductChoices() {
  return useQuery({ queryKey: ['licensing', 'product-choices'], queryFn: () => apiJson<Page<ProductView>>(`${LICENSING}/products?pageSize=1000`) });
}

export function useActivationId(activationId: string) {
  return useQuery({ queryKey: ['licensing', 'activation-id', activationId], queryFn: () => apiJson<ActivationIdView>(`${LICENSING}/activation-ids/${seg(activationId)}`) });
}

export function useChangeLineItem(activationId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: { quantity?: number; expiry?: string | null }) =>
      apiJson<LineItemView>(`${LICENSING}/activation-ids/${seg(activationId)}`, { method: 'PATCH', body: JSON.stringify(change) }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['licensing'] }),
  });
}

export function useSetServerCount(activationId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ instanceId, count }: { instanceId: string; count: number }) =>
      apiJson<ActivationIdView>(`${LICENSING}/activation-ids/${seg(activationId)}/servers/${seg(instanceId)}`, { method: 'PUT', body: JSON.stringify({ count }) }),
    onSuccess: (view) => {
      client.setQueryData(['licensing', 'activation-id', activationId], view);
      void client.invalidateQueries({ queryKey: ['licensing'] });
    },
  });
}
