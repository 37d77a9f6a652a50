import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TallyError } from '../../common/errors.js';
import { newId, newSecret } from '../../common/ids.js';
import type { Logger } from '../../common/log.js';
import type { Clock } from '../../common/time.js';
import type { DB } from '../store/db.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type Role = 'admin' | 'read-only' | 'reservations';

/** A logged-in caller. */
export interface Principal {
  userId: string;
  name: string;
  role: Role;
}

interface UserRow {
  id: string;
  name: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  failed_logins: number;
  locked_until: number | null;
}

/** Sessions end after this long without a request. */
export const SESSION_IDLE_MS = 30 * 60_000;

/** Hash under which a token is stored; the token itself is never kept. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Users, passwords and bearer tokens of the admin API. Capability requests and health never
 * pass through here; every other route does.
 */
export class AdminSecurity {
  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * On the first start there is no user: create `admin` with a one-time password, written to
   * a file only the owner can read and returned so the caller can print it once.
   */
  async bootstrap(dataDir: string): Promise<{ user: string; password: string; file: string } | null> {
    const users = this.db.prepare('SELECT count(*) FROM users').pluck().get() as number;
    if (users > 0) return null;
    const password = newSecret(18);
    const hash = await hashPassword(password);
    this.db
      .prepare('INSERT INTO users (id, name, role, password_hash, must_change_password, created_at) VALUES (?, ?, ?, ?, 1, ?)')
      .run(newId(), 'admin', 'admin', hash, this.clock.now());
    const file = join(dataDir, 'admin-password.txt');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    this.log.info({ event: 'security.admin.created', file }, 'created the admin user with a one-time password');
    return { user: 'admin', password, file };
  }

  /** Checks a user's password and opens a session. The refusal never tells whether the user exists. */
  async authorize(name: string, password: string): Promise<{ token: string; principal: Principal; mustChangePassword: boolean }> {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
    const refused = new TallyError('UNAUTHORIZED', 'Wrong user name or password.');
    if (!row) {
      // Spend the same time as a real check so that timing does not reveal unknown users.
      await verifyPassword(password, 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
      this.log.warn({ event: 'security.login.failed', user: name }, 'login failed');
      throw refused;
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      this.log.warn({ event: 'security.login.failed', user: name }, 'login failed');
      throw refused;
    }
    const token = newSecret(32);
    const now = this.clock.now();
    this.db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)').run(tokenHash(token), row.id, now, now);
    this.log.info({ event: 'security.login', user: row.name }, 'user logged in');
    return { token, principal: { userId: row.id, name: row.name, role: row.role }, mustChangePassword: row.must_change_password === 1 };
  }

  /** The caller a bearer token belongs to; refreshes its idle timer. */
  authenticate(token: string | undefined): Principal {
    if (!token) throw new TallyError('UNAUTHORIZED', 'Log in first: this operation needs an Authorization: Bearer token.');
    const now = this.clock.now();
    const hash = tokenHash(token);
    const row = this.db
      .prepare('SELECT s.last_used_at, u.id, u.name, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?')
      .get(hash) as { last_used_at: number; id: string; name: string; role: Role } | undefined;
    if (!row || now - row.last_used_at > SESSION_IDLE_MS) {
      if (row) this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash);
      throw new TallyError('UNAUTHORIZED', 'The session has expired or the token is not valid; log in again.');
    }
    this.db.prepare('UPDATE sessions SET last_used_at = ? WHERE token_hash = ?').run(now, hash);
    return { userId: row.id, name: row.name, role: row.role };
  }
}
