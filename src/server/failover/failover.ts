import { z } from 'zod';
import { TallyError } from '../../common/errors.js';
import { newId } from '../../common/ids.js';
import type { Logger } from '../../common/log.js';
import type { Clock, EpochMs } from '../../common/time.js';
import type { DB } from '../store/db.js';
import { PairGuard, PeerClient, signAnswer } from './pair-link.js';
import type { PeerAnswer } from './pair-link.js';
import type { Position, Snapshot } from './replication.js';
import { ChangeApplier, POSITION_KEY, SERVED_SINCE_KEY, applySnapshot, positionText, readPosition, readSnapshot, snapshotSchema } from './replication.js';
import type { WriteOp } from '../store/storage-writer.js';

export const FAILOVER_PATH = '/api/1.0/instances/~/failover';

// Fault injection for the crash tests only: a backup holds each change this long before applying
// it, so that a kill of the main lands while the backup does not have it yet.
const replicationDelayMs = () => Number(process.env.TALLY_FAULT_REPLICATION_DELAY_MS ?? 0);

export type FailoverRole = 'off' | 'main' | 'backup';

/**
 * - `serving`: answers capability requests (a main, or a backup that took over);
 * - `starting`: a main that has not yet heard whether its backup holds changes of its own;
 * - `standby`: a backup while its main serves;
 * - `period-over`: a backup that served the whole failover period.
 */
export const FAILOVER_STATES = ['off', 'starting', 'serving', 'standby', 'period-over'] as const;

export const failoverStatusSchema = z
  .object({
    role: z.enum(['off', 'main', 'backup']),
    state: z.enum(FAILOVER_STATES),
    serving: z.boolean().describe('whether this server answers capability requests now'),
    since: z.string().describe('when this server entered its state'),
    peerUrl: z.string().nullable(),
    peerReachable: z.boolean().nullable().describe('whether the other server answered the last attempt; null before the first, and when failover is off'),
    lastContactAt: z.string().nullable().describe('when the two servers last spoke'),
    lagBatches: z.number().int().nonnegative().nullable().describe('on a main: committed changes the backup has not confirmed yet; null while the backup is unreachable or behind and waits for a snapshot'),
    position: z.string().describe('the last change of the main this server holds (epoch:number)'),
    servedSince: z.string().nullable().describe('on a backup: when it started serving the changes it has not handed back yet'),
    failoverEndsAt: z.string().nullable().describe('on a backup that serves: when the failover period ends'),
  })
  .describe('the failover pair as this server sees it');
export type FailoverStatus = z.infer<typeof failoverStatusSchema>;

export const heartbeatAnswerSchema = z.object({ state: z.enum(FAILOVER_STATES), holdsChanges: z.boolean(), position: z.string() });

export interface FailoverSettings {
  role: FailoverRole;
  peerUrl: string | null;
  secret: string | null;
  heartbeatInterval: number;
  retryInterval: number;
  requestTimeout: number;
  pageSize: number;
  takeoverDelay: number;
  maintenanceInterval: number;
}

export interface FailoverOptions {
  db: DB;
  clock: Clock;
  log: Logger;
  settings: () => FailoverSettings;
  /** Resolves when every write handed to storage so far is committed. */
  drain: () => Promise<void>;
  /** Rebuilds the in-memory state from trusted storage. */
  reload: () => void;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * One server of a failover pair. The main initiates every exchange: heartbeats, numbered
 * changes, snapshots, and taking changes back. The backup answers, and serves only after its
 * main has been silent for the takeover delay, for at most the failover period.
 */
export class Failover {
  readonly role: FailoverRole;
  private state: (typeof FAILOVER_STATES)[number];
  private stateSince: EpochMs;
  private readonly peer: PeerClient | null;
  private readonly options: FailoverOptions;
  private readonly listeners: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;
  private peerReachable: boolean | null = null;
  private lastContact: EpochMs | null = null;

  // The main's side.
  private readonly epoch = newId();
  private seq = 0;
  /** The backup holds every change up to the last confirmed one; false: it needs a snapshot first. */
  private linked = false;
  /** A snapshot is on its way to the backup: commits made meanwhile wait for it, then stream. */
  private catchingUp = false;
  private confirmed = 0;
  private queue: Array<{ seq: number; ops: WriteOp[] }> = [];
  private waiters: Waiter[] = [];
  private sending = false;
  private exchange: Promise<void> | null = null;
  private nextAttemptAt = 0;

  // The backup's side.
  private applier: ChangeApplier | null = null;
  private readonly guard: PairGuard | null;
  private lastHeard: EpochMs;
  private reloadPending = false;
  /** The main (by epoch) that took this backup's changes since it last served: its snapshot may replace them. */
  private handedBackTo: string | null = null;

  constructor(options: FailoverOptions) {
    this.options = options;
    const s = options.settings();
    this.role = s.role;
    const now = options.clock.now();
    this.stateSince = now;
    this.lastHeard = now;
    if (s.role !== 'off') {
      const problems = [];
      if (!s.peerUrl) problems.push({ field: 'failover.peerUrl', message: `is needed when failover.role is ${s.role}` });
      if (!s.secret) problems.push({ field: 'failover.secret', message: `is needed when failover.role is ${s.role}` });
      if (problems.length > 0) throw new TallyError('BAD_REQUEST', `A ${s.role} license server needs the other server's URL and the pair secret.`, problems);
    }
    this.peer = s.role === 'main' && s.peerUrl && s.secret ? new PeerClient(s.peerUrl, s.secret, () => options.clock.now()) : null;
    this.state = s.role === 'off' ? 'off' : s.role === 'main' ? 'starting' : 'standby';
    if (s.role === 'backup') this.applier = new ChangeApplier(options.db);
    this.guard = s.role !== 'off' && s.secret ? new PairGuard(s.secret) : null;
  }

  /** Checks a request from the other server of the pair; answers the nonce its answer is signed with. */
  checkPeer(method: string, path: string, body: string, header: string | undefined): string {
    if (!this.guard) throw new TallyError('NOT_FOUND', 'This license server is not in a failover pair.', [{ field: 'failover.role', message: 'is off' }]);
    return this.guard.check(method, path, body, header, this.options.clock.now());
  }

  /** Signs an answer to the other server of the pair, so it knows the answer is this server's. */
  signAnswer(status: number, nonce: string, body: string): string {
    return signAnswer(this.options.settings().secret!, status, nonce, body);
  }

  /** Starts the heartbeats (main) or the watch on the main (backup). */
  start(): void {
    this.started = true;
    if (this.role === 'off') return;
    const tick = () => {
      if (this.stopped) return;
      this.tick();
      this.timer = setTimeout(tick, this.role === 'main' ? 250 : 200);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.releaseAll();
    await this.exchange;
  }

  /** Called whenever the server starts or stops serving. */
  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  get serving(): boolean {
    return this.state === 'off' || this.state === 'serving';
  }

  /** Why this server may not change license state now, or null when it may. */
  refusal(): TallyError | null {
    // Start-up writes (license files given on the command line) come before any client: the main's first exchange sends them on.
    if (this.serving || (this.role === 'main' && !this.started)) return null;
    const peer = this.options.settings().peerUrl;
    if (this.state === 'period-over') {
      return new TallyError('FAILOVER_PERIOD_OVER', `This backup license server served for the whole failover period the producer allows (${this.options.settings().maintenanceInterval} s); it serves again once the main license server at ${peer} is back.`);
    }
    if (this.role === 'main') return new TallyError('NOT_SERVING', 'This main license server is taking back the changes its backup made while it served; try again in a moment.');
    return new TallyError('NOT_SERVING', `This is the backup license server of a failover pair and the main license server at ${peer} is serving: send capability requests to the main.`, [
      { field: 'failover.peerUrl', message: `the main license server is ${peer}` },
    ]);
  }

  status(): FailoverStatus {
    const s = this.options.settings();
    const iso = (at: EpochMs | null) => (at === null ? null : new Date(at).toISOString());
    const servedSince = this.role === 'backup' ? this.servedSince() : null;
    const position = readPosition(this.options.db);
    return {
      role: this.role,
      state: this.state,
      serving: this.serving,
      since: new Date(this.stateSince).toISOString(),
      peerUrl: this.role === 'off' ? null : s.peerUrl,
      peerReachable: this.role === 'backup' ? (this.lastContact === null ? null : this.options.clock.now() - this.lastContact < s.takeoverDelay * 1000) : this.peerReachable,
      lastContactAt: iso(this.lastContact),
      lagBatches: this.role === 'main' ? (this.linked ? this.seq - this.confirmed : null) : null,
      position: positionText(position),
      servedSince: iso(servedSince),
      failoverEndsAt: this.state === 'serving' && servedSince !== null ? iso(servedSince + s.maintenanceInterval * 1000) : null,
    };
  }

  // ---- The main's side -------------------------------------------------------------------

  /** The number the next commit carries. */
  nextPosition(): Position {
    this.seq += 1;
    return { epoch: this.epoch, seq: this.seq };
  }

  /** Resolves once the backup holds commit `seq`, or at once when the main serves alone. */
  replicate(seq: number, ops: WriteOp[]): Promise<void> {
    if ((!this.linked && !this.catchingUp) || this.stopped) return Promise.resolve();
    this.queue.push({ seq, ops });
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
    void this.send();
    return done;
  }

  private tick(): void {
    const now = this.options.clock.now();
    if (this.role === 'backup') {
      this.watchMain(now);
      return;
    }
    if (this.exchange || now < this.nextAttemptAt) return;
    this.nextAttemptAt = now + this.options.settings().heartbeatInterval * 1000;
    this.exchange = this.heartbeat().finally(() => {
      this.exchange = null;
    });
  }

  /**
   * Tells the backup the main is alive and learns its state: a backup that served holds changes
   * the main takes back before it serves again; a backup that is behind gets a snapshot.
   */
  private async heartbeat(): Promise<void> {
    const s = this.options.settings();
    try {
      const answer = this.expect(await this.call('POST', `${FAILOVER_PATH}/heartbeat`, { epoch: this.epoch, seq: this.seq }), 200);
      const beat = heartbeatAnswerSchema.parse(answer.body);
      this.contact(true);
      if (beat.holdsChanges) await this.takeBack();
      if (!this.linked) await this.catchUp();
    } catch (err) {
      this.contact(false, err);
      this.catchingUp = false;
      this.unlink();
      this.nextAttemptAt = this.options.clock.now() + s.retryInterval * 1000;
      // A dead backup does not stop the main: it serves alone and catches the backup up later.
      if (this.state === 'starting') this.enter('serving');
    }
  }

  /** Takes the backup's state, with the changes it made while it served, before serving again. */
  private async takeBack(): Promise<void> {
    const wasServing = this.state === 'serving';
    this.enter('starting');
    // Commits the backup refused while it served are replaced by its state: their callers hear so.
    this.unlink(new TallyError('NOT_SERVING', 'This main license server is taking back the changes its backup made while it served; nothing was changed. Try again in a moment.'));
    await this.options.drain();
    const answer = this.expect(await this.call('POST', `${FAILOVER_PATH}/handback`, { epoch: this.epoch }, 60_000), 200);
    const snapshot = snapshotSchema.parse(answer.body);
    applySnapshot(this.options.db, snapshot, { epoch: this.epoch, seq: this.seq });
    this.options.reload();
    this.unlink();
    this.options.log.warn(
      { event: 'failover.taken_back', backupPosition: `${snapshot.position.epoch}:${snapshot.position.seq}`, wasServing },
      'took back the changes the backup made while it served',
    );
  }

  /** Sends the backup the whole state, then streams from there. */
  private async catchUp(): Promise<void> {
    this.catchingUp = true;
    let snapshot: Snapshot;
    try {
      await this.options.drain();
      snapshot = readSnapshot(this.options.db);
      this.expect(await this.call('PUT', `${FAILOVER_PATH}/snapshot`, snapshot, 60_000), 200);
    } catch (err) {
      this.catchingUp = false;
      this.unlink();
      throw err;
    }
    this.catchingUp = false;
    this.linked = true;
    this.confirmed = snapshot.position.seq;
    this.queue = this.queue.filter((b) => b.seq > snapshot.position.seq);
    this.settle();
    this.enter('serving');
    this.options.log.info({ event: 'failover.caught_up', position: `${snapshot.position.epoch}:${snapshot.position.seq}` }, 'the backup holds this server\u2019s state');
    void this.send();
  }

  private async send(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.linked && this.queue.length > 0 && !this.stopped) {
        const page = this.queue.slice(0, this.options.settings().pageSize);
        let answer: PeerAnswer;
        try {
          answer = await this.call('POST', `${FAILOVER_PATH}/changes`, { epoch: this.epoch, batches: page });
        } catch (err) {
          this.contact(false, err);
          this.nextAttemptAt = this.options.clock.now() + this.options.settings().retryInterval * 1000;
          this.unlink();
          return;
        }
        this.contact(true);
        if (answer.status !== 200) {
          // Out of step (a commit failed here, or the backup restarted from older storage): a snapshot sets it right.
          this.options.log.warn({ event: 'failover.out_of_step', status: answer.status, error: refusalMessage(answer.body) }, 'the backup refused changes; it gets a snapshot');
          // Commits made until the snapshot arrives wait for it, as they would for streaming.
          this.linked = false;
          this.catchingUp = true;
          this.nextAttemptAt = 0;
          return;
        }
        this.confirmed = Math.max(this.confirmed, page[page.length - 1]!.seq);
        this.queue = this.queue.filter((b) => b.seq > this.confirmed);
        this.settle();
      }
    } finally {
      this.sending = false;
    }
  }

  private settle(): void {
    const left: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.seq <= this.confirmed) w.resolve();
      else left.push(w);
    }
    this.waiters = left;
  }

  /** The backup is out of reach: serve alone, every waiting caller included (or refuse them, with `refusal`). */
  private unlink(refusal?: Error): void {
    this.linked = false;
    this.catchingUp = false;
    this.queue = [];
    this.releaseAll(refusal);
  }

  private releaseAll(refusal?: Error): void {
    for (const w of this.waiters) {
      if (refusal) w.reject(refusal);
      else w.resolve();
    }
    this.waiters = [];
  }

  private call(method: string, path: string, body: unknown, timeoutMs?: number): Promise<PeerAnswer> {
    return this.peer!.call(method, path, body, timeoutMs ?? this.options.settings().requestTimeout * 1000);
  }

  private expect(answer: PeerAnswer, status: number): PeerAnswer {
    if (answer.status !== status) throw new Error(`the backup answered ${answer.status}: ${refusalMessage(answer.body)}`);
    return answer;
  }

  private contact(ok: boolean, err?: unknown): void {
    if (ok) this.lastContact = this.options.clock.now();
    if (this.peerReachable !== ok) {
      if (ok) this.options.log.info({ event: 'failover.peer.reachable', peer: this.peer?.url }, 'the backup license server answers');
      else this.options.log.warn({ event: 'failover.peer.unreachable', peer: this.peer?.url, reason: (err as Error)?.message }, 'the backup license server does not answer; serving alone');
    }
    this.peerReachable = ok;
  }

  // ---- The backup's side -----------------------------------------------------------------

  /** Starts serving once the main has been silent for the takeover delay, stops after the failover period. */
  private watchMain(now: EpochMs): void {
    const s = this.options.settings();
    if (this.state === 'standby' && now - this.lastHeard >= s.takeoverDelay * 1000) {
      const since = this.servedSince() ?? now;
      if (now - since >= s.maintenanceInterval * 1000) {
        this.enter('period-over');
        return;
      }
      this.options.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(SERVED_SINCE_KEY, String(since));
      this.options.reload();
      this.enter('serving');
      this.options.log.warn({ event: 'failover.took_over', silentFor: Math.round((now - this.lastHeard) / 1000) }, 'the main license server is silent; this backup serves');
      return;
    }
    if (this.state === 'serving') {
      const since = this.servedSince() ?? now;
      if (now - since >= s.maintenanceInterval * 1000) {
        this.enter('period-over');
        this.options.log.warn({ event: 'failover.period_over' }, 'the failover period is over; this backup no longer serves');
      }
    }
  }

  private servedSince(): EpochMs | null {
    const value = this.options.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(SERVED_SINCE_KEY) as string | undefined;
    return value ? Number(value) : null;
  }

  private heard(): void {
    this.lastHeard = this.options.clock.now();
    this.lastContact = this.lastHeard;
  }

  private onlyBackup(): void {
    if (this.role !== 'backup') {
      throw new TallyError('CONFLICT', `This license server is ${this.role === 'main' ? 'the main of its pair: only its backup takes changes' : 'not in a failover pair'}.`, [{ field: 'failover.role', message: `is ${this.role}` }]);
    }
  }

  /** The main says it is alive. */
  onHeartbeat(epoch: string): z.infer<typeof heartbeatAnswerSchema> {
    this.onlyBackup();
    this.heard();
    return { state: this.state, holdsChanges: this.servedSince() !== null && this.handedBackTo !== epoch, position: positionText(readPosition(this.options.db)) };
  }

  /** The main's next commits. */
  async onChanges(epoch: string, batches: Array<{ seq: number; ops: WriteOp[] }>): Promise<Position> {
    this.onlyBackup();
    this.heard();
    const delay = replicationDelayMs();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    this.refuseWhileHoldingChanges(epoch);
    const position = this.applier!.apply(epoch, batches);
    this.reloadSoon();
    return position;
  }

  /** The main's whole state: from here the backup holds exactly what the main holds. */
  async onSnapshot(snapshot: Snapshot): Promise<Position> {
    this.onlyBackup();
    this.heard();
    this.refuseWhileHoldingChanges(snapshot.position.epoch);
    await this.options.drain();
    applySnapshot(this.options.db, snapshot, snapshot.position, () => {
      this.options.db.prepare('DELETE FROM meta WHERE key = ?').run(SERVED_SINCE_KEY);
    });
    this.handedBackTo = null;
    this.options.reload();
    return snapshot.position;
  }

  /** The main is back: stop serving, and give it everything, the changes made here included. */
  async onHandback(epoch: string): Promise<Snapshot> {
    this.onlyBackup();
    this.heard();
    if (this.state !== 'standby') {
      this.enter('standby');
      this.options.log.warn({ event: 'failover.handing_back' }, 'the main license server is back; this backup stops serving and hands its changes back');
    }
    await this.options.drain();
    // Until the main's snapshot arrives, the changes stay marked as this backup's: a main that
    // fails before it applied them takes them back again.
    this.handedBackTo = epoch;
    return readSnapshot(this.options.db);
  }

  private refuseWhileHoldingChanges(epoch: string): void {
    if (this.state !== 'standby' || (this.servedSince() !== null && this.handedBackTo !== epoch)) {
      throw new TallyError('CONFLICT', 'This backup served while the main was away and holds changes the main has not taken back: take them back first (handback).', [
        { field: 'failover.state', message: `is ${this.state}` },
      ]);
    }
  }

  /** A backup's in-memory state follows storage at most a second behind, for the admin views. */
  private reloadSoon(): void {
    if (this.reloadPending) return;
    this.reloadPending = true;
    setTimeout(() => {
      this.reloadPending = false;
      if (!this.stopped && this.state === 'standby') this.options.reload();
    }, 1000).unref();
  }

  private enter(state: (typeof FAILOVER_STATES)[number]): void {
    if (this.state === state) return;
    this.state = state;
    this.stateSince = this.options.clock.now();
    for (const listener of this.listeners) listener();
  }
}

export { POSITION_KEY };

/** The message of an error body from the peer, for the log. */
function refusalMessage(body: unknown): string {
  const parsed = z.object({ error: z.object({ message: z.string() }) }).safeParse(body);
  return parsed.success ? parsed.data.error.message : '';
}
