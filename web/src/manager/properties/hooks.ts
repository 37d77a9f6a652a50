import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PropertyListing, PropertyView } from '../../../../src/server/properties/property-service.js';
import { apiJson, apiTarget, instancePath } from '../../api/client.js';

const propertiesKey = () => ['properties', apiTarget().origin, apiTarget().instance];

/** Every property of the server managed, with its groups. */
export function useProperties() {
  return useQuery({ queryKey: propertiesKey(), queryFn: () => apiJson<PropertyListing>(instancePath('/properties')) });
}

/** Changes several properties at once: the server applies all of them or none. */
export function useSaveProperties() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: Record<string, unknown>) =>
      apiJson<{ changed: PropertyView[] }>(instancePath('/properties'), { method: 'PUT', body: JSON.stringify(changes) }),
    onSuccess: () => client.invalidateQueries({ queryKey: propertiesKey() }),
  });
}

/** Drops the value set here: the configured one applies again. */
export function useResetProperty() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => apiJson<PropertyView>(instancePath(`/properties/${encodeURIComponent(key)}`), { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: propertiesKey() }),
  });
}
