import { describe, expect, it } from 'vitest';
import { MAX_FILTER_LENGTH, MAX_FILTER_RULES } from '../limits.js';
import { FilterError } from './filter-error.js';
import { parseFilter } from './parser.js';

/** The error a text is refused with; fails the test when it is accepted. */
function refusal(text: string): FilterError {
  try {
    parseFilter(text);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterError);
    return error as FilterError;
  }
  throw new Error('the filter was accepted');
}

const FULL = `filter "site rules" {
  timezone "Europe/Berlin"
  // Rules are tried top to bottom.
  allow feature("cad") and hostid("72:00:01:4f:5d:f0/ETHERNET", "build-*")
  deny feature("cad*", ~/^cam-/i) && devicetype(VIRTUAL, "CONTAINER") because "CAD runs on workstations only"
  deny version(< 2.0, 3.0-3.5, = 4.1) and !dictionary("dept":"legacy", "tier":2)
  /* service accounts out of office hours */
  deny user(~/^svc-/) and not (days(mon-fri) and hours(07:00-19:30, 22:00-02:00))
  allow hostidtype(VM_UUID) or hostname("kiosk-*") or hosttype("FLX_CLIENT")
  default deny
}`;

describe('parseFilter: the checkout filter language', () => {
  it('reads a time zone, allow and deny rules with every condition, reasons and the default', () => {
    const f = parseFilter(FULL);
    expect(f.name).toBe('site rules');
    expect(f.timeZone).toBe('Europe/Berlin');
    expect(f.rules.map((r) => [r.action, r.line])).toEqual([['allow', 4], ['deny', 5], ['deny', 6], ['deny', 8], ['allow', 9]]);
    expect(f.rules[1]!.reason).toBe('CAD runs on workstations only');
    expect(f.rules[1]!.condition).toMatchObject({ kind: 'and', right: { kind: 'devicetype', types: ['VIRTUAL', 'CONTAINER'] } });
    expect(f.rules[2]!.condition).toMatchObject({
      kind: 'and',
      left: { kind: 'version', ranges: [{ min: null, max: { version: '2.0', inclusive: false } }, { min: { version: '3.0' }, max: { version: '3.5' } }, { min: { version: '4.1', inclusive: true }, max: { version: '4.1', inclusive: true } }] },
      right: { kind: 'not' },
    });
    expect(f.rules[3]!.condition).toMatchObject({ right: { kind: 'not', operand: { kind: 'and', left: { kind: 'days', days: [1, 2, 3, 4, 5] }, right: { kind: 'hours', spans: [{ from: 420, to: 1170 }, { from: 1320, to: 120 }] } } } });
    expect(f.defaultAction).toBe('deny');
    expect(f.defaultAt).toEqual({ line: 10, column: 3 });
  });

  it('keeps each rule as written on one line, so a refusal can quote it', () => {
    const f = parseFilter('filter "f" {\n  deny feature("cad")\n     and user("bob")\n}');
    expect(f.rules[0]!.text).toBe('deny feature("cad") and user("bob")');
  });

  it('times are in UTC and the default is allow unless the filter says otherwise', () => {
    const f = parseFilter('filter "f" { }');
    expect(f).toMatchObject({ timeZone: 'UTC', defaultAction: 'allow', defaultAt: null, rules: [] });
  });

  it('reads day ranges that run past the end of the week, and whole day names', () => {
    const f = parseFilter('filter "f" { deny days(fri-mon, Wednesday) }');
    expect(f.rules[0]!.condition).toMatchObject({ kind: 'days', days: [0, 1, 3, 5, 6] });
  });

  it('binds "and" tighter than "or", and lets parentheses group', () => {
    expect(parseFilter('filter "f" { deny any() or any() and user("x") }').rules[0]!.condition).toMatchObject({ kind: 'or', right: { kind: 'and' } });
    expect(parseFilter('filter "f" { deny (any() or any()) and user("x") }').rules[0]!.condition).toMatchObject({ kind: 'and', left: { kind: 'or' } });
  });
});

describe('parseFilter: every mistake is refused with its line, column and what was expected', () => {
  it.each([
    ['a filter that does not start with filter "name" {', 'model "m" { }', 1, 1, /Expected "filter"/],
    ['an empty filter name', 'filter "  " { }', 1, 8, /must not be empty/],
    ['a rule that starts with neither allow nor deny', 'filter "f" {\n  refuse any()\n}', 2, 3, /Expected "timezone", a rule starting with "allow" or "deny"/],
    ['an unknown condition', 'filter "f" {\n  deny colour("red")\n}', 2, 8, /Expected a condition — feature/],
    ['an unknown time zone', 'filter "f" { timezone "Mars/Olympus" }', 1, 23, /not a time zone/],
    ['a second time zone', 'filter "f" { timezone "UTC" timezone "UTC" }', 1, 29, /one "timezone"/],
    ['a time zone after the rules', 'filter "f" { deny any() timezone "UTC" }', 1, 25, /comes before the rules/],
    ['a rule after the default', 'filter "f" { default deny allow any() }', 1, 27, /"default" is the filter's last line/],
    ['a default that is neither allow nor deny', 'filter "f" { default maybe }', 1, 22, /"allow" or "deny" after "default"/],
    ['an unknown device type', 'filter "f" { deny devicetype(LAPTOP) }', 1, 30, /one of PHYSICAL, VIRTUAL, CONTAINER, UNKNOWN/],
    ['an unknown hostid type', 'filter "f" { deny hostidtype(MAC) }', 1, 30, /one of ETHERNET/],
    ['a version that is not a.b', 'filter "f" { deny version(2) }', 1, 27, /version as a.b/],
    ['a version range running backwards', 'filter "f" { deny version(3.0-2.0) }', 1, 31, /from the lower version to the higher/],
    ['an unknown day', 'filter "f" { deny days(mon-someday) }', 1, 28, /day of the week/],
    ['a time past 23:59', 'filter "f" { deny hours(08:00-25:00) }', 1, 31, /hh:mm from 00:00 to 23:59/],
    ['minutes past 59', 'filter "f" { deny hours(08:75-09:00) }', 1, 25, /hh:mm/],
    ['a span of hours without its end', 'filter "f" { deny hours(08:00) }', 1, 30, /Expected "-" and the end of the span/],
    ['an empty span of hours', 'filter "f" { deny hours(08:00-08:00) }', 1, 31, /must not be empty/],
    ['an empty reason', 'filter "f" { deny any() because "" }', 1, 33, /must not be empty/],
    ['a condition left dangling', 'filter "f" {\n  deny user("x") and\n}', 3, 1, /Expected a condition/],
    ['two conditions without "and" or "or"', 'filter "f" { deny user("x") user("y") }', 1, 29, /Expected "and", "or", "because"/],
    ['a regex a linear engine cannot run', 'filter "f" { deny user(~/(a)\\1/) }', 1, 24, /Backreferences/],
    ['an unclosed string', 'filter "f" { deny user("x) }', 1, 24, /never closed/],
    ['an unexpected character', 'filter "f" { deny user("x") # }', 1, 29, /Unexpected character "#"/],
    ['text after the filter', 'filter "f" { } filter "g" { }', 1, 16, /a file holds one filter/],
    ['a missing closing brace', 'filter "f" { deny any()', 1, 24, /"}" to close the filter|the end of the text/],
  ])('refuses %s', (_what, text, line, column, message) => {
    const error = refusal(text);
    expect(error.code).toBe('FILTER_REJECTED');
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.message).toMatch(message);
    expect(error.details[0]).toEqual({ field: 'text', message: expect.stringMatching(new RegExp(`^line ${line}, column ${column}: `)) });
  });

  it(`refuses a text longer than ${MAX_FILTER_LENGTH} characters and more than ${MAX_FILTER_RULES} rules (limits.ts)`, () => {
    expect(refusal(`filter "f" { ${' '.repeat(MAX_FILTER_LENGTH)} }`).message).toMatch(/at most 262144/);
    const many = `filter "f" {\n${'deny any()\n'.repeat(MAX_FILTER_RULES + 1)}}`;
    expect(refusal(many)).toMatchObject({ line: MAX_FILTER_RULES + 2, column: 1 });
  });

  it('refuses conditions nested deeper than 64 levels', () => {
    expect(refusal(`filter "f" { deny ${'not '.repeat(65)}any() }`).message).toMatch(/nest at most 64/);
  });
});
