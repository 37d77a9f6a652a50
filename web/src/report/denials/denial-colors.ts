import { useMemo } from 'react';
import { useDenialCodes } from '../hooks.js';

/** While the code table loads, or for a code it does not list: a neutral slate that reads on both themes. */
const UNKNOWN = '#6E6E9E';

/**
 * The denial codes as the report shows them: each code's label ("Insufficient count (7)") and
 * colour, as the back office defines them once for the screen and the PDF alike.
 */
export function useDenialLook(): { color: (code: number) => string; label: (code: number) => string } {
  const codes = useDenialCodes();
  return useMemo(() => {
    const byCode = new Map((codes.data?.rows ?? []).map((r) => [r.code, r]));
    return { color: (code: number) => byCode.get(code)?.color ?? UNKNOWN, label: (code: number) => byCode.get(code)?.label ?? `Code ${code}` };
  }, [codes.data]);
}
