import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import type { UsageEvent } from '../../licensing/usage-event.js';
import type { ReportFilters } from '../filters.js';
import type { IngestResult, ReportQuery, Warehouse } from '../warehouse.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Columns in table order, with how each is read from an event. */
const COLUMNS: Array<[string, (e: UsageEvent) => string | number | null, 'text' | 'int']> = [
  ['event_id', (e) => e.eventId, 'text'],
  ['ts', (e) => e.ts, 'text'],
  ['instance_id', (e) => e.instanceId, 'text'],
  ['account_id', (e) => e.accountId, 'text'],
  ['kind', (e) => e.kind, 'text'],
  ['feature', (e) => e.feature, 'text'],
  ['version', (e) => e.version, 'text'],
  ['count', (e) => e.count, 'int'],
  ['model', (e) => e.model, 'text'],
  ['device_id', (e) => e.deviceId, 'text'],
  ['device_id_type', (e) => e.deviceIdType, 'text'],
  ['device_alias', (e) => e.deviceAlias, 'text'],
  ['user_name', (e) => e.user, 'text'],
  ['pool', (e) => e.pool, 'text'],
  ['status_code', (e) => e.statusCode, 'int'],
  ['in_use_after', (e) => e.inUseAfter, 'int'],
  ['capacity', (e) => e.capacity, 'int'],
  ['overdraft', (e) => e.overdraft, 'int'],
  ['record_id', (e) => e.recordId, 'text'],
  ['correlation_id', (e) => e.correlationId, 'text'],
  ['source', (e) => e.source, 'text'],
];
const NAMES = COLUMNS.map(([name]) => name).join(', ');

/**
 * The embedded warehouse: one DuckDB file. Ingest is serialized; each batch goes through a
 * staging table and joins the events table in one transaction, skipping events whose ID is
 * already stored (looked up only within the batch's time span, which the table's zone maps
 * keep cheap as it grows).
 */
export class DuckDbWarehouse implements Warehouse {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(file: string): Promise<DuckDbWarehouse> {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    const warehouse = new DuckDbWarehouse(instance, connection);
    await warehouse.migrate();
    return warehouse;
  }

  ingest(events: readonly UsageEvent[]): Promise<IngestResult> {
    return this.serialized(async () => {
      if (events.length === 0) return { accepted: 0, duplicates: 0 };
      const c = this.connection;
      await c.run('BEGIN TRANSACTION');
      try {
        await c.run('DELETE FROM usage_events_staging');
        const appender = await c.createAppender('usage_events_staging');
        for (const e of events) appendRow(appender, e);
        appender.closeSync();
        // The batch's time span as constants, so that only the row groups of that span are read.
        const span = (await c.runAndReadAll('SELECT epoch_us(min(CAST(ts AS TIMESTAMPTZ))) AS lo, epoch_us(max(CAST(ts AS TIMESTAMPTZ))) AS hi FROM usage_events_staging')).getRowObjectsJS()[0]!;
        const reader = await c.runAndReadAll(`
          INSERT INTO usage_events (${NAMES})
          SELECT ${COLUMNS.map(([name]) => (name === 'ts' ? 'CAST(s.ts AS TIMESTAMPTZ)' : `s.${name}`)).join(', ')}
          FROM (SELECT DISTINCT ON (event_id) * FROM usage_events_staging ORDER BY event_id) s
          WHERE NOT EXISTS (
            SELECT 1 FROM usage_events e
            WHERE e.ts BETWEEN make_timestamptz($1::BIGINT) AND make_timestamptz($2::BIGINT)
              AND e.event_id = s.event_id)`, [Number(span.lo), Number(span.hi)]);
        const accepted = Number(reader.getRows()[0]?.[0] ?? 0);
        await c.run('DELETE FROM usage_events_staging');
        await c.run('COMMIT');
        return { accepted, duplicates: events.length - accepted };
      } catch (error) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
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
    return this.serialized(async () => {
      const results: Array<Array<Record<string, unknown>>> = [];
      for (const { sql, params } of query.duckdb(filters, options)) {
        results.push((await this.connection.runAndReadAll(sql, params as never)).getRowObjectsJS());
      }
      return query.map(results, filters, options);
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
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
    await c.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const applied = new Set((await c.runAndReadAll('SELECT version FROM schema_migrations')).getRows().map((r) => Number(r[0])));
    for (const file of readdirSync(MIGRATIONS).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort()) {
      const version = Number(file.slice(0, 3));
      if (applied.has(version)) continue;
      await c.run('BEGIN TRANSACTION');
      await c.run(readFileSync(join(MIGRATIONS, file), 'utf8'));
      await c.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, file]);
      await c.run('COMMIT');
    }
  }
}

function appendRow(appender: DuckDBAppender, e: UsageEvent): void {
  for (const [, read, type] of COLUMNS) {
    const value = read(e);
    if (value === null || value === undefined) appender.appendNull();
    else if (type === 'int') appender.appendInteger(Number(value));
    else appender.appendVarchar(String(value));
  }
  appender.endRow();
}

function toEvent(row: Record<string, unknown>): UsageEvent {
  const text = (k: string) => (typeof row[k] === 'string' ? row[k] : null);
  const int = (k: string) => (row[k] === null ? null : Number(row[k]));
  return {
    eventId: String(row.event_id),
    ts: String(row.ts),
    instanceId: String(row.instance_id),
    accountId: text('account_id'),
    kind: String(row.kind) as UsageEvent['kind'],
    feature: String(row.feature),
    version: String(row.version),
    count: Number(row.count),
    model: text('model') as UsageEvent['model'],
    deviceId: String(row.device_id),
    deviceIdType: String(row.device_id_type) as UsageEvent['deviceIdType'],
    deviceAlias: text('device_alias'),
    user: text('user_name'),
    pool: text('pool'),
    statusCode: int('status_code') as UsageEvent['statusCode'],
    inUseAfter: Number(row.in_use_after),
    capacity: int('capacity'),
    overdraft: Number(row.overdraft),
    recordId: text('record_id'),
    correlationId: text('correlation_id'),
    source: String(row.source) as UsageEvent['source'],
  };
}
