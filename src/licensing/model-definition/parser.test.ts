import { describe, expect, it } from 'vitest';
import { buildFeature } from '../../../test/support/factories.js';
import { ModelError } from './model-error.js';
import { globMatcher, parseModel } from './parser.js';
import { featureKey, validateModel } from './validate.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');

/** The error a text is refused with; fails the test when it is accepted. */
function refusal(text: string): ModelError {
  try {
    parseModel(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return error as ModelError;
  }
  throw new Error('the model was accepted');
}

const FULL = `model "engineering" {
  // Pools first, then rules.
  partitions {
    partition "eng" { "cad" 2.0 25      // a count
                      "viewer" 1.0 remainder }
    partition "sales" { "cad" 2.0 10% }
  }
  /* rules of access */
  on hostid("7200014F5DF0/ETHERNET", "build-*") or dictionary("dept":"eng") { use "eng" continue }
  on user("alice", ~/^svc-/i) && !hosttype("TEST") { use "eng" max 2 per user accept }
  on hostname("kiosk-*") { all from "sales" without requested features accept }
  on hosttype("FLX_CLIENT") { use "default" accept }
  on any() { deny }
}`;

describe('parseModel: the model definition language', () => {
  it('reads partitions with counts, percentages and remainder, and rules with every condition and directive', () => {
    const m = parseModel(FULL);
    expect(m.name).toBe('engineering');
    expect(m.pools.map((p) => p.name)).toEqual(['eng', 'sales']);
    expect(m.pools[0]!.entries).toMatchObject([
      { feature: 'cad', version: '2.0', amount: { kind: 'count', count: 25 }, line: 4 },
      { feature: 'viewer', version: '1.0', amount: { kind: 'remainder' }, line: 5 },
    ]);
    expect(m.pools[1]!.entries[0]!.amount).toEqual({ kind: 'percent', percent: 10 });
    expect(m.rules.map((r) => r.outcome)).toEqual(['continue', 'accept', 'accept', 'accept', 'deny']);
    expect(m.rules[1]!.max).toEqual({ count: 2, per: 'user' });
    expect(m.rules[2]!.uses).toMatchObject([{ pool: 'sales', all: true }]);
    expect(m.rules[2]!.withoutRequestedFeatures).toBe(true);
    expect(m.rules[0]!.condition.kind).toBe('or');
    expect(m.rules[1]!.condition).toMatchObject({ kind: 'and', right: { kind: 'not' } });
  });

  it('binds "and" tighter than "or", and lets parentheses group', () => {
    const flat = parseModel('model "m" { on any() or any() and hostid("x") { use "default" accept } }');
    expect(flat.rules[0]!.condition).toMatchObject({ kind: 'or', right: { kind: 'and' } });
    const grouped = parseModel('model "m" { on (any() or any()) and hostid("x") { use "default" accept } }');
    expect(grouped.rules[0]!.condition).toMatchObject({ kind: 'and', left: { kind: 'or' } });
  });

  it('reads escapes in strings and an ETHERNET hostid in any notation', () => {
    const m = parseModel('model "a \\"quoted\\" \\\\ name" { on hostid("72:00:01:4f:5d:f0/ethernet") { use "default" accept } }');
    expect(m.name).toBe('a "quoted" \\ name');
    const cond = m.rules[0]!.condition;
    expect(cond.kind === 'match' && cond.patterns[0]!.hostIdType).toBe('ETHERNET');
    expect(cond.kind === 'match' && cond.patterns[0]!.test('7200014F5DF0')).toBe(true);
  });

  it('accepts a model with no partitions and no rules', () => {
    expect(parseModel('model "empty" { }')).toMatchObject({ name: 'empty', pools: [], rules: [] });
  });

  it.each([
    ['', 1, 1, /Expected "model"/],
    ['model engineering {}', 1, 7, /model name in double quotes/],
    ['model "m" {', 1, 12, /Expected "partitions", a rule starting with "on", or "}"/],
    ['model "m" { partitions { partition "p" { "cad" 2 5 } } }', 1, 48, /version of "cad" as a\.b/],
    ['model "m" { partitions { partition "p" { "cad" 2.0 } } }', 1, 52, /count of "cad" 2\.0/],
    ['model "m" { partitions { partition "p" { "cad" 2.0 150% } } }', 1, 52, /at most 100%/],
    ['model "m" {\n  on hostid("x") { use "p" }\n}', 2, 28, /outcome \(accept, deny or continue\)/],
    ['model "m" {\n  on frobnicate("x") { deny }\n}', 2, 6, /Expected a condition/],
    ['model "m" { on any() { use "p" max 0 accept } }', 1, 36, /at least 1 after "max"/],
    ['model "m" { on any() { deny } } trailing', 1, 33, /end of the text/],
    ['model "m" { on any( { deny } }', 1, 21, /any\(\) takes nothing/],
    ['model "m" { on hostid("x" { deny } }', 1, 27, /to close hostid/],
    ['model "m" { on any() { use "p" deny } }', 1, 13, /A rule that denies names no pools/],
    ['model "m" { on any() { accept } }', 1, 13, /names at least one pool/],
    ['model "m" { /* never closed', 1, 13, /never closed/],
    ['model "m\n" {}', 1, 7, /never closed/],
    ['model "m" { on user(~/(a)\\1/) { deny } }', 1, 21, /Backreferences .* are not supported/],
    ['model "m" { on user(~/[/) { deny } }', 1, 21, /not a valid regular expression/],
    ['model "m" { on user(~/x/g) { deny } }', 1, 21, /flags may be i, m, s and u/],
    ['model "m" { on user("a") { deny } } # ', 1, 37, /Unexpected character "#"/],
    ['model "m" { partitions { } partitions { } }', 1, 28, /one partitions/],
  ])('refuses %j at line %i, column %i, saying what was expected', (text, line, column, message) => {
    const error = refusal(text);
    expect(error.message).toMatch(message);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.code).toBe('MODEL_REJECTED');
    expect(error.details[0]!.field).toBe('text');
    expect(error.details[0]!.message).toMatch(new RegExp(`^line ${line}, column ${column}: `));
  });

  it('refuses conditions nested deeper than the limit instead of overflowing the stack', () => {
    const deep = `model "m" { on ${'not '.repeat(10_000)}any() { deny } }`;
    expect(refusal(deep).message).toMatch(/nest at most 64 levels/);
    const parens = `model "m" { on ${'('.repeat(10_000)}any() { deny } }`;
    expect(refusal(parens).message).toMatch(/nest at most 64 levels/);
  });
});

describe('globMatcher: * wildcards', () => {
  it.each([
    ['build-*', 'build-07', true],
    ['build-*', 'xbuild-07', false],
    ['*-07', 'build-07', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['*', '', true],
    ['exact', 'exact', true],
    ['a.c', 'abc', false],
  ])('%s against %s is %s', (glob, value, expected) => {
    expect(globMatcher(glob)(value)).toBe(expected);
  });

  it('stays fast on patterns that make backtracking matchers explode', () => {
    const started = performance.now();
    expect(globMatcher(`${'*a'.repeat(30)}*b`)('a'.repeat(256))).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('regular expressions: linear time by construction', () => {
  /** The pattern of `user(~/source/flags)`, as the parser compiles it. */
  const userPattern = (source: string, flags = '') => {
    const rule = parseModel(`model "m" { on user(~/${source}/${flags}) { deny } }`).rules[0]!;
    if (rule.condition.kind !== 'match') throw new Error('expected a match condition');
    return rule.condition.patterns[0]!;
  };
  // The longest text a device can send in one field (a vendor dictionary value).
  const LONGEST = 1024;
  const run = (unit: string, end: string) => unit.repeat(Math.floor((LONGEST - end.length) / unit.length)) + end;

  it.each([
    { family: 'nested quantifiers', source: '^(a+)+$', input: run('a', '!'), matches: false },
    { family: 'nested quantifiers', source: '^(a*)*b$', input: run('a', 'c'), matches: false },
    { family: 'nested quantifiers', source: '(x+x+)+y', input: run('x', ''), matches: false },
    { family: 'nested quantifiers', source: '^(\\w+\\s?)*$', input: run('ab ', '!'), matches: false },
    { family: 'alternation overlap', source: '^(a|a)*$', input: run('a', '!'), matches: false },
    { family: 'alternation overlap', source: '^(a|aa)*$', input: run('a', '!'), matches: false },
    { family: 'alternation overlap', source: '^(\\w|\\d)*$', input: run('a1', '!'), matches: false },
    { family: 'alternation overlap', source: '^(a|b|ab)*c$', input: run('ab', ''), matches: false },
    { family: 'repeated wildcards', source: '(.*a){20}', input: run('a', ''), matches: true },
    { family: 'repeated wildcards', source: '(.*a){20}b', input: run('a', ''), matches: false },
  ])('accepts $family ($source) and decides the longest adversarial input a device can send', ({ source, input, matches }) => {
    expect(userPattern(source).test(input)).toBe(matches);
  });

  it.each([
    { what: 'a backreference', source: '(a)\\1' },
    { what: 'a named backreference', source: '(?<x>a)\\k<x>' },
    { what: 'a lookahead', source: 'a(?=b)' },
    { what: 'a negative lookahead', source: 'a(?!b)' },
    { what: 'a lookbehind', source: '(?<=a)b' },
    { what: 'a negative lookbehind', source: '(?<!a)b' },
  ])('refuses $what, which no linear-time engine can run, saying so at the pattern', ({ source }) => {
    const error = refusal(`model "m" { on user(~/${source}/) { deny } }`);
    expect(error.message).toMatch(/Backreferences .* and lookaround .* are not supported/);
    expect({ line: error.line, column: error.column }).toEqual({ line: 1, column: 21 });
  });

  it('refuses a pattern longer than 256 characters, and repetition counts above 100', () => {
    expect(refusal(`model "m" { on user(~/${'a'.repeat(257)}/) { deny } }`).message).toMatch(/at most 256 characters/);
    expect(refusal('model "m" { on user(~/a{101}/) { deny } }').message).toMatch(/at most 100 repetitions/);
    expect(refusal('model "m" { on user(~/(?:.{0,1000})x/) { deny } }').message).toMatch(/at most 100 repetitions/);
    expect(userPattern('^a{100}$').test('a'.repeat(100))).toBe(true);
    // Braces inside a class or escaped are characters, not counts.
    expect(userPattern('^[{]1000}$').test('{1000}')).toBe(true);
    expect(userPattern('^\\{5000}$').test('{5000}')).toBe(true);
    expect(userPattern('^\\u{10000}$', 'u').test('\u{10000}')).toBe(true);
    expect(refusal('model "m" { on user(~/[^]{101}/) { deny } }').message).toMatch(/at most 100 repetitions/);
  });

  it('keeps the meaning of the flags i, m and s, and of the usual syntax', () => {
    expect(userPattern('^svc-', 'i').test('SVC-backup')).toBe(true);
    expect(userPattern('^svc-').test('SVC-backup')).toBe(false);
    expect(userPattern('^b$', 'm').test('a\nb\nc')).toBe(true);
    expect(userPattern('^b$').test('a\nb\nc')).toBe(false);
    expect(userPattern('a.b', 's').test('a\nb')).toBe(true);
    expect(userPattern('a.b').test('a\nb')).toBe(false);
    expect(userPattern('^[a-z]+\\d{2,3}\\.(dev|prod)$').test('build42.prod')).toBe(true);
    expect(userPattern('^(?<team>eng|ops)-\\w+$').test('ops-kiosk')).toBe(true);
    expect(userPattern('é+').test('café')).toBe(true);
    // JavaScript's escapes keep their meaning.
    expect(userPattern('^caf\\u00e9$').test('café')).toBe(true);
    expect(userPattern('^a[^]b$').test('a\nb')).toBe(true);
  });
});

describe('validateModel: a model must fit the server it is activated on', () => {
  const records = [
    buildFeature({ id: 'a1', name: 'eb-feature-android-eval', version: '2.0', count: 8 }),
    buildFeature({ id: 'c1', name: 'cad', version: '2.0', count: 20 }),
    buildFeature({ id: 'c2', name: 'cad', version: '2.0', count: 20, expiry: '2027-01-01' }),
    buildFeature({ id: 'c3', name: 'cad', version: '3.0', count: 4 }),
    buildFeature({ id: 'old', name: 'cad', version: '2.0', count: 100, expiry: '2020-01-01' }),
    buildFeature({ id: 'u1', name: 'free', version: '1.0', count: 0, counted: false }),
  ];
  const check = (text: string) => validateModel(parseModel(text), records, NOW);
  const refused = (text: string): ModelError => {
    try {
      check(text);
    } catch (error) {
      expect(error).toBeInstanceOf(ModelError);
      return error as ModelError;
    }
    throw new Error('the model was accepted');
  };

  it("refuses the reference document's example, whose pools add up to 11 of a feature the server has 8 of", () => {
    const seedExample = `model "exampleModelDefinition" {
  // The feature has 8 counts on this server.
  partitions {
    partition "0800 - PUNE" {
      "eb-feature-android-eval" 2.0 3
    }
    partition "0800 - PUNE" {
      "eb-feature-android-eval" 2.0 2
    }
    partition "2200 - NECKARSULM" {
      "eb-feature-android-eval" 2.0 3
    }
    partition "4600 - BRUSSELS" {
      "eb-feature-android-eval" 2.0 2
    }
    partition "1400 - KASSEL" {
      "eb-feature-android-eval" 2.0 1
    }
  }
}`;
    // Parsing alone accepts it: the language is right, the numbers are not.
    expect(parseModel(seedExample).pools).toHaveLength(5);
    const error = refused(seedExample);
    const messages = error.details.map((d) => d.message);
    expect(messages.some((m) => /^line 7, column 5: Partition "0800 - PUNE" is already defined on line 4/.test(m))).toBe(true);
    // Nothing is trimmed: the refusal counts every pool, up to 11 of the 8 counts.
    expect(messages.some((m) => /^line 17, column 7: The pools now take 11 of "eb-feature-android-eval" 2\.0, but the server holds 8/.test(m))).toBe(true);
    // Even without the duplicate, 3 + 3 + 2 + 1 = 9 > 8: refused at the line that goes over.
    const withoutDuplicate = seedExample.replace('partition "0800 - PUNE" {\n      "eb-feature-android-eval" 2.0 2\n    }\n    ', '');
    const over = refused(withoutDuplicate);
    expect(over.message).toMatch(/takes? 9 of "eb-feature-android-eval" 2\.0, but the server holds 8/);
    expect(over.line).toBe(14);
  });

  it('splits counts: numbers, percentages rounded down, the remainder, and the rest in default', () => {
    const plan = check(`model "m" { partitions {
      partition "eng" { "cad" 2.0 25  "cad" 3.0 remainder }
      partition "ops" { "cad" 2.0 10% }
    } }`);
    const key = featureKey('cad', '2.0');
    // Expired records do not count: cad 2.0 has 40 counts, not 140.
    expect(plan.allocated.get('eng')!.get(key)).toBe(25);
    expect(plan.allocated.get('ops')!.get(key)).toBe(4);
    expect(plan.allocated.get('default')!.get(key)).toBe(11);
    expect(plan.allocated.get('eng')!.get(featureKey('cad', '3.0'))).toBe(4);
    expect(plan.allocated.get('default')!.get(featureKey('cad', '3.0'))).toBe(0);
    expect(plan.pools).toEqual(['eng', 'ops', 'default']);
  });

  it.each([
    ['an unknown feature', 'partition "p" { "nope" 1.0 1 }', /no feature "nope"/],
    ['an unknown version', 'partition "p" { "cad" 9.0 1 }', /no version 9\.0 on this server \(it has 2\.0, 3\.0\)/],
    ['the same feature and version twice in a pool', 'partition "p" { "cad" 2.0 1 "cad" 2.00 1 }', /already lists "cad" 2\.00 on line 2/],
    ['a reserved pool name', 'partition "default" { "cad" 2.0 1 }', /reserved pool name/],
    ['two remainders of one feature', 'partition "p" { "cad" 2.0 remainder } partition "q" { "cad" 2.0 remainder }', /already takes the remainder/],
    ['an uncounted feature', 'partition "p" { "free" 1.0 1 }', /uncounted/],
    ['more than the server holds', 'partition "p" { "cad" 2.0 41 }', /take 41 of "cad" 2\.0, but the server holds 40/],
  ])('refuses %s, naming the line', (_what, partitions, message) => {
    const error = refused(`model "m" {\n  partitions { ${partitions} }\n}`);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(2);
  });

  it('refuses a rule that uses a pool no partition defines', () => {
    const error = refused('model "m" {\n  on any() { use "ghost" accept }\n}');
    expect(error.message).toMatch(/No partition is named "ghost"/);
    expect(error.line).toBe(2);
  });
});
