import { HOSTID_TYPES } from '../hostid.js';
import { MAX_COUNT } from '../limits.js';
import { isVersion } from '../version.js';
import type { Amount, Condition, ConditionField, ModelDefinition, Pattern, PoolDefinition, PoolEntry, PoolUse, Rule, RuleOutcome } from './ast.js';
import type { Token } from './lexer.js';
import { describeToken, tokenize } from './lexer.js';
import { compileLinearPattern } from './linear-pattern.js';
import { ModelError } from './model-error.js';

/** Deepest nesting of `not` and parentheses: a real rule needs a handful; more is a runaway. */
export const MAX_NESTING = 64;
/** Most conditions one rule may combine; the rule tree is walked recursively for every request. */
export const MAX_TERMS = 1000;
const MATCH_FIELDS: ReadonlySet<string> = new Set<ConditionField>(['hostid', 'hostname', 'hosttype', 'user']);
const HOSTID_TYPE_SET: ReadonlySet<string> = new Set(HOSTID_TYPES);
const REGEX_FLAGS = /^[imsu]*$/;

/**
 * Reads a model definition. The language:
 *
 *     model "name" {
 *       partitions { partition "eng" { "cad" 2.0 25   "viewer" 1.0 50%   "cam" 1.0 remainder } }
 *       on hostid("7200014F5DF0/ETHERNET", "build-*") or dictionary("dept":"eng") { use "eng" continue }
 *       on user("alice", ~/^svc-/) and not hosttype("TEST") { use "eng" max 2 per user accept }
 *       on any() { deny }
 *     }
 *
 * `and` binds tighter than `or`; `not` (or `!`) tighter than both; parentheses group.
 * Throws a ModelError (line, column, what was expected) on the first problem.
 */
export function parseModel(source: string): ModelDefinition {
  return new Parser(tokenize(source)).model();
}

class Parser {
  private at = 0;
  private depth = 0;
  private terms = 0;

  constructor(private readonly tokens: Token[]) {}

  model(): ModelDefinition {
    const start = this.keyword('model', 'a model definition starts with: model "name" {');
    const name = this.string('the model name in double quotes');
    this.punct('{', 'after the model name');
    const pools: PoolDefinition[] = [];
    const rules: Rule[] = [];
    let sawPartitions = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && t.text === '}') break;
      if (this.isWord(t, 'partitions')) {
        if (sawPartitions) this.fail(t, 'A model has one partitions { … } block: put every partition in the first one.');
        if (rules.length > 0) this.fail(t, 'The partitions { … } block comes before the rules of access.');
        sawPartitions = true;
        this.next();
        this.punct('{', 'after "partitions"');
        while (this.isWord(this.peek(), 'partition')) pools.push(this.partition());
        this.punct('}', 'to close "partitions", or another partition "name" { … }');
        continue;
      }
      if (this.isWord(t, 'on')) {
        rules.push(this.rule());
        continue;
      }
      this.fail(t, `Expected "partitions", a rule starting with "on", or "}" to close the model, but found ${describeToken(t)}.`);
    }
    this.next();
    const end = this.peek();
    if (end.kind !== 'end') this.fail(end, `Expected the end of the text after the model's closing "}", but found ${describeToken(end)}: a file holds one model.`);
    return { name, pools, rules, line: start.line, column: start.column };
  }

  private partition(): PoolDefinition {
    const start = this.next();
    const nameToken = this.peek();
    const name = this.string('the partition name in double quotes');
    if (name.trim() === '') this.fail(nameToken, 'A partition name must not be empty.');
    if (name.length > 128) this.fail(nameToken, 'A partition name is at most 128 characters long.');
    this.punct('{', 'after the partition name');
    const entries: PoolEntry[] = [];
    while (this.peek().kind === 'string') entries.push(this.entry());
    this.punct('}', `to close partition "${name}", or a feature entry: "feature" version count`);
    return { name, entries, line: start.line, column: start.column };
  }

  private entry(): PoolEntry {
    const start = this.next();
    const versionToken = this.next();
    const version = versionToken.text;
    if ((versionToken.kind !== 'number' && versionToken.kind !== 'string') || !isVersion(version)) {
      this.fail(versionToken, `Expected the version of "${start.text}" as a.b (e.g. 2.0), but found ${describeToken(versionToken)}.`);
    }
    const amountToken = this.next();
    let amount: Amount;
    if (amountToken.kind === 'number' && /^\d+$/.test(amountToken.text)) {
      const count = Number(amountToken.text);
      if (count > MAX_COUNT) this.fail(amountToken, `A count is at most ${MAX_COUNT}.`);
      amount = { kind: 'count', count };
    } else if (amountToken.kind === 'percent') {
      const percent = Number(amountToken.text);
      if (percent > 100) this.fail(amountToken, 'A percentage is at most 100%.');
      amount = { kind: 'percent', percent };
    } else if (this.isWord(amountToken, 'remainder')) {
      amount = { kind: 'remainder' };
    } else {
      this.fail(amountToken, `Expected the count of "${start.text}" ${version}: a whole number, a percentage such as 25%, or remainder; found ${describeToken(amountToken)}.`);
    }
    return { feature: start.text, version, amount, line: start.line, column: start.column };
  }

  private rule(): Rule {
    const start = this.next();
    this.terms = 0;
    const condition = this.condition();
    this.punct('{', 'after the condition of the rule (or "and", "or")');
    const uses: PoolUse[] = [];
    let max: Rule['max'] = null;
    let withoutRequestedFeatures = false;
    let outcome: RuleOutcome | null = null;
    while (outcome === null) {
      const t = this.next();
      if (this.isWord(t, 'use')) {
        const all = this.isWord(this.peek(), 'all');
        if (all) {
          this.next();
          this.keyword('from', 'after "use all"');
        }
        uses.push(this.poolUse(t, all));
      } else if (this.isWord(t, 'all')) {
        this.keyword('from', 'after "all"');
        uses.push(this.poolUse(t, true));
      } else if (this.isWord(t, 'max')) {
        if (max) this.fail(t, 'A rule has one "max".');
        const n = this.next();
        if (n.kind !== 'number' || !/^\d+$/.test(n.text) || Number(n.text) < 1 || Number(n.text) > MAX_COUNT) {
          this.fail(n, `Expected a whole number of at least 1 after "max", but found ${describeToken(n)}.`);
        }
        let per: 'device' | 'user' = 'device';
        if (this.isWord(this.peek(), 'per')) {
          this.next();
          const who = this.next();
          if (this.isWord(who, 'device') || this.isWord(who, 'user')) per = who.text as 'device' | 'user';
          else this.fail(who, `Expected "device" or "user" after "per", but found ${describeToken(who)}.`);
        }
        max = { count: Number(n.text), per };
      } else if (this.isWord(t, 'without')) {
        this.keyword('requested', 'after "without"');
        this.keyword('features', 'after "without requested"');
        withoutRequestedFeatures = true;
      } else if (this.isWord(t, 'accept') || this.isWord(t, 'deny') || this.isWord(t, 'continue')) {
        outcome = t.text as RuleOutcome;
      } else {
        this.fail(t, `Expected "use", "all from", "max", "without requested features", or the rule's outcome (accept, deny or continue), but found ${describeToken(t)}.`);
      }
    }
    this.punct('}', `to close the rule after "${outcome}"`);
    if (outcome === 'deny' && (uses.length > 0 || max)) this.fail(start, 'A rule that denies names no pools and no max: drop "use", "all from" and "max", or accept instead.');
    if (outcome !== 'deny' && uses.length === 0) this.fail(start, `A rule that ends in "${outcome}" names at least one pool with use "pool" or all from "pool".`);
    return { condition, uses, max, withoutRequestedFeatures, outcome, line: start.line, column: start.column };
  }

  private poolUse(start: Token, all: boolean): PoolUse {
    const t = this.peek();
    const pool = this.string('the pool name in double quotes');
    return { pool, all, line: t.line, column: t.column || start.column };
  }

  private condition(): Condition {
    let left = this.conjunction();
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): Condition {
    let left = this.unary();
    while (this.isWord(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Condition {
    const t = this.peek();
    if (this.isWord(t, 'not') || (t.kind === 'punct' && t.text === '!')) {
      this.next();
      return this.nested(t, () => ({ kind: 'not', operand: this.unary() }));
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.next();
      return this.nested(t, () => {
        const inner = this.condition();
        this.punct(')', 'to close the parenthesis (or "and", "or")');
        return inner;
      });
    }
    return this.atom();
  }

  private nested(t: Token, body: () => Condition): Condition {
    if (++this.depth > MAX_NESTING) this.fail(t, `Conditions nest at most ${MAX_NESTING} levels deep.`);
    const result = body();
    this.depth--;
    return result;
  }

  private atom(): Condition {
    const t = this.next();
    if (++this.terms > MAX_TERMS) this.fail(t, `A rule combines at most ${MAX_TERMS} conditions: split it into several rules.`);
    if (t.kind !== 'word' || !(MATCH_FIELDS.has(t.text) || t.text === 'dictionary' || t.text === 'any')) {
      this.fail(t, `Expected a condition — hostid(…), hostname(…), hosttype(…), user(…), dictionary(…), any(), "not" or "(" — but found ${describeToken(t)}.`);
    }
    this.punct('(', `after "${t.text}"`);
    if (t.text === 'any') {
      this.punct(')', 'after "any(": any() takes nothing');
      return { kind: 'any', line: t.line, column: t.column };
    }
    if (t.text === 'dictionary') {
      const pairs: Array<{ key: string; value: Pattern }> = [];
      do {
        const key = this.string('a dictionary key in double quotes, as in dictionary("dept":"eng")');
        this.punct(':', 'between the dictionary key and its value');
        pairs.push({ key, value: this.pattern('dictionary') });
      } while (this.comma());
      this.punct(')', 'to close dictionary( … ), or "," and another "key":"value"');
      return { kind: 'dictionary', pairs, line: t.line, column: t.column };
    }
    const field = t.text as ConditionField;
    const patterns: Pattern[] = [];
    do patterns.push(this.pattern(field));
    while (this.comma());
    this.punct(')', `to close ${field}( … ), or "," and another value`);
    return { kind: 'match', field, patterns, line: t.line, column: t.column };
  }

  private comma(): boolean {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === ',') {
      this.next();
      return true;
    }
    return false;
  }

  private pattern(field: ConditionField | 'dictionary'): Pattern {
    const t = this.next();
    if (t.kind === 'regex') {
      if (!REGEX_FLAGS.test(t.flags)) this.fail(t, `Regular expression flags may be i, m, s and u; found "${t.flags}".`);
      const compiled = compileLinearPattern(t.text, t.flags);
      if ('refused' in compiled) this.fail(t, compiled.refused);
      return { kind: 'regex', source: t.text, test: compiled.test, line: t.line, column: t.column, ...(field === 'hostid' ? { hostIdType: null } : {}) };
    }
    if (t.kind === 'string' || (field === 'dictionary' && t.kind === 'number')) {
      let text = t.text;
      let hostIdType: string | null = null;
      if (field === 'hostid') {
        const slash = text.lastIndexOf('/');
        const suffix = slash >= 0 ? text.slice(slash + 1).toUpperCase() : '';
        if (slash >= 0 && HOSTID_TYPE_SET.has(suffix)) {
          hostIdType = suffix;
          text = text.slice(0, slash);
          // Ethernet addresses are compared without separators and case, as devices send them either way.
          if (hostIdType === 'ETHERNET') text = text.replace(/[:\-.]/g, '').toUpperCase();
        }
      }
      if (text.length === 0) this.fail(t, 'A value to match must not be empty.');
      return { kind: 'glob', source: t.text, test: globMatcher(text), line: t.line, column: t.column, ...(field === 'hostid' ? { hostIdType } : {}) };
    }
    return this.fail(t, `Expected a "value" (with * wildcards) or a ~/regex/ in ${field}( … ), but found ${describeToken(t)}.`);
  }

  private string(what: string): string {
    const t = this.next();
    if (t.kind !== 'string') this.fail(t, `Expected ${what}, but found ${describeToken(t)}.`);
    return t.text;
  }

  private keyword(word: string, where: string): Token {
    const t = this.next();
    if (!this.isWord(t, word)) this.fail(t, `Expected "${word}" ${where}, but found ${describeToken(t)}.`);
    return t;
  }

  private punct(p: string, where: string): Token {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== p) this.fail(t, `Expected "${p}" ${where}, but found ${describeToken(t)}.`);
    return t;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'word' && t.text === word;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const t = this.tokens[this.at]!;
    // The end token stays put, so reading past it keeps answering "end of text".
    if (t.kind !== 'end') this.at++;
    return t;
  }

  private fail(t: Token, message: string): never {
    throw new ModelError(message, t.line, t.column);
  }
}

/**
 * A `*` wildcard matcher: every character is literal except `*`, which matches any run. The
 * greedy two-pointer walk backtracks only to the last star, so it never takes exponential time.
 */
export function globMatcher(glob: string): (value: string) => boolean {
  if (!glob.includes('*')) return (value) => value === glob;
  return (value) => {
    let p = 0;
    let v = 0;
    let star = -1;
    let mark = 0;
    while (v < value.length) {
      if (p < glob.length && glob[p] !== '*' && glob[p] === value[v]) {
        p++;
        v++;
      } else if (p < glob.length && glob[p] === '*') {
        star = p++;
        mark = v;
      } else if (star >= 0) {
        p = star + 1;
        v = ++mark;
      } else {
        return false;
      }
    }
    while (p < glob.length && glob[p] === '*') p++;
    return p === glob.length;
  };
}
