import type { DenialCode } from '../../../../src/licensing/denials.js';

/**
 * One color per denial code, so that a code looks the same in the pie and in the bars over time;
 * keyed by the domain's codes, so that a new code does not compile until it has its color.
 */
const KNOWN: Record<Exclude<DenialCode, 51>, string> = {
  7: '#c0392b', // insufficient count: the "buy more" red
  11: '#e67e22', // expired: "renew"
  10: '#d35400',
  12: '#2980b9',
  15: '#f1c40f',
  58: '#117a65', // would pass the metered cap
  67: '#7f8c8d',
  80: '#8e44ad',
  81: '#6c3483',
};
const OTHERS = ['#16a085', '#2c3e50', '#27ae60', '#a04000', '#1f618d', '#b7950b'];

export function denialColor(code: number): string {
  return (KNOWN as Record<number, string>)[code] ?? OTHERS[code % OTHERS.length]!;
}
