import type { DenialCode } from '../licensing/denials.js';

/**
 * One colour per denial code, the same in every chart on screen and in the PDF. Hues of the
 * Okabe–Ito palette (told apart with the common colour-vision deficiencies), each darkened or
 * lightened into the band of luminance that keeps 3:1 contrast against both a white page and the
 * dark theme's paper. Keyed by the domain's codes: a new code does not compile without its colour.
 */
export const DENIAL_COLORS: Readonly<Record<DenialCode, string>> = {
  7: '#D55E00', // vermillion: insufficient count, the one that says "buy more"
  10: '#C2366E', // raspberry: not yet started, "check the dates"
  11: '#B07000', // ochre: expired, "renew"
  12: '#1A9BB8', // cyan
  15: '#767676', // grey: a feature the server does not have
  51: '#9C755F', // brown: never counted as a denial, kept for completeness
  58: '#009E73', // bluish green: past the metered cap
  67: '#0072B2', // blue: a checkout filter
  80: '#CC79A7', // reddish purple: rules of access
  81: '#7B5CC4', // violet: a rule's maximum
};

/** For a code the table does not know (from a later version's log). */
export const UNKNOWN_DENIAL_COLOR = '#6E6E9E';

/** The colour of a code in charts and legends. */
export const denialColor = (code: number): string => (DENIAL_COLORS as Partial<Record<number, string>>)[code] ?? UNKNOWN_DENIAL_COLOR;
