import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { TallyError, detailsFromIssues } from './errors.js';
import type { Setting, Settings } from './settings.js';
import { SETTING_LIST, SETTINGS } from './settings.js';

// Environment variables and flags are text: a list may be written comma-separated.
const listText = (value: unknown) => (typeof value === 'string' ? value.split(',').map((x) => x.trim()).filter(Boolean) : value);
const accepted = (s: Setting) => (s.type === 'list' ? z.preprocess(listText, s.schema) : s.schema).default(s.default);
const section = (settings: Record<string, Setting>) => z.object(Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, accepted(s)]))).strict().prefault({});

/**
 * What the config file, the environment and the flags accept: every setting, with the same
 * nesting as SETTINGS. Later sources win: defaults < config file < environment < flags.
 */
const settingsSchema = z.object(Object.fromEntries(Object.entries(SETTINGS).map(([name, settings]) => [name, section(settings)]))).strict();

export type { Settings };
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
    const path = ENV_ALIASES[name] ?? ENV_PATHS.get(name.toUpperCase());
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
  const settings = parsed.data as Settings;
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

/** TALLY_ + the path in upper snake case: licensing.borrowIntervalMax → TALLY_LICENSING_BORROW_INTERVAL_MAX. */
const snakeEnv = (path: string) => `TALLY_${path.replace(/[A-Z.]/g, (c) => (c === '.' ? '_' : `_${c}`)).toUpperCase()}`;
const ENV_PATHS = new Map(SETTING_LIST.map((s) => [snakeEnv(s.path), s.path]));

/** The environment variable that sets a setting: its short name, if it has one. */
export const envName = (path: string): string => Object.keys(ENV_ALIASES).find((name) => ENV_ALIASES[name] === path) ?? snakeEnv(path);

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
