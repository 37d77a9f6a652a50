import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Settings } from '../common/config.js';
import { loadSettings } from '../common/config.js';
import { TallyError } from '../common/errors.js';
import { SETTINGS } from '../common/settings.js';
import type { DB } from '../common/sqlite.js';
import { systemClock } from '../common/time.js';
import { Quarantine } from '../backoffice/ingest/quarantine.js';
import { InstanceRegistry } from '../backoffice/instances/instance-registry.js';
import { Catalog } from '../backoffice/licensing/catalog.js';
import { openBackofficeDb } from '../backoffice/store/db.js';
import { startFolder } from './start-folder.js';

/** The options of every command that works on the back office's data folder. */
export interface DataOptions {
  data?: string;
  config?: string;
  json?: boolean;
}

/** Adds the options of a command on the data folder: --data, --config, --json. */
export function dataOptions(command: Command): Command {
  return command.option('-d, --data <dir>', 'back office data folder').option('-c, --config <file>', 'JSON config file').option('--json', 'print JSON');
}

/** The back office's data folder, open: what its commands work on. */
export interface BackofficeData {
  settings: Settings;
  dir: string;
  db: DB;
  registry: InstanceRegistry;
  quarantine: Quarantine;
  catalog: Catalog;
}

/**
 * The back office's data folder: --data, else the config file's or TALLY_BACKOFFICE_DATA_DIR,
 * else the back office of the quick start's folder (TALLY_DATA or ./tally-data, as `tally
 * start` uses it), unless a back office run alone keeps its data in ./tally-backoffice here.
 */
export function backofficeSettings(opts: DataOptions): Settings {
  const settings = loadSettings({ file: opts.config, overrides: { 'backoffice.dataDir': opts.data } });
  const chosen = opts.data !== undefined || settings.backoffice.dataDir !== resolve(SETTINGS.backoffice.dataDir.default);
  if (!chosen && (process.env.TALLY_DATA !== undefined || !existsSync(join(settings.backoffice.dataDir, 'backoffice.db')))) {
    settings.backoffice.dataDir = join(startFolder(), 'backoffice');
  }
  return settings;
}

/** Refuses a folder that holds no back office, rather than creating an empty one there. */
export function requireBackofficeData(dir: string): void {
  if (!existsSync(join(dir, 'backoffice.db'))) {
    throw new TallyError('NOT_FOUND', `No back office data in ${dir}: give --data with the back office's folder, or TALLY_DATA with the folder of tally start (its back office is in <that folder>/backoffice).`);
  }
}

/**
 * Works on the back office's data folder directly (the back office may be running: SQLite
 * serializes the writers). `reading`: the folder must hold a back office already.
 */
export function withBackofficeData<T>(opts: DataOptions, work: (data: BackofficeData) => T, reading = false): T {
  const settings = backofficeSettings(opts);
  const dir = settings.backoffice.dataDir;
  if (reading) requireBackofficeData(dir);
  const db = openBackofficeDb(dir);
  try {
    return work({ settings, dir, db, registry: new InstanceRegistry(db, systemClock), quarantine: new Quarantine(db, systemClock), catalog: new Catalog(db, systemClock) });
  } finally {
    db.close();
  }
}
