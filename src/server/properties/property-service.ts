import { z } from 'zod';
import type { Settings } from '../../common/config.js';
import type { ErrorDetail } from '../../common/errors.js';
import { TallyError } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';
import type { Clock } from '../../common/time.js';
import type { DB } from '../store/db.js';
import type { PropertyGroup } from '../../common/settings.js';
import { PROPERTY_GROUPS, SETTING_TYPES } from '../../common/settings.js';
import type { PropertyDefinition, ServerFacts } from './registry.js';
import { PROPERTIES, PROPERTY_BY_KEY, settingsWith } from './registry.js';

export const propertyGroupSchema = z.enum(Object.keys(PROPERTY_GROUPS) as [PropertyGroup, ...PropertyGroup[]]);

/** A property as the API shows it. */
export const propertyViewSchema = z.object({
  key: z.string(),
  /** How the License Server Manager labels it. */
  label: z.string(),
  group: propertyGroupSchema,
  value: z.unknown(),
  default: z.unknown(),
  editable: z.boolean(),
  /** Why it cannot be changed here: `producer` (locked by the producer), `configuration` (start-up setting), `server` (a fact). */
  lockedBy: z.enum(['producer', 'configuration', 'server']).nullable(),
  type: z.enum(SETTING_TYPES),
  choices: z.array(z.string()).readonly().optional(),
  /** Smallest and largest value accepted: seconds for a duration, the number for an integer. */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Whether it may be cleared (sent as null). */
  nullable: z.boolean().optional(),
  description: z.string(),
});
export type PropertyView = z.infer<typeof propertyViewSchema>;

export const propertyGroupViewSchema = z.object({ group: propertyGroupSchema, label: z.string(), description: z.string(), count: z.number() });
export type PropertyGroupView = z.infer<typeof propertyGroupViewSchema>;

/** The answer of `GET /properties`, without the sync status. */
export interface PropertyListing {
  groups: PropertyGroupView[];
  properties: PropertyView[];
}

/**
 * The server's properties: configured values, overridden by what administrators set (kept in
 * trusted storage), validated by the registry, and announced to listeners so that changes take
 * effect without a restart.
 */
export class PropertyService {
  private values = new Map<string, unknown>();
  /** The settings in force: the configured ones, with what administrators set. */
  current: Settings;
  private readonly listeners: Array<(settings: Settings) => void> = [];
  private readonly locked: ReadonlySet<string>;

  constructor(
    private readonly db: DB,
    private readonly settings: Settings,
    private readonly facts: ServerFacts,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.locked = new Set(settings.producer.lockedProperties);
    for (const p of PROPERTIES) this.values.set(p.key, p.configured(settings, facts));
    const rows = db.prepare('SELECT key, value FROM properties').all() as Array<{ key: string; value: string }>;
    for (const row of rows) {
      const def = PROPERTY_BY_KEY.get(row.key);
      // A stored override of a property that has since been locked or retired no longer applies.
      if (def && this.lockReason(def) === null) this.values.set(row.key, JSON.parse(row.value));
    }
    this.current = settingsWith(settings, this.values);
  }

  /** Calls `listener` with the settings in force now and after every change. */
  subscribe(listener: (settings: Settings) => void): void {
    this.listeners.push(listener);
    listener(this.current);
  }

  /** Every property, in registry order, optionally of one group. */
  list(group?: PropertyGroup): PropertyView[] {
    return PROPERTIES.filter((p) => group === undefined || p.group === group).map((p) => this.view(p));
  }

  groups(): PropertyGroupView[] {
    return (Object.keys(PROPERTY_GROUPS) as PropertyGroup[]).map((g) => ({
      group: g,
      ...PROPERTY_GROUPS[g],
      count: PROPERTIES.filter((p) => p.group === g).length,
    }));
  }

  view(def: PropertyDefinition): PropertyView {
    const show = (value: unknown) => (def.display ? def.display(value) : value);
    const lockedBy = this.lockReason(def);
    return {
      key: def.key,
      label: def.label,
      group: def.group,
      // Facts change while the server runs (the last poll); settings change only through update().
      value: show(def.scope === 'info' ? def.configured(this.settings, this.facts) : this.values.get(def.key)),
      default: show(def.default),
      editable: lockedBy === null,
      lockedBy,
      type: def.type,
      ...(def.choices ? { choices: def.choices } : {}),
      ...(def.min !== undefined ? { min: def.min } : {}),
      ...(def.max !== undefined ? { max: def.max } : {}),
      ...(def.scope !== 'info' && def.schema.safeParse(null).success ? { nullable: true } : {}),
      description: def.description,
    };
  }

  /**
   * Sets several properties at once, all or nothing: an unknown key, a locked property or a
   * bad value refuses the whole update, naming each offending key and why.
   */
  update(changes: Record<string, unknown>, by: string): PropertyView[] {
    const details: ErrorDetail[] = [];
    const parsed = new Map<string, unknown>();
    for (const [key, raw] of Object.entries(changes)) {
      const def = PROPERTY_BY_KEY.get(key);
      if (!def) {
        details.push({ field: key, message: 'is not a known property' });
        continue;
      }
      const lock = this.lockReason(def);
      if (lock) {
        details.push({ field: key, message: LOCK_MESSAGES[lock] });
        continue;
      }
      const result = def.schema.safeParse(raw);
      if (!result.success) {
        details.push({ field: key, message: result.error.issues.map((i) => i.message).join('; ') });
        continue;
      }
      parsed.set(key, result.data);
    }
    if (Object.keys(changes).length === 0) details.push({ field: 'body', message: 'names no property to change' });
    if (details.length > 0) {
      throw new TallyError('BAD_REQUEST', `No property was changed: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details);
    }
    const now = this.clock.now();
    const upsert = this.db.prepare(`INSERT INTO properties (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
    this.db.transaction(() => {
      for (const [key, value] of parsed) upsert.run(key, JSON.stringify(value), now, by);
    })();
    this.apply(parsed);
    this.log.info({ event: 'properties.changed', keys: [...parsed.keys()], by }, 'properties changed');
    return [...parsed.keys()].map((k) => this.view(PROPERTY_BY_KEY.get(k)!));
  }

  /** Drops an administrator's value: the configured one applies again. */
  reset(key: string, by: string): PropertyView {
    const def = PROPERTY_BY_KEY.get(key);
    if (!def) throw new TallyError('NOT_FOUND', `There is no property ${key}.`, [{ field: 'key', message: 'is not a known property' }]);
    const lock = this.lockReason(def);
    if (lock) throw new TallyError('BAD_REQUEST', `${key} ${LOCK_MESSAGES[lock]}.`, [{ field: key, message: LOCK_MESSAGES[lock] }]);
    this.db.prepare('DELETE FROM properties WHERE key = ?').run(key);
    this.apply(new Map([[key, def.configured(this.settings, this.facts)]]));
    this.log.info({ event: 'properties.reset', key, by }, 'property reset');
    return this.view(def);
  }

  private apply(changes: ReadonlyMap<string, unknown>): void {
    this.values = new Map([...this.values, ...changes]);
    this.current = settingsWith(this.settings, this.values);
    for (const listener of this.listeners) listener(this.current);
  }

  private lockReason(def: PropertyDefinition): PropertyView['lockedBy'] {
    if (def.scope === 'info') return 'server';
    if (def.scope === 'startup') return 'configuration';
    return this.locked.has(def.key) ? 'producer' : null;
  }
}

const LOCK_MESSAGES = {
  producer: 'is locked by the producer',
  configuration: 'is a start-up setting: change it in the configuration and restart',
  server: 'describes the server and cannot be changed',
} as const;
