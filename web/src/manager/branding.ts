import { useQuery } from '@tanstack/react-query';

/** What a producer's branding folder may change: the product's name, the logo, and each view's label and icon. */
export interface Branding {
  productName: string;
  /** URL of the producer's logo, or null for none. */
  logoUrl: string | null;
  views: Record<string, { label?: string; icon?: string }>;
}

export const DEFAULT_BRANDING: Branding = { productName: 'Tally License Server Manager', logoUrl: null, views: {} };

/** The branding of the server that served this page, applied at load (no rebuild). */
export function useBranding(): Branding {
  const query = useQuery({
    queryKey: ['branding'],
    staleTime: Infinity,
    retry: false,
    queryFn: async (): Promise<Branding> => DEFAULT_BRANDING,
  });
  return query.data ?? DEFAULT_BRANDING;
}
