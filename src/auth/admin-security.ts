import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TallyError, detailsFromIssues } from '../common/errors.js';
import { newId, newSecret } from '../common/ids.js';
import type { Logger } from '../common/log.js';
import type { Settings } from '../common/settings.js';
import type { Clock } from '../common/time.js';
import type { DB, MigrationSet } from '../common/sqlite.js';
import { migrationsOf } from '../common/sqlite.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** The users and sessions tables, in every database that has administrators. */
export const AUTH_MIGRATIONS: MigrationSet = { scope: 'auth', dir: migrationsOf(import.meta.url) };

export const ROLES = ['admin', 'read-only', 'reservations', 'account-viewer'] as const;
export type Role = (typeof ROLES)[number];
/** The roles of a license server's users; an account-viewer exists only where the report is (the back office). */
export const SERVER_ROLES = ['admin', 'read-only', 'reservations'] as const satisfies readonly Role[];

/** The one account an account-viewer sees: an account ID as usage events name it. */
export const userAccountSchema = z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters');

/** A logged-in caller. */
export interface Principal {
  userId: string;
  name: string;
  role: Role;
  /** The only account whose data an account-viewer sees; null for every other role. */
  accountId: string | null;
  /** The hash of the session token the caller used. */
  session: string;
}

/** The security settings in force (they change without a restart); durations in seconds. */
export type SecurityPolicy = Pick<Settings['security'], 'sessionIdleTimeout' | 'lockoutAttempts' | 'lockoutDuration' | 'passwordMinLength'>;

export const userViewSchema = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  account: z.string().nullable().describe('the one account an account-viewer sees; null for other roles'),
  mustChangePassword: z.boolean(), locked: z.boolean(), createdAt: z.string() });
export type UserView = z.infer<typeof userViewSchema>;

interface UserRow {
  id: string;
  name: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  account_id: string | null;
}

export const userNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes, underscores or @');

/** The account a user of `role` is bound to: an account-viewer needs one, no other role has one. */
function accountFor(role: Role, account: string | null): string | null {
  if (role !== 'account-viewer') {
    if (account !== null) throw new TallyError('BAD_REQUEST', `Only an account-viewer is bound to an account; a ${role} sees every account.`, [{ field: 'account', message: `must be left out for the ${role} role` }]);
    return null;
  }
  const parsed = userAccountSchema.safeParse(account ?? '');
  if (!parsed.success) throw new TallyError('BAD_REQUEST', `An account-viewer needs the account it may see: account ${parsed.error.issues[0]!.message}.`, detailsFromIssues(parsed.error.issues, 'account'));
  return parsed.data;
}

/** Hash under which a token is stored; the token itself is never kept. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// A real scrypt hash of a random password: unknown users cost the same time as known ones.
const DUMMY_HASH = 'scrypt$16384$8$1$UuUznSKtoKcKxFOyn+wpRQ==$txqfz03h6Egg+iAmT3b/1oUZ14nJXSQ3e2BUg9UrZCs=';
const REFUSED = 'Wrong user name or password, or the account is locked after repeated failures; try again later.';

interface FailureCount {
  count: number;
  /** Epoch ms; 0 when not locked. */
  lockedUntil: number;
}

/**
 * One login attempt against a name's failure count: a locked name admits no attempt; an
 * expired lock starts the count again; the attempt that reaches the threshold locks the name.
 */
function countFailure(before: FailureCount, now: number, policy: SecurityPolicy): { after: FailureCount; admitted: boolean; locks: boolean } {
  if (before.lockedUntil > now) return { after: before, admitted: false, locks: false };
  const count = (before.lockedUntil > 0 ? 0 : before.count) + 1;
  const locks = count >= policy.lockoutAttempts;
  return { after: { count, lockedUntil: locks ? now + policy.lockoutDuration * 1000 : 0 }, admitted: true, locks };
}

/**
 * Users, passwords and bearer tokens of the admin API. Capability requests and health never
 * pass through here; every other route does.
 */
export class AdminSecurity {
  /** Failed logins of names that are not users, so that they lock exactly as users do. */
  private readonly unknownFailures = new Map<string, FailureCount>();

  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly policy: () => SecurityPolicy,
  ) {}

  /**
   * On the first start there is no user: create `admin` with a one-time password, written to
   * a file only the owner can read and returned so the caller can print it once.
   */
  async bootstrap(dataDir: string): Promise<{ user: string; password: string; file: string } | null> {
    const users = this.db.prepare('SELECT count(*) FROM users').pluck().get() as number;
    if (users > 0) return null;
    const password = newSecret(18);
    // The file first: a start killed in between then finds no user and makes a new password,
    // rather than a user whose password was never written down.
    const file = join(dataDir, 'admin-password.txt');
    writeFileSync(file, `${password}\n`, { mode: 0o600, flush: true });
    await this.insertUser('admin', 'admin', password);
    this.log.info({ event: 'security.admin.created', file }, 'created the admin user with a one-time password');
    return { user: 'admin', password, file };
  }

  /**
   * Checks a user's password and opens a session. Refusals never tell whether the user exists
   * or is locked; repeated failures lock the name for a while. A user whose password was set
   * by someone else must change it first (PASSWORD_CHANGE_REQUIRED).
   */
  async authorize(name: string, password: string): Promise<{ token: string; principal: Principal }> {
    const row = await this.checkPassword(name, password);
    if (row.must_change_password === 1) {
      throw new TallyError('PASSWORD_CHANGE_REQUIRED', 'This password was set for you: set a new one with the current one first (reset-password).', [
        { field: 'password', message: 'must be changed before the first login' },
      ]);
    }
    return this.openSession(row);
  }

  /** First login or after a reset: give the current password and a new one; logs in. */
  async resetPassword(name: string, currentPassword: string, newPassword: string): Promise<{ token: string; principal: Principal }> {
    const row = await this.checkPassword(name, currentPassword);
    this.checkNewPassword(newPassword, row.name, currentPassword);
    await this.setPassword(row.id, newPassword);
    this.log.info({ event: 'security.password.reset', user: row.name }, 'password changed at first login');
    return this.openSession({ ...row, must_change_password: 0 });
  }

  /** A logged-in user changes its own password without the current one; its other sessions end. */
  async changeOwnPassword(principal: Principal, newPassword: string): Promise<void> {
    this.checkNewPassword(newPassword, principal.name, null);
    await this.setPassword(principal.userId, newPassword, principal.session);
    this.log.info({ event: 'security.password.changed', user: principal.name }, 'password changed');
  }

  /** The caller a bearer token belongs to; refreshes its idle timer. */
  authenticate(token: string | undefined): Principal {
    if (!token) throw new TallyError('UNAUTHORIZED', 'Log in first: this operation needs an Authorization: Bearer token.');
    const now = this.clock.now();
    const hash = tokenHash(token);
    const row = this.db
      .prepare('SELECT s.last_used_at, u.id, u.name, u.role, u.account_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?')
      .get(hash) as { last_used_at: number; id: string; name: string; role: Role; account_id: string | null } | undefined;
    if (!row || now - row.last_used_at > this.policy().sessionIdleTimeout * 1000) {
      if (row) this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash);
      throw new TallyError('UNAUTHORIZED', 'The session has expired or the token is not valid; log in again.');
    }
    this.db.prepare('UPDATE sessions SET last_used_at = ? WHERE token_hash = ?').run(now, hash);
    return { userId: row.id, name: row.name, role: row.role, accountId: row.account_id, session: hash };
  }

  /** Ends the caller's session. */
  logout(principal: Principal): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(principal.session);
  }

  users(offset: number, limit: number): { total: number; items: UserView[] } {
    const total = this.db.prepare('SELECT count(*) FROM users').pluck().get() as number;
    const rows = this.db.prepare('SELECT * FROM users ORDER BY name LIMIT ? OFFSET ?').all(limit, offset) as UserRow[];
    return { total, items: rows.map((r) => this.userView(r)) };
  }

  user(name: string): UserView {
    return this.userView(this.findUser(name));
  }

  /** Adds a user with a one-time password, returned once; the user must change it at first login. */
  async createUser(name: string, role: Role, by: string, account: string | null = null): Promise<{ user: UserView; password: string }> {
    const parsed = userNameSchema.safeParse(name);
    if (!parsed.success) throw new TallyError('BAD_REQUEST', `name ${parsed.error.issues[0]!.message}`, detailsFromIssues(parsed.error.issues, 'name'));
    if (this.db.prepare('SELECT 1 FROM users WHERE name = ?').get(name)) {
      throw new TallyError('CONFLICT', `A user named ${name} already exists.`, [{ field: 'name', message: 'is taken' }]);
    }
    const accountId = accountFor(role, account);
    const password = newSecret(18);
    await this.insertUser(name, role, password, accountId);
    this.log.info({ event: 'security.user.created', user: name, role, account: accountId ?? undefined, by }, 'user created');
    return { user: this.user(name), password };
  }

  /** Changes a user's role, and the account of an account-viewer. */
  setRole(name: string, role: Role, by: string, account: string | null = null): UserView {
    const row = this.findUser(name);
    const accountId = accountFor(role, account);
    if (row.role === 'admin' && role !== 'admin') this.keepOneAdmin(row.id);
    // Sessions read the role on every request: the change holds from the next one.
    this.db.prepare('UPDATE users SET role = ?, account_id = ? WHERE id = ?').run(role, accountId, row.id);
    this.log.info({ event: 'security.user.role', user: name, role, account: accountId ?? undefined, by }, 'user role changed');
    return this.user(name);
  }

  /** Gives a user a new one-time password, unlocks it and ends its sessions. */
  async resetUser(name: string, by: string): Promise<{ user: UserView; password: string }> {
    const row = this.findUser(name);
    const password = newSecret(18);
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ?, must_change_password = 1, failed_logins = 0, locked_until = NULL WHERE id = ?').run(hash, row.id);
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(row.id);
    })();
    this.log.info({ event: 'security.user.reset', user: name, by }, 'user password reset');
    return { user: this.user(name), password };
  }

  deleteUser(name: string, by: Principal): void {
    const row = this.findUser(name);
    if (row.id === by.userId) throw new TallyError('CONFLICT', 'You cannot delete the user you are logged in as.', [{ field: 'name', message: 'is you' }]);
    if (row.role === 'admin') this.keepOneAdmin(row.id);
    this.db.prepare('DELETE FROM users WHERE id = ?').run(row.id);
    this.log.info({ event: 'security.user.deleted', user: name, by: by.name }, 'user deleted');
  }

  private keepOneAdmin(leaving: string): void {
    const others = this.db.prepare("SELECT count(*) FROM users WHERE role = 'admin' AND id != ?").pluck().get(leaving) as number;
    if (others === 0) throw new TallyError('CONFLICT', 'This is the last admin user; make another user admin first.', [{ field: 'role', message: 'the server needs one admin' }]);
  }

  private findUser(name: string): UserRow {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
    if (!row) throw new TallyError('NOT_FOUND', `There is no user named ${name}.`, [{ field: 'name', message: 'matches no user' }]);
    return row;
  }

  private userView(r: UserRow): UserView {
    return {
      name: r.name,
      role: r.role,
      account: r.account_id,
      mustChangePassword: r.must_change_password === 1,
      locked: r.locked_until !== null && r.locked_until > this.clock.now(),
      createdAt: new Date(r.created_at).toISOString(),
    };
  }

  private async insertUser(name: string, role: Role, password: string, accountId: string | null = null): Promise<void> {
    const hash = await hashPassword(password);
    this.db
      .prepare('INSERT INTO users (id, name, role, password_hash, must_change_password, created_at, account_id) VALUES (?, ?, ?, ?, 1, ?, ?)')
      .run(newId(), name, role, hash, this.clock.now(), accountId);
  }

  private async setPassword(userId: string, password: string, keepSession?: string): Promise<void> {
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ?, must_change_password = 0, failed_logins = 0, locked_until = NULL WHERE id = ?').run(hash, userId);
      this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash != ?').run(userId, keepSession ?? '');
    })();
  }

  /** The password rules, each with its own message. */
  private checkNewPassword(password: string, name: string, current: string | null): void {
    const min = this.policy().passwordMinLength;
    const problems: string[] = [];
    if (password.length < min) problems.push(`must be at least ${min} characters`);
    if (password.length > 1024) problems.push('must be at most 1024 characters');
    if (password.toLowerCase().includes(name.toLowerCase())) problems.push('must not contain the user name');
    if (current !== null && password === current) problems.push('must differ from the current password');
    if (problems.length > 0) {
      throw new TallyError('BAD_REQUEST', `newPassword ${problems.join('; ')}`, problems.map((message) => ({ field: 'newPassword', message })));
    }
  }

  /**
   * Counts the attempt before the slow hash is checked, in one synchronous step, so guesses
   * sent at once cannot all read the same count: every attempt in flight already counts as a
   * failure, the one that reaches the threshold locks the name, and a right password forgives
   * its own attempt afterwards. A locked name still costs the same hash check.
   */
  private async checkPassword(name: string, password: string): Promise<UserRow> {
    const { row, admitted, locks } = this.countAttempt(name);
    const matches = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !admitted || !matches) {
      if (locks) this.log.warn({ event: 'security.login.locked', user: name }, 'too many failed logins: locked');
      this.log.warn({ event: 'security.login.failed', user: name }, 'login failed');
      throw new TallyError('UNAUTHORIZED', REFUSED);
    }
    this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(row.id);
    return row;
  }

  /** Checks the lock and counts one attempt of a name, user or not, as one step. */
  private countAttempt(name: string): { row: UserRow | undefined; admitted: boolean; locks: boolean } {
    const now = this.clock.now();
    const policy = this.policy();
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
      const before = row ? { count: row.failed_logins, lockedUntil: row.locked_until ?? 0 } : (this.unknownFailures.get(name) ?? { count: 0, lockedUntil: 0 });
      const { after, admitted, locks } = countFailure(before, now, policy);
      if (row) {
        this.db.prepare('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?').run(after.count, after.lockedUntil || null, row.id);
      } else {
        if (this.unknownFailures.size > 10_000) this.unknownFailures.clear();
        this.unknownFailures.set(name, after);
      }
      return { row, admitted, locks };
    })();
  }

  private openSession(row: UserRow): { token: string; principal: Principal } {
    const token = newSecret(32);
    const now = this.clock.now();
    const hash = tokenHash(token);
    this.db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)').run(hash, row.id, now, now);
    this.log.info({ event: 'security.login', user: row.name }, 'user logged in');
    return { token, principal: { userId: row.id, name: row.name, role: row.role, accountId: row.account_id, session: hash } };
  }
}
