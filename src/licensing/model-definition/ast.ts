/** Where something was written in the model text (1-based). */
export interface Position {
  line: number;
  column: number;
}

/** How many counts of a feature a pool takes: a number, a percentage of the total, or what is left. */
export type Amount = { kind: 'count'; count: number } | { kind: 'percent'; percent: number } | { kind: 'remainder' };

/** `"cad" 2.0 25` inside a partition. */
export interface PoolEntry extends Position {
  feature: string;
  version: string;
  amount: Amount;
}

/** `partition "eng" { … }`: a named license pool. */
export interface PoolDefinition extends Position {
  name: string;
  entries: PoolEntry[];
}

/** A `*` wildcard text or a `~/regex/`, compiled once when the model is read. */
export interface Pattern extends Position {
  kind: 'glob' | 'regex';
  /** As written (without quotes or ~/ /). */
  source: string;
  /** Whether a value matches: wildcard matching runs in linear-times-pattern time, never backtracking. */
  test: (value: string) => boolean;
  /** hostid patterns only: the hostid type after a `/` (`"7200014F5DF0/ETHERNET"`); null for regexes. */
  hostIdType?: string | null;
}

export type ConditionField = 'hostid' | 'hostname' | 'hosttype' | 'user';

export type Condition =
  | ({ kind: 'match'; field: ConditionField; patterns: Pattern[] } & Position)
  | ({ kind: 'dictionary'; pairs: Array<{ key: string; value: Pattern }> } & Position)
  | ({ kind: 'any' } & Position)
  | { kind: 'not'; operand: Condition }
  | { kind: 'and' | 'or'; left: Condition; right: Condition };

/** `use "pool"` or `all from "pool"`. */
export interface PoolUse extends Position {
  pool: string;
  /** `all from`: a request naming no features is served every feature of the pool. */
  all: boolean;
}

export type RuleOutcome = 'accept' | 'deny' | 'continue';

/** `on <condition> { … }`: one rule of access. */
export interface Rule extends Position {
  condition: Condition;
  uses: PoolUse[];
  /** Most counts of one feature a device (or user) may hold from this rule's pools. */
  max: { count: number; per: 'device' | 'user' } | null;
  /** A request naming no features is served the features of this rule's pools. */
  withoutRequestedFeatures: boolean;
  outcome: RuleOutcome;
}

/** A parsed model definition, not yet checked against the server's features. */
export interface ModelDefinition extends Position {
  name: string;
  pools: PoolDefinition[];
  rules: Rule[];
}
