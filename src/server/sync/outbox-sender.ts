import { z } from 'zod';
import type { Logger } from '../../common/log.js';
import type { Clock, EpochMs } from '../../common/time.js';
import { isoOrNull } from '../../common/time.js';
import type { SyncResult } from '../../licensing/usage-sync.js';
import { syncResultSchema } from '../../licensing/usage-sync.js';
import type { LicenseStore } from '../store/license-store.js';
import type { StorageWriter } from '../store/storage-writer.js';

/** Where the sender stands, for health and properties. */
export const syncStatusSchema = z.object({
  enabled: z.boolean(),
  state: z.enum(['off', 'ok', 'quarantining', 'stalled']).describe('stalled: the last attempts failed; quarantining: the back office set events aside since start-up'),
  url: z.string().nullable(),
  backlog: z.number().describe('usage events waiting in the outbox'),
  lastSuccess: z.string().nullable(),
  lastError: z.string().nullable(),
  retryAt: z.string().nullable().describe('when the next attempt is due while backing off'),
  stalledSince: z.string().nullable().describe('since when attempts have failed without a success between'),
  sent: z.number().describe('events acknowledged since start-up'),
  quarantined: z.number().describe('events the back office set aside (cannot be stored) since start-up; its admin lists them'),
  refused: z.number().describe('events a back office refused even alone: logged in full (sync.event.refused) and kept out of the outbox in trusted storage (sync_refused)'),
});

export type SyncStatus = z.infer<typeof syncStatusSchema>;

export interface SyncSettings {
  enabled: boolean;
  url: string | null;
  batchSize: number;
}

/**
 * Delivery without HTTP: a back office hosting the instance stores its events itself, with the
 * same acknowledgement (events already stored are ignored, unstorable ones set aside).
 */
export interface UsageDelivery {
  deliver(instanceId: string, events: string[]): Promise<SyncResult>;
}

export interface OutboxSenderOptions {
  store: LicenseStore;
  writer: Pick<StorageWriter, 'submit'>;
  instanceId: string;
  /** The instance's sync credential; sent as a bearer token, never logged. */
  credential: string | null;
  clock: Clock;
  log: Logger;
  /** Deliver in-process instead of posting to the configured URL; always on. */
  direct?: UsageDelivery;
  /** How often an idle sender looks for new events, in ms (default 1000). */
  pollMs?: number;
  /** Backoff bounds after failures, in ms (defaults 1 s and 5 min). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

export const SYNC_PATH = '/usage/api/1.0/sync';

/** The URL events are posted to: the configured one, with the sync path when it has none. */
export function syncEndpoint(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = SYNC_PATH;
  return parsed.toString();
}

/**
 * The back office's own address (where its report is served) for a configured sync URL: the URL
 * without the sync path, so a back office behind a path prefix keeps its prefix.
 */
export function backOfficeBase(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  if (parsed.pathname.endsWith(SYNC_PATH)) parsed.pathname = parsed.pathname.slice(0, -SYNC_PATH.length);
  return parsed.toString().replace(/\/+$/, '');
}

/**
 * Sends the usage outbox to the back office, oldest first, a batch at a time. An event leaves
 * the outbox only after the back office acknowledged its batch, so delivery is at least once
 * (the back office ignores events it already has; it sets aside the ones it cannot store and
 * says how many). While the back office is unreachable or failing, attempts back off
 * exponentially, with jitter, up to five minutes apart; the outbox is in trusted storage, so
 * the backlog survives restarts. A batch refused for what it holds is never retried as it is.
 */
export class OutboxSender {
  private settings: SyncSettings = { enabled: false, url: null, batchSize: 1000 };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Whether the sender was on after the last configure(). */
  private active = false;
  private failures = 0;
  private lastSuccess: EpochMs | null = null;
  private lastError: string | null = null;
  private retryAt: EpochMs | null = null;
  private stalledSince: EpochMs | null = null;
  private sent = 0;
  private quarantined = 0;
  /** Events per batch now: halved while a back office refuses batches, to isolate the event at fault. */
  private limit = Number.POSITIVE_INFINITY;
  private readonly pollMs: number;
  private readonly backoffMinMs: number;
  private readonly backoffMaxMs: number;

  constructor(private options: OutboxSenderOptions) {
    this.pollMs = options.pollMs ?? 1000;
    this.backoffMinMs = options.backoffMinMs ?? 1000;
    this.backoffMaxMs = options.backoffMaxMs ?? 300_000;
  }

  /** The sync credential in use; never logged. */
  get credential(): string | null {
    return this.options.credential;
  }

  /** Replaces the sync credential (the quick start registers its own instance after start-up). */
  setCredential(credential: string): void {
    this.options.credential = credential;
    this.failures = 0;
    this.schedule(0);
  }

  /** Whether events are being sent: always when delivered in-process, else when enabled with a URL. */
  private on(settings: SyncSettings): boolean {
    return this.options.direct !== undefined || (settings.enabled && settings.url !== null);
  }

  /** Applies new settings (from properties); a newly enabled sender starts at once. */
  configure(settings: SyncSettings): void {
    const wasOn = this.active;
    this.settings = this.options.direct ? { ...settings, url: null } : settings;
    const on = this.on(settings);
    this.active = on;
    if (on && !wasOn) {
      this.failures = 0;
      this.retryAt = null;
      this.stalledSince = null;
      this.schedule(0);
    }
  }

  status(): SyncStatus {
    let backlog = 0;
    let refused = 0;
    try {
      backlog = this.options.store.outboxSize();
      refused = this.options.store.refusedCount();
    } catch {
      backlog = -1;
      refused = -1;
    }
    const enabled = this.on(this.settings);
    return {
      enabled,
      state: !enabled ? 'off' : this.stalledSince !== null ? 'stalled' : this.quarantined > 0 ? 'quarantining' : 'ok',
      url: this.settings.url,
      backlog,
      lastSuccess: isoOrNull(this.lastSuccess),
      lastError: this.lastError,
      retryAt: isoOrNull(this.retryAt),
      stalledSince: isoOrNull(this.stalledSince),
      sent: this.sent,
      quarantined: this.quarantined,
      refused,
    };
  }

  /** Stops sending; resolves when no request is in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick().finally(() => {
        this.running = null;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { url, batchSize } = this.settings;
    if (!this.on(this.settings) || this.stopped) return;
    const size = Math.max(1, Math.min(batchSize, this.limit));
    const rows = this.options.store.outboxBatch(size);
    if (rows.length === 0) {
      this.schedule(this.pollMs);
      return;
    }
    const lastSeq = rows[rows.length - 1]!.seq;
    try {
      const events = rows.map((r) => r.event);
      const answer = this.options.direct ? await this.options.direct.deliver(this.options.instanceId, events) : await this.post(syncEndpoint(url!), events);
      // Only now, with the batch acknowledged, may its events leave the outbox.
      await this.options.writer.submit([['deleteOutboxUpTo', [lastSeq]]]);
      this.sent += rows.length;
      this.succeeded();
      if (answer.quarantined > 0) {
        this.quarantined += answer.quarantined;
        this.options.log.warn({ event: 'sync.batch.quarantined', quarantined: answer.quarantined, lastSeq }, 'the back office set events aside that it cannot store; its admin can list them');
      }
      this.options.log.debug({ event: 'sync.batch.acked', events: rows.length, lastSeq }, 'usage batch acknowledged');
      this.limit = Math.min(batchSize, this.limit * 2);
      this.schedule(rows.length === size ? 0 : this.pollMs);
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      if (error instanceof RefusedBatch) await this.refusedBatch(rows, error);
      else this.failed();
    }
  }

  /**
   * The back office refused the batch for what it holds (an older one refuses a whole batch
   * for one event it cannot store). Retrying it as it is would stall sync for good, so it is
   * halved until the event at fault travels alone; that one is logged in full and moved from
   * the outbox to `sync_refused` in one transaction, and the rest goes on.
   */
  private async refusedBatch(rows: ReadonlyArray<{ seq: number; event: string }>, error: RefusedBatch): Promise<void> {
    if (rows.length > 1) {
      this.limit = Math.ceil(rows.length / 2);
      this.options.log.warn({ event: 'sync.batch.refused', events: rows.length, status: error.status, err: error.message }, 'the back office refused a batch; sending it in smaller parts');
      this.schedule(0);
      return;
    }
    const row = rows[0]!;
    try {
      await this.options.writer.submit([
        ['setAsideRefusedEvent', [error.status, error.message, this.options.clock.now(), row.seq]],
        ['deleteOutboxUpTo', [row.seq]],
      ]);
    } catch {
      this.failed();
      return;
    }
    this.moving();
    this.options.log.error({ event: 'sync.event.refused', seq: row.seq, status: error.status, err: error.message, usageEvent: row.event }, 'the back office refused a usage event on its own; it is kept in sync_refused and left out of sync');
    this.schedule(0);
  }

  private succeeded(): void {
    this.moving();
    this.lastSuccess = this.options.clock.now();
  }

  /** The stream moves again: no more backing off. */
  private moving(): void {
    this.failures = 0;
    this.retryAt = null;
    this.stalledSince = null;
  }

  /** The back office could not be reached or could not take the batch now: try again later. */
  private failed(): void {
    this.failures += 1;
    this.stalledSince ??= this.options.clock.now();
    const ceiling = Math.min(this.backoffMaxMs, this.backoffMinMs * 2 ** (this.failures - 1));
    const delay = Math.round(ceiling * (0.5 + Math.random() * 0.5));
    this.retryAt = this.options.clock.now() + delay;
    this.options.log.warn({ event: 'sync.batch.failed', failures: this.failures, retryInMs: delay, err: this.lastError }, 'usage sync failed; will retry');
    this.schedule(delay);
  }

  /** Posts one batch; resolves only on a 2xx answer in the shape of a sync answer. */
  private async post(url: string, events: string[]): Promise<SyncResult> {
    // The events are already JSON in the outbox: splice them in rather than parse and re-encode.
    const body = `{"instanceId":${JSON.stringify(this.options.instanceId)},"events":[${events.join(',')}]}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.credential) headers.authorization = `Bearer ${this.options.credential}`;
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error(`cannot reach ${new URL(url).origin}${cause ? ` (${cause})` : ''}`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // Not JSON: keep the text.
      }
      const problem = `back office answered ${response.status}${message ? `: ${message}` : ''}`;
      throw REFUSING_STATUSES.has(response.status) ? new RefusedBatch(response.status, problem) : new Error(problem);
    }
    try {
      return syncResultSchema.parse(JSON.parse(text));
    } catch {
      // Only a sync answer acknowledges a batch: after anything else (a proxy's page, say) its events stay in the outbox.
      throw new Error(`back office answered ${response.status} without a sync answer`);
    }
  }
}

/**
 * Answers that refuse a batch for what it holds, which sending it again unchanged cannot mend.
 * Credentials (401, 403), a wrong address (404) and being busy (408, 429, 5xx) are retried.
 */
const REFUSING_STATUSES = new Set([400, 413, 422]);

class RefusedBatch extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
