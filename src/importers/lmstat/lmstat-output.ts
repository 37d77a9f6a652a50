import { tallyVersion } from '../imported-event.js';
import type { Capacities, ImportedEventFactory } from '../imported-event.js';
import { capacityOf } from '../imported-event.js';
import type { SummaryCollector } from '../import-summary.js';
import type { LineParser } from '../line-parser.js';
import { SAMPLE_LINES, guessFormat } from '../line-parser.js';
import type { UsageSnapshot } from '../usage-snapshot.js';
import { snapshotCheckouts } from '../usage-snapshot.js';
import type { WallClock } from '../wall-clock.js';
import { epochDay } from '../wall-clock.js';

const DAY_MS = 86_400_000;
const HEADER = 'Flexible License Manager status on ';
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** Lines one capture may have; past this it is cut (a status listing of a huge server is far shorter). */
const MAX_CAPTURE_LINES = 1_000_000;
/** Features whose totals disagree named in the summary, at most (the counts cover all). */
const NAMED_FEATURES = 20;

const USERS_OF = /^Users of (.+?):\s+\((.*)\)\s*$/;
/**
 * `user host display (v1.0) (server/port handle), start Tue 1/9 9:15[, N licenses]`. The server
 * part is taken as written: captures with the port redacted (`(lic1/ , start`, `(lic1/port 1090)`)
 * are still user lines.
 */
const USER_LINE = /^\s+(.*?)\s+\(v([^)]*)\)\s+\(([^()]*?)\)?,?\s*start (\w{3}) (\d{1,2})\/(\d{1,2}) (\d{1,2}):(\d{2})(.*)$/;
const SERVER_PART = /^([^/\s]+)\/(\d+) (\d+)$/;
const QUEUED_LINE = /\) queued for (\d+) licenses?/;
const RESERVATION_LINE = /^\s+(\d+) RESERVATIONs? for /;

/**
 * `lmutil lmstat -a` output as a snapshot: per feature the issued and in-use totals (in-use as
 * the server reports it, reservations included) and the users holding it with their start
 * times. Start times have no year: it is the one that puts them on or before the capture
 * date and on the weekday shown. User lines are read from the right, where they are regular.
 */
export function parseLmstat(text: string, clock: WallClock): UsageSnapshot {
  const lines = text.split(/\r?\n/);
  const snap: UsageSnapshot = { takenAt: 0, complete: false, problems: [], features: [], checkouts: [] };
  let header: { year: number; month: number; day: number } | null = null;
  let daemon = '';
  let feature: UsageSnapshot['features'][number] | null = null;
  let current = '';
  let sawUsage = false;
  for (const line of lines) {
    if (line.includes(HEADER)) {
      const m = /(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})/.exec(line);
      if (m) {
        header = { year: Number(m[3]), month: Number(m[1]), day: Number(m[2]) };
        snap.takenAt = clock.toUtc(epochDay(header.year, header.month, header.day) * DAY_MS + (Number(m[4]) * 3600 + Number(m[5]) * 60) * 1000);
      }
      continue;
    }
    const vd = /^\s+(\S+): (UP|DOWN)\b/.exec(line);
    if (vd && !line.includes('license server')) {
      daemon = vd[1]!;
      if (vd[2] === 'DOWN') snap.problems.push(`vendor daemon ${daemon} is down`);
      continue;
    }
    if (/Error getting status|Cannot read data from license server|Cannot connect to license server system/.test(line) && !/^\S+: /.test(line)) {
      snap.problems.push(line.trim());
      continue;
    }
    if (line.startsWith('Feature usage info:')) {
      sawUsage = true;
      continue;
    }
    const users = USERS_OF.exec(line);
    if (users) {
      sawUsage = true;
      const totals = users[2]!;
      const issued = /Total of (\d+) licenses? issued/.exec(totals);
      const inUse = /Total of (\d+) licenses? in use/.exec(totals);
      current = users[1]!;
      feature = { daemon, feature: current, issued: issued ? Number(issued[1]) : null, inUse: inUse ? Number(inUse[1]) : 0, queued: 0, reserved: 0, users: 0 };
      snap.features.push(feature);
      continue;
    }
    const sub = /^\s*"([^"]+)" v([^,]+), vendor: ([^,\s]+)/.exec(line);
    if (sub) {
      current = sub[1]!;
      if (feature && !daemon) feature.daemon = sub[3]!;
      continue;
    }
    if (!feature) continue;
    const reservation = RESERVATION_LINE.exec(line);
    if (reservation) {
      feature.reserved += Number(reservation[1]);
      continue;
    }
    const queued = QUEUED_LINE.exec(line);
    if (queued) {
      feature.queued += Number(queued[1]);
      continue;
    }
    const u = USER_LINE.exec(line);
    if (!u) continue;
    const who = splitWho(u[1]!);
    const count = Number(/, (\d+) licenses?/.exec(u[9]!)?.[1] ?? 1);
    const since = header ? startTime(header, u[4]!, Number(u[5]), Number(u[6]), Number(u[7]), Number(u[8]), clock) : null;
    feature.users = (feature.users ?? 0) + count;
    // The usual `server/port handle` is written as before, so that checkouts keep their IDs.
    const server = SERVER_PART.exec(u[3]!);
    const where = server ? `${server[1]}/${server[2]} ${server[3]}` : u[3]!.trim();
    snap.checkouts.push({
      key: `${where} ${u[5]}/${u[6]} ${u[7]}:${u[8]} ${current} ${who.user ?? ''}@${who.host ?? ''}`,
      daemon: feature.daemon,
      feature: current,
      version: tallyVersion(u[2]),
      user: who.user,
      host: who.host,
      count,
      since,
    });
  }
  if (!header) snap.problems.push('no "Flexible License Manager status on" header');
  if (!sawUsage) snap.problems.push('no feature usage in the output');
  snap.complete = snap.problems.length === 0;
  return snap;
}

/**
 * `user host display [extra]`: usually three tokens. With more, the user has spaces or the
 * display is binary garbage: the host is the display's twin when it repeats, else the last
 * host-name-like token that still has a display after it.
 */
function splitWho(prefix: string): { user: string | null; host: string | null } {
  const t = prefix.trim().split(/\s+/);
  if (t.length <= 3) return { user: t[0] ?? null, host: t[1] ?? null };
  for (let i = 1; i + 1 < t.length; i++) if (t[i] === t[i + 1]) return { user: t.slice(0, i).join(' '), host: t[i]! };
  if (t.length === 4 && /[=:]/.test(t[3]!)) return { user: t[0]!, host: t[1]! };
  for (let i = t.length - 2; i >= 1 && i >= t.length - 3; i--) if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(t[i]!)) return { user: t.slice(0, i).join(' '), host: t[i]! };
  return { user: t[0]!, host: t[1]! };
}

/** The start time of a user line: the year that puts `M/D` on or before the capture and on its weekday. */
function startTime(header: { year: number; month: number; day: number }, weekday: string, month: number, day: number, hour: number, minute: number, clock: WallClock): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const capture = epochDay(header.year, header.month, header.day);
  let year = header.year;
  if (epochDay(year, month, day) > capture) year -= 1;
  const want = WEEKDAYS.indexOf(weekday);
  for (let y = year; y > year - 7 && want >= 0; y--) {
    if ((((epochDay(y, month, day) + 4) % 7) + 7) % 7 === want) {
      year = y;
      break;
    }
  }
  return clock.toUtc(epochDay(year, month, day) * DAY_MS + (hour * 3600 + minute * 60) * 1000);
}

/** Options of an lmstat import. */
export interface LmstatOptions {
  clock: WallClock;
  capacities: Capacities;
}

/**
 * Imports lmstat captures (one, or several one after the other in a file): each becomes
 * checkout events of the users it lists, at their start times, so that importing the next
 * capture adds only the checkouts that are new.
 */
export class LmstatParser implements LineParser {
  recognized = 0;
  private lines: string[] = [];
  private readonly sample: string[] = [];
  /** Features named in the notes so far: past a few, only the counts go on. */
  private named = 0;

  constructor(
    private readonly options: LmstatOptions,
    private readonly events: ImportedEventFactory,
    private readonly summary: SummaryCollector,
  ) {}

  refusal(): string {
    const guess = guessFormat(this.sample);
    return `This is not lmstat -a output: no "Flexible License Manager status on" header and no "Users of" line${guess ? `; it looks like ${guess}` : ''}.`;
  }

  line(text: string): void {
    if (this.sample.length < SAMPLE_LINES && text.trim()) this.sample.push(text);
    if (text.includes(HEADER)) {
      this.capture();
      this.recognized += 1;
    } else if (text.startsWith('Users of ')) this.recognized += 1;
    if (this.lines.length < MAX_CAPTURE_LINES) this.lines.push(text);
  }

  end(): void {
    this.capture();
  }

  /** The server's in-use total is the user lines plus reservations: say where it is not, since only user lines become events. */
  private checkTotals(f: UsageSnapshot['features'][number]): void {
    const users = f.users ?? 0;
    if (f.inUse === users + f.reserved) return;
    const named = this.named < NAMED_FEATURES;
    if (users === 0 && f.reserved === 0) {
      this.summary.note('features in use with no user lines (nothing stored for them)');
      if (named) this.summary.note(`in use with no user lines: ${f.feature} (${f.inUse} in use)`);
    } else {
      this.summary.note('features whose in-use total the user lines do not match');
      if (named) this.summary.note(`in use not matched by user lines: ${f.feature} (${f.inUse} in use, ${users} in user lines${f.reserved > 0 ? `, ${f.reserved} reserved` : ''})`);
    }
    if (named) this.named += 1;
  }

  private capture(): void {
    if (this.lines.length === 0) return;
    const snap = parseLmstat(this.lines.join('\n'), this.options.clock);
    this.lines = [];
    if (snap.takenAt === 0) {
      if (snap.features.length > 0) this.summary.note('captures without a header date (not imported)');
      return;
    }
    this.summary.note('captures');
    for (const p of snap.problems) this.summary.note(`capture problem: ${p}`);
    for (const f of snap.features) {
      if (f.queued > 0) this.summary.note('queued requests', f.queued);
      if (f.reserved > 0) this.summary.note('reserved licenses (counted in use by the server)', f.reserved);
      this.checkTotals(f);
    }
    for (const r of snapshotCheckouts(snap)) {
      r.capacity = capacityOf(this.options.capacities, r.feature) ?? r.capacity;
      this.events.emit(r);
    }
  }
}
