/** How the manager writes the server's values: uncounted, permanent and absent said in words, dates readable. */

const DATE = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const TIME = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A license date (`2030-06-30`) or timestamp; license dates are calendar days, so they are not moved to the browser's zone. */
export function shownDate(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  if (value === 'permanent') return 'permanent';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    return Number.isNaN(day.getTime()) ? value : DATE.format(day);
  }
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : TIME.format(time);
}

/** A count of a record that may be uncounted (served to everyone). */
export function shownCount(value: number | null, counted = true): string {
  return !counted || value === null ? 'uncounted' : value.toLocaleString();
}

export const shownYesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** Text the server may leave out (an alias, a vendor string). */
export const shownText = (value: string | null | undefined): string => (value === null || value === undefined || value === '' ? '–' : value);

/** A duration in seconds, in the largest whole unit. */
export function shownSeconds(seconds: number | null): string {
  if (seconds === null) return '–';
  for (const [unit, size] of [['day', 86_400], ['hour', 3_600], ['minute', 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${unit}${seconds === size ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** Device expiry: when everything the device holds lapses; null when it holds nothing. */
export const shownDeviceExpiry = (value: string | null): string => (value === null ? 'holds nothing' : shownDate(value));
