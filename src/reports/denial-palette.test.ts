import { describe, expect, it } from 'vitest';
import { THEME_COLORS } from '../../web/src/app/theme-colors.js';
import { DENIAL_CODES, DENIALS, denialReason } from '../licensing/denials.js';
import { DENIAL_COLORS, UNKNOWN_DENIAL_COLOR, denialColor } from './denial-palette.js';

const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** WCAG 2 relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [dark, light] = [luminance(a), luminance(b)].sort((x, y) => x - y) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
/** CIE L*a*b* (D65), to measure how far apart two colours look. */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  const xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
  const [x, y, z] = xyz.map((t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116)) as [number, number, number];
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const distance = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

const backgrounds = { 'light paper': THEME_COLORS.light.paper, 'dark paper': THEME_COLORS.dark.paper };
const colors = [...DENIAL_CODES.map((code) => DENIAL_COLORS[code]), UNKNOWN_DENIAL_COLOR];

describe('the denial palette', () => {
  it('gives every denial code a colour of its own, an unknown code another', () => {
    for (const code of DENIAL_CODES) expect(denialColor(code)).toMatch(/^#[0-9A-F]{6}$/i);
    expect(new Set(colors.map((c) => c.toLowerCase())).size).toBe(colors.length);
    expect(denialColor(99)).toBe(UNKNOWN_DENIAL_COLOR);
  });

  it('keeps every two colours visibly apart (CIELAB distance of 15 or more)', () => {
    for (const [i, a] of colors.entries()) for (const b of colors.slice(i + 1)) expect(distance(a, b), `${a} and ${b}`).toBeGreaterThanOrEqual(15);
  });

  it.each(Object.entries(backgrounds))('has a contrast of at least 3:1 against the %s', (_name, background) => {
    for (const color of colors) expect(contrast(color, background), color).toBeGreaterThanOrEqual(3);
  });
});

describe('denial reasons as people read them', () => {
  it('reads a code in sentence case with the code: "Insufficient count (7)"', () => {
    expect(denialReason(7)).toBe('Insufficient count (7)');
    expect(denialReason(11)).toBe('Expired (11)');
    expect(denialReason(80)).toBe('Rule rejection (80)');
    expect(denialReason(99)).toBe('Unknown reason (99)');
  });

  it('labels every code in sentence case, and no two alike', () => {
    const labels = DENIAL_CODES.map((code) => DENIALS[code].label);
    for (const label of labels) expect(label).toMatch(/^[A-Z][a-z]*( [a-z]+)*$/);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
