import { useLocation, useNavigate } from 'react-router';

/** Marks a link to a detail page as opened from the page the user is on, so Back returns there. */
export interface CameFrom {
  from?: string;
}

/** The state a link to a detail page carries: the page the user is on now, with its page and search. */
export function useHere(): CameFrom {
  const { pathname, search } = useLocation();
  return { from: pathname + search };
}

/**
 * What Back does: returns through history to the list (or detail page) the user came from,
 * which keeps that page's own way back; a page opened on its own goes to `fallback`.
 */
export function useBack(fallback: string): () => void {
  const state = useLocation().state as CameFrom | null;
  const navigate = useNavigate();
  return () => void (state?.from ? navigate(-1) : navigate(fallback));
}
