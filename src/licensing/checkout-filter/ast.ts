import type { DeviceType, HostIdType } from '../hostid.js';
import type { Pattern, Position } from '../model-definition/ast.js';

export type { Pattern, Position };

/** What a rule does to the requests it matches. */
export type FilterAction = 'allow' | 'deny';

/** Fields matched with `*` wildcards or `~/regex/`: the feature asked for and what the device says of itself. */
export type FilterMatchField = 'feature' | 'hostid' | 'hostname' | 'hosttype' | 'user';

/** One bound of a version range; versions compare numerically (version.ts). */
export interface VersionBound {
  version: string;
  inclusive: boolean;
}

/** `2.0` (exactly), `2.0-3.5` (both ends included), `>= 2.0`, `< 3.0`. */
export interface VersionRange {
  min: VersionBound | null;
  max: VersionBound | null;
}

/** A stretch of the day in minutes since midnight: `from` included, `to` excluded; `to` <= `from` runs past midnight. */
export interface TimeSpan {
  from: number;
  to: number;
}

export type FilterCondition =
  | ({ kind: 'match'; field: FilterMatchField; patterns: Pattern[] } & Position)
  | ({ kind: 'hostidtype'; types: HostIdType[] } & Position)
  | ({ kind: 'devicetype'; types: DeviceType[] } & Position)
  | ({ kind: 'dictionary'; pairs: Array<{ key: string; value: Pattern }> } & Position)
  | ({ kind: 'version'; ranges: VersionRange[] } & Position)
  /** Days of the week in the filter's time zone, 0 = Sunday. */
  | ({ kind: 'days'; days: number[] } & Position)
  | ({ kind: 'hours'; spans: TimeSpan[] } & Position)
  | ({ kind: 'any' } & Position)
  | { kind: 'not'; operand: FilterCondition }
  | { kind: 'and' | 'or'; left: FilterCondition; right: FilterCondition };

/** `allow <condition>` or `deny <condition> because "text"`. */
export interface FilterRule extends Position {
  action: FilterAction;
  condition: FilterCondition;
  /** The administrator's words for the rule, shown with every refusal it makes. */
  reason: string | null;
  /** The rule as written, on one line (shortened), so a refusal can quote it. */
  text: string;
}

/** A parsed checkout filter: rules tried top to bottom, the first that matches decides. */
export interface CheckoutFilter extends Position {
  name: string;
  /** IANA time zone of days(…) and hours(…); "UTC" unless the filter names one. */
  timeZone: string;
  rules: FilterRule[];
  /** What happens to a request no rule matches. */
  defaultAction: FilterAction;
  /** Where `default …` is written; null when the filter leaves it at allow. */
  defaultAt: Position | null;
}
