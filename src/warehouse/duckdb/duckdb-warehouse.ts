import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import { TallyError } from '../../common/errors.js';
import type { UsageEvent } from '../../licensing/usage-event.js';
import type { ReportFilters } from '../filters.js';
import type { IngestResult, ReportQuery, Warehouse } from '../warehouse.js';
import { rollupCompaction, rollupInserts } from './sources.js';
import { fillServedGaps, servedGapUpdate } from './served-gap.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Columns in table order: the event field each holds, and how it is stored. */
const COLUMNS: ReadonlyArray<readonly [string, keyof UsageEvent, 'text' | 'int']> = [
  ['event_id', 'eventId', 'text'],
  ['ts', 'ts', 'text'],
  ['instance_id', 'instanceId', 'text'],
  ['account_id', 'accountId', 'text'],
  ['kind', 'kind', 'text'],
  ['feature', 'feature', 'text'],
  ['version', 'version', 'text'],
  ['count', 'count', 'int'],
  ['model', 'model', 'text'],
  ['device_id', 'deviceId', 'text'],
  ['device_id_type', 'deviceIdType', 'text'],
  ['device_alias', 'deviceAlias', 'text'],
  ['user_name', 'user', 'text'],
  ['pool', 'pool', 'text'],
  ['status_code', 'statusCode', 'int'],
  ['in_use_after', 'inUseAfter', 'int'],
  ['capacity', 'capacity', 'int'],
  ['overdraft', 'overdraft', 'int'],
  ['record_id', 'recordId', 'text'],
  ['correlation_id', 'correlationId', 'text'],
  ['source', 'source', 'text'],
];
const NAMES = COLUMNS.map(([name]) => name).join(', ');

/** Connections report queries run on, side by side and beside ingest (a page asks for several widgets at once). */
const READERS = 3;

/** Appended rollup rows after which the touched range is compacted. */
const COMPACT_AFTER_ROWS = 200_000;

/** ...or after this long with anything appended. */
const COMPACT_AFTER_MS = 60_000;

/** The name the warehouse file is attached under; every connection uses it. */
const CATALOG = 'warehouse';

export interface WarehouseOptions {
  /** New events after which the rollups they touched are merged (default 200,000). */
  compactAfterRows?: number;
}

interface PendingIngest {
  events: readonly UsageEvent[];
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded warehouse: one DuckDB file. Ingests that arrive while one is being written are
 * written together in the next transaction (group commit), each caller told its own counts.
 * A write goes through a staging table and joins the events table, skipping events whose ID
 * is already stored (first within the written span of time, which the table's zone maps keep
 * cheap as it grows; then, for an ID sent again with another time, by its key across all
 * time), and appends the rollup rows of exactly the new events.
 */
export class DuckDbWarehouse implements Warehouse {
  private queue: Promise<unknown> = Promise.resolve();
  private pending: PendingIngest[] = [];
  private dirty: { from: number; to: number; rows: number; since: number } | null = null;
  private readonly idleReaders: DuckDBConnection[] = [];
  private readonly waitingForReader: Array<(reader: DuckDBConnection) => void> = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly compactAfterRows: number,
  ) {}

  static async open(file: string, options: WarehouseOptions = {}): Promise<DuckDbWarehouse> {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // The file is attached to an in-memory database rather than opened as the main one: DuckDB
    // replays the file's log while attaching, and replaying an ALTER of a table whose defaults
    // call a function (now()) needs a default database to bind them in, which a database opened
    // as the main one does not have yet. Opened that way, a log holding such an ALTER (any
    // warehouse killed between its migrations and its first checkpoint) could never be replayed.
    const instance = await DuckDBInstance.create(':memory:');
    const setup = await instance.connect();
    await setup.run(`ATTACH '${file.replaceAll("'", "''")}' AS ${CATALOG}`).catch((err: unknown) => {
      // DuckDB names the process holding the file: a second Tally on the same data folder.
      const message = err instanceof Error ? err.message : String(err);
      if (!/lock/i.test(message)) throw err;
      const holder = /PID (\d+)/.exec(message)?.[1];
      throw new TallyError('CONFLICT', `The warehouse ${file} is in use by another process${holder ? ` (PID ${holder})` : ''}: stop it, or give this one another data folder.`);
    });
    setup.closeSync();
    const connection = await connectUtc(instance);
    const warehouse = new DuckDbWarehouse(instance, connection, options.compactAfterRows ?? COMPACT_AFTER_ROWS);
    await warehouse.migrate();
    // Rollup rows appended before the last stop and not merged yet: merged after the next write.
    const backlog = (await connection.runAndReadAll('SELECT from_ms, to_ms, rows FROM rollup_backlog')).getRowObjectsJS()[0];
    if (backlog && Number(backlog.rows) > 0) warehouse.dirty = { from: Number(backlog.from_ms), to: Number(backlog.to_ms), rows: Number(backlog.rows), since: 0 };
    for (let i = 0; i < READERS; i++) warehouse.idleReaders.push(await connectUtc(instance));
    // Incoming batches land here first, so that duplicates are dropped in one statement; rows
    // carry the number of the ingest call they came from, so that calls written together each
    // learn how many of their events were new. Temporary: never written to the file or its log.
    await connection.run(`CREATE TEMP TABLE usage_events_staging (batch INTEGER NOT NULL, ${COLUMNS.map(([name, , type]) => `${name} ${type === 'int' ? 'INTEGER' : 'VARCHAR'}`).join(', ')})`);
    return warehouse;
  }

  ingest(events: readonly UsageEvent[]): Promise<IngestResult> {
    if (events.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    return new Promise<IngestResult>((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      // One write drains everything that queued up meanwhile; later calls find it empty.
      if (this.pending.length === 1) void this.serialized(() => this.writePending());
    });
  }

  private async writePending(): Promise<void> {
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    try {
      const accepted = await this.write(group.map((p) => p.events));
      group.forEach((p, i) => p.resolve({ accepted: accepted[i]!, duplicates: p.events.length - accepted[i]! }));
    } catch (error) {
      group.forEach((p) => p.reject(error));
    }
    if (this.dirty && (this.dirty.rows >= this.compactAfterRows || Date.now() - this.dirty.since >= COMPACT_AFTER_MS)) await this.compactNow().catch(() => undefined);
  }

  /** Writes batches in one transaction; returns how many events of each were new. */
  private async write(batches: ReadonlyArray<readonly UsageEvent[]>): Promise<number[]> {
    const c = this.connection;
    await c.run('BEGIN TRANSACTION');
    try {
      await c.run('DELETE FROM usage_events_staging');
      const appender = await c.createAppender('usage_events_staging', 'main', 'temp');
      batches.forEach((events, batch) => {
        for (const e of events) appendRow(appender, e, batch);
      });
      appender.closeSync();
      // The span as constants, so that only the row groups of that span are read.
      const span = (await c.runAndReadAll('SELECT epoch_us(min(CAST(ts AS TIMESTAMPTZ))) AS lo, epoch_us(max(CAST(ts AS TIMESTAMPTZ))) AS hi FROM usage_events_staging')).getRowObjectsJS()[0]!;
      const lo = Number(span.lo);
      const hi = Number(span.hi);
      // The first of repeated IDs wins, so that the earlier caller is the one told "accepted".
      await c.run(`
        CREATE OR REPLACE TEMP TABLE fresh AS
        SELECT s.batch, ${COLUMNS.map(([name]) => (name === 'ts' ? 'CAST(s.ts AS TIMESTAMPTZ) AS ts' : `s.${name}`)).join(', ')}
        FROM (SELECT DISTINCT ON (event_id) * FROM usage_events_staging ORDER BY event_id, batch) s
        WHERE NOT EXISTS (
          SELECT 1 FROM usage_events e
          WHERE e.ts BETWEEN make_timestamptz($1::BIGINT) AND make_timestamptz($2::BIGINT)
            AND e.event_id = s.event_id)`, [lo, hi]);
      // The same ID may come back with another time, outside that span: its key says whether
      // it might be stored anywhere, and only then are the IDs themselves read. The keys' range
      // as constants, so that only the row groups of keys in that range are read.
      const keys = (await c.runAndReadAll(`SELECT min(k)::VARCHAR AS lo, max(k)::VARCHAR AS hi FROM (SELECT ${eventKey('event_id')} AS k FROM fresh)`)).getRowObjectsJS()[0];
      if (typeof keys?.lo === 'string' && typeof keys.hi === 'string') {
        const known = `SELECT f.event_id FROM fresh f WHERE EXISTS (
          SELECT 1 FROM event_keys k WHERE k.key BETWEEN ${BigInt(keys.lo)}::UBIGINT AND ${BigInt(keys.hi)}::UBIGINT AND k.key = ${eventKey('f.event_id')})`;
        const maybe = Number((await c.runAndReadAll(`SELECT count(*) FROM (${known})`)).getRows()[0]?.[0] ?? 0);
        if (maybe > 0) await c.run(`DELETE FROM fresh WHERE event_id IN (SELECT e.event_id FROM usage_events e WHERE e.event_id IN (${known}))`);
      }
      await c.run(`INSERT INTO usage_events (${NAMES}, ingested_at) SELECT ${NAMES}, now() FROM fresh`);
      await c.run(`INSERT INTO event_keys SELECT ${eventKey('event_id')} FROM fresh`);
      await c.run(servedGapUpdate({ lo, hi, fresh: 'fresh' }));
      for (const sql of rollupInserts('fresh')) await c.run(sql);
      const counts = (await c.runAndReadAll('SELECT batch, count(*) AS n FROM fresh GROUP BY batch')).getRowObjectsJS();
      const accepted = batches.map(() => 0);
      for (const row of counts) accepted[Number(row.batch)] = Number(row.n);
      const dirty = this.withDirty(lo / 1000, hi / 1000, accepted.reduce((a, b) => a + b, 0));
      if (dirty !== this.dirty) await c.run('UPDATE rollup_backlog SET from_ms = $1, to_ms = $2, rows = $3', [dirty!.from, dirty!.to, dirty!.rows]);
      await c.run('DROP TABLE fresh');
      await c.run('DELETE FROM usage_events_staging');
      await c.run('COMMIT');
      this.dirty = dirty;
      return accepted;
    } catch (error) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** What awaits compaction once `rows` new events in [from, to] (ms) are written. */
  private withDirty(from: number, to: number, rows: number): DuckDbWarehouse['dirty'] {
    if (rows === 0) return this.dirty;
    if (!this.dirty) return { from, to, rows, since: Date.now() };
    return { from: Math.min(this.dirty.from, from), to: Math.max(this.dirty.to, to), rows: this.dirty.rows + rows, since: this.dirty.since };
  }

  /** Merges the rollup rows ingest appended since the last compaction. */
  compact(): Promise<void> {
    return this.serialized(() => this.compactNow());
  }

  private async compactNow(): Promise<void> {
    const dirty = this.dirty;
    if (!dirty) return;
    const day = 86_400_000;
    const c = this.connection;
    await c.run('BEGIN TRANSACTION');
    try {
      for (const sql of rollupCompaction(Math.floor(dirty.from / day) * day, (Math.floor(dirty.to / day) + 1) * day)) await c.run(sql);
      await c.run('UPDATE rollup_backlog SET rows = 0');
      await c.run('COMMIT');
      this.dirty = null;
    } catch (error) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  countEvents(filter: { instanceId?: string } = {}): Promise<number> {
    return this.serialized(async () => {
      const reader = filter.instanceId
        ? await this.connection.runAndReadAll('SELECT count(*) FROM usage_events WHERE instance_id = $1', [filter.instanceId])
        : await this.connection.runAndReadAll('SELECT count(*) FROM usage_events');
      return Number(reader.getRows()[0]?.[0] ?? 0);
    });
  }

  events(filter: { instanceId?: string; limit: number; offset?: number }): Promise<UsageEvent[]> {
    return this.serialized(async () => {
      const where = filter.instanceId ? 'WHERE instance_id = $1' : '';
      const params = filter.instanceId ? [filter.instanceId] : [];
      const reader = await this.connection.runAndReadAll(
        `SELECT ${COLUMNS.map(([name]) => (name === 'ts' ? `strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS ts` : name)).join(', ')}
         FROM usage_events ${where} ORDER BY ts, event_id LIMIT ${Math.trunc(filter.limit)} OFFSET ${Math.trunc(filter.offset ?? 0)}`,
        params,
      );
      return reader.getRowObjectsJS().map(toEvent);
    });
  }

  report<O, R>(query: ReportQuery<O, R>, filters: ReportFilters, options: O): Promise<R> {
    return this.withReader(async (reader) => {
      const results: Array<Array<Record<string, unknown>>> = [];
      for (const { sql, params } of query.duckdb(filters, options)) {
        results.push((await reader.runAndReadAll(sql, params as never)).getRowObjectsJS());
      }
      return query.map(results, filters, options);
    });
  }

  /** Runs read-only work on an idle reader connection, waiting for one when all are busy. */
  private async withReader<T>(work: (reader: DuckDBConnection) => Promise<T>): Promise<T> {
    const reader = await this.acquireReader();
    try {
      return await work(reader);
    } finally {
      const next = this.waitingForReader.shift();
      if (next) next(reader);
      else this.idleReaders.push(reader);
    }
  }

  private acquireReader(): Promise<DuckDBConnection> {
    const idle = this.idleReaders.pop();
    return idle ? Promise.resolve(idle) : new Promise<DuckDBConnection>((resolve) => this.waitingForReader.push(resolve));
  }

  async *stream<O, R>(query: ReportQuery<O, R>, filters: ReportFilters, options: O): AsyncIterable<R> {
    const statements = query.duckdb(filters, options);
    const last = statements.pop();
    if (!last) return;
    const before: Array<Array<Record<string, unknown>>> = [];
    // DuckDB reads a consistent snapshot per connection: the export sees the data as it was when
    // it began, whatever is ingested while it is read.
    const connection = await connectUtc(this.instance);
    try {
      for (const { sql, params } of statements) before.push((await connection.runAndReadAll(sql, params as never)).getRowObjectsJS());
      const result = await connection.stream(last.sql, last.params as never);
      for await (const rows of result.yieldRowObjectJs()) {
        if (rows.length > 0) yield query.map([...before, rows], filters, options);
      }
    } finally {
      connection.closeSync();
    }
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    // Each reader once its query is done.
    const readers = await Promise.all(Array.from({ length: READERS }, () => this.acquireReader()));
    for (const reader of readers) reader.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /** One statement at a time on the one connection: ingest batches must not interleave. */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async migrate(): Promise<void> {
    const c = this.connection;
    await c.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)');
    const applied = new Set((await c.runAndReadAll('SELECT version FROM schema_migrations')).getRows().map((r) => Number(r[0])));
    let ran = 0;
    for (const file of readdirSync(MIGRATIONS).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort()) {
      const version = Number(file.slice(0, 3));
      if (applied.has(version)) continue;
      await c.run('BEGIN TRANSACTION');
      await c.run(readFileSync(join(MIGRATIONS, file), 'utf8'));
      // The rollups start from the events already stored.
      if (file === '002_rollups.sql') for (const sql of rollupInserts('usage_events')) await c.run(sql);
      if (file === '004_served_gap.sql') await fillServedGaps(c);
      if (file === '006_event_keys.sql') await c.run(`INSERT INTO event_keys SELECT ${eventKey('event_id')} FROM usage_events ORDER BY ts`);
      await c.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [version, file]);
      await c.run('COMMIT');
      ran += 1;
    }
    // A new schema goes into the file at once rather than waiting in the log for the next
    // checkpoint: the log then only ever holds rows.
    if (ran > 0) await c.run('CHECKPOINT');
  }
}

/**
 * The 64-bit key of an event ID (see migration 006). Its high half is the ID's first eight
 * characters when they are hex — the time of a UUIDv7, so that the keys of a batch fall in a
 * narrow range and the keys stored in order of arrival can be skipped by range — else the
 * first half of the ID's MD5; its low half is the next part of the MD5. MD5, so that a key
 * never changes with the engine.
 */
export function eventKey(column: string): string {
  const hex = (text: string) => `('0x' || ${text})::UBIGINT`;
  return `((CASE WHEN regexp_full_match(left(${column}, 8), '[0-9a-f]{8}') THEN ${hex(`left(${column}, 8)`)} ELSE ${hex(`left(md5(${column}), 8)`)} END << 32) | ${hex(`substr(md5(${column}), 9, 8)`)})`;
}

/** A connection on the warehouse file whose hours and days (rollups, chart buckets) are those of UTC. */
async function connectUtc(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const connection = await instance.connect();
  await connection.run(`USE ${CATALOG}`);
  await connection.run(`SET TimeZone = 'UTC'`);
  return connection;
}

function appendRow(appender: DuckDBAppender, e: UsageEvent, batch: number): void {
  appender.appendInteger(batch);
  for (const [, field, type] of COLUMNS) {
    const value = e[field];
    if (value === null || value === undefined) appender.appendNull();
    else if (type === 'int') appender.appendInteger(Number(value));
    else appender.appendVarchar(String(value));
  }
  appender.endRow();
}

function toEvent(row: Record<string, unknown>): UsageEvent {
  const event: Record<string, string | number | null> = {};
  for (const [column, field, type] of COLUMNS) {
    const value = row[column];
    event[field] = value === null || value === undefined ? null : type === 'int' ? Number(value) : (value as string);
  }
  return event as UsageEvent;
}
