import { useEffect } from 'react';

/** Names the browser tab after the page, then the app: `Denials · Usage and Denials · Tally`. */
export function usePageTitle(...parts: string[]): void {
  const title = [...parts, 'Tally'].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
