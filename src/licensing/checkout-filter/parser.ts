import { ConditionParser } from '../condition-parser.js';
import { DEVICE_TYPES, HOSTID_TYPES } from '../hostid.js';
import type { DeviceType, HostIdType } from '../hostid.js';
import { MAX_FILTER_RULES } from '../limits.js';
import { compareVersions, isVersion } from '../version.js';
import type { CheckoutFilter, FilterAction, FilterCondition, FilterMatchField, FilterRule, Position, TimeSpan, VersionBound, VersionRange } from './ast.js';
import { FilterError } from './filter-error.js';
import type { Token } from './lexer.js';
import { describeToken, tokenize } from './lexer.js';

const MATCH_FIELDS: ReadonlySet<string> = new Set<FilterMatchField>(['feature', 'hostid', 'hostname', 'hosttype', 'user']);
const CONDITIONS = 'feature(…), version(…), hostid(…), hostidtype(…), hostname(…), hosttype(…), devicetype(…), user(…), dictionary(…), days(…), hours(…), any(), "not" or "("';
const HOSTID_TYPE_SET: ReadonlySet<string> = new Set(HOSTID_TYPES);
const DEVICE_TYPE_SET: ReadonlySet<string> = new Set(DEVICE_TYPES);
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** Longest rule text a refusal quotes. */
const QUOTE_LENGTH = 160;
/** Longest `because` text. */
export const MAX_REASON_LENGTH = 200;

/**
 * Reads a checkout filter. The language:
 *
 *     filter "site rules" {
 *       timezone "Europe/Berlin"
 *       allow feature("cad") and hostid("7200014F5DF0/ETHERNET")
 *       deny feature("cad*") and devicetype(VIRTUAL) because "CAD runs on workstations only"
 *       deny version(< 2.0) and not dictionary("dept":"legacy")
 *       deny user(~/^svc-/) and not (days(mon-fri) and hours(07:00-19:00))
 *       default allow
 *     }
 *
 * Rules are tried top to bottom for each feature a request asks for; the first that matches
 * decides; `default` (allow unless written) decides the rest. `and` binds tighter than `or`,
 * `not` (or `!`) tighter than both; parentheses group. Throws a FilterError (line, column,
 * what was expected) on the first problem.
 */
export function parseFilter(source: string): CheckoutFilter {
  return new Parser(source, tokenize(source)).filter();
}

/** A condition that is not `not`, `and` or `or`. */
type Leaf = Exclude<FilterCondition, { kind: 'not' | 'and' | 'or' }>;

class Parser extends ConditionParser<Token, Leaf> {
  constructor(
    private readonly source: string,
    tokens: Token[],
  ) {
    super(tokens, (message, line, column) => new FilterError(message, line, column), describeToken);
  }

  filter(): CheckoutFilter {
    const start = this.keyword('filter', 'a checkout filter starts with: filter "name" {');
    const nameToken = this.peek();
    const name = this.string('the filter name in double quotes');
    if (name.trim() === '') this.fail(nameToken, 'The filter name must not be empty.');
    if (name.length > 128) this.fail(nameToken, 'The filter name is at most 128 characters long.');
    this.punct('{', 'after the filter name');
    let timeZone = 'UTC';
    let sawZone = false;
    const rules: FilterRule[] = [];
    let defaultAction: FilterAction = 'allow';
    let defaultAt: Position | null = null;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && t.text === '}') break;
      if (defaultAt) this.fail(t, `Expected "}" to close the filter: "default" is the filter's last line, but found ${describeToken(t)}.`);
      if (this.isWord(t, 'timezone')) {
        if (sawZone) this.fail(t, 'A filter has one "timezone".');
        if (rules.length > 0) this.fail(t, '"timezone" comes before the rules.');
        this.next();
        const zoneToken = this.peek();
        timeZone = this.string('the time zone in double quotes, such as "UTC" or "Europe/Berlin"');
        const canonical = canonicalZone(timeZone);
        if (!canonical) this.fail(zoneToken, `"${timeZone}" is not a time zone: expected an IANA name such as "UTC", "Europe/Berlin" or "America/New_York".`);
        timeZone = canonical;
        sawZone = true;
        continue;
      }
      if (this.isWord(t, 'allow') || this.isWord(t, 'deny')) {
        if (rules.length >= MAX_FILTER_RULES) this.fail(t, `A filter has at most ${MAX_FILTER_RULES} rules.`);
        rules.push(this.rule());
        continue;
      }
      if (this.isWord(t, 'default')) {
        this.next();
        const action = this.next();
        if (!this.isWord(action, 'allow') && !this.isWord(action, 'deny')) this.fail(action, `Expected "allow" or "deny" after "default", but found ${describeToken(action)}.`);
        defaultAction = action.text as FilterAction;
        defaultAt = { line: t.line, column: t.column };
        continue;
      }
      this.fail(t, `Expected "timezone", a rule starting with "allow" or "deny", "default allow", "default deny", or "}" to close the filter, but found ${describeToken(t)}.`);
    }
    this.next();
    const end = this.peek();
    if (end.kind !== 'end') this.fail(end, `Expected the end of the text after the filter's closing "}", but found ${describeToken(end)}: a file holds one filter.`);
    return { name, timeZone, rules, defaultAction, defaultAt, line: start.line, column: start.column };
  }

  private rule(): FilterRule {
    const start = this.next();
    const condition = this.ruleCondition();
    let reason: string | null = null;
    if (this.isWord(this.peek(), 'because')) {
      this.next();
      const reasonToken = this.peek();
      reason = this.string('the reason in double quotes after "because"');
      if (reason.trim() === '') this.fail(reasonToken, 'The reason after "because" must not be empty.');
      if (reason.length > MAX_REASON_LENGTH) this.fail(reasonToken, `The reason after "because" is at most ${MAX_REASON_LENGTH} characters long.`);
    }
    const after = this.peek();
    if (!(after.kind === 'punct' && after.text === '}') && !['allow', 'deny', 'default', 'timezone'].some((w) => this.isWord(after, w))) {
      this.fail(after, `Expected "and", "or", "because", or the next line ("allow", "deny", "default" or "}"), but found ${describeToken(after)}.`);
    }
    const written = this.source.slice(start.start, this.tokens[this.at - 1]!.end).replace(/\s+/g, ' ');
    const text = written.length > QUOTE_LENGTH ? `${written.slice(0, QUOTE_LENGTH)}…` : written;
    return { action: start.text as FilterAction, condition, reason, text, line: start.line, column: start.column };
  }

  protected atom(t: Token): Leaf {
    const at = { line: t.line, column: t.column };
    if (t.kind !== 'word') this.fail(t, `Expected a condition — ${CONDITIONS} — but found ${describeToken(t)}.`);
    switch (t.text) {
      case 'any':
        this.punct('(', 'after "any"');
        this.punct(')', 'after "any(": any() takes nothing');
        return { kind: 'any', ...at };
      case 'dictionary': {
        this.punct('(', 'after "dictionary"');
        return { kind: 'dictionary', pairs: this.dictionaryPairs(), ...at };
      }
      case 'hostidtype':
        return { kind: 'hostidtype', types: this.names(t.text, HOSTID_TYPE_SET, HOSTID_TYPES) as HostIdType[], ...at };
      case 'devicetype':
        return { kind: 'devicetype', types: this.names(t.text, DEVICE_TYPE_SET, DEVICE_TYPES) as DeviceType[], ...at };
      case 'version':
        return { kind: 'version', ranges: this.list('version', () => this.versionRange()), ...at };
      case 'days':
        return { kind: 'days', days: [...new Set(this.list('days', () => this.dayRange()).flat())].sort((a, b) => a - b), ...at };
      case 'hours':
        return { kind: 'hours', spans: this.list('hours', () => this.timeSpan()), ...at };
    }
    if (!MATCH_FIELDS.has(t.text)) this.fail(t, `Expected a condition — ${CONDITIONS} — but found ${describeToken(t)}.`);
    const field = t.text as FilterMatchField;
    return { kind: 'match', field, patterns: this.list(field, () => this.pattern(field)), ...at };
  }

  /** Upper-case names from a fixed list, bare or quoted: `devicetype(VIRTUAL, "CONTAINER")`. */
  private names(name: string, known: ReadonlySet<string>, all: readonly string[]): string[] {
    return this.list(name, () => {
      const t = this.next();
      const value = t.text.toUpperCase();
      if ((t.kind !== 'word' && t.kind !== 'string') || !known.has(value)) this.fail(t, `Expected one of ${all.join(', ')} in ${name}( … ), but found ${describeToken(t)}.`);
      return value;
    });
  }

  private versionRange(): VersionRange {
    const t = this.peek();
    if (t.kind === 'punct' && ['<', '<=', '>', '>=', '='].includes(t.text)) {
      this.next();
      const v = this.version();
      const bound: VersionBound = { version: v, inclusive: t.text !== '<' && t.text !== '>' };
      if (t.text === '=') return { min: bound, max: bound };
      return t.text.startsWith('<') ? { min: null, max: bound } : { min: bound, max: null };
    }
    const first = this.version();
    const dash = this.peek();
    if (!(dash.kind === 'punct' && dash.text === '-')) return { min: { version: first, inclusive: true }, max: { version: first, inclusive: true } };
    this.next();
    const lastToken = this.peek();
    const last = this.version();
    if (compareVersions(first, last) > 0) this.fail(lastToken, `A version range runs from the lower version to the higher: ${last} is below ${first}.`);
    return { min: { version: first, inclusive: true }, max: { version: last, inclusive: true } };
  }

  private version(): string {
    const t = this.next();
    if ((t.kind !== 'number' && t.kind !== 'string') || !isVersion(t.text)) {
      this.fail(t, `Expected a version as a.b (e.g. 2.0), a range such as 2.0-3.5, or a comparison such as >= 2.0 or < 3.0, but found ${describeToken(t)}.`);
    }
    return t.text;
  }

  private dayRange(): number[] {
    const from = this.day();
    if (!this.isPunct(this.peek(), '-')) return [from];
    this.next();
    const to = this.day();
    const days: number[] = [];
    // mon-fri, and sat-mon past the end of the week.
    for (let d = from; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === to) break;
    }
    return days;
  }

  private day(): number {
    const t = this.next();
    const index = t.kind === 'word' ? DAYS.indexOf(t.text.toLowerCase().slice(0, 3)) : -1;
    if (index < 0 || !isDayName(t.text)) this.fail(t, `Expected a day of the week (mon, tue, wed, thu, fri, sat, sun) or a range such as mon-fri, but found ${describeToken(t)}.`);
    return index;
  }

  private timeSpan(): TimeSpan {
    const fromToken = this.peek();
    const from = this.time(false);
    if (!this.isPunct(this.peek(), '-')) this.fail(this.peek(), `Expected "-" and the end of the span after ${fromToken.text}, as in hours(08:00-18:00), but found ${describeToken(this.peek())}.`);
    this.next();
    const toToken = this.peek();
    const to = this.time(true);
    if (to === from) this.fail(toToken, 'A span of hours must not be empty: its end is its start. For the whole day write hours(00:00-24:00), or leave hours(…) out.');
    return { from, to };
  }

  private time(end: boolean): number {
    const t = this.next();
    const match = t.kind === 'time' ? /^(\d{1,2}):(\d{2})$/.exec(t.text) : null;
    const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : -1;
    if (!match || Number(match[2]) > 59 || minutes > 24 * 60 || (minutes === 24 * 60 && !end)) {
      this.fail(t, `Expected a time of day as hh:mm from 00:00 to 23:59 (24:00 may end a span), but found ${describeToken(t)}.`);
    }
    return minutes;
  }

  private keyword(word: string, where: string): Token {
    const t = this.next();
    if (!this.isWord(t, word)) this.fail(t, `Expected "${word}" — ${where} — but found ${describeToken(t)}.`);
    return t;
  }

}

/** `mon`, `Monday`, `TUE`: three letters or the whole English name. */
function isDayName(word: string): boolean {
  return /^(mon|tue|wed|thu|fri|sat|sun)$|^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/i.test(word);
}

/** The zone's canonical IANA name, or null when the runtime knows no such zone. */
function canonicalZone(name: string): string | null {
  if (name.length === 0 || name.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
