import { z } from 'zod';
import type { Settings } from '../../common/config.js';
import type { PropertyGroup, Setting } from '../../common/settings.js';
import { PROPERTY_GROUPS, SETTING_LIST } from '../../common/settings.js';

/**
 * How a property may change: `live` ones through the API (unless the producer locked them),
 * `startup` ones only in the configuration, `info` ones never (they describe the server).
 */
export type PropertyScope = 'live' | 'startup' | 'info';

/** Facts the `info` properties report; read each time the properties are listed. */
export interface ServerFacts {
  instanceId: string;
  version: string;
  hostIds: string[];
  startedAt: string;
  /** Whether the back office activated this server, and when it last issued its rights. */
  activation: string;
  lastPoll: string;
  nextPoll: string;
}

/** A property: a setting the License Server Manager shows, or a fact about the running server. */
export interface PropertyDefinition extends Omit<Setting, 'property' | 'label'> {
  key: string;
  label: string;
  group: PropertyGroup;
  scope: PropertyScope;
  /** The configured value (flags, environment, config file or default), or the fact. */
  configured: (settings: Settings, facts: ServerFacts) => unknown;
}

type Sections = Record<string, Record<string, unknown>>;

const fact = (key: keyof ServerFacts, type: 'string' | 'list', label: string, description: string, group: PropertyGroup = 'general', prefix = 'server'): PropertyDefinition =>
  ({ key: `${prefix}.${key}`, label, group, scope: 'info', type, schema: z.never(), default: type === 'list' ? [] : null, configured: (_s, facts) => facts[key], description });

const fromSettings = SETTING_LIST.flatMap(({ property, path, label, ...setting }) => {
  const [section, name] = path.split('.') as [string, string];
  const configured = (settings: Settings) => (settings as unknown as Sections)[section]![name];
  const key = property?.key ?? path;
  return property ? [{ ...setting, key, label: label ?? key, group: property.group, scope: property.scope, configured, section, name }] : [];
});
const groupOrder = Object.keys(PROPERTY_GROUPS);

/** Every property of the license server, by group. */
export const PROPERTIES: readonly PropertyDefinition[] = [
  fact('instanceId', 'string', 'Instance ID', 'Identifies this license server in usage data and the back office.'),
  fact('version', 'string', 'Server version', 'Version of the Tally license server.'),
  fact('hostIds', 'list', 'Hostids', 'ETHERNET hostids of this machine; register one of them with the back office.'),
  fact('startedAt', 'string', 'Started at', 'When the server started.'),
  fact('activation', 'string', 'Activation', 'Whether the back office activated this server, and when it issued the rights in force.', 'capability-polling', 'capabilityPolling'),
  fact('lastPoll', 'string', 'Last poll', 'When the server last asked the back office for its rights, and what came of it.', 'capability-polling', 'capabilityPolling'),
  fact('nextPoll', 'string', 'Next poll', 'When the next poll is due.', 'capability-polling', 'capabilityPolling'),
  ...fromSettings,
].sort((a, b) => groupOrder.indexOf(a.group) - groupOrder.indexOf(b.group));

/** The settings with the properties' values in place of the configured ones. */
export function settingsWith(settings: Settings, values: ReadonlyMap<string, unknown>): Settings {
  const sections = structuredClone(settings) as unknown as Sections;
  for (const p of fromSettings) sections[p.section]![p.name] = values.get(p.key);
  return sections as unknown as Settings;
}

export const PROPERTY_BY_KEY: ReadonlyMap<string, PropertyDefinition> = new Map(PROPERTIES.map((p) => [p.key, p]));
