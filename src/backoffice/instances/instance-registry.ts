import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TallyError } from '../../common/errors.js';
import { parseInput } from '../../common/schema-check.js';
import { newId, newSecret } from '../../common/ids.js';
import type { DB } from '../../common/sqlite.js';
import { text } from '../../common/text.js';
import type { Clock } from '../../common/time.js';

export const accountSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });
export type Account = z.infer<typeof accountSchema>;

export const instanceSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  kind: z.enum(['local', 'cloud']),
  name: z.string(),
  hostId: z.string().nullable(),
  createdAt: z.string(),
  lastSyncAt: z.string().nullable(),
});
export type Instance = z.infer<typeof instanceSchema>;

interface InstanceRow {
  id: string;
  account_id: string;
  kind: Instance['kind'];
  name: string;
  hostid: string | null;
  created_at: number;
  last_sync_at: number | null;
}

const idSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes, colons or underscores');

const nameSchema = text().trim().min(1, 'must not be empty').max(256);

export const accountInput = z.object({ id: idSchema, name: nameSchema }).strict();
export const instanceInput = z
  .object({
    accountId: idSchema,
    name: nameSchema,
    // Cloud instances need a host: they are made through the cloud instances API, not registered.
    kind: z.literal('local', { error: 'must be local: cloud instances are made with POST /api/1.0/backoffice/cloud-instances (tally backoffice cloud-instance create)' }).default('local'),
    hostId: text().trim().min(1).max(256).nullable().default(null),
    /** Keep an ID the license server already has (its instanceId); a new one is made otherwise. */
    id: idSchema.optional(),
  })
  .strict();

const hash = (credential: string) => createHash('sha256').update(credential).digest('hex');

/**
 * Accounts and the license server instances that belong to them. An instance's sync
 * credential is made when the instance is registered, shown once, and kept only as a hash.
 */
export class InstanceRegistry {
  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
  ) {}

  addAccount(input: unknown): Account {
    const a = parseInput(accountInput, input);
    if (this.db.prepare('SELECT 1 FROM accounts WHERE id = ?').get(a.id)) {
      throw new TallyError('CONFLICT', `Account ${a.id} already exists.`, [{ field: 'id', message: 'is taken' }]);
    }
    this.db.prepare('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)').run(a.id, a.name, this.clock.now());
    return this.account(a.id);
  }

  account(id: string): Account {
    const row = this.db.prepare('SELECT id, name, created_at FROM accounts WHERE id = ?').get(id) as { id: string; name: string; created_at: number } | undefined;
    if (!row) throw new TallyError('NOT_FOUND', `There is no account ${id}.`, [{ field: 'accountId', message: 'matches no account' }]);
    return { id: row.id, name: row.name, createdAt: new Date(row.created_at).toISOString() };
  }

  accounts(offset: number, limit: number): { total: number; items: Account[] } {
    const total = this.db.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
    const rows = this.db.prepare('SELECT id FROM accounts ORDER BY id LIMIT ? OFFSET ?').pluck().all(limit, offset) as string[];
    return { total, items: rows.map((id) => this.account(id)) };
  }

  /** Registers an instance; the answer carries its sync credential, which is never shown again. */
  /** Registers an instance; `kind` cloud only for the host that makes cloud instances. */
  addInstance(input: unknown, kind: Instance['kind'] = 'local'): { instance: Instance; credential: string } {
    const i = { ...parseInput(instanceInput, input), kind };
    this.account(i.accountId);
    const id = i.id ?? newId();
    if (this.db.prepare('SELECT 1 FROM instances WHERE id = ?').get(id)) {
      throw new TallyError('CONFLICT', `Instance ${id} is already registered.`, [{ field: 'id', message: 'is taken' }]);
    }
    const credential = `tally_${newSecret(32)}`;
    this.db
      .prepare('INSERT INTO instances (id, account_id, kind, name, hostid, credential_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, i.accountId, i.kind, i.name, i.hostId, hash(credential), this.clock.now());
    return { instance: this.instance(id), credential };
  }

  /** Makes a new sync credential for an instance (the old one stops working); shown once. */
  reissueCredential(id: string): string {
    this.instance(id);
    const credential = `tally_${newSecret(32)}`;
    this.db.prepare('UPDATE instances SET credential_hash = ? WHERE id = ?').run(hash(credential), id);
    return credential;
  }

  instance(id: string): Instance {
    const row = this.db.prepare('SELECT * FROM instances WHERE id = ?').get(id) as InstanceRow | undefined;
    if (!row) throw new TallyError('NOT_FOUND', `There is no instance ${id}.`, [{ field: 'instanceId', message: 'matches no instance' }]);
    return present(row);
  }

  /** Instances in service (not deleted), of an account and of a kind when asked, and whose ID, name or account contains `q`. */
  instances(offset: number, limit: number, accountId?: string, kind?: Instance['kind'], q?: string): { total: number; items: Instance[] } {
    const conditions = ['retired_at IS NULL'];
    const args: string[] = [];
    if (accountId) {
      conditions.push('account_id = ?');
      args.push(accountId);
    }
    if (kind) {
      conditions.push('kind = ?');
      args.push(kind);
    }
    if (q) {
      // Searched as text: % and _ typed by a person are not wildcards.
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push("(id LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR account_id LIKE ? ESCAPE '\\')");
      args.push(like, like, like);
    }
    const where = `WHERE ${conditions.join(' AND ')}`;
    const total = this.db.prepare(`SELECT count(*) FROM instances ${where}`).pluck().get(...args) as number;
    const rows = this.db.prepare(`SELECT * FROM instances ${where} ORDER BY account_id, name LIMIT ? OFFSET ?`).all(...args, limit, offset) as InstanceRow[];
    return { total, items: rows.map(present) };
  }

  /** The instance a sync credential belongs to, or UNAUTHORIZED. */
  authenticate(credential: string | undefined): Instance {
    const row = credential ? (this.db.prepare('SELECT * FROM instances WHERE credential_hash = ? AND retired_at IS NULL').get(hash(credential)) as InstanceRow | undefined) : undefined;
    if (!row) throw new TallyError('UNAUTHORIZED', 'Unknown instance credential: register the instance (tally backoffice instance add) and configure the license server with its credential.');
    return present(row);
  }

  /** The key and hostids a license server's exchanges are bound to; undefined for an unknown instance. */
  binding(instanceId: string): { instance: Instance; publicKey: string | null; hostIds: string[] } | undefined {
    const row = this.db.prepare('SELECT * FROM instances WHERE id = ?').get(instanceId) as (InstanceRow & { public_key: string | null; hostids: string | null }) | undefined;
    if (!row) return undefined;
    return { instance: present(row), publicKey: row.public_key, hostIds: row.hostids ? (JSON.parse(row.hostids) as string[]) : [] };
  }

  /**
   * Records a license server's exchange: binds its key at the first one, registering the
   * instance under `accountId` when the back office did not know it yet.
   */
  noteExchange(server: { instanceId: string; hostIds: string[] }, publicKey: string, accountId: string): void {
    const now = this.clock.now();
    if (!this.db.prepare('SELECT 1 FROM instances WHERE id = ?').get(server.instanceId)) {
      // Registered by its first activation: it has no sync credential anyone knows until an administrator issues one.
      this.db
        .prepare('INSERT INTO instances (id, account_id, kind, name, hostid, credential_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(server.instanceId, accountId, 'local', `License server ${server.hostIds[0] ?? server.instanceId.slice(0, 8)}`, server.hostIds[0] ?? null, hash(newSecret(32)), now);
    }
    this.db.prepare('UPDATE instances SET public_key = coalesce(public_key, ?), hostids = ?, last_exchange_at = ? WHERE id = ?').run(publicKey, JSON.stringify(server.hostIds), now, server.instanceId);
  }

  /** A cloud instance in service, or undefined: unknown, deleted and local instances alike. */
  hosted(id: string): Instance | undefined {
    const row = this.db.prepare("SELECT * FROM instances WHERE id = ? AND kind = 'cloud' AND retired_at IS NULL").get(id) as InstanceRow | undefined;
    return row ? present(row) : undefined;
  }

  /** The IDs of deleted cloud instances, whose folders may be left to remove. */
  retiredCloudIds(): string[] {
    return this.db.prepare("SELECT id FROM instances WHERE kind = 'cloud' AND retired_at IS NOT NULL").pluck().all() as string[];
  }

  /** Takes an instance out of service; call inside the transaction that takes its counts back. */
  retire(id: string): void {
    this.db.prepare('UPDATE instances SET retired_at = ? WHERE id = ? AND retired_at IS NULL').run(this.clock.now(), id);
  }

  /**
   * The names of the accounts or instances among `ids` the registry knows (deleted instances
   * too: their events stay in the report), for the report to show names instead of IDs.
   */
  names(kind: 'account' | 'instance', ids: readonly string[]): Map<string, string> {
    if (ids.length === 0) return new Map();
    const table = kind === 'account' ? 'accounts' : 'instances';
    const rows = this.db.prepare(`SELECT id, name FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as Array<{ id: string; name: string }>;
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  noteSync(instanceId: string): void {
    this.db.prepare('UPDATE instances SET last_sync_at = ? WHERE id = ?').run(this.clock.now(), instanceId);
  }
}

function present(row: InstanceRow): Instance {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind,
    name: row.name,
    hostId: row.hostid,
    createdAt: new Date(row.created_at).toISOString(),
    lastSyncAt: row.last_sync_at === null ? null : new Date(row.last_sync_at).toISOString(),
  };
}
