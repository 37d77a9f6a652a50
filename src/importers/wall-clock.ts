import { TallyError } from '../common/errors.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian), without a Date object. */
export function epochDay(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The calendar date of an epoch day. */
export function civilDate(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The machine's time zone (an IANA name). */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * Turns the wall-clock times of a license server's log into UTC, with the real daylight-saving
 * rules of its IANA time zone. Offsets are looked up once per wall-clock hour and cached, so a
 * busy log costs arithmetic, not a Date per line. A wall time that does not exist (the hour
 * skipped in spring) moves forward by the gap; one that occurs twice (autumn) takes the first.
 */
export class WallClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  private readonly dayPrefix = new Map<number, string>();
  readonly utc: boolean;

  constructor(readonly timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw new TallyError('BAD_REQUEST', `Unknown time zone "${timeZone}": give an IANA name such as Europe/Paris or UTC.`, [{ field: 'timezone', message: 'is not an IANA time zone' }]);
    }
    this.timeZone = this.format.resolvedOptions().timeZone;
    this.utc = this.timeZone === 'UTC' || this.timeZone === 'Etc/UTC';
  }

  /** UTC epoch milliseconds of a wall-clock time given as epoch-day milliseconds of the zone. */
  toUtc(wallMs: number): number {
    if (this.utc) return wallMs;
    const hour = Math.floor(wallMs / HOUR_MS);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const start = hour * HOUR_MS;
      const first = this.offsetAt(start - this.offsetAt(start));
      const second = this.offsetAt(start - first);
      // Two answers means the wall hour is ambiguous or skipped: the larger offset is the earlier instant.
      offset = Math.max(first, second);
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(hour, offset);
    }
    return wallMs - offset;
  }

  /** ISO text (`2020-03-04T05:06:07.000Z`) of a UTC epoch time, from a cached day prefix. */
  iso(utcMs: number): string {
    const day = Math.floor(utcMs / DAY_MS);
    let prefix = this.dayPrefix.get(day);
    if (prefix === undefined) {
      const d = civilDate(day);
      prefix = `${String(d.year).padStart(4, '0')}-${pad2(d.month)}-${pad2(d.day)}T`;
      if (this.dayPrefix.size > 10_000) this.dayPrefix.clear();
      this.dayPrefix.set(day, prefix);
    }
    const ms = utcMs - day * DAY_MS;
    const secs = Math.floor(ms / 1000);
    return `${prefix}${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}.${String(ms % 1000).padStart(3, '0')}Z`;
  }

  /** The zone's offset from UTC (ms, east positive) at a UTC instant. */
  private offsetAt(utcMs: number): number {
    const parts = this.format.formatToParts(new Date(utcMs));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = epochDay(get('year'), get('month'), get('day')) * DAY_MS + get('hour') * HOUR_MS + get('minute') * 60_000 + get('second') * 1000;
    return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
