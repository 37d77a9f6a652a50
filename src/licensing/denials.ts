import { z } from 'zod';

/**
 * The denial code table. Reports group denials by these codes, so a code keeps its meaning
 * forever: add new ones with care and never reuse a retired one. The name is the machine's word
 * for a code; the label is the people's, in sentence case.
 */
export const DENIALS = {
  7: { name: 'INSUFFICIENT_COUNT', label: 'Insufficient count', description: 'No count is left for this feature.' },
  10: { name: 'NOT_YET_STARTED', label: 'Not yet started', description: 'Every matching feature record starts in the future.' },
  11: { name: 'EXPIRED', label: 'Expired', description: 'Every matching feature record has expired.' },
  12: { name: 'NO_MATCHING_VERSION', label: 'No matching version', description: 'The feature exists, but not at the requested version or higher.' },
  15: { name: 'NOT_AVAILABLE', label: 'Not available', description: 'This server has no such feature.' },
  51: { name: 'BAD_REQUEST', label: 'Bad request', description: 'The request for this feature is malformed.' },
  58: { name: 'WOULD_CAUSE_OVERAGE', label: 'Would cause overage', description: 'The metered feature would go past its cap.' },
  67: { name: 'FILTER_REJECTION', label: 'Filter rejection', description: 'A checkout filter on the server refused the request.' },
  80: { name: 'RULE_REJECTION', label: 'Rule rejection', description: 'The rules of access of the license pools refused the device.' },
  81: { name: 'RULE_MAX_EXCEEDED', label: 'Rule maximum exceeded', description: "A rule's per-device or per-user maximum was reached." },
} as const;

export type DenialCode = keyof typeof DENIALS;
/** Every code, in table order: what a usage event or a denial may carry. */
export const DENIAL_CODES = Object.keys(DENIALS).map(Number) as DenialCode[];

/** Each code by its name (`DENIAL.INSUFFICIENT_COUNT === 7`), read off the table. */
export const DENIAL = Object.freeze(
  Object.fromEntries(DENIAL_CODES.map((code) => [DENIALS[code].name, code])),
) as { readonly [C in DenialCode as (typeof DENIALS)[C]['name']]: C };

/** A code as people read it in summaries and help: `7 INSUFFICIENT_COUNT`. */
export const denialLabel = (code: DenialCode): string => `${code} ${DENIALS[code].name}`;

/**
 * A code as the report shows it, in filters, legends, tables and exports: `Insufficient count (7)`.
 * A code the table does not know (from an imported log of a later version) still reads as one.
 */
export const denialReason = (code: number): string => `${(DENIALS as Partial<Record<number, { label: string }>>)[code]?.label ?? 'Unknown reason'} (${code})`;

/** Codes that describe a malformed request rather than a refused one: reports do not count them. */
export const NOT_A_DENIAL: ReadonlySet<DenialCode> = new Set<DenialCode>([DENIAL.BAD_REQUEST]);

/** A refused feature as it appears in a capability response. */
export const denialSchema = z.object({
  feature: z.string(),
  /** The version the client asked for. */
  version: z.string(),
  /** The count that was refused. */
  count: z.number(),
  code: z.literal(DENIAL_CODES),
  name: z.string(),
  description: z.string(),
});
export type Denial = z.output<typeof denialSchema>;

/** Builds a denial with the table's name and description, optionally more specific text. */
export function deny(
  code: DenialCode,
  feature: string,
  version: string,
  count: number,
  description?: string,
): Denial {
  const entry = DENIALS[code];
  return { feature, version, count, code, name: entry.name, description: description ?? entry.description };
}
