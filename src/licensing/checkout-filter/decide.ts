import type { EpochMs } from '../../common/time.js';
import type { Device } from '../hostid.js';
import { normalizeHostIdValue } from '../hostid.js';
import { compareVersions } from '../version.js';
import type { CheckoutFilter, FilterCondition, FilterRule, Pattern, VersionRange } from './ast.js';

/** What a filter is asked about: one feature of one capability request. */
export interface FilterSubject {
  device: Device;
  feature: string;
  /** The version the request asks for. */
  version: string;
}

/** The filter's answer: the rule that decided, or null when the default did. */
export type FilterVerdict = { action: 'allow' | 'deny'; rule: FilterRule | null };

/** Day of the week (0 = Sunday) and minutes since midnight in the filter's time zone. */
interface LocalTime {
  day: number;
  minute: number;
}

/**
 * Runs a filter's rules top to bottom for one feature of a request; the first rule whose
 * condition holds decides, and the default decides when none does. The time of day is worked
 * out once, and only when a rule asks for it.
 */
export function checkFilter(filter: CheckoutFilter, subject: FilterSubject, now: EpochMs): FilterVerdict {
  let local: LocalTime | null = null;
  const clock = () => (local ??= localTime(now, filter.timeZone));
  for (const rule of filter.rules) {
    if (holds(rule.condition, subject, clock)) return { action: rule.action, rule };
  }
  return { action: filter.defaultAction, rule: null };
}

/** The text a refusal carries: which filter, which line, and the administrator's reason or the rule itself. */
export function refusalText(filter: CheckoutFilter, verdict: FilterVerdict): string {
  if (!verdict.rule) {
    const at = filter.defaultAt ? ` (line ${filter.defaultAt.line})` : '';
    return `Checkout filter "${filter.name}": no rule matches this request and its default is deny${at}.`;
  }
  const rule = verdict.rule;
  return `Checkout filter "${filter.name}", line ${rule.line}: ${rule.reason ?? rule.text}`;
}

function holds(c: FilterCondition, s: FilterSubject, clock: () => LocalTime): boolean {
  switch (c.kind) {
    case 'any':
      return true;
    case 'not':
      return !holds(c.operand, s, clock);
    case 'and':
      return holds(c.left, s, clock) && holds(c.right, s, clock);
    case 'or':
      return holds(c.left, s, clock) || holds(c.right, s, clock);
    case 'hostidtype':
      return c.types.includes(s.device.hostId.type);
    case 'devicetype':
      return c.types.includes(s.device.deviceType);
    case 'version':
      return c.ranges.some((r) => inRange(s.version, r));
    case 'days':
      return c.days.includes(clock().day);
    case 'hours': {
      const { minute } = clock();
      return c.spans.some(({ from, to }) => (from < to ? minute >= from && minute < to : minute >= from || minute < to));
    }
    case 'dictionary':
      return c.pairs.some(({ key, value }) => {
        const v = Object.hasOwn(s.device.vendorDictionary, key) ? s.device.vendorDictionary[key] : undefined;
        return v !== undefined && value.test(String(v));
      });
    case 'match': {
      const value = fieldValue(c.field, s);
      if (value === null) return false;
      return c.patterns.some((p) => patternHolds(p, c.field, s.device, value));
    }
  }
}

function fieldValue(field: 'feature' | 'hostid' | 'hostname' | 'hosttype' | 'user', s: FilterSubject): string | null {
  switch (field) {
    case 'feature':
      return s.feature;
    case 'hostid':
      return normalizeHostIdValue(s.device.hostId);
    case 'hostname':
      return s.device.alias;
    case 'hosttype':
      return s.device.hostType;
    case 'user':
      return s.device.user;
  }
}

function patternHolds(p: Pattern, field: string, device: Device, value: string): boolean {
  if (field === 'hostid' && p.hostIdType && p.hostIdType !== device.hostId.type) return false;
  return p.test(value);
}

function inRange(version: string, r: VersionRange): boolean {
  if (r.min) {
    const c = compareVersions(version, r.min.version);
    if (c < 0 || (c === 0 && !r.min.inclusive)) return false;
  }
  if (r.max) {
    const c = compareVersions(version, r.max.version);
    if (c > 0 || (c === 0 && !r.max.inclusive)) return false;
  }
  return true;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The day and minute of `now` in a time zone (UTC without asking Intl). */
function localTime(now: EpochMs, timeZone: string): LocalTime {
  if (timeZone === 'UTC') {
    const d = new Date(now);
    return { day: d.getUTCDay(), minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
  }
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(now)) {
    if (part.type === 'weekday') day = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}
