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

/**
 * Opens a SQLite database file (its folder created if missing, owner-only), in WAL mode, and
 * applies every numbered migration of `migrationsDir` it has not applied yet, each in its own
 * transaction.
 */
export function openSqlite(file: string, migrationsDir: string, options: OpenOptions): DB {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  for (const pragma of connectionPragmas(options)) db.pragma(pragma);
  migrate(db, migrationsDir);
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

/** Numbered SQL files (`001_initial.sql`), applied in order, each exactly once. */
export function migrate(db: DB, dir: string): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
  );
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
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, file, Date.now());
    })();
    ran.push(file);
  }
  return ran;
}
