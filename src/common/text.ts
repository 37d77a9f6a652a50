import { z } from 'zod';

/**
 * Text with no lone UTF-16 surrogate. JSON may carry one (`"\ud800"`), but no storage keeps it
 * as sent: SQLite and DuckDB store UTF-8 and turn it into U+FFFD, so two values that differ
 * only there would be two devices (or users, or features) until a restart and one after. With
 * the `u` flag a surrogate pair is one code point, so only a lone half matches the class.
 * Written as a pattern, not a refinement, so that compiled checks (ingest) apply it too.
 */
export const WELL_FORMED_TEXT = /^[^\ud800-\udfff]*$/u;

export const WELL_FORMED_MESSAGE = 'must be well-formed Unicode (it has a lone UTF-16 surrogate)';

/** A Zod string that must be well-formed Unicode: the one text type of every input Tally stores. */
export function text(params?: Parameters<typeof z.string>[0]): z.ZodString {
  return z.string(params).regex(WELL_FORMED_TEXT, WELL_FORMED_MESSAGE);
}
