import { z } from 'zod';
import type { Settings } from '../../common/config.js';
import { formatDuration, parseDurationSeconds } from '../../common/time.js';

/** The groups the License Server Manager shows properties in. */
export const PROPERTY_GROUPS = {
  general: 'General: what this server is',
  'secure-rest-api': 'Secure REST API: administrative security',
  'server-sync': 'Server sync: sending usage to the back office',
  'license-generation': 'License generation: how features are served',
  'capability-polling': 'Capability polling: fetching license updates from the back office',
  'local-server': 'Local server: set in the configuration, applied at start-up',
  logging: 'Logging',
} as const;

export type PropertyGroup = keyof typeof PROPERTY_GROUPS;

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

export interface PropertyDefinition {
  key: string;
  group: PropertyGroup;
  scope: PropertyScope;
  description: string;
  /** The kind of value, for clients that render an editor. */
  type: 'duration' | 'integer' | 'boolean' | 'string' | 'enum' | 'list';
  /** Validates and normalizes a new value (durations become seconds). */
  schema: z.ZodType;
  defaultValue: unknown;
  /** The configured value: flags, environment, config file or default. */
  configured: (settings: Settings, facts: ServerFacts) => unknown;
  /** How the value is shown (durations as text such as `30m`). */
  display?: (value: unknown) => unknown;
  choices?: readonly string[];
}

const duration = (min: number, max: number) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90, 15m, 12h, 7d or 1w' });
      return z.NEVER;
    }
    if (seconds < min || seconds > max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${formatDuration(min)} and ${formatDuration(max)}` });
      return z.NEVER;
    }
    return seconds;
  });
const integer = (min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^-?\d+$/, 'must be a whole number').transform(Number)], { error: 'must be a whole number' })
    .pipe(z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const boolean = z.union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' }).transform((v) => v === true || v === 'true');
const showDuration = (v: unknown) => formatDuration(Number(v));
const fixed = (schema: z.ZodType) => schema;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const origin = z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, 'must be * or an origin such as https://manager.example.com:8443');

/** Every property of the license server. */
export const PROPERTIES: readonly PropertyDefinition[] = [
  { key: 'server.instanceId', group: 'general', scope: 'info', type: 'string', schema: fixed(z.string()), defaultValue: null, configured: (_s, f) => f.instanceId, description: 'Identifies this license server in usage data and the back office.' },
  { key: 'server.version', group: 'general', scope: 'info', type: 'string', schema: fixed(z.string()), defaultValue: null, configured: (_s, f) => f.version, description: 'Version of the Tally license server.' },
  { key: 'server.hostIds', group: 'general', scope: 'info', type: 'list', schema: fixed(z.array(z.string())), defaultValue: [], configured: (_s, f) => f.hostIds, description: 'ETHERNET hostids of this machine; register one of them with the back office.' },
  { key: 'server.startedAt', group: 'general', scope: 'info', type: 'string', schema: fixed(z.string()), defaultValue: null, configured: (_s, f) => f.startedAt, description: 'When the server started.' },

  { key: 'security.sessionIdleTimeout', group: 'secure-rest-api', scope: 'live', type: 'duration', schema: duration(60, 86_400), defaultValue: 1800, display: showDuration, configured: (s) => s.security.sessionIdleTimeout, description: 'An admin session ends after this long without a request.' },
  { key: 'security.lockoutAttempts', group: 'secure-rest-api', scope: 'live', type: 'integer', schema: integer(1, 100), defaultValue: 5, configured: (s) => s.security.lockoutAttempts, description: 'Failed logins in a row that lock an account.' },
  { key: 'security.lockoutDuration', group: 'secure-rest-api', scope: 'live', type: 'duration', schema: duration(60, 86_400), defaultValue: 900, display: showDuration, configured: (s) => s.security.lockoutDuration, description: 'How long a locked account stays locked.' },
  { key: 'security.passwordMinLength', group: 'secure-rest-api', scope: 'live', type: 'integer', schema: integer(8, 128), defaultValue: 12, configured: (s) => s.security.passwordMinLength, description: 'Shortest password a user may set.' },
  { key: 'security.corsOrigins', group: 'secure-rest-api', scope: 'live', type: 'list', schema: z.array(origin).max(32), defaultValue: [], configured: (s) => s.security.corsOrigins, description: 'Browser origins allowed to call this API (for a License Server Manager served elsewhere); * allows any.' },

  { key: 'usageService.sync.enabled', group: 'server-sync', scope: 'live', type: 'boolean', schema: boolean, defaultValue: false, configured: (s) => s.sync.enabled, description: 'Send usage and denial events to the back office.' },
  { key: 'usageService.sync.url', group: 'server-sync', scope: 'live', type: 'string', schema: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable(), defaultValue: null, configured: (s) => s.sync.url, description: 'Back office the events go to; /usage/api/1.0/sync is added when the URL has no path.' },
  { key: 'usageService.sync.batchSize', group: 'server-sync', scope: 'live', type: 'integer', schema: integer(1, 10_000), defaultValue: 1000, configured: (s) => s.sync.batchSize, description: 'Events sent in one request.' },
  { key: 'usageService.sync.credential', group: 'server-sync', scope: 'startup', type: 'string', schema: fixed(z.string()), defaultValue: 'not set', configured: (s) => (s.sync.credential ? 'set' : 'not set'), description: "This instance's sync credential (set in the configuration; never shown)." },
  { key: 'licensing.borrowInterval', group: 'license-generation', scope: 'live', type: 'duration', schema: duration(1, 365 * 86_400), defaultValue: 604_800, display: showDuration, configured: (s) => s.licensing.borrowInterval, description: 'Lease length for features that set none.' },
  { key: 'licensing.borrowIntervalMax', group: 'license-generation', scope: 'live', type: 'duration', schema: duration(1, 365 * 86_400), defaultValue: 2_592_000, display: showDuration, configured: (s) => s.licensing.borrowIntervalMax, description: 'Ceiling on every lease, whatever the feature or client asks.' },
  { key: 'licensing.renewInterval', group: 'license-generation', scope: 'live', type: 'integer', schema: integer(1, 100), defaultValue: 15, configured: (s) => s.licensing.renewInterval, description: 'Percentage of a lease after which clients should renew it.' },
  { key: 'licensing.trackDeniedRequests', group: 'license-generation', scope: 'live', type: 'boolean', schema: boolean, defaultValue: true, configured: (s) => s.licensing.trackDeniedRequests, description: 'Record refused requests as usage events, for the denials report.' },
  { key: 'licensing.clientExpiryTimer', group: 'license-generation', scope: 'live', type: 'duration', schema: duration(1, 3600), defaultValue: 1, display: showDuration, configured: (s) => s.licensing.clientExpiryTimer, description: 'How often lapsed leases are ended.' },

  { key: 'server.host', group: 'local-server', scope: 'startup', type: 'string', schema: fixed(z.string()), defaultValue: '0.0.0.0', configured: (s) => s.server.host, description: 'Address the server listens on.' },
  { key: 'server.port', group: 'local-server', scope: 'startup', type: 'integer', schema: fixed(z.number()), defaultValue: 7070, configured: (s) => s.server.port, description: 'Port the server listens on.' },
  { key: 'server.dataDir', group: 'local-server', scope: 'startup', type: 'string', schema: fixed(z.string()), defaultValue: './tally-data', configured: (s) => s.server.dataDir, description: 'Folder of trusted storage.' },
  { key: 'server.https', group: 'local-server', scope: 'startup', type: 'boolean', schema: fixed(z.boolean()), defaultValue: false, configured: (s) => s.server.https.certFile !== null, description: 'Whether the API is served over HTTPS (server.https.certFile and keyFile).' },
  { key: 'storage.synchronous', group: 'local-server', scope: 'startup', type: 'enum', choices: ['FULL', 'NORMAL'], schema: fixed(z.string()), defaultValue: 'FULL', configured: (s) => s.storage.synchronous, description: 'FULL flushes every commit to disk before answering.' },

  { key: 'log.level', group: 'logging', scope: 'live', type: 'enum', choices: LEVELS, schema: z.enum(LEVELS, { error: `must be one of ${LEVELS.join(', ')}` }), defaultValue: 'info', configured: (s) => s.log.level, description: 'Lowest level of log lines written.' },
];

export const PROPERTY_BY_KEY: ReadonlyMap<string, PropertyDefinition> = new Map(PROPERTIES.map((p) => [p.key, p]));
