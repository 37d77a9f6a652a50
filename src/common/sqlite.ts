import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Database as DB } from 'better-sqlite3';

export type { DB };

export interface OpenOptions {
  /** FULL: every commit reaches the disk before it returns. */
  synchronous: 'FULL' | 'NORMAL';
}

/** Numbered migrations of one part of a schema; each scope counts its own versions. */
export interface MigrationSet {
  scope: string;
  dir: string;
}

/**
 * Opens a SQLite database file (its folder created if missing, owner-only), in WAL mode, and
 * applies every numbered migration of each set it has not applied yet, each in its own
 * transaction. Parts shared by several roles (the users of `auth/`) bring their own set.
 */
export function openSqlite(file: string, migrations: MigrationSet[], options: OpenOptions): DB {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  for (const pragma of connectionPragmas(options)) db.pragma(pragma);
  for (const set of migrations) migrate(db, set);
  return db;
}

/** A folder next to a module, for its migrations: `migrationsOf(import.meta.url)`. */
export function migrationsOf(moduleUrl: string): string {
  return fileURLToPath(new URL('./migrations/', moduleUrl));
}

/** Settings every connection uses, a writer thread's included. */
export function connectionPragmas(options: OpenOptions): string[] {
  return ['journal_mode = WAL', `synchronous = ${options.synchronous}`, 'foreign_keys = ON', 'busy_timeout = 5000'];
}

/** Numbered SQL files (`001_initial.sql`), applied in order, each exactly once per scope. */
export function migrate(db: DB, { scope, dir }: MigrationSet): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    scope TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL,
    PRIMARY KEY (scope, version)) STRICT`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations WHERE scope = ?').pluck().all(scope) as number[]);
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const ran: string[] = [];
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    if (applied.has(version)) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (scope, version, name, applied_at) VALUES (?, ?, ?, ?)').run(scope, version, file, Date.now());
    })();
    ran.push(file);
  }
  return ran;
}
