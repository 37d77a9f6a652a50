import { useQuery } from '@tanstack/react-query';
import type { BrandingBody } from '../../../src/http/branding-routes.js';

/** What a producer's branding folder may change: the product's name, the logo, and each view's label and icon. */
export interface Branding {
  productName: string;
  /** URL of the producer's logo, or null for none. */
  logoUrl: string | null;
  views: BrandingBody['views'];
}

export const DEFAULT_BRANDING: Branding = { productName: 'Tally License Server Manager', logoUrl: null, views: {} };

/**
 * The branding of the server that served this page (not of the server managed: a producer
 * dresses its own manager), applied at load without a rebuild. Any failure leaves the defaults.
 */
export function useBranding(): Branding {
  const query = useQuery({
    queryKey: ['branding'],
    staleTime: Infinity,
    retry: false,
    queryFn: async ({ signal }): Promise<Branding> => {
      const res = await fetch(`${window.location.origin}/branding/data.json`, { signal });
      if (!res.ok) return DEFAULT_BRANDING;
      const body = (await res.json()) as BrandingBody;
      return { productName: body.productName ?? DEFAULT_BRANDING.productName, logoUrl: body.logo ? `${window.location.origin}${body.logo}` : null, views: body.views };
    },
  });
  return query.data ?? DEFAULT_BRANDING;
}
