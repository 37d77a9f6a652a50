import { z } from 'zod';
import type { EpochMs } from '../common/time.js';
import type { FeatureRecord } from './feature-record.js';
import { recordStatus } from './feature-record.js';
import type { Device } from './hostid.js';
import { normalizeHostIdValue } from './hostid.js';
import type { Condition, Pattern, Rule } from './model-definition/ast.js';
import type { PoolPlan } from './model-definition/validate.js';
import { DEFAULT_POOL, featureKey } from './model-definition/validate.js';

/** A pool a device may draw from, with the limits of the rule that granted it. */
export interface PoolGrant {
  pool: string;
  /** Most counts of one feature the device (or its user) may hold from this pool. */
  max: Rule['max'];
  /** A request naming no features is served the features of this pool. */
  servesUnrequested: boolean;
}

/** What the rules of access say about one device. */
export type PoolAccess = { kind: 'deny'; rule: Rule } | { kind: 'pools'; grants: PoolGrant[] };

/**
 * Runs the rules of access top to bottom for a device. `continue` adds the rule's pools and
 * goes on; `accept` adds them and stops: the device draws from exactly the pools gathered;
 * `deny` stops and refuses. A device that no accepting rule stops also draws from `default`,
 * after the pools gathered on the way. A pool named twice keeps its first place and limits.
 */
export function poolsFor(plan: PoolPlan, device: Device): PoolAccess {
  const grants: PoolGrant[] = [];
  const add = (rule: Rule) => {
    for (const use of rule.uses) {
      if (grants.some((g) => g.pool === use.pool)) continue;
      grants.push({ pool: use.pool, max: rule.max, servesUnrequested: use.all || rule.withoutRequestedFeatures });
    }
  };
  for (const rule of plan.model.rules) {
    if (!matches(rule.condition, device)) continue;
    if (rule.outcome === 'deny') return { kind: 'deny', rule };
    add(rule);
    if (rule.outcome === 'accept') return { kind: 'pools', grants };
  }
  if (!grants.some((g) => g.pool === DEFAULT_POOL)) grants.push({ pool: DEFAULT_POOL, max: null, servesUnrequested: false });
  return { kind: 'pools', grants };
}

/** Whether a device meets a condition. A list of values matches when any of them does. */
export function matches(c: Condition, device: Device): boolean {
  switch (c.kind) {
    case 'any':
      return true;
    case 'not':
      return !matches(c.operand, device);
    case 'and':
      return matches(c.left, device) && matches(c.right, device);
    case 'or':
      return matches(c.left, device) || matches(c.right, device);
    case 'dictionary':
      return c.pairs.some(({ key, value }) => {
        const v = Object.hasOwn(device.vendorDictionary, key) ? device.vendorDictionary[key] : undefined;
        return v !== undefined && value.test(String(v));
      });
    case 'match': {
      const value = fieldValue(c.field, device);
      if (value === null) return false;
      return c.patterns.some((p) => patternMatches(p, c.field, device, value));
    }
  }
}

function fieldValue(field: 'hostid' | 'hostname' | 'hosttype' | 'user', device: Device): string | null {
  switch (field) {
    case 'hostid':
      return normalizeHostIdValue(device.hostId);
    case 'hostname':
      return device.alias;
    case 'hosttype':
      return device.hostType;
    case 'user':
      return device.user;
  }
}

function patternMatches(p: Pattern, field: string, device: Device, value: string): boolean {
  if (field === 'hostid' && p.hostIdType && p.hostIdType !== device.hostId.type) return false;
  return p.test(value);
}

/** Counts of each pool's features in use, keyed `pool \0 name \0 version`. */
export function poolUseKey(pool: string, name: string, version: string): string {
  return `${pool}\u0000${featureKey(name, version)}`;
}

/** One feature of a pool as the Named License Pools view lists it. */
const poolFeatureLineSchema = z.object({
  feature: z.string(),
  version: z.string(),
  expiration: z.string().describe('permanent or the date the last record of this version expires'),
  allocated: z.number(),
  used: z.number(),
  status: z.enum(['normal', 'over-used', 'expired', 'uncounted']),
});

type PoolFeatureLine = z.infer<typeof poolFeatureLineSchema>;

/** A pool with its features, as the Named License Pools view lists it. */
export const poolListingSchema = z.object({
  id: z.number().describe('0 for the default pool, then 1, 2, … in model order'),
  name: z.string(),
  features: z.array(poolFeatureLineSchema),
});

export type PoolListing = z.infer<typeof poolListingSchema>;

/**
 * Every pool with its features: what the model allocated, what devices hold from it, and a
 * status — expired when every record of the feature at that version has, uncounted when its
 * records are (served to everyone from default, so never over-used), over-used when more is
 * held than allocated (a license that shrank under the model), normal otherwise.
 */
export function listPools(plan: PoolPlan, records: readonly FeatureRecord[], usedIn: (key: string) => number, now: EpochMs): PoolListing[] {
  const byKey = new Map<string, FeatureRecord[]>();
  for (const r of records) {
    const key = featureKey(r.name, r.version);
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  return plan.pools.map((pool, index) => {
    const lines: PoolFeatureLine[] = [];
    for (const [key, allocated] of plan.allocated.get(pool) ?? new Map<string, number>()) {
      const recs = byKey.get(key) ?? [];
      const used = usedIn(`${pool}\u0000${key}`);
      // The default pool lists only what it has or serves; named pools list what the model gave them.
      if (pool === DEFAULT_POOL && allocated === 0 && used === 0) continue;
      const info = plan.features.get(key);
      if (!info) continue;
      const expired = recs.length > 0 && recs.every((r) => recordStatus(r, now) === 'expired');
      const uncounted = recs.length > 0 && recs.every((r) => !r.counted);
      const latest = recs.length === 0 || recs.some((r) => r.expiresAt === null) ? null : recs.reduce((a, b) => (b.expiresAt! > a.expiresAt! ? b : a));
      lines.push({
        feature: info.name,
        version: info.version,
        expiration: latest === null ? 'permanent' : latest.expiry,
        allocated,
        used,
        status: expired ? 'expired' : uncounted ? 'uncounted' : used > allocated ? 'over-used' : 'normal',
      });
    }
    lines.sort((a, b) => (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
    return { id: pool === DEFAULT_POOL ? 0 : index + 1, name: pool, features: lines };
  });
}
