import type { DenialCode } from '../../licensing/denials.js';
import { DENIAL } from '../../licensing/denials.js';
import type { UsageEventKind } from '../../licensing/usage-event.js';
import type { Capacities, ImportedEventFactory, SourceRecord } from '../imported-event.js';
import { capacityOf, tallyVersion } from '../imported-event.js';
import type { SummaryCollector } from '../import-summary.js';
import type { LineParser } from '../line-parser.js';
import { SAMPLE_LINES, guessFormat } from '../line-parser.js';
import type { WallClock } from '../wall-clock.js';
import { civilDate, epochDay } from '../wall-clock.js';

const DAY_MS = 86_400_000;

/** RLM's DENY `why` statuses (RLM_EL_*), mapped to Tally's denial codes. */
const RLM_DENIALS: ReadonlyMap<number, DenialCode> = new Map<number, DenialCode>([
  [-22, DENIAL.INSUFFICIENT_COUNT], // all licenses in use
  [-8, DENIAL.INSUFFICIENT_COUNT], // too many (more than the license allows)
  [-14, DENIAL.RULE_MAX_EXCEEDED], // over the options file's MAX
  [-10, DENIAL.RULE_REJECTION], // excluded (all)
  [-11, DENIAL.RULE_REJECTION], // excluded
  [-12, DENIAL.RULE_REJECTION], // not included (all)
  [-13, DENIAL.RULE_REJECTION], // not included
  [-3, DENIAL.EXPIRED], // expired
  [-37, DENIAL.NOT_YET_STARTED], // not started yet
  [-6, DENIAL.NO_MATCHING_VERSION], // bad version
  [-1, DENIAL.NOT_AVAILABLE], // no such product
  [-18, DENIAL.NOT_AVAILABLE], // server does not support it
]);
/** In the queue: waiting, not refused. */
const RLM_INQUEUE = -25;

/** The debug log's denial reason texts (on the line after DENIED), mapped by what they say. */
const DEBUG_REASONS: Array<[RegExp, DenialCode]> = [
  [/in use|too many|reserved/i, DENIAL.INSUFFICIENT_COUNT],
  [/max/i, DENIAL.RULE_MAX_EXCEEDED],
  [/exclude|not included|include list/i, DENIAL.RULE_REJECTION],
  [/expired/i, DENIAL.EXPIRED],
  [/not (yet )?started|start date/i, DENIAL.NOT_YET_STARTED],
  [/version/i, DENIAL.NO_MATCHING_VERSION],
  [/no such|not supported|unknown product|no license/i, DENIAL.NOT_AVAILABLE],
];

/** Options of an RLM log import. */
export interface RlmOptions {
  clock: WallClock;
  capacities: Capacities;
  /** For the debug log, which has no year: the date of its first or last line (a file time). */
  fallbackDay: { day: number; of: 'first' | 'last' } | null;
}

/** `MM/DD H:MM (isv) message`: the debug log's envelope, hours with one digit or two. */
const DEBUG_LINE = /^(\d{2})\/(\d{2}) (\d{1,2}):(\d{2}) \(([^)]*)\) ?(.*)$/;

/**
 * A debug log line's time before its year is known: years passed since the first line (a
 * month lower than the line before's is New Year), the date and the wall-clock seconds.
 */
interface DebugTime {
  years: number;
  month: number;
  day: number;
  secs: number;
}

interface Checkout {
  product: string;
  version: string;
  user: string | null;
  host: string | null;
  count: number;
}

/**
 * Reprise RLM logs: the report log (`REPORTLOG`, std, small or detailed; `OUT`, `IN`, `DENY`,
 * `START`, `SHUTDOWN` records, the year from `START` and the periodic date lines) and the ISV
 * debug log (`MM/DD HH:MM (isv) OUT: product vX by user@host`, no year and no seconds; a
 * denial's reason on the next line). Which one a file is comes from its first lines.
 */
export class RlmLogParser implements LineParser {
  recognized = 0;
  private mode: 'report' | 'debug' | null = null;
  private readonly sample: string[] = [];
  private isv = 'rlm';
  /** 0 std, 1 small, 2 detailed. */
  private format = 0;
  private year: number | null = null;
  private month = 0;
  private lastDay: number | null = null;
  private readonly open = new Map<string, Checkout>();
  private readonly inUse = new Map<string, number>();
  private readonly capacity = new Map<string, number>();
  private pendingDenial: { isv: string; product: string; version: string; user: string | null; host: string | null; count: number; at: DebugTime; prefix: string; lineNo: number } | null = null;
  /** The time of the debug log's last dated line. */
  private debugNow: DebugTime | null = null;
  /** Debug log records waiting for the end, when the file's date is that of its last line. */
  private debugHeld: Array<{ r: SourceRecord; at: DebugTime }> = [];

  constructor(
    private readonly options: RlmOptions,
    private readonly events: ImportedEventFactory,
    private readonly summary: SummaryCollector,
  ) {}

  refusal(): string {
    const guess = guessFormat(this.sample);
    return `This is not an RLM report or debug log: no "RLM Report Log Format" header and no "MM/DD HH:MM (isv)" line${guess ? `; it looks like ${guess}` : ''}.`;
  }

  line(s: string, lineNo: number): void {
    const text = s.trimEnd();
    if (text.length === 0) return;
    if (this.sample.length < SAMPLE_LINES) this.sample.push(text);
    if (text.startsWith('RLM Report Log Format')) {
      this.mode = 'report';
      this.recognized += 1;
      this.format = Number(/Format (\d)/.exec(text)?.[1] ?? 0);
      return;
    }
    if (this.mode !== 'report' && /^\d{2}\/\d{2} \d{1,2}:\d{2} \(/.test(text)) {
      this.mode = 'debug';
      this.recognized += 1;
      return this.debugLine(text, lineNo);
    }
    if (this.mode === 'report') return this.reportLine(text, lineNo);
    if (this.mode === 'debug') return this.summary.skip('no envelope (banner or continuation line)', lineNo);
    this.summary.skip('before the RLM header', lineNo);
  }

  end(): void {
    this.flushDenial(null);
    this.flushDebug();
  }

  // ---- report log ----

  private reportLine(text: string, lineNo: number): void {
    const t = tokens(text);
    const word = t[0]!;
    this.recognized += 1;
    switch (word) {
      case 'OUT':
        return this.reportOut(t, lineNo);
      case 'IN':
        return this.reportIn(t, lineNo);
      case 'DENY':
        return this.reportDeny(t, lineNo);
      case 'INUSE': {
        // Checkouts held when the log starts or ends: state to pair later INs with, not new checkouts.
        if (t.length < 12) return this.summary.skip('malformed INUSE record', lineNo);
        const handle = t[8]!;
        if (!this.open.has(handle)) this.open.set(handle, { product: t[1]!, version: t[2]!, user: t[4] || null, host: t[5] || null, count: int(t[7]) ?? 1 });
        return;
      }
      case 'START': {
        const d = mdyyyy(t[2]);
        if (d === null) return this.summary.skip('corrupt date', lineNo);
        this.setDate(d);
        this.summary.note('license server starts');
        this.closeAll(this.at(t[2]!.slice(0, 5), t[3] ?? '00:00'), 'start');
        this.capacity.clear();
        return;
      }
      case 'SHUTDOWN': {
        const utc = this.at(t[3] ?? '', t[4] ?? '');
        if (utc === null) return this.summary.skip('corrupt date', lineNo);
        this.summary.note('license server shutdowns');
        return this.closeAll(utc, 'shutdown');
      }
      case 'END': {
        const d = mdyyyy(t[1]);
        if (d !== null) this.setDate(d);
        return;
      }
      case 'PRODUCT': {
        const count = int(t[4]);
        if (count !== null) this.capacity.set(t[1]!, (this.capacity.get(t[1]!) ?? 0) + count);
        return;
      }
      case 'REREAD':
        this.capacity.clear();
        return;
      case 'ISV:':
        this.isv = (t[1] ?? 'rlm').replace(/,$/, '');
        return;
      case 'QUE':
        this.summary.note('queued requests');
        return;
      case 'DEQUE':
        this.summary.note('dequeued requests');
        return;
      default: {
        // The periodic date line: mm/dd/yyyy hh:mm.
        const d = mdyyyy(word);
        if (d !== null) return this.setDate(d);
        if (/^(LICENSE|AUTH:|TIMEZONE|SWITCH|REPROCESSED|Logfile|For|You|RLM|ROAM_EXTEND|METER_DEC|DYNRES|TEMP|log)/.test(word)) return;
        this.recognized -= 1;
        this.summary.skip('unknown record', lineNo);
      }
    }
  }

  private reportOut(t: string[], lineNo: number): void {
    // std/detailed: OUT product version pool user host "isv_def" count cur_use cur_resuse handle share pid "project" "req product" "req version" mm/dd hh:mm:ss
    // small:        OUT product version user host "isv_def" count handle share hh:mm
    const small = this.format === 1;
    if (t.length < (small ? 10 : 18)) return this.summary.skip('malformed OUT record', lineNo);
    const [product, version] = [t[1]!, t[2]!];
    const o = small ? { user: t[3]!, host: t[4]!, count: t[6]!, handle: t[7]!, use: null, date: null, time: t[9]! } : { user: t[4]!, host: t[5]!, count: t[7]!, handle: t[10]!, use: t[8]!, date: t[16]!, time: t[17]! };
    const count = int(o.count);
    const utc = this.at(o.date, o.time);
    if (count === null || utc === null) return this.summary.skip('malformed OUT record', lineNo);
    this.open.set(o.handle, { product, version, user: o.user || null, host: o.host || null, count });
    const inUse = o.use === null ? (this.inUse.get(product) ?? 0) + count : (int(o.use) ?? 0);
    this.inUse.set(product, inUse);
    this.emit('checkout', utc, product, version, count, o.user || null, o.host || null, o.handle, inUse, null);
  }

  private reportIn(t: string[], lineNo: number): void {
    // std: IN why product version user host "isv_def" count cur_use cur_resuse handle mm/dd hh:mm:ss
    // small: IN why count handle hh:mm
    const small = this.format === 1 || t.length < 13;
    if (t.length < (small ? 5 : 13)) return this.summary.skip('malformed IN record', lineNo);
    const handle = small ? t[3]! : t[10]!;
    const known = this.open.get(handle);
    this.open.delete(handle);
    const utc = small ? this.at(null, t[4]!) : this.at(t[11]!, t[12]!);
    if (utc === null) return this.summary.skip('malformed IN record', lineNo);
    const product = small ? known?.product : t[2]!;
    if (!product) {
      this.summary.note('returns without a checkout in the log');
      return this.summary.skip('IN of an unknown handle (small format)', lineNo);
    }
    if (!known) this.summary.note('returns without a checkout in the log');
    const count = int(small ? t[2] : t[7]) ?? known?.count ?? 1;
    // The version of an IN is the one asked for; the checkout's is the one served.
    const version = known?.version ?? t[3]!;
    const use = small ? null : int(t[8]);
    const inUse = use ?? Math.max(0, (this.inUse.get(product) ?? 0) - (known ? count : 0));
    this.inUse.set(product, inUse);
    const user = small ? (known?.user ?? null) : t[4] || null;
    const host = small ? (known?.host ?? null) : t[5] || null;
    this.emit('return', utc, product, version, count, user, host, handle, inUse, null);
  }

  private reportDeny(t: string[], lineNo: number): void {
    // DENY product version user host "isv_def" count why last_attempt [pid] mm/dd hh:mm[:ss]
    if (t.length < 11) return this.summary.skip('malformed DENY record', lineNo);
    const why = int(t[7]);
    const utc = this.at(t[t.length - 2]!, t[t.length - 1]!);
    if (why === null || utc === null) return this.summary.skip('malformed DENY record', lineNo);
    if (why === RLM_INQUEUE) return this.summary.note('queued requests');
    // last_attempt 0: the client goes on to another server, so this is not a refusal yet.
    if (t[8] === '0') return this.summary.note('denials the client retried elsewhere (last_attempt 0, not stored)');
    const code = RLM_DENIALS.get(why) ?? null;
    this.summary.denialReason(`RLM status ${why}`, code);
    if (code === null) return this.summary.note('denials with an RLM status Tally does not map (not stored)');
    const product = t[1]!;
    this.emit('deny', utc, product, t[2]!, int(t[6]) ?? 1, t[3] || null, t[4] || null, '', this.inUse.get(product) ?? 0, code);
  }

  // ---- debug log ----

  private debugLine(text: string, lineNo: number): void {
    const m = DEBUG_LINE.exec(text);
    if (!m) return this.summary.skip('no envelope (banner or continuation line)', lineNo);
    const isv = m[5]!;
    const msg = m[6]!;
    // A denial's reason is the next line, indented under the same envelope.
    if (this.pendingDenial && msg.startsWith(' ')) return this.flushDenial(msg.trim());
    this.flushDenial(null);
    const at = this.debugTime(Number(m[1]), Number(m[2]), Number(m[3]) * 3600 + Number(m[4]) * 60);
    if (at === null) return this.summary.skip('corrupt date', lineNo);
    if (!this.options.fallbackDay) return this.summary.skip('no date (no year in the debug log and no fallback)', lineNo);
    if (msg.startsWith('OUT: ') || msg.startsWith('IN: ')) {
      const out = msg.startsWith('OUT: ');
      const u = debugUsage(msg.slice(out ? 5 : 4));
      if (!u) return this.summary.skip(`malformed ${out ? 'OUT' : 'IN'} line`, lineNo);
      const key = `${isv}\u0000${u.product}\u0000${u.user ?? ''}\u0000${u.host ?? ''}\u0000${u.count}`;
      let inUse = this.inUse.get(u.product) ?? 0;
      if (out) {
        this.open.set(`${key}\u0000${this.openCount(key)}`, { ...u, version: u.version });
        inUse += u.count;
      } else {
        const n = this.openCount(key);
        if (n > 0) {
          this.open.delete(`${key}\u0000${n - 1}`);
          inUse = Math.max(0, inUse - u.count);
        } else this.summary.note('returns without a checkout in the log');
      }
      this.inUse.set(u.product, inUse);
      return this.debugRecord(at, out ? 'checkout' : 'return', u.product, u.version, u.count, u.user, u.host, '', inUse, null, isv);
    }
    if (msg.startsWith('DENIED: ')) {
      const count = /^\((\d+)\)/.exec(msg.slice(8));
      const u = debugUsage(msg.slice(8).replace(/^\(\d+\)\s*/, ''));
      if (!u) return this.summary.skip('malformed DENIED line', lineNo);
      this.pendingDenial = { isv, product: u.product, version: u.version, user: u.user, host: u.host, count: Number(count?.[1] ?? 1), at, prefix: u.prefix, lineNo };
      return;
    }
    if (msg.startsWith('Server started on') || msg.startsWith('RLM License Server Version')) {
      this.summary.note('license server starts');
      return this.closeAll(at, 'start', isv);
    }
    if (msg.startsWith('Shutdown request')) {
      this.summary.note('license server shutdowns');
      return this.closeAll(at, 'shutdown', isv);
    }
  }

  private flushDenial(reason: string | null): void {
    const d = this.pendingDenial;
    if (!d) return;
    this.pendingDenial = null;
    // RLM writes words before the product of some denials (`no good`): kept as the reason when no reason line follows.
    const text = reason ?? (d.prefix ? d.prefix : '(no reason given)');
    const code = DEBUG_REASONS.find(([re]) => re.test(text))?.[1] ?? null;
    this.summary.denialReason(text, code);
    if (code === null) return this.summary.note('denials with a reason Tally does not map (not stored)');
    this.debugRecord(d.at, 'deny', d.product, d.version, d.count, d.user, d.host, '', this.inUse.get(d.product) ?? 0, code, d.isv);
  }

  private openCount(key: string): number {
    let n = 0;
    while (this.open.has(`${key}\u0000${n}`)) n++;
    return n;
  }

  /** The debug log has no year: count New Years from the first line; the fallback date gives the year at the end. */
  private debugTime(month: number, day: number, secs: number): DebugTime | null {
    if (month < 1 || month > 12 || day < 1 || day > 31 || secs >= 86_400) return null;
    const previous = this.debugNow;
    const years = previous === null ? 0 : previous.years + (month < previous.month ? 1 : 0);
    this.debugNow = { years, month, day, secs };
    return this.debugNow;
  }

  /**
   * A debug log event: emitted now when the fallback date is that of the first line; held to
   * the end when it is that of the last (a file's modification time), whose year is only
   * known once the last line is read.
   */
  private debugRecord(at: DebugTime, kind: UsageEventKind, product: string, version: string, count: number, user: string | null, host: string | null, detail: string, inUse: number, code: DenialCode | null, isv: string): void {
    const r = this.sourceRecord(kind, 0, product, version, count, user, host, detail, inUse, code, isv);
    this.debugHeld.push({ r, at });
    if (this.options.fallbackDay?.of === 'first') this.flushDebug();
  }

  private flushDebug(): void {
    const fallback = this.options.fallbackDay;
    const last = this.debugNow;
    if (!fallback || !last || this.debugHeld.length === 0) return;
    const ref = civilDate(fallback.day);
    let firstYear: number;
    if (fallback.of === 'first') firstYear = ref.year;
    else {
      // The last line is on or before the file date: in its year, or the year before.
      const lastYear = last.month > ref.month || (last.month === ref.month && last.day > ref.day) ? ref.year - 1 : ref.year;
      firstYear = lastYear - last.years;
    }
    for (const { r, at } of this.debugHeld) {
      r.utcMs = this.options.clock.toUtc(epochDay(firstYear + at.years, at.month, at.day) * DAY_MS + at.secs * 1000);
      this.events.emit(r);
    }
    this.debugHeld = [];
  }

  // ---- shared ----

  private setDate(d: { year: number; month: number; day: number }): void {
    this.year = d.year;
    this.month = d.month;
    this.lastDay = epochDay(d.year, d.month, d.day);
  }

  /** UTC time of a record's `mm/dd` (or the current day when absent) and `hh:mm[:ss[.tt]]`. */
  private at(date: string | null, time: string): number | null {
    let abs: number;
    if (date !== null) {
      const m = /^(\d{2})\/(\d{2})$/.exec(date);
      if (!m || this.year === null) return null;
      const month = Number(m[1]);
      // Records carry no year: a month lower than the last date line's is the next year.
      if (month < this.month) this.year += 1;
      this.month = month;
      abs = epochDay(this.year, month, Number(m[2]));
    } else {
      if (this.lastDay === null) return null;
      abs = this.lastDay;
    }
    const tm = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(time);
    if (!tm) return null;
    const secs = Number(tm[1]) * 3600 + Number(tm[2]) * 60 + Number(tm[3] ?? 0);
    return this.options.clock.toUtc(abs * DAY_MS + secs * 1000);
  }

  private closeAll(when: number | DebugTime | null, why: 'start' | 'shutdown', isv?: string): void {
    if (when === null) return;
    for (const [handle, o] of this.open) {
      if (isv !== undefined && !handle.startsWith(`${isv}\u0000`)) continue;
      const inUse = Math.max(0, (this.inUse.get(o.product) ?? 0) - o.count);
      this.inUse.set(o.product, inUse);
      this.summary.note(`returns made at a server ${why} (no IN in the log)`);
      if (typeof when === 'number') this.emit('return', when, o.product, o.version, o.count, o.user, o.host, `${handle}\u0000${why}`, inUse, null, isv);
      else this.debugRecord(when, 'return', o.product, o.version, o.count, o.user, o.host, `${handle}\u0000${why}`, inUse, null, isv ?? this.isv);
      this.open.delete(handle);
    }
  }

  private emit(kind: UsageEventKind, utcMs: number, product: string, version: string, count: number, user: string | null, host: string | null, detail: string, inUse: number, code: DenialCode | null, isv = this.isv): void {
    this.events.emit(this.sourceRecord(kind, utcMs, product, version, count, user, host, detail, inUse, code, isv));
  }

  private sourceRecord(kind: UsageEventKind, utcMs: number, product: string, version: string, count: number, user: string | null, host: string | null, detail: string, inUse: number, code: DenialCode | null, isv: string): SourceRecord {
    return {
      kind,
      utcMs,
      daemon: isv,
      feature: product,
      version: tallyVersion(version),
      count,
      user,
      host,
      detail,
      inUseAfter: inUse,
      capacity: capacityOf(this.options.capacities, product) ?? this.capacity.get(product) ?? null,
      statusCode: code,
    };
  }
}

/** Splits a report-log record at spaces, keeping "quoted fields" whole (`""` is empty). */
export function tokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    if (text.charCodeAt(i) === 34) {
      const close = text.indexOf('"', i + 1);
      const end = close < 0 ? n : close;
      out.push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      let end = text.indexOf(' ', i);
      if (end < 0) end = n;
      out.push(text.slice(i, end));
      i = end;
    }
  }
  return out;
}

/**
 * `[(why)] [words] product v1.2 by|to user@host [isv data] [(N licenses)]`. RLM product names
 * have no spaces: the product is the word before the version, and words before it are RLM's
 * own (`DENIED: (1) no good 1 v3.03 to edgar@vaio` denies product `1`).
 */
function debugUsage(text: string): { product: string; version: string; user: string | null; host: string | null; count: number; prefix: string } | null {
  const m = /^(?:\([^)]*\)\s+)?(?:(.*?)\s+)?(\S+) v(\d[\w.]*)\s*(?:by|to) (.+)$/.exec(text.trim());
  if (!m) return null;
  let who = m[4]!;
  let count = 1;
  const licenses = /\((\d+) licenses?\)\s*$/.exec(who);
  if (licenses) {
    count = Number(licenses[1]);
    who = who.slice(0, licenses.index);
  }
  // The user@host comes first; anything after a space is ISV-defined data.
  const space = who.indexOf(' ');
  const pair = space < 0 ? who : who.slice(0, space);
  const at = pair.lastIndexOf('@');
  return { product: m[2]!, version: m[3]!, user: (at < 0 ? pair : pair.slice(0, at)) || null, host: at < 0 ? null : pair.slice(at + 1) || null, count, prefix: m[1] ?? '' };
}

function int(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null;
  return Number(text);
}

function mdyyyy(text: string | undefined): { year: number; month: number; day: number } | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text ?? '');
  if (!m) return null;
  return { year: Number(m[3]), month: Number(m[1]), day: Number(m[2]) };
}
