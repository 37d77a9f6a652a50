import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ErrorDetail } from '../../common/errors.js';
import type { DB } from '../../common/sqlite.js';
import type { Clock } from '../../common/time.js';

/** The most of an event's text kept: enough to see what it was, whatever a sender put in it. */
const MAX_EVENT_TEXT = 64 * 1024;

/** An event set aside, as the admin lists it. */
export const quarantinedEventSchema = z.object({
  id: z.number(),
  receivedAt: z.string(),
  instanceId: z.string(),
  eventId: z.string().nullable().describe('the eventId the event carried, when it had one'),
  field: z.string().describe('the first field at fault'),
  reason: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() })),
  event: z.string().describe('the event as received (JSON), cut at 64 KB'),
  truncated: z.boolean(),
});

export type QuarantinedEvent = z.infer<typeof quarantinedEventSchema>;

/** An event of a batch that cannot be stored, and why. */
export interface Unstorable {
  instanceId: string;
  raw: unknown;
  details: ErrorDetail[];
}

interface QuarantineRow {
  id: number;
  received_at: number;
  instance_id: string;
  event_id: string | null;
  field: string;
  reason: string;
  details: string;
  event: string;
  truncated: number;
}

/**
 * Where ingest sets aside the events it cannot store, so that one bad event never holds up the
 * good ones after it: kept as received, with the instance, the field and the reason.
 */
export class Quarantine {
  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
  ) {}

  /** Sets events aside; one already set aside (the same batch sent again) is kept once. */
  add(events: readonly Unstorable[]): void {
    if (events.length === 0) return;
    const insert = this.db.prepare(
      `INSERT INTO quarantine (fingerprint, received_at, instance_id, event_id, field, reason, details, event, truncated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING`,
    );
    const now = this.clock.now();
    this.db.transaction(() => {
      for (const e of events) {
        const text = JSON.stringify(e.raw) ?? 'null';
        const first = e.details[0] ?? { field: '(event)', message: 'cannot be stored' };
        const fingerprint = createHash('sha256').update(e.instanceId).update('\n').update(text).digest('hex');
        insert.run(fingerprint, now, e.instanceId, eventIdOf(e.raw), first.field, first.message, JSON.stringify(e.details), text.slice(0, MAX_EVENT_TEXT), text.length > MAX_EVENT_TEXT ? 1 : 0);
      }
    })();
  }

  /** Events set aside, newest first, optionally of one instance. */
  list(offset: number, limit: number, instanceId?: string): { total: number; items: QuarantinedEvent[] } {
    const where = instanceId === undefined ? '' : 'WHERE instance_id = ?';
    const params = instanceId === undefined ? [] : [instanceId];
    const total = this.db.prepare(`SELECT count(*) FROM quarantine ${where}`).pluck().get(...params) as number;
    const rows = this.db.prepare(`SELECT * FROM quarantine ${where} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...params, limit, offset) as QuarantineRow[];
    return { total, items: rows.map(present) };
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM quarantine').pluck().get() as number;
  }
}

/** The eventId of whatever was received, when it carried a usable one. */
export function eventIdOf(raw: unknown): string | null {
  const id = raw !== null && typeof raw === 'object' ? (raw as { eventId?: unknown }).eventId : undefined;
  return typeof id === 'string' && id.length > 0 ? id.slice(0, 256) : null;
}

function present(row: QuarantineRow): QuarantinedEvent {
  return {
    id: row.id,
    receivedAt: new Date(row.received_at).toISOString(),
    instanceId: row.instance_id,
    eventId: row.event_id,
    field: row.field,
    reason: row.reason,
    details: JSON.parse(row.details) as ErrorDetail[],
    event: row.event,
    truncated: row.truncated === 1,
  };
}
