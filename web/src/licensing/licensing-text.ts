/** How the licensing pages write durations, dates and expiries. */

const UNITS: Array<[number, string]> = [
  [604_800, 'w'],
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'm'],
];

/** Seconds as the largest whole unit a producer would type: 604800 → 1w, 5400 → 90m. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  for (const [size, unit] of UNITS) if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/** An ISO timestamp as a date and minute, in the browser's time zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A line item's expiry: a date, "permanent", or the product's term counted from each activation. */
export function formatExpiry(expiry: string | null): string {
  if (expiry === null) return 'the product term, from each activation';
  if (expiry === 'permanent') return 'permanent';
  return /^\d{4}-\d{2}-\d{2}$/.test(expiry) ? expiry : formatTime(expiry);
}

export const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

/** A product term as the API takes it: `permanent` or a duration such as 365d. */
export const isTerm = (s: string) => s === 'permanent' || /^[1-9]\d*[smhdw]?$/.test(s);

/** A product, entitlement or activation ID as the API takes it. */
export const isCatalogId = (s: string) => /^[A-Za-z0-9._:-]{1,64}$/.test(s);
