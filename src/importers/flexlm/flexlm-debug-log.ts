import type { DenialCode } from '../../licensing/denials.js';
import { DENIAL } from '../../licensing/denials.js';
import type { UsageEventKind } from '../../licensing/usage-event.js';
import { MAX_REQUEST_COUNT } from '../../licensing/limits.js';
import type { Capacities, ImportedEventFactory, SourceRecord } from '../imported-event.js';
import { capacityOf, tallyVersion } from '../imported-event.js';
import type { SummaryCollector } from '../import-summary.js';
import type { LineParser } from '../line-parser.js';
import { SAMPLE_LINES, guessFormat } from '../line-parser.js';
import { epochDay } from '../wall-clock.js';
import type { WallClock } from '../wall-clock.js';
import { FLEXNET_DENIALS, FLEXNET_QUEUED, flexnetError } from './denial-reasons.js';

const DAY_MS = 86_400_000;
/**
 * A step back in time longer than this is the clock passing midnight. Shorter ones are lmgrd
 * and a vendor daemon flushing their buffers out of order, or the autumn hour repeated.
 */
const ROLLOVER_SECONDS = 3 * 3600;
/** Events held while waiting for the next date line; past this they are dated as things stand. */
const MAX_HELD = 50_000;

const MONTHS: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

/** Options of a FlexLM debug log import. */
export interface FlexlmOptions {
  clock: WallClock;
  capacities: Capacities;
  /** Store UNSUPPORTED lines (features the server does not have) as NOT_AVAILABLE denials. */
  includeUnsupported: boolean;
  /**
   * The date to use when the log has no date line at all: the date of its first line, or of
   * its last (a file's modification time). Null: such lines are skipped.
   */
  fallbackDay: { day: number; of: 'first' | 'last' } | null;
}

/** What an OUT, IN, DENIED, QUEUED, UPGRADE or UNSUPPORTED line says. */
export interface UsageLine {
  feature: string;
  user: string | null;
  host: string | null;
  /** The checkout data in brackets (`[MSCONE:NASTRAN]`), or ''. */
  checkoutData: string;
  count: number;
  /** The trailing text in parentheses: the IN reason (`SHUTDOWN`) or the denial reason. */
  reason: string | null;
  /** UPGRADE: the count before. */
  upgradeFrom: number | null;
  /** Verbose (`^^^`) lines: the version, and the in-use and total counts. */
  version: string | null;
  inUse: number | null;
  total: number | null;
}

/** What identifies a checkout in a log without handles. */
interface Checkout {
  feature: string;
  user: string | null;
  host: string | null;
  checkoutData: string;
  count: number;
}

/** A record waiting for its date, and how its time relates to other records once dated. */
interface HeldRecord extends SourceRecord {
  /** A moment of the log, not an event (a logged shutdown): dated like the lines around it, never emitted. */
  silent?: boolean;
  /** Takes this record's time once dated (a return made at a logged shutdown takes the shutdown's). */
  at?: HeldRecord;
  /** Never dated before these (a return made at a restart: its checkout, the daemon's last event). */
  notBefore?: HeldRecord[];
}

interface OpenCheckouts extends Checkout {
  /** The checkout records still open, oldest first. */
  records: HeldRecord[];
}

/** Checkouts are paired with check-ins by everything the lines say about them. */
function pairKey(c: Checkout, count = c.count): string {
  return `${c.feature}\u0000${c.user ?? ''}\u0000${c.host ?? ''}\u0000${c.checkoutData}\u0000${count}`;
}

interface DaemonState {
  inUse: Map<string, number>;
  open: Map<string, OpenCheckouts>;
  capacity: Map<string, number>;
  /** The daemon's latest record. */
  last: HeldRecord | null;
  /** The moment of a logged shutdown whose remaining checkouts are not yet returned. */
  shutdown: HeldRecord | null;
}

/**
 * The FlexLM (FlexNet Publisher) debug log: lmgrd's and the vendor daemons' lines in one
 * file, `H:MM:SS (daemon) message`. Lines carry no date: it comes from TIMESTAMP lines, start
 * banners, the system-date line and SLOG time lines, with a day added when the clock steps
 * back past midnight. Events are held until the next date line, so that one which corrects the
 * inferred date also dates the lines of its day written before it.
 *
 * The hot path reads the envelope by character codes and dispatches on the first letter of
 * the message; only usage lines are cut into strings.
 */
export class FlexlmDebugLogParser implements LineParser {
  recognized = 0;
  private day = 0;
  private secs = -1;
  private anchor: { day: number; abs: number } | null = null;
  /** Events waiting for a date line; their utcMs holds the line's relative day and second until then. */
  private held: HeldRecord[] = [];
  private readonly daemons = new Map<string, DaemonState>();
  private zoneNamed = false;
  private lastDaemon = { raw: '', name: '' };
  private readonly sample: string[] = [];

  constructor(
    private readonly options: FlexlmOptions,
    private readonly events: ImportedEventFactory,
    private readonly summary: SummaryCollector,
  ) {}

  refusal(): string {
    const guess = guessFormat(this.sample);
    return `This is not a FlexLM debug log: no line has the "H:MM:SS (daemon) message" form${guess ? `; it looks like ${guess}` : ''}.`;
  }

  line(s: string, lineNo: number): void {
    const n = s.length;
    let i = 0;
    while (i < n && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
    if (i === n) return;
    if (this.sample.length < SAMPLE_LINES) this.sample.push(s);
    // `lmgrd -datestamp` writes 2020-03-04T10:11:12+01:00 in place of the time.
    if (i === 0 && s.charCodeAt(4) === 45 && s.charCodeAt(10) === 84) return this.dated(s, lineNo);
    // Usually one space pads the hour; anything else before the time is not an envelope.
    if (i > 1) return this.summary.skip('no time envelope (continuation or foreign line)', lineNo);
    let c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return this.summary.skip('no time envelope (continuation or foreign line)', lineNo);
    let h = c;
    c = s.charCodeAt(i + 1) - 48;
    if (c >= 0 && c <= 9) {
      h = h * 10 + c;
      i += 2;
    } else i += 1;
    let secs: number;
    if (s.charCodeAt(i) === 58 /* : */) {
      const m = twoDigits(s, i + 1);
      if (m < 0 || m > 59 || h > 23) return this.summary.skip('corrupt time', lineNo);
      i += 3;
      let sec = 0;
      // The older form has no seconds.
      if (s.charCodeAt(i) === 58) {
        sec = twoDigits(s, i + 1);
        if (sec < 0 || sec > 59) return this.summary.skip('corrupt time', lineNo);
        i += 3;
      }
      secs = h * 3600 + m * 60 + sec;
    } else return this.summary.skip('no time envelope (continuation or foreign line)', lineNo);
    this.message(s, i, secs, -1, lineNo);
  }

  /** A line in the `-datestamp` form: the wall clock with its date (the zone still comes from --timezone). */
  private dated(s: string, lineNo: number): void {
    const parsed = isoDatestamp(s);
    if (!parsed) return this.summary.skip('corrupt time', lineNo);
    this.message(s, parsed.end, parsed.secs, parsed.day, lineNo);
  }

  /** The rest of a line after its time, at position i: the daemon in parentheses, then the message. */
  private message(s: string, i: number, secs: number, day: number, lineNo: number): void {
    const n = s.length;
    if (s.charCodeAt(i) !== 32 || s.charCodeAt(i + 1) !== 40 /* ( */) return this.summary.skip('no time envelope (continuation or foreign line)', lineNo);
    const close = s.indexOf(')', i + 2);
    if (close < 0) return this.summary.skip('no time envelope (continuation or foreign line)', lineNo);
    this.recognized += 1;
    this.advance(secs);
    if (day >= 0) this.anchorAt(day);
    const p = s.charCodeAt(close + 1) === 32 ? close + 2 : close + 1;
    if (p >= n) return;
    switch (s.charCodeAt(p)) {
      case 79 /* O */:
        if (s.startsWith('OUT:', p)) this.usage(s, p + 4, 'checkout', i + 2, close, lineNo);
        return;
      case 73 /* I */:
        if (s.startsWith('IN:', p)) this.usage(s, p + 3, 'return', i + 2, close, lineNo);
        return;
      case 68 /* D */:
        if (s.startsWith('DENIED:', p)) this.usage(s, p + 7, 'deny', i + 2, close, lineNo);
        else if (s.startsWith('DEQUEUED:', p)) this.summary.note('dequeued requests');
        return;
      case 85 /* U */:
        if (s.startsWith('UNSUPPORTED:', p)) this.unsupported(s, p + 12, i + 2, close, lineNo);
        else if (s.startsWith('UPGRADE:', p)) this.upgrade(s, p + 8, i + 2, close, lineNo);
        return;
      case 81 /* Q */:
        if (s.startsWith('QUEUED:', p)) this.summary.note('queued requests');
        return;
      case 84 /* T */:
        if (s.startsWith('TIMESTAMP ', p)) {
          const day = mdy(s, p + 10);
          if (day === null) this.summary.skip('corrupt date', lineNo);
          else this.anchorAt(day);
        }
        return;
      case 40 /* ( */:
        // SLOG statistics blocks: mostly history, but their Time:/Start-Date: lines carry a full date.
        if (s.startsWith('(@', p)) {
          const at = s.indexOf('@) ', p + 2);
          if (at > 0 && (s.startsWith('Time: ', at + 3) || s.startsWith('Start-Date: ', at + 3))) this.fullDate(s, s.indexOf(': ', at + 3) + 2, lineNo);
        }
        return;
      case 70 /* F */:
        if (s.startsWith('FlexNet Licensing', p) || s.startsWith('FLEXnet Licensing', p) || s.startsWith('FLEXlm', p)) this.banner(s, p, i + 2, close, lineNo);
        return;
      case 83 /* S */:
        if (s.startsWith("Server's System Date and Time: ", p)) this.fullDate(s, p + 31, lineNo);
        else if (s.startsWith('Started ', p) && this.isLmgrd(s, i + 2, close)) this.restart(s, p + 8);
        else if (s.startsWith('SHUTDOWN request', p) || s.startsWith('Shutdown request', p)) this.shutdown(s, i + 2, close, null);
        else if (s.startsWith('Shutting down ', p) && this.isLmgrd(s, i + 2, close)) {
          // `Shutting down cadd pid=11757 because of signal 15`
          const space = s.indexOf(' ', p + 14);
          this.shutdown(s, i + 2, close, stripFork(s.slice(p + 14, space < 0 ? s.length : space)));
        }
        return;
      case 82 /* R */:
        if (s.startsWith('REStarted ', p) && this.isLmgrd(s, i + 2, close)) this.restart(s, p + 10);
        return;
      case 69 /* E */:
        if (s.startsWith('EXITING DUE TO SIGNAL', p)) this.shutdown(s, i + 2, close, null);
        return;
      case 108 /* l */:
        if (s.startsWith('lmgrd will now shut down', p)) this.shutdown(s, i + 2, close, null);
        return;
      case 100 /* d */:
        if (s.startsWith('daemon shutdown requested', p)) this.shutdown(s, i + 2, close, null);
        return;
      case 76 /* L */:
        if (s.startsWith('Lost connection to lmgrd', p)) this.shutdown(s, i + 2, close, null);
        return;
      default:
        // lmgrd: `cadd exited with status 28 (Communications error)`.
        if (this.isLmgrd(s, i + 2, close)) {
          const exited = s.indexOf(' exited with status ', p);
          if (exited > p && s.lastIndexOf(' ', exited - 1) < p) this.shutdown(s, i + 2, close, stripFork(s.slice(p, exited)));
        }
        return;
    }
  }

  end(): void {
    // A daemon shut down and not started again before the log ends returns what it still held.
    for (const [name, d] of this.daemons) if (d.shutdown) this.closeOpen(name);
    if (this.held.length === 0) return;
    if (this.anchor) return this.flush(this.anchor);
    const fallback = this.options.fallbackDay;
    if (!fallback) {
      for (const r of this.held) if (!r.silent) this.summary.skip('no date (no date line in the log)', 0);
      this.held = [];
      return;
    }
    this.summary.note('events dated from the fallback date', this.held.filter((r) => !r.silent).length);
    this.flush({ day: fallback.of === 'first' ? 0 : this.day, abs: fallback.day });
  }

  /** Moves the clock to a line's time, adding a day when it steps back past midnight. */
  private advance(secs: number): void {
    if (this.secs >= 0 && secs < this.secs - ROLLOVER_SECONDS) this.day += 1;
    this.secs = secs;
  }

  /** A line gave the date of the current line: date what was held, and go on from it. */
  private anchorAt(abs: number): void {
    const next = { day: this.day, abs };
    if (this.anchor && this.anchor.abs + (this.day - this.anchor.day) !== abs) this.summary.note('date lines that corrected the inferred date');
    this.flush(next);
  }

  private flush(next: { day: number; abs: number }): void {
    const previous = this.anchor;
    const clock = this.options.clock;
    for (const r of this.held) {
      const day = Math.floor(r.utcMs / 86_400);
      // Lines written after the clock passed midnight, on the new anchor's day, take its date;
      // those of the previous anchor's day keep theirs (a server down for days is no correction).
      const base = !previous || (day >= next.day && day > previous.day) ? next : previous;
      r.utcMs = clock.toUtc((base.abs + day - base.day) * DAY_MS + (r.utcMs - day * 86_400) * 1000);
      // Records this one is tied to come before it in the log, so they are dated already.
      if (r.at) r.utcMs = r.at.utcMs;
      if (r.notBefore) {
        let latest = r.utcMs;
        for (const b of r.notBefore) if (b.utcMs > latest) latest = b.utcMs;
        if (latest > r.utcMs) {
          // Concatenated logs: the restart line is dated before the run it ends.
          this.summary.note('returns at a restart dated at the last event before it (the restart line is dated earlier)');
          r.utcMs = latest;
        }
      }
      if (!r.silent) this.events.emit(r);
    }
    this.held = [];
    this.anchor = next;
  }

  private hold(r: HeldRecord, d: DaemonState | null): void {
    r.utcMs = this.day * 86_400 + this.secs;
    this.held.push(r);
    if (d && !r.silent) d.last = r;
    if (this.held.length < MAX_HELD) return;
    if (this.anchor) this.flush(this.anchor);
    else if (this.options.fallbackDay) {
      this.summary.note('events dated from the fallback date', this.held.length);
      this.flush({ day: this.options.fallbackDay.of === 'first' ? 0 : this.day, abs: this.options.fallbackDay.day });
    }
  }

  private daemon(name: string): DaemonState {
    let d = this.daemons.get(name);
    if (!d) {
      d = { inUse: new Map(), open: new Map(), capacity: new Map(), last: null, shutdown: null };
      this.daemons.set(name, d);
    }
    return d;
  }

  /** The daemon name of a line: the last one again when it matches, so that no string is cut. */
  private daemonAt(s: string, from: number, to: number): string {
    const last = this.lastDaemon;
    if (last.raw.length === to - from && s.startsWith(last.raw, from)) return last.name;
    const raw = s.slice(from, to);
    this.lastDaemon = { raw, name: stripFork(raw) };
    return this.lastDaemon.name;
  }

  /** A usage record of a daemon: its capacity from --capacity, else from verbose lines. */
  private record(d: DaemonState, daemon: string, kind: UsageEventKind, c: Checkout, detail: string, inUse: number, statusCode: DenialCode | null, version = '0.0'): HeldRecord {
    const capacity = capacityOf(this.options.capacities, c.feature) ?? d.capacity.get(c.feature) ?? null;
    return { kind, utcMs: 0, daemon, feature: c.feature, version, count: c.count, user: c.user, host: c.host, detail, inUseAfter: inUse, capacity, statusCode };
  }

  private isLmgrd(s: string, from: number, to: number): boolean {
    return to - from === 5 && s.startsWith('lmgrd', from);
  }

  private usage(s: string, p: number, kind: UsageEventKind, from: number, to: number, lineNo: number): void {
    const u = parseUsageLine(s, p);
    if (!u) return this.summary.skip(`malformed ${kind === 'checkout' ? 'OUT' : kind === 'return' ? 'IN' : 'DENIED'} line`, lineNo);
    const name = this.daemonAt(s, from, to);
    const d = this.daemon(name);
    if (u.total !== null) d.capacity.set(u.feature, u.total);
    const key = pairKey(u);
    // A daemon that checks out again after a logged shutdown was started again: what it held then is returned.
    if (kind === 'checkout' && d.shutdown) this.closeOpen(name);
    let inUse = d.inUse.get(u.feature) ?? 0;
    let statusCode: DenialCode | null = null;
    let opened: OpenCheckouts | null = null;
    if (kind === 'checkout') {
      opened = d.open.get(key) ?? null;
      if (!opened) {
        opened = { feature: u.feature, user: u.user, host: u.host, checkoutData: u.checkoutData, count: u.count, records: [] };
        d.open.set(key, opened);
      }
      inUse += u.count;
      d.inUse.set(u.feature, inUse);
    } else if (kind === 'return') {
      const o = d.open.get(key);
      if (o) {
        o.records.shift();
        if (o.records.length === 0) d.open.delete(key);
        inUse = Math.max(0, inUse - u.count);
        d.inUse.set(u.feature, inUse);
      } else this.summary.note('returns without a checkout in the log');
    } else {
      const reason = u.reason ?? '';
      const error = flexnetError(reason);
      if (error === FLEXNET_QUEUED) {
        this.summary.note('queued requests');
        return;
      }
      statusCode = error === null ? null : (FLEXNET_DENIALS.get(error) ?? null);
      this.summary.denialReason(reasonText(reason), statusCode);
      if (statusCode === null) {
        this.summary.note('denials with a FlexNet error Tally does not map (not stored)');
        return;
      }
    }
    if (u.inUse !== null) inUse = u.inUse;
    const r = this.record(d, name, kind, u, u.checkoutData, inUse, statusCode, tallyVersion(u.version));
    opened?.records.push(r);
    this.hold(r, d);
  }

  private unsupported(s: string, p: number, from: number, to: number, lineNo: number): void {
    this.summary.note('UNSUPPORTED lines (features this server does not serve)');
    if (!this.options.includeUnsupported) return;
    const u = parseUsageLine(s, p);
    if (!u) return this.summary.skip('malformed UNSUPPORTED line', lineNo);
    const name = this.daemonAt(s, from, to);
    this.summary.denialReason(reasonText(u.reason ?? ''), DENIAL.NOT_AVAILABLE);
    const d = this.daemon(name);
    this.hold(this.record(d, name, 'deny', u, u.checkoutData, 0, DENIAL.NOT_AVAILABLE), d);
  }

  /** `UPGRADE: "f" u@h (5->6 licenses)`: an open checkout changes its count. */
  private upgrade(s: string, p: number, from: number, to: number, lineNo: number): void {
    const u = parseUsageLine(s, p);
    if (!u || u.upgradeFrom === null) return this.summary.skip('malformed UPGRADE line', lineNo);
    const name = this.daemonAt(s, from, to);
    const d = this.daemon(name);
    const oldKey = pairKey(u, u.upgradeFrom);
    const o = d.open.get(oldKey);
    const moved = o?.records.shift();
    if (o && o.records.length === 0) d.open.delete(oldKey);
    const newKey = pairKey(u);
    let n = d.open.get(newKey);
    if (!n) {
      n = { feature: u.feature, user: u.user, host: u.host, checkoutData: u.checkoutData, count: u.count, records: [] };
      d.open.set(newKey, n);
    }
    const delta = u.count - u.upgradeFrom;
    if (delta === 0) {
      if (moved) n.records.push(moved);
      else if (n.records.length === 0) d.open.delete(newKey);
      return;
    }
    const inUse = Math.max(0, (d.inUse.get(u.feature) ?? 0) + delta);
    d.inUse.set(u.feature, inUse);
    this.summary.note('count changes (UPGRADE)');
    const r = this.record(d, name, delta > 0 ? 'checkout' : 'return', { ...u, count: Math.abs(delta) }, `${u.checkoutData}\u0000upgrade`, inUse, null);
    n.records.push(moved ?? r);
    this.hold(r, d);
  }

  /** lmgrd's start banner restarts every daemon; a vendor daemon's version line restarts it. */
  private banner(s: string, p: number, from: number, to: number, lineNo: number): void {
    if (this.isLmgrd(s, from, to)) {
      if (!s.includes(' started on ', p)) return;
      this.summary.note('license server starts');
      const open = s.lastIndexOf('(');
      const day = open > 0 ? mdy(s, open + 1) : null;
      if (day === null) this.summary.skip('start line without a date', lineNo);
      else this.anchorAt(day);
      for (const name of [...this.daemons.keys()]) this.closeOpen(name);
    } else if (s.includes(' version ', p)) this.closeOpen(this.daemonAt(s, from, to));
  }

  /** lmgrd's `Started vd (pid N)` / `REStarted vd (...)`. */
  private restart(s: string, p: number): void {
    const space = s.indexOf(' ', p);
    const name = stripFork(s.slice(p, space < 0 ? s.length : space));
    this.closeOpen(name);
  }

  /**
   * A shutdown line: lmgrd's (every daemon) or one daemon's. The checkouts it still holds end
   * at this moment; they are returned once the daemon has written its own `(SHUTDOWN)`
   * check-ins, which follow: when it starts again or checks out again, or at the end of the log.
   */
  private shutdown(s: string, from: number, to: number, named: string | null): void {
    const names = named !== null ? [named] : this.isLmgrd(s, from, to) ? [...this.daemons.keys()] : [this.daemonAt(s, from, to)];
    for (const name of names) {
      const d = this.daemon(name);
      if (d.shutdown || d.open.size === 0) continue;
      this.summary.note('daemon shutdowns with checkouts open');
      const marker: HeldRecord = { kind: 'return', utcMs: 0, daemon: name, feature: '', version: '0.0', count: 0, user: null, host: null, detail: '', inUseAfter: 0, capacity: null, statusCode: null, silent: true };
      this.hold(marker, d);
      d.shutdown = marker;
    }
  }

  /**
   * A daemon that starts again has nothing checked out. What the log still shows open ends at
   * the daemon's logged shutdown, if there was one; else it was lost in a crash and ends now,
   * but never before its checkout or the daemon's last event (concatenated logs can start a
   * later run on an earlier date).
   */
  private closeOpen(name: string): void {
    const d = this.daemons.get(name);
    if (!d) return;
    const marker = d.shutdown;
    d.shutdown = null;
    if (d.open.size === 0) return;
    for (const o of d.open.values()) {
      for (const checkout of o.records) {
        const inUse = Math.max(0, (d.inUse.get(o.feature) ?? 0) - o.count);
        d.inUse.set(o.feature, inUse);
        const r = this.record(d, name, 'return', o, `${o.checkoutData}\u0000${marker ? 'shutdown' : 'restart'}`, inUse, null);
        if (marker) {
          r.at = marker;
          this.summary.note('returns made at a logged shutdown (no IN in the log)');
        } else {
          r.notBefore = d.last ? [checkout, d.last] : [checkout];
          this.summary.note('returns made at a restart (no IN in the log)');
        }
        this.hold(r, d);
      }
    }
    d.open.clear();
  }

  /** `Fri Jul 27 2018 15:49:07 Eastern Daylight Time`: the date, and the zone's name noted once. */
  private fullDate(s: string, p: number, lineNo: number): void {
    const parts = s.slice(p).trim().split(/\s+/);
    const month = MONTHS[parts[1] ?? ''];
    const day = Number(parts[2]);
    const year = Number(parts[3]);
    if (!month || !Number.isInteger(day) || !Number.isInteger(year) || day < 1 || day > 31) return this.summary.skip('corrupt date', lineNo);
    this.anchorAt(epochDay(year, month, day));
    if (!this.zoneNamed && parts.length > 5) {
      this.zoneNamed = true;
      this.summary.note(`time zone named in the log: "${parts.slice(5).join(' ')}" (times are read in ${this.options.clock.timeZone})`);
    }
  }
}

/**
 * Reads what an OUT/IN/DENIED/QUEUED/UPGRADE/UNSUPPORTED line says after its keyword:
 * `"feature" user@host [checkout data] (N licenses) (reason)`, the feature quoted or not, the
 * user split from the host at the last `@` (user names have spaces and `@`-free forms), and the
 * verbose form with its `^^^ ... ^^^` block. Null when there is no feature.
 */
export function parseUsageLine(s: string, p: number): UsageLine | null {
  let end = s.length;
  while (end > p && s.charCodeAt(end - 1) <= 32) end--;
  while (p < end && s.charCodeAt(p) === 32) p++;
  if (p >= end) return null;
  let feature: string;
  if (s.charCodeAt(p) === 34) {
    const q = s.indexOf('"', p + 1);
    if (q < 0 || q >= end) return null;
    feature = s.slice(p + 1, q);
    p = q + 1;
  } else {
    let q = s.indexOf(' ', p);
    if (q < 0 || q > end) q = end;
    feature = s.slice(p, q);
    p = q;
  }
  if (feature.length === 0 || feature.length > 128) return null;
  const u: UsageLine = { feature, user: null, host: null, checkoutData: '', count: 1, reason: null, upgradeFrom: null, version: null, inUse: null, total: null };
  const caret = s.indexOf('^^^', p);
  if (caret >= 0 && caret < end) {
    const close = s.indexOf('^^^', caret + 3);
    if (close < 0 || close >= end) return null;
    verboseBlock(s.slice(caret + 3, close), u);
    const tail = s.slice(close + 3, end).trim();
    if (tail.startsWith('(') && tail.endsWith(')')) u.reason = tail.slice(1, -1);
    end = caret;
    while (end > p && s.charCodeAt(end - 1) === 32) end--;
  }
  // Trailing groups, right to left: (reason), (N licenses), (a->b licenses), verbose (N).
  for (let k = 0; k < 4 && end > p && s.charCodeAt(end - 1) === 41; k++) {
    const open = matchingOpen(s, end - 1, p);
    if (open < 0) break;
    const inner = s.slice(open + 1, end - 1);
    const licenses = countOfLicenses(inner);
    if (licenses !== null) {
      u.count = licenses.count;
      u.upgradeFrom = licenses.from;
    } else if (/^\d+$/.test(inner)) u.count = Number(inner);
    else if (u.reason === null) u.reason = inner;
    else break;
    end = open;
    while (end > p && s.charCodeAt(end - 1) === 32) end--;
  }
  if (end > p && s.charCodeAt(end - 1) === 93 /* ] */) {
    const open = s.lastIndexOf('[', end - 1);
    if (open >= p) {
      u.checkoutData = s.slice(open + 1, end - 1);
      end = open;
    }
  }
  while (p < end && s.charCodeAt(p) === 32) p++;
  // UNSUPPORTED puts the license key signature in parentheses before the user.
  if (s.charCodeAt(p) === 40) {
    const close = s.indexOf(')', p);
    if (close > 0 && close < end) p = close + 1;
  }
  const who = s.slice(p, end).trim();
  const at = who.lastIndexOf('@');
  if (at >= 0) {
    const user = who.slice(0, at).trim();
    let host = who.slice(at + 1).trim();
    // Host names have no spaces: anything after one is another record glued on.
    const space = host.indexOf(' ');
    if (space >= 0) host = host.slice(0, space);
    if (u.user === null) u.user = user || null;
    u.host = host || null;
  } else if (who.startsWith('by ')) {
    if (u.user === null) u.user = who.slice(3).trim() || null;
  } else if (who.length > 0 && u.user === null) u.user = who;
  if (u.count < 1 || u.count > MAX_REQUEST_COUNT) return null;
  return u;
}

/** `ver user ip pid handle in_use out_of project... flex_ver flex_rev date time is_dup_group`. */
function verboseBlock(text: string, u: UsageLine): void {
  const t = text.trim().split(/\s+/);
  if (t.length < 7) return;
  u.version = t[0] ?? null;
  u.user = t[1] || null;
  const inUse = Number(t[5]);
  const total = Number(t[6]);
  if (Number.isInteger(inUse) && inUse >= 0) u.inUse = inUse;
  if (Number.isInteger(total) && total > 0) u.total = total;
}

/** `3 licenses`, `1 license`, `5->6 licenses`; null for anything else. */
function countOfLicenses(inner: string): { count: number; from: number | null } | null {
  if (!inner.endsWith(' licenses') && !inner.endsWith(' license')) return null;
  const number = inner.slice(0, inner.lastIndexOf(' '));
  const arrow = number.indexOf('->');
  if (arrow >= 0) {
    const from = Number(number.slice(0, arrow));
    const to = Number(number.slice(arrow + 2));
    return Number.isInteger(from) && Number.isInteger(to) ? { count: to, from } : null;
  }
  const count = Number(number);
  return Number.isInteger(count) && number.length > 0 ? { count, from: null } : null;
}

function matchingOpen(s: string, close: number, floor: number): number {
  let depth = 0;
  for (let i = close; i >= floor; i--) {
    const c = s.charCodeAt(i);
    if (c === 41) depth++;
    else if (c === 40 && --depth === 0) return i;
  }
  return -1;
}

/** The denial reason without its error-number suffix, for grouping in the summary. */
function reasonText(reason: string): string {
  const at = reason.lastIndexOf(' (-');
  return (at > 0 ? reason.slice(0, at) : reason).replace(/\.$/, '');
}

/** A forked copy of a vendor daemon writes as `vd_2`: the same daemon. */
function stripFork(name: string): string {
  const u = name.lastIndexOf('_');
  if (u < 0 || u === name.length - 1) return name;
  for (let i = u + 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57) return name;
  }
  return name.slice(0, u);
}

function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** `M/D/YYYY` at position p (as TIMESTAMP and start lines write it), as an epoch day. */
function mdy(s: string, p: number): number | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(s.slice(p, p + 10));
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return epochDay(Number(m[3]), month, day);
}

function isoDatestamp(s: string): { day: number; secs: number; end: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return null;
  return { day: epochDay(y, mo, d), secs: h * 3600 + mi * 60 + se, end: m[0].length };
}
