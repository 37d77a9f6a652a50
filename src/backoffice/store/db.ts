import { join } from 'node:path';
import { AUTH_MIGRATIONS } from '../../auth/admin-security.js';
import type { DB } from '../../common/sqlite.js';
import { migrationsOf, openSqlite } from '../../common/sqlite.js';
import { MONITOR_MIGRATIONS } from '../monitors/monitor-registry.js';

/** Opens (and migrates) the back office's SQLite database: accounts, instances, administrators, monitors. */
export function openBackofficeDb(dataDir: string): DB {
  return openSqlite(join(dataDir, 'backoffice.db'), [{ scope: 'backoffice', dir: migrationsOf(import.meta.url) }, AUTH_MIGRATIONS, MONITOR_MIGRATIONS], { synchronous: 'FULL' });
}
