import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { TallyError, detailsFromIssues } from './errors.js';
import { parseDurationSeconds } from './time.js';

const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 3600, 90m, 12h, 7d or 1w' });
    return z.NEVER;
  }
  return seconds;
});
const list = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))]);
const port = z.coerce.number().int().min(0).max(65_535);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');

/**
 * Every setting of Tally, with its default. The same names are used in the config file (JSON,
 * nested), in environment variables (TALLY_ + the path in upper snake case, e.g.
 * TALLY_SERVER_PORT) and, for the common ones, in command-line flags. Later sources win:
 * defaults < config file < environment < flags.
 */
export const settingsSchema = z
  .object({
    server: z
      .object({
        /** Address the license server listens on. */
        host: z.string().min(1).default('0.0.0.0'),
        /** Port of the license server API. */
        port: port.default(7070),
        /** Folder holding trusted storage (SQLite) and the server's key files. */
        dataDir: z.string().min(1).default('./tally-data'),
        /** The account this server's usage belongs to, when the back office does not say. */
        accountId: z.string().min(1).nullable().default(null),
        /** Largest request body accepted, in bytes. */
        bodyLimit: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
        /** Serve HTTPS with this PEM certificate and key; both or neither. */
        https: z
          .object({
            certFile: z.string().min(1).nullable().default(null),
            keyFile: z.string().min(1).nullable().default(null),
          })
          .strict()
          .prefault({})
          .refine((h) => (h.certFile === null) === (h.keyFile === null), 'needs both certFile and keyFile, or neither'),
      })
      .strict()
      .prefault({}),
    backoffice: z
      .object({
        /** Address the back office listens on. */
        host: z.string().min(1).default('0.0.0.0'),
        /** Port of the back office (sync endpoint, report API, web UI). */
        port: port.default(8080),
        /** Folder holding the back office's database and warehouse. */
        dataDir: z.string().min(1).default('./tally-backoffice'),
      })
      .strict()
      .prefault({}),
    producer: z
      .object({
        /** PEM file with the producer public key that license files must be signed with. */
        publicKeyFile: z.string().min(1).nullable().default(null),
        /** Properties the administrator may not change through the API (the producer's policy). */
        lockedProperties: list.default(['licensing.borrowInterval', 'usageService.sync.enabled', 'usageService.sync.url']),
      })
      .strict()
      .prefault({}),
    licensing: z
      .object({
        /** Lease length when the feature sets none (licensing.borrowInterval). */
        borrowInterval: duration.default(7 * 86_400),
        /** Administrator's ceiling on any lease (licensing.borrowIntervalMax). */
        borrowIntervalMax: duration.default(30 * 86_400),
        /** Percentage of the lease after which clients should renew (licensing.renewInterval). */
        renewInterval: z.coerce.number().int().min(1).max(100).default(15),
        /** Record refusals as usage events (licensing.trackDeniedRequests). */
        trackDeniedRequests: bool.default(true),
        /** How often lapsed leases are looked for (licensing.clientExpiryTimer). */
        clientExpiryTimer: duration.default(1),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        /** An admin session ends after this long without a request. */
        sessionIdleTimeout: duration.default(1800),
        /** Failed logins in a row that lock an account. */
        lockoutAttempts: z.coerce.number().int().min(1).max(100).default(5),
        /** How long a locked account stays locked. */
        lockoutDuration: duration.default(900),
        /** Shortest password a user may set. */
        passwordMinLength: z.coerce.number().int().min(8).max(128).default(12),
        /** Browser origins allowed to call the API (comma-separated in the environment). */
        corsOrigins: list.default([]),
      })
      .strict()
      .prefault({}),
    sync: z
      .object({
        /** Send usage events to a back office (usageService.sync.enabled). */
        enabled: bool.default(false),
        /** Back office URL; `/usage/api/1.0/sync` is added when it has no path (usageService.sync.url). */
        url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable().default(null),
        /** This instance's sync credential, issued when the instance was registered. Never shown or logged. */
        credential: z.string().min(1).nullable().default(null),
        /** Events per request (usageService.sync.batchSize). */
        batchSize: z.coerce.number().int().min(1).max(10_000).default(1000),
      })
      .strict()
      .prefault({}),
    storage: z
      .object({
        /** FULL flushes every commit to disk before answering; NORMAL survives a crash of the process but not of the machine. */
        synchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        /** fatal, error, warn, info, debug, trace or silent. */
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Settings = z.output<typeof settingsSchema>;
type Raw = Record<string, unknown>;

/** Short environment names for the settings people set most. */
const ENV_ALIASES: Record<string, string> = {
  TALLY_PORT: 'server.port',
  TALLY_HOST: 'server.host',
  TALLY_DATA: 'server.dataDir',
  TALLY_PRODUCER_PUBLIC_KEY: 'producer.publicKeyFile',
  TALLY_LOG_LEVEL: 'log.level',
};

export interface LoadOptions {
  /** Path of a JSON config file. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Settings from command-line flags, by dotted path. */
  overrides?: Record<string, unknown>;
}

/** The one config loader: merges defaults, file, environment and flags, and validates them. */
export function loadSettings(options: LoadOptions = {}): Settings {
  const env = options.env ?? process.env;
  const merged: Raw = {};
  const file = options.file ?? env.TALLY_CONFIG;
  if (file) deepMerge(merged, readConfigFile(file));
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith('TALLY_') || name === 'TALLY_CONFIG') continue;
    const path = ENV_ALIASES[name] ?? envNameToPath(name);
    if (path) setPath(merged, path, value);
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setPath(merged, path, value);
  }
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    const details = detailsFromIssues(parsed.error.issues);
    throw new TallyError('BAD_REQUEST', `Invalid settings: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details);
  }
  const settings = parsed.data;
  settings.server.dataDir = resolve(settings.server.dataDir);
  settings.backoffice.dataDir = resolve(settings.backoffice.dataDir);
  return settings;
}

function readConfigFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `Cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('it must hold a JSON object');
    return value as Raw;
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `Config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** TALLY_LICENSING_BORROW_INTERVAL_MAX → licensing.borrowIntervalMax, if such a setting exists. */
function envNameToPath(name: string): string | undefined {
  const words = name.slice('TALLY_'.length).toLowerCase().split('_');
  const shape = settingsSchema.shape as Record<string, { shape?: Record<string, unknown> }>;
  for (let i = 1; i < words.length; i++) {
    const group = words.slice(0, i).join('');
    const key = camel(words.slice(i));
    const groupShape = Object.entries(shape).find(([g]) => g.toLowerCase() === group);
    const inner = groupShape?.[1] as unknown as { unwrap?: () => { shape: Record<string, unknown> }; shape?: Record<string, unknown> };
    const fields = inner?.shape ?? inner?.unwrap?.().shape;
    if (groupShape && fields && key in fields) return `${groupShape[0]}.${key}`;
  }
  return undefined;
}

function camel(words: string[]): string {
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

function setPath(target: Raw, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Raw;
  }
  node[keys[keys.length - 1]!] = value;
}

function deepMerge(target: Raw, source: Raw): void {
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      deepMerge(target[key] as Raw, value as Raw);
    } else {
      target[key] = value;
    }
  }
}
