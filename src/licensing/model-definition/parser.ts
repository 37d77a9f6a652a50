import { ConditionParser } from '../condition-parser.js';
import { MAX_COUNT } from '../limits.js';
import { isVersion } from '../version.js';
import type { Amount, Condition, ConditionField, ModelDefinition, PoolDefinition, PoolEntry, PoolUse, Rule, RuleOutcome } from './ast.js';
import type { Token } from './lexer.js';
import { describeToken, tokenize } from './lexer.js';
import { ModelError } from './model-error.js';

export { MAX_NESTING, MAX_TERMS } from '../condition-parser.js';
export { globMatcher } from '../glob-matcher.js';

const MATCH_FIELDS: ReadonlySet<string> = new Set<ConditionField>(['hostid', 'hostname', 'hosttype', 'user']);

/** A condition that is not `not`, `and` or `or`. */
type Leaf = Exclude<Condition, { kind: 'not' | 'and' | 'or' }>;

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

class Parser extends ConditionParser<Token, Leaf> {
  constructor(tokens: Token[]) {
    super(tokens, (message, line, column) => new ModelError(message, line, column), describeToken);
  }

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
    const condition = this.ruleCondition();
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

  protected atom(t: Token): Leaf {
    if (t.kind !== 'word' || !(MATCH_FIELDS.has(t.text) || t.text === 'dictionary' || t.text === 'any')) {
      this.fail(t, `Expected a condition — hostid(…), hostname(…), hosttype(…), user(…), dictionary(…), any(), "not" or "(" — but found ${describeToken(t)}.`);
    }
    if (t.text === 'any') {
      this.punct('(', 'after "any"');
      this.punct(')', 'after "any(": any() takes nothing');
      return { kind: 'any', line: t.line, column: t.column };
    }
    if (t.text === 'dictionary') {
      this.punct('(', 'after "dictionary"');
      return { kind: 'dictionary', pairs: this.dictionaryPairs(), line: t.line, column: t.column };
    }
    const field = t.text as ConditionField;
    return { kind: 'match', field, patterns: this.list(field, () => this.pattern(field)), line: t.line, column: t.column };
  }

  private keyword(word: string, where: string): Token {
    const t = this.next();
    if (!this.isWord(t, word)) this.fail(t, `Expected "${word}" ${where}, but found ${describeToken(t)}.`);
    return t;
  }
}
