import { join } from 'node:path';
import type { DB, OpenOptions } from '../../common/sqlite.js';
import { AUTH_MIGRATIONS } from '../../auth/admin-security.js';
import { connectionPragmas, migrationsOf, openSqlite } from '../../common/sqlite.js';

export type { DB };
export { connectionPragmas };

/** The license server's trusted storage file in its data folder. */
export function databaseFile(dataDir: string): string {
  return join(dataDir, 'server.db');
}

/** Opens trusted storage and brings its schema up to date. */
export function openDatabase(dataDir: string, options: OpenOptions): DB {
  return openSqlite(databaseFile(dataDir), [{ scope: 'server', dir: migrationsOf(import.meta.url) }, AUTH_MIGRATIONS], options);
}
