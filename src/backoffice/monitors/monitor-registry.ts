import { z } from 'zod';
import { TallyError } from '../../common/errors.js';
import { newId } from '../../common/ids.js';
import { parseInput } from '../../common/schema-check.js';
import type { DB } from '../../common/sqlite.js';
import { migrationsOf } from '../../common/sqlite.js';
import type { MigrationSet } from '../../common/sqlite.js';
import type { Clock } from '../../common/time.js';
import type { MonitorState, MonitorStatus } from '../../importers/monitor/license-monitor.js';
import { INITIAL_STATUS, monitorStatusSchema } from '../../importers/monitor/license-monitor.js';
import { WallClock, machineTimeZone } from '../../importers/wall-clock.js';
import type { UsageSnapshot } from '../../importers/usage-snapshot.js';

export const MONITOR_MIGRATIONS: MigrationSet = { scope: 'monitors', dir: migrationsOf(import.meta.url) };

/** A monitor as the API shows it (never its token). */
export const monitorSchema = z.object({
  id: z.string(),
  instanceId: z.string(),
  kind: z.enum(['command', 'rest']),
  target: z.string().describe('the command, or the REST server URL'),
  intervalSeconds: z.number(),
  timeoutSeconds: z.number(),
  timeZone: z.string(),
  capacity: z.array(z.string()),
  createdAt: z.string(),
  status: monitorStatusSchema,
});

export type Monitor = z.infer<typeof monitorSchema>;

export const monitorInput = z
  .object({
    instanceId: z.string().min(1).max(64),
    kind: monitorSchema.shape.kind,
    /** Kind command: run through the shell, its output read as `lmstat -a`. */
    command: z.string().trim().min(1).max(4000).optional(),
    /** Kind rest: the license server's base URL (`http://host:7070`). */
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000).optional(),
    /** Kind rest: a bearer token of a read-only user of that server. */
    token: z.string().min(1).max(4096).optional(),
    intervalSeconds: z.number().int().min(5, 'must be at least 5').max(86_400).default(60),
    /** A poll not answered within this is an unanswered poll (the server is marked down). */
    timeoutSeconds: z.number().int().min(1).max(600).default(30),
    timezone: z.string().min(1).max(64).optional(),
    capacity: z.array(z.string().max(200)).max(1000).default([]),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.kind === 'command' && !m.command) ctx.addIssue({ code: 'custom', path: ['command'], message: 'is required for a command monitor' });
    if (m.kind === 'rest' && !m.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required for a REST monitor' });
  });

interface MonitorRow {
  id: string;
  instance_id: string;
  kind: Monitor['kind'];
  target: string;
  token: string | null;
  interval_seconds: number;
  timeout_seconds: number;
  time_zone: string;
  capacity: string;
  created_at: number;
  status: string;
  snapshot: string | null;
}

/** The monitors of the back office and what each last saw, in its SQLite database. */
export class MonitorRegistry {
  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
  ) {}

  add(input: unknown): Monitor {
    const m = parseInput(monitorInput, input);
    // Checked now, so that a typo is refused here rather than failing every poll.
    const timeZone = new WallClock(m.timezone ?? machineTimeZone()).timeZone;
    const id = newId();
    this.db
      .prepare('INSERT INTO monitors (id, instance_id, kind, target, token, interval_seconds, timeout_seconds, time_zone, capacity, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, m.instanceId, m.kind, m.kind === 'command' ? m.command! : m.url!, m.token ?? null, m.intervalSeconds, m.timeoutSeconds, timeZone, JSON.stringify(m.capacity), this.clock.now(), JSON.stringify(INITIAL_STATUS));
    return this.get(id);
  }

  get(id: string): Monitor {
    return present(this.row(id));
  }

  list(): Monitor[] {
    return (this.db.prepare('SELECT * FROM monitors ORDER BY created_at, id').all() as MonitorRow[]).map(present);
  }

  /** The REST token of a monitor, for its polls only. */
  token(id: string): string | null {
    return this.row(id).token;
  }

  remove(id: string): void {
    this.row(id);
    this.db.prepare('DELETE FROM monitors WHERE id = ?').run(id);
  }

  loadState(id: string): MonitorState {
    const row = this.row(id);
    return { status: JSON.parse(row.status) as MonitorStatus, snapshot: row.snapshot ? (JSON.parse(row.snapshot) as UsageSnapshot) : null };
  }

  saveState(id: string, state: MonitorState): void {
    this.db.prepare('UPDATE monitors SET status = ?, snapshot = ? WHERE id = ?').run(JSON.stringify(state.status), state.snapshot ? JSON.stringify(state.snapshot) : null, id);
  }

  private row(id: string): MonitorRow {
    const row = this.db.prepare('SELECT * FROM monitors WHERE id = ?').get(id) as MonitorRow | undefined;
    if (!row) throw new TallyError('NOT_FOUND', `There is no monitor ${id}.`, [{ field: 'monitorId', message: 'matches no monitor' }]);
    return row;
  }
}

function present(row: MonitorRow): Monitor {
  return {
    id: row.id,
    instanceId: row.instance_id,
    kind: row.kind,
    target: row.target,
    intervalSeconds: row.interval_seconds,
    timeoutSeconds: row.timeout_seconds,
    timeZone: row.time_zone,
    capacity: JSON.parse(row.capacity) as string[],
    createdAt: new Date(row.created_at).toISOString(),
    status: JSON.parse(row.status) as MonitorStatus,
  };
}
