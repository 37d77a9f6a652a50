import { z } from 'zod';
import type { Settings } from '../../common/config.js';
import type { PropertyGroup, Setting } from '../../common/settings.js';
import { PROPERTY_GROUPS, SETTING_LIST } from '../../common/settings.js';

/**
 * How a property may change: `live` ones through the API (unless the producer locked them),
 * `startup` ones only in the configuration, `info` ones never (they describe the server).
 */
export type PropertyScope = 'live' | 'startup' | 'info';

/** Facts the `info` properties report. */
export interface ServerFacts {
  instanceId: string;
  version: string;
  hostIds: string[];
  startedAt: string;
}

/** A property: a setting the License Server Manager shows, or a fact about the running server. */
export interface PropertyDefinition extends Omit<Setting, 'property'> {
  key: string;
  group: PropertyGroup;
  scope: PropertyScope;
  /** The configured value (flags, environment, config file or default), or the fact. */
  configured: (settings: Settings, facts: ServerFacts) => unknown;
}

const fact = (key: keyof ServerFacts, type: 'string' | 'list', description: string): PropertyDefinition => ({
  key: `server.${key}`,
  group: 'general',
  scope: 'info',
  type,
  schema: z.never(),
  default: type === 'list' ? [] : null,
  configured: (_s, facts) => facts[key],
  description,
});

const fromSettings = SETTING_LIST.flatMap(({ property, path, ...setting }): PropertyDefinition[] => {
  if (!property) return [];
  const [section, name] = path.split('.') as [string, string];
  const configured = (settings: Settings) => (settings as unknown as Record<string, Record<string, unknown>>)[section]?.[name];
  return [{ ...setting, key: property.key ?? path, group: property.group, scope: property.scope, configured }];
});
const groupOrder = Object.keys(PROPERTY_GROUPS);

/** Every property of the license server, by group. */
export const PROPERTIES: readonly PropertyDefinition[] = [
  fact('instanceId', 'string', 'Identifies this license server in usage data and the back office.'),
  fact('version', 'string', 'Version of the Tally license server.'),
  fact('hostIds', 'list', 'ETHERNET hostids of this machine; register one of them with the back office.'),
  fact('startedAt', 'string', 'When the server started.'),
  ...fromSettings,
].sort((a, b) => groupOrder.indexOf(a.group) - groupOrder.indexOf(b.group));

export const PROPERTY_BY_KEY: ReadonlyMap<string, PropertyDefinition> = new Map(PROPERTIES.map((p) => [p.key, p]));
