import type { EpochMs } from '../../common/time.js';
import type { FeatureRecord } from '../feature-record.js';
import { recordStatus } from '../feature-record.js';
import { compareVersions } from '../version.js';
import type { ModelDefinition, PoolEntry } from './ast.js';
import { ModelError } from './model-error.js';

/** The pool every count not placed in a named pool stays in. */
export const DEFAULT_POOL = 'default';
/** Names a model may not give a partition: the default pool and reservations have them. */
export const RESERVED_POOL_NAMES: ReadonlySet<string> = new Set([DEFAULT_POOL, 'reservations']);

/** Feature name and version as one key; versions compare numerically, so 2.0 and 2.00 are one key. */
export function featureKey(name: string, version: string): string {
  const dot = version.indexOf('.');
  return `${name}\u0000${Number(version.slice(0, dot))}.${Number(version.slice(dot + 1))}`;
}

/** Counts of each pool, per feature key; `default` holds what no named pool took. */
export interface PoolPlan {
  model: ModelDefinition;
  /** Named pools in the order the model lists them, then `default`. */
  pools: string[];
  allocated: Map<string, Map<string, number>>;
  /** Every feature key of the server with its name and version, for listings. */
  features: Map<string, { name: string; version: string }>;
}

/**
 * Splits the server's counts into the model's pools. The total of a feature and version is
 * the regular count of its records that have not expired; percentages are rounded down;
 * `remainder` takes what the other pools left. Problems are returned, not thrown, so a model
 * that stops fitting after a license change still works with what it can (the listing shows
 * it), while activation refuses any problem (see validateModel).
 */
export function planPools(model: ModelDefinition, records: readonly FeatureRecord[], now: EpochMs): { plan: PoolPlan; problems: ModelError[] } {
  const problems: ModelError[] = [];
  const totals = new Map<string, number>();
  const features = new Map<string, { name: string; version: string }>();
  const versionsByName = new Map<string, FeatureRecord[]>();
  for (const r of records) {
    const key = featureKey(r.name, r.version);
    if (!features.has(key)) features.set(key, { name: r.name, version: r.version });
    versionsByName.set(r.name, [...(versionsByName.get(r.name) ?? []), r]);
    if (recordStatus(r, now) !== 'expired') totals.set(key, (totals.get(key) ?? 0) + (r.counted ? r.count : 0));
    else if (!totals.has(key)) totals.set(key, 0);
  }

  const allocated = new Map<string, Map<string, number>>();
  const pools: string[] = [];
  const seenPools = new Map<string, number>();
  const taken = new Map<string, number>();
  const remainders = new Map<string, { pool: string; entry: PoolEntry }>();
  for (const pool of model.pools) {
    if (RESERVED_POOL_NAMES.has(pool.name)) {
      problems.push(new ModelError(`"${pool.name}" is a reserved pool name: choose another partition name.`, pool.line, pool.column));
      continue;
    }
    const first = seenPools.get(pool.name);
    const counts = new Map<string, number>();
    if (first !== undefined) {
      // Its counts still add up below, so the refusal also says how far over the pools go.
      problems.push(new ModelError(`Partition "${pool.name}" is already defined on line ${first}: each partition has its own name.`, pool.line, pool.column));
    } else {
      seenPools.set(pool.name, pool.line);
      pools.push(pool.name);
      allocated.set(pool.name, counts);
    }
    const entryLines = new Map<string, number>();
    for (const e of pool.entries) {
      const named = versionsByName.get(e.feature);
      if (!named) {
        problems.push(new ModelError(`This server has no feature "${e.feature}".`, e.line, e.column));
        continue;
      }
      const key = featureKey(e.feature, e.version);
      if (!named.some((r) => compareVersions(r.version, e.version) === 0)) {
        const versions = [...new Set(named.map((r) => r.version))].sort(compareVersions).join(', ');
        problems.push(new ModelError(`Feature "${e.feature}" has no version ${e.version} on this server (it has ${versions}).`, e.line, e.column));
        continue;
      }
      if (named.some((r) => !r.counted && compareVersions(r.version, e.version) === 0)) {
        problems.push(new ModelError(`Feature "${e.feature}" ${e.version} is uncounted: it is served to everyone and cannot be split into pools.`, e.line, e.column));
        continue;
      }
      const dup = entryLines.get(key);
      if (dup !== undefined) {
        problems.push(new ModelError(`Partition "${pool.name}" already lists "${e.feature}" ${e.version} on line ${dup}.`, e.line, e.column));
        continue;
      }
      entryLines.set(key, e.line);
      const total = totals.get(key) ?? 0;
      if (e.amount.kind === 'remainder') {
        const other = remainders.get(key);
        if (other) {
          problems.push(new ModelError(`Partition "${other.pool}" already takes the remainder of "${e.feature}" ${e.version} (line ${other.entry.line}); only one pool can.`, e.line, e.column));
          continue;
        }
        remainders.set(key, { pool: pool.name, entry: e });
        counts.set(key, 0);
        continue;
      }
      const n = e.amount.kind === 'count' ? e.amount.count : Math.floor((total * e.amount.percent) / 100);
      const before = taken.get(key) ?? 0;
      const sum = before + n;
      if (sum > total) {
        problems.push(
          new ModelError(`The pools now take ${sum} of "${e.feature}" ${e.version}, but the server holds ${total}: allocations must not add up to more than the server has.`, e.line, e.column),
        );
      }
      // A model that no longer fits (the license shrank) gives later pools only what is left.
      counts.set(key, Math.max(0, Math.min(n, total - before)));
      taken.set(key, sum);
    }
  }
  for (const [key, { pool }] of remainders) allocated.get(pool)?.set(key, Math.max(0, (totals.get(key) ?? 0) - (taken.get(key) ?? 0)));
  const defaults = new Map<string, number>();
  for (const [key, total] of totals) {
    defaults.set(key, remainders.has(key) ? 0 : Math.max(0, total - (taken.get(key) ?? 0)));
  }
  allocated.set(DEFAULT_POOL, defaults);
  pools.push(DEFAULT_POOL);

  for (const rule of model.rules) {
    for (const use of rule.uses) {
      if (use.pool !== DEFAULT_POOL && !seenPools.has(use.pool)) {
        problems.push(new ModelError(`No partition is named "${use.pool}": use a partition defined above, or "default".`, use.line, use.column));
      }
    }
  }
  return { plan: { model, pools, allocated, features }, problems };
}

/** Checks a model against the server's features before activation: any problem refuses it. */
export function validateModel(model: ModelDefinition, records: readonly FeatureRecord[], now: EpochMs): PoolPlan {
  const { plan, problems } = planPools(model, records, now);
  if (problems.length > 0) throw ModelError.all(problems);
  return plan;
}
