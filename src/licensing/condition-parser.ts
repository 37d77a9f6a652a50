import { globMatcher } from './glob-matcher.js';
import { HOSTID_TYPES } from './hostid.js';
import type { Pattern } from './model-definition/ast.js';
import { compileLinearPattern } from './model-definition/linear-pattern.js';
import type { RefuseAt, ScannedToken } from './text-scanner.js';

/** Deepest nesting of `not` and parentheses: a real rule needs a handful; more is a runaway. */
export const MAX_NESTING = 64;
/** Most conditions one rule may combine; the rule tree is walked recursively for every request. */
export const MAX_TERMS = 1000;
const HOSTID_TYPE_SET: ReadonlySet<string> = new Set(HOSTID_TYPES);
const REGEX_FLAGS = /^[imsu]*$/;

/** Conditions (the leaves) combined with `not`, `and` and `or`. */
export type ConditionTree<Leaf> = Leaf | { kind: 'not'; operand: ConditionTree<Leaf> } | { kind: 'and' | 'or'; left: ConditionTree<Leaf>; right: ConditionTree<Leaf> };

/**
 * The grammar the definition languages share: a cursor over the tokens, the expectations that
 * refuse with line and column, and conditions — `and` binds tighter than `or`, `not` (or `!`)
 * tighter than both, parentheses group — over values with `*` wildcards or ~/regex/. Each
 * language reads its own leaves (`atom`) and everything around the conditions.
 */
export abstract class ConditionParser<T extends ScannedToken, Leaf> {
  protected at = 0;
  private depth = 0;
  private terms = 0;

  constructor(
    protected readonly tokens: T[],
    private readonly refuse: RefuseAt,
    protected readonly describe: (t: T) => string,
  ) {}

  /** Reads the leaf condition named by `t`, the word already read. */
  protected abstract atom(t: T): Leaf;

  /** The condition of one rule; the limit on conditions counts per rule. */
  protected ruleCondition(): ConditionTree<Leaf> {
    this.terms = 0;
    return this.condition();
  }

  private condition(): ConditionTree<Leaf> {
    let left = this.conjunction();
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): ConditionTree<Leaf> {
    let left = this.unary();
    while (this.isWord(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): ConditionTree<Leaf> {
    const t = this.peek();
    if (this.isWord(t, 'not') || this.isPunct(t, '!')) {
      this.next();
      return this.nested(t, () => ({ kind: 'not', operand: this.unary() }));
    }
    if (this.isPunct(t, '(')) {
      this.next();
      return this.nested(t, () => {
        const inner = this.condition();
        this.punct(')', 'to close the parenthesis (or "and", "or")');
        return inner;
      });
    }
    const word = this.next();
    if (++this.terms > MAX_TERMS) this.fail(word, `A rule combines at most ${MAX_TERMS} conditions: split it into several rules.`);
    return this.atom(word);
  }

  private nested(t: T, body: () => ConditionTree<Leaf>): ConditionTree<Leaf> {
    if (++this.depth > MAX_NESTING) this.fail(t, `Conditions nest at most ${MAX_NESTING} levels deep.`);
    const result = body();
    this.depth--;
    return result;
  }

  /** A value to match in `field( … )`: a "value" with `*` wildcards or a ~/regex/. */
  protected pattern(field: string): Pattern {
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
    return this.fail(t, `Expected a "value" (with * wildcards) or a ~/regex/ in ${field}( … ), but found ${this.describe(t)}.`);
  }

  /** `dictionary("key":"value", …)` after the word: its key/value pairs. */
  protected dictionaryPairs(): Array<{ key: string; value: Pattern }> {
    const pairs: Array<{ key: string; value: Pattern }> = [];
    do {
      const key = this.string('a dictionary key in double quotes, as in dictionary("dept":"eng")');
      this.punct(':', 'between the dictionary key and its value');
      pairs.push({ key, value: this.pattern('dictionary') });
    } while (this.comma());
    this.punct(')', 'to close dictionary( … ), or "," and another "key":"value"');
    return pairs;
  }

  /** `name( item, item, … )`. */
  protected list<I>(name: string, item: () => I): I[] {
    this.punct('(', `after "${name}"`);
    const items: I[] = [];
    do items.push(item());
    while (this.comma());
    this.punct(')', `to close ${name}( … ), or "," and another value`);
    return items;
  }

  protected comma(): boolean {
    if (!this.isPunct(this.peek(), ',')) return false;
    this.next();
    return true;
  }

  protected string(what: string): string {
    const t = this.next();
    if (t.kind !== 'string') this.fail(t, `Expected ${what}, but found ${this.describe(t)}.`);
    return t.text;
  }

  protected punct(p: string, where: string): T {
    const t = this.next();
    if (!this.isPunct(t, p)) this.fail(t, `Expected "${p}" ${where}, but found ${this.describe(t)}.`);
    return t;
  }

  protected isWord(t: T, word: string): boolean {
    return t.kind === 'word' && t.text === word;
  }

  protected isPunct(t: T, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }

  protected peek(): T {
    return this.tokens[this.at]!;
  }

  protected next(): T {
    const t = this.tokens[this.at]!;
    // The end token stays put, so reading past it keeps answering "end of text".
    if (t.kind !== 'end') this.at++;
    return t;
  }

  protected fail(t: T, message: string): never {
    throw this.refuse(message, t.line, t.column);
  }
}
