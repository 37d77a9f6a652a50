import { z } from 'zod';
import { formatDuration, parseDurationSeconds } from './time.js';

/** The groups the License Server Manager shows properties in. */
export const PROPERTY_GROUPS = {
  general: { label: 'General', description: 'What this server is' },
  'secure-rest-api': { label: 'Secure REST API', description: 'Administrative security' },
  'server-sync': { label: 'Server Sync', description: 'Sending usage to the back office' },
  failover: { label: 'Server-to-Server Sync', description: 'A main license server and its backup (failover)' },
  'license-generation': { label: 'License Generation', description: 'How features are served' },
  'capability-polling': { label: 'Capability Polling', description: 'Fetching license updates from the back office' },
  'local-server': { label: 'Locally Deployed License Server', description: 'Set in the configuration, applied at start-up' },
  logging: { label: 'Logging', description: 'What the server writes to its log' },
} as const;

export type PropertyGroup = keyof typeof PROPERTY_GROUPS;

/** The kinds of value, for clients that render an editor. */
export const SETTING_TYPES = ['duration', 'integer', 'boolean', 'string', 'enum', 'list'] as const;

/**
 * One setting: what the config file, the environment, the flags and the properties API accept
 * (the same values, refused with the same messages), its default, and how it is shown.
 */
export interface Setting<S extends z.ZodType = z.ZodType> {
  type: (typeof SETTING_TYPES)[number];
  /** Validates and normalizes a value (durations become seconds). */
  schema: S;
  default: z.output<S>;
  /** How people call it (the License Server Manager's field label); properties have one. */
  label?: string;
  description: string;
  /** Smallest and largest value of a duration (in seconds) or an integer. */
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** How the value is shown (durations as text such as `30m`). */
  display?(value: z.output<S>): unknown;
  /**
   * Its place among the license server's properties, if it has one: `live` ones change through
   * the API (unless the producer locked them), `startup` ones only in the configuration.
   */
  property?: { group: PropertyGroup; scope: 'live' | 'startup'; /** when it differs from the setting's path */ key?: string };
}

const duration = (min: number, max: number) => ({
  type: 'duration' as const, min, max, display: formatDuration,
  schema: z.union([z.number(), z.string()]).transform((value, ctx) => {
    const seconds = parseDurationSeconds(value);
    if (seconds !== undefined && seconds >= min && seconds <= max) return seconds;
    ctx.addIssue({ code: 'custom', message: seconds === undefined ? 'must be a duration such as 90, 15m, 12h, 7d or 1w' : `must be between ${formatDuration(min)} and ${formatDuration(max)}` });
    return z.NEVER;
  }),
});
const integer = (min: number, max: number) => ({
  type: 'integer' as const, min, max,
  schema: z
    .union([z.number(), z.string().regex(/^-?\d+$/, 'must be a whole number').transform(Number)], { error: 'must be a whole number' })
    .pipe(z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),
});
const boolean = { type: 'boolean' as const, schema: z.union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' }).transform((v) => v === true || v === 'true') };
const oneOf = <const T extends readonly [string, ...string[]]>(choices: T) => ({ type: 'enum' as const, choices, schema: z.enum(choices, { error: `must be one of ${choices.join(', ')}` }) });
const text = { type: 'string' as const, schema: z.string().min(1) };
const optionalText = { type: 'string' as const, schema: z.string().min(1).nullable() };
const url = { type: 'string' as const, schema: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable() };
const list = (item: z.ZodString, max = Infinity) => ({ type: 'list' as const, schema: z.array(item).max(max) });
const live = (group: PropertyGroup, key?: string) => ({ group, scope: 'live' as const, ...(key ? { key } : {}) });
const startup = (group: PropertyGroup, key?: string) => ({ group, scope: 'startup' as const, ...(key ? { key } : {}) });

const DAY = 86_400;
const origin = z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, 'must be * or an origin such as https://manager.example.com:8443');

/**
 * Every setting of Tally, by its path in the config file (`licensing.borrowInterval`). The
 * environment names them TALLY_ + the path in upper snake case (TALLY_LICENSING_BORROW_INTERVAL).
 */
export const SETTINGS = {
  server: {
    host: { ...text, default: '0.0.0.0', label: 'Listen address', description: 'Address the server listens on.', property: startup('local-server') },
    port: { ...integer(0, 65_535), default: 7070, label: 'Port', description: 'Port the server listens on.', property: startup('local-server') },
    dataDir: { ...text, default: './tally-data', label: 'Trusted storage folder', description: 'Folder of trusted storage.', property: startup('local-server') },
    accountId: { ...optionalText, default: null, description: "The account this server's usage belongs to, when the back office does not say." },
    bodyLimit: { ...integer(1024, 64 * 1024 * 1024), default: 1024 * 1024, description: 'Largest request body accepted, in bytes.' },
    brandingDir: { ...optionalText, default: null, description: "A producer's branding folder for the License Server Manager: logo.png, logo.jpg or logo.jpeg, and data.json (product name, navigation labels and icons)." },
    https: {
      type: 'boolean' as const,
      schema: z
        .object({ certFile: optionalText.schema.default(null), keyFile: optionalText.schema.default(null) })
        .strict()
        .refine((h) => (h.certFile === null) === (h.keyFile === null), 'needs both certFile and keyFile, or neither'),
      default: { certFile: null, keyFile: null },
      display: (h: { certFile: string | null }) => h.certFile !== null,
      label: 'HTTPS',
      description: 'Whether the API is served over HTTPS (server.https.certFile and keyFile).',
      property: startup('local-server'),
    },
  },
  backoffice: {
    host: { ...text, default: '0.0.0.0', description: 'Address the back office listens on.' },
    port: { ...integer(0, 65_535), default: 8080, description: 'Port of the back office (sync endpoint, report API, web UI).' },
    dataDir: { ...text, default: './tally-backoffice', description: "Folder holding the back office's database and warehouse." },
  },
  producer: {
    publicKeyFile: { ...optionalText, default: null, description: 'PEM file with the producer public key that license files must be signed with.' },
    lockedProperties: { ...list(z.string()), default: ['licensing.borrowInterval', 'licensing.responseLifetime', 'licensing.requireClientSignature', 'usageService.sync.enabled', 'usageService.sync.url', 'failover.maintenanceInterval'], description: "Properties the administrator may not change through the API (the producer's policy)." },
  },
  licensing: {
    borrowInterval: { ...duration(1, 365 * DAY), default: 7 * DAY, label: 'Lease length', description: 'Lease length for features that set none.', property: live('license-generation') },
    borrowIntervalMax: { ...duration(1, 365 * DAY), default: 30 * DAY, label: 'Longest lease', description: 'Ceiling on every lease, whatever the feature or client asks.', property: live('license-generation') },
    renewInterval: { ...integer(1, 100), default: 15, label: 'Renew after (% of the lease)', description: 'Percentage of a lease after which clients should renew it.', property: live('license-generation') },
    trackDeniedRequests: { ...boolean, default: true, label: 'Record denied requests', description: 'Record refused requests as usage events, for the denials report.', property: live('license-generation') },
    clientExpiryTimer: { ...duration(1, 3600), default: 1, label: 'Lease expiry check interval', description: 'How often lapsed leases are ended.', property: live('license-generation') },
    responseLifetime: { ...duration(60, 30 * DAY), default: DAY, label: 'Response lifetime', description: 'How long an answer of the back office (online or offline) may be applied after it was issued; requests to the back office are valid as long.', property: live('license-generation') },
    requireClientSignature: { ...boolean, default: false, label: 'Require signed capability requests', description: 'Refuse capability requests that are not signed with the private key of the uploaded client key.', property: live('license-generation') },
  },
  capabilityPolling: {
    enabled: { ...boolean, default: false, label: 'Poll for license updates', description: 'Ask the back office for this server’s current license rights on a schedule, and apply renewals, added counts, returns and expiries.', property: live('capability-polling') },
    interval: { ...duration(10, 30 * DAY), default: DAY, label: 'Polling interval', description: 'Time between two polls of the back office.', property: live('capability-polling') },
    retryInterval: { ...duration(1, DAY), default: 900, label: 'Retry interval after a failure', description: 'Time before the next attempt when the back office could not be reached or refused the poll.', property: live('capability-polling') },
    url: { ...url, default: null, label: 'Back office URL for license updates', description: 'Back office that activates and updates this server’s licenses; when empty, the server of the usage sync URL.', property: live('capability-polling') },
  },
  security: {
    sessionIdleTimeout: { ...duration(60, DAY), default: 1800, label: 'Session idle timeout', description: 'An admin session ends after this long without a request.', property: live('secure-rest-api') },
    lockoutAttempts: { ...integer(1, 100), default: 5, label: 'Failed logins before lockout', description: 'Failed logins in a row that lock an account.', property: live('secure-rest-api') },
    lockoutDuration: { ...duration(60, DAY), default: 900, label: 'Lockout duration', description: 'How long a locked account stays locked.', property: live('secure-rest-api') },
    passwordMinLength: { ...integer(8, 128), default: 12, label: 'Shortest password (characters)', description: 'Shortest password a user may set.', property: live('secure-rest-api') },
    corsOrigins: { ...list(origin, 32), default: [], label: 'Allowed browser origins (CORS)', description: 'Browser origins allowed to call this API (for a License Server Manager served elsewhere); * allows any.', property: live('secure-rest-api') },
  },
  sync: {
    enabled: { ...boolean, default: false, label: 'Send usage to the back office', description: 'Send usage and denial events to the back office.', property: live('server-sync', 'usageService.sync.enabled') },
    url: { ...url, default: null, label: 'Back office URL', description: 'Back office the events go to; /usage/api/1.0/sync is added when the URL has no path.', property: live('server-sync', 'usageService.sync.url') },
    batchSize: { ...integer(1, 10_000), default: 1000, label: 'Events per sync request', description: 'Events sent in one request.', property: live('server-sync', 'usageService.sync.batchSize') },
    // Issued when the instance was registered; never shown or logged.
    credential: { ...optionalText, default: null, display: (v: string | null) => (v ? 'set' : 'not set'), label: 'Sync credential', description: "This instance's sync credential (set in the configuration; never shown).", property: startup('server-sync', 'usageService.sync.credential') },
  },
  failover: {
    role: { ...oneOf(['off', 'main', 'backup']), default: 'off', label: 'Failover role', description: 'This server\'s part in a failover pair: main (serves and streams every change to its backup), backup (takes over when the main is silent), or off.', property: startup('failover') },
    peerUrl: { ...url, default: null, label: 'Main/Backup URI', description: 'The other server of the pair: the backup\'s URL on the main, the main\'s URL on the backup.', property: startup('failover') },
    // Shared by the two servers of the pair; never shown or logged.
    secret: { type: 'string' as const, schema: z.string().min(16, 'must be at least 16 characters').nullable(), default: null, display: (v: string | null) => (v ? 'set' : 'not set'), label: 'Pair secret', description: 'Secret the two servers of the pair sign every request and answer between them with (at least 16 characters; set in the configuration; never shown).', property: startup('failover') },
    heartbeatInterval: { ...duration(1, 3600), default: 5, label: 'Heartbeat interval', description: 'How often the main tells its backup it is alive (and checks on it).', property: live('failover') },
    retryInterval: { ...duration(1, DAY), default: 30, label: 'Retry repeat interval', description: 'After the peer did not answer, time before the main tries it again (it serves alone meanwhile).', property: live('failover') },
    requestTimeout: { ...duration(1, 600), default: 5, label: 'Peer answer timeout', description: 'How long the main waits for its backup to confirm a change before it counts the backup unreachable and serves alone.', property: live('failover') },
    pageSize: { ...integer(1, 10_000), default: 100, label: 'Changes per sync request', description: 'Committed changes sent to the backup in one request.', property: live('failover') },
    takeoverDelay: { ...duration(1, DAY), default: 60, label: 'Takeover delay', description: 'How long the main must be silent before the backup serves capability requests.', property: live('failover') },
    maintenanceInterval: { ...duration(1, 365 * DAY), default: 7 * DAY, label: 'Failover maintenance interval', description: 'How long a backup may serve after it took over; after that it refuses capability requests until the main is back (set by the producer).', property: live('failover') },
  },
  storage: {
    // NORMAL survives a crash of the process but not of the machine.
    synchronous: { ...oneOf(['FULL', 'NORMAL']), default: 'FULL', label: 'Storage durability', description: 'FULL flushes every commit to disk before answering.', property: startup('local-server') },
  },
  log: {
    level: { ...oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), default: 'info', label: 'Log level', description: 'Lowest level of log lines written.', property: live('logging') },
  },
} satisfies Record<string, Record<string, Setting>>;

/** The settings in force: every one of SETTINGS, normalized (durations in seconds). */
export type Settings = {
  [G in keyof typeof SETTINGS]: { [K in keyof (typeof SETTINGS)[G]]: (typeof SETTINGS)[G][K] extends { schema: infer S extends z.ZodType } ? z.output<S> : never };
};

/** Every setting with its path, in order. */
export const SETTING_LIST: ReadonlyArray<Setting & { path: string }> = Object.entries(SETTINGS).flatMap(([section, settings]) =>
  Object.entries(settings).map(([name, setting]: [string, Setting]) => ({ ...setting, path: `${section}.${name}` })),
);
