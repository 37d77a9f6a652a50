import type { PropertyView } from '../../../../src/server/properties/property-service.js';

/** Duration units as the server writes them (`15m`), with the words the form shows. */
export const DURATION_UNITS = [
  { unit: 's', seconds: 1, word: 'seconds', one: 'second' },
  { unit: 'm', seconds: 60, word: 'minutes', one: 'minute' },
  { unit: 'h', seconds: 3600, word: 'hours', one: 'hour' },
  { unit: 'd', seconds: 86_400, word: 'days', one: 'day' },
  { unit: 'w', seconds: 604_800, word: 'weeks', one: 'week' },
] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number]['unit'];

/** What a property's control holds while it is being edited. */
export type FormValue = { kind: 'boolean'; on: boolean } | { kind: 'text'; text: string } | { kind: 'duration'; amount: string; unit: DurationUnit };

/** Any value as text (the API's values are JSON). */
const asText = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

const unitOf = (unit: string) => DURATION_UNITS.find((u) => u.unit === unit) ?? DURATION_UNITS[0];

/** `15m` (as the API shows a duration) → 15 and minutes; a bare number is seconds. */
export function splitDuration(value: unknown): { amount: string; unit: DurationUnit } {
  const match = /^(\d+)([smhdw]?)$/.exec(asText(value).trim());
  if (!match) return { amount: asText(value), unit: 's' };
  return { amount: match[1]!, unit: (match[2] || 's') as DurationUnit };
}

/** The shortest exact text of a duration, as the server words its ranges (`3600` → `1h`). */
export function formatDuration(seconds: number): string {
  for (const u of [...DURATION_UNITS].reverse()) {
    if (u.unit !== 's' && seconds > 0 && seconds % u.seconds === 0) return `${seconds / u.seconds}${u.unit}`;
  }
  return `${seconds}s`;
}

/** A duration for people: `30m` → "30 minutes". */
export function durationWords(value: unknown): string {
  const { amount, unit } = splitDuration(value);
  const u = unitOf(unit);
  return `${amount} ${amount === '1' ? u.one : u.word}`;
}

/** A value as text, for read-only properties and defaults. */
export function showValue(p: Pick<PropertyView, 'type'>, value: unknown): string {
  if (value === null || value === undefined) return 'not set';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (p.type === 'duration') return durationWords(value);
  return asText(value);
}

export function toForm(p: PropertyView, value: unknown): FormValue {
  if (p.type === 'boolean') return { kind: 'boolean', on: value === true };
  if (p.type === 'duration') return { kind: 'duration', ...splitDuration(value) };
  if (p.type === 'list') return { kind: 'text', text: Array.isArray(value) ? value.join('\n') : '' };
  return { kind: 'text', text: asText(value) };
}

/** The value the API is sent: durations as `15m`, integers as numbers, lists one item per line. */
export function fromForm(p: PropertyView, form: FormValue): unknown {
  if (form.kind === 'boolean') return form.on;
  if (form.kind === 'duration') return /^\d+$/.test(form.amount.trim()) ? `${form.amount.trim()}${form.unit}` : form.amount;
  const text = form.text.trim();
  if (p.type === 'list') return text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
  if (p.type === 'integer') return /^-?\d+$/.test(text) ? Number(text) : text;
  if (text === '' && p.nullable) return null;
  return text;
}

/** The value in a form that compares equal however it was typed (durations in seconds). */
function canonical(p: PropertyView, form: FormValue): string {
  if (form.kind === 'duration') {
    const amount = form.amount.trim();
    return /^\d+$/.test(amount) ? String(Number(amount) * unitOf(form.unit).seconds) : `?${amount}`;
  }
  return JSON.stringify(fromForm(p, form));
}

export function isChanged(p: PropertyView, form: FormValue): boolean {
  return canonical(p, form) !== canonical(p, toForm(p, p.value));
}

/**
 * What is wrong with a value, in the API's words, checked before it is sent: the ranges come
 * from the API's view of the property, so the two cannot drift. Null when it may be sent.
 */
export function problemWith(p: PropertyView, form: FormValue): string | null {
  if (form.kind === 'boolean') return null;
  if (form.kind === 'duration') {
    const amount = form.amount.trim();
    if (amount === '') return 'is required';
    if (!/^\d+$/.test(amount)) return 'must be a duration such as 90, 15m, 12h, 7d or 1w';
    const seconds = Number(amount) * unitOf(form.unit).seconds;
    if ((p.min !== undefined && seconds < p.min) || (p.max !== undefined && seconds > p.max)) {
      return `must be between ${formatDuration(p.min ?? 0)} and ${formatDuration(p.max ?? Number.MAX_SAFE_INTEGER)}`;
    }
    return null;
  }
  const text = form.text.trim();
  if (p.type === 'integer') {
    if (text === '') return 'is required';
    if (!/^-?\d+$/.test(text)) return 'must be a whole number';
    const n = Number(text);
    if (p.min !== undefined && n < p.min) return `must be at least ${p.min}`;
    if (p.max !== undefined && n > p.max) return `must be at most ${p.max}`;
    return null;
  }
  if ((p.type === 'string' || p.type === 'enum') && text === '' && !p.nullable) return 'is required';
  return null;
}
