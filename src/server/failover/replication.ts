import { z } from 'zod';
import { TallyError } from '../../common/errors.js';
import type { DB } from '../store/db.js';
import { WRITE_STATEMENTS } from '../store/license-store.js';
import type { WriteOp } from '../store/storage-writer.js';

/**
 * The tables of license state a pair keeps the same, parents before children. Not in it: the
 * server's own identity (meta), its users and sessions, and its properties.
 */
export const REPLICATED_TABLES = [
  'licenses', 'devices', 'holdings', 'outbox', 'sync_refused', 'license_model', 'reservation_groups', 'reservations', 'reservation_entries',
  'license_updates', 'exchange_requests', 'client_key',
] as const;

/** Where a server keeps the last change of the main it holds: `<epoch>:<seq>`. */
export const POSITION_KEY = 'failover.position';
/** Set on a backup from the moment it served until its main took the changes back. */
export const SERVED_SINCE_KEY = 'failover.servedSince';

/** The statements a main streams: every write statement but its own bookkeeping. */
const STREAMED = new Set<string>(Object.keys(WRITE_STATEMENTS).filter((name) => name !== 'putMeta'));

export function streamedOps(ops: readonly WriteOp[]): WriteOp[] {
  return ops.filter(([name]) => STREAMED.has(name));
}

const column = z.union([z.string(), z.number(), z.null(), z.boolean(), z.object({ $hex: z.string().regex(/^([0-9a-f]{2})*$/) }).strict()]);
const op = z.tuple([z.string(), z.array(z.unknown())]);

export const changeBatchSchema = z.object({ seq: z.number().int().positive(), ops: z.array(op) }).strict();
export const changesBodySchema = z
  .object({ epoch: z.string().min(1).max(64), batches: z.array(changeBatchSchema).min(1).max(10_000) })
  .strict()
  .describe('committed changes of the main, in order: each batch is the write statements of one commit');

export const positionSchema = z.object({ epoch: z.string(), seq: z.number().int().nonnegative() }).describe('the last change of the main this server holds');
export type Position = z.infer<typeof positionSchema>;

export const snapshotSchema = z
  .object({
    position: positionSchema,
    outboxSequence: z.number().int().nonnegative(),
    tables: z.record(z.enum(REPLICATED_TABLES), z.array(z.record(z.string(), column))),
  })
  .strict()
  .describe('the whole replicated license state of a server');
export type Snapshot = z.infer<typeof snapshotSchema>;

export function readPosition(db: DB): Position {
  const value = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(POSITION_KEY) as string | undefined;
  const [epoch = '', seq = '0'] = (value ?? '').split(':');
  return { epoch, seq: Number(seq) || 0 };
}

export const positionText = (p: Position) => `${p.epoch}:${p.seq}`;

/** One consistent read of the replicated state: the position is the last commit it contains. */
export function readSnapshot(db: DB): Snapshot {
  return db.transaction(() => {
    const tables = {} as Snapshot['tables'];
    for (const table of REPLICATED_TABLES) {
      tables[table] = (db.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>).map(toWire);
    }
    const outboxSequence = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().get() as number | undefined) ?? 0;
    return { position: readPosition(db), outboxSequence, tables };
  })();
}

/**
 * Replaces the replicated state with a snapshot, all or nothing; `position` is what this server
 * then holds. Columns are checked against the tables, so a snapshot cannot name SQL of its own.
 */
export function applySnapshot(db: DB, snapshot: Snapshot, position: Position, extra: () => void = () => undefined): void {
  const columns = new Map(REPLICATED_TABLES.map((t) => [t, new Set((db.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>).map((c) => c.name))]));
  for (const [table, rows] of Object.entries(snapshot.tables) as Array<[(typeof REPLICATED_TABLES)[number], Snapshot['tables'][keyof Snapshot['tables']]]>) {
    rows.forEach((row, i) => {
      for (const name of Object.keys(row)) {
        if (!columns.get(table)!.has(name)) throw unappliable(`tables.${table}.${i}.${name}`, 'is not a column of this server\u2019s storage (another version of Tally?)');
      }
    });
  }
  db.transaction(() => {
    for (const table of [...REPLICATED_TABLES].reverse()) db.prepare(`DELETE FROM ${table}`).run();
    for (const table of REPLICATED_TABLES) {
      for (const row of snapshot.tables[table] ?? []) {
        const names = Object.keys(row);
        db.prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(...names.map((n) => fromWire(row[n] ?? null)));
      }
    }
    db.prepare("DELETE FROM sqlite_sequence WHERE name = 'outbox'").run();
    if (snapshot.outboxSequence > 0) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(snapshot.outboxSequence);
    setMeta(db, POSITION_KEY, positionText(position));
    extra();
  })();
}

/**
 * Applies the main's next batches with the same write statements, in one transaction with the
 * new position: a batch that does not follow the last one held, or that this server cannot run,
 * changes nothing (409 and 422).
 */
export class ChangeApplier {
  private readonly statements: Map<string, { run(...params: unknown[]): unknown }>;

  constructor(private readonly db: DB) {
    this.statements = new Map([...STREAMED].map((name) => [name, db.prepare(WRITE_STATEMENTS[name as keyof typeof WRITE_STATEMENTS])]));
  }

  apply(epoch: string, batches: z.infer<typeof changeBatchSchema>[]): Position {
    const held = readPosition(this.db);
    if (held.epoch !== epoch || batches[0]!.seq !== held.seq + 1) {
      throw new TallyError('CONFLICT', `This server holds change ${positionText(held)}; the next change it can apply is ${held.epoch === epoch ? held.seq + 1 : 'a snapshot'}, not ${epoch}:${batches[0]!.seq}.`, [
        { field: 'body.batches.0.seq', message: 'does not follow the last change this server holds: send a snapshot' },
      ]);
    }
    batches.forEach((batch, i) => {
      if (i > 0 && batch.seq !== batches[i - 1]!.seq + 1) throw new TallyError('BAD_REQUEST', 'Batches must be numbered one after the other.', [{ field: `body.batches.${i}.seq`, message: 'does not follow the batch before it' }]);
      batch.ops.forEach(([name], j) => {
        if (!this.statements.has(name)) throw unappliable(`body.batches.${i}.ops.${j}.0`, `is not a write statement this server applies (${name})`);
      });
    });
    const last = { epoch, seq: batches[batches.length - 1]!.seq };
    let failedAt = '';
    try {
      this.db.transaction(() => {
        batches.forEach((batch, i) => {
          batch.ops.forEach(([name, params], j) => {
            failedAt = `body.batches.${i}.ops.${j}`;
            this.statements.get(name)!.run(...params.map(toColumn));
          });
        });
        setMeta(this.db, POSITION_KEY, positionText(last));
      })();
    } catch (err) {
      throw unappliable(failedAt, `cannot be applied: ${(err as Error).message}`);
    }
    return last;
  }
}

function setMeta(db: DB, key: string, value: string): void {
  db.prepare(WRITE_STATEMENTS.putMeta).run(key, value);
}

function unappliable(field: string, message: string): TallyError {
  return new TallyError('BAD_REQUEST', `The change was refused and nothing was applied: ${field} ${message}.`, [{ field, message }]);
}

// As in the writer thread: object parameters (usage events) are stored as JSON text.
const toColumn = (value: unknown) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : value);

// Bytes (the client key) travel as hex.
const toWire = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? { $hex: v.toString('hex') } : v])) as Record<string, z.infer<typeof column>>;
const fromWire = (v: z.infer<typeof column>) => (typeof v === 'object' && v !== null ? Buffer.from(v.$hex, 'hex') : typeof v === 'boolean' ? Number(v) : v);
