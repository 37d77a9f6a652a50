import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Writes an event into a server's usage outbox as if the server had written it (the server may
 * be running): for events the server would not make itself, such as one the back office cannot
 * store.
 */
export function writeOutboxEvent(dataDir: string, event: { eventId: string } & Record<string, unknown>): void {
  const db = new Database(join(dataDir, 'server.db'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('INSERT INTO outbox (event_id, created_at, event) VALUES (?, ?, ?)').run(event.eventId, Date.now(), JSON.stringify(event));
  } finally {
    db.close();
  }
}
