import { Worker } from 'node:worker_threads';
import { TallyError } from '../../common/errors.js';

/** One write: the name of a statement the writer was given, and its parameters (objects are stored as JSON). */
export type WriteOp = [statement: string, params: unknown[]];

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Batch {
  id: number;
  ops: WriteOp[];
  waiters: Waiter[];
}

interface ThreadMessage {
  type: string;
  channel: number;
  id: number;
  message?: string;
}

/** What a writer thread tells the storage writer of one channel. */
interface ChannelListener {
  onMessage(message: ThreadMessage): void;
  onThreadFailure(error: Error): void;
}

/**
 * A writer thread, shared by the storage writers of many databases (the instances a back
 * office hosts) or owned by the one writer of a license server. Each database is a channel.
 */
export class WriterThread {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private readonly listeners = new Map<number, ChannelListener>();
  private nextChannel = 1;
  private failure: Error | null = null;

  constructor() {
    this.worker = new Worker(new URL('./writer-thread.js', import.meta.url));
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', () => {
        this.worker.off('error', reject);
        resolve();
      });
      this.worker.once('error', reject);
    });
    this.worker.on('message', (message: ThreadMessage) => this.listeners.get(message.channel)?.onMessage(message));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`storage writer stopped with code ${code}`));
    });
  }

  /** Opens a database on its own channel; resolves once the thread has it open. */
  async open(config: { file: string; pragmas: string[]; statements: Record<string, string> }, listener: ChannelListener): Promise<number> {
    await this.ready;
    if (this.failure) throw this.failure;
    const channel = this.nextChannel++;
    const opened = new Promise<void>((resolve, reject) => {
      this.listeners.set(channel, {
        onMessage: (message) => {
          if (message.type === 'opened') {
            this.listeners.set(channel, listener);
            resolve();
          } else if (message.type === 'open-failed') {
            this.listeners.delete(channel);
            reject(new Error(message.message ?? 'storage writer could not open the database'));
          }
        },
        onThreadFailure: reject,
      });
    });
    this.worker.postMessage({ type: 'open', channel, config });
    await opened;
    return channel;
  }

  post(message: { type: string; channel: number; id?: number; ops?: string }): void {
    this.worker.postMessage(message);
  }

  /** Closes one channel's database; resolves when it is closed. */
  closeChannel(channel: number): Promise<void> {
    if (this.failure || !this.listeners.has(channel)) {
      this.listeners.delete(channel);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.listeners.set(channel, {
        onMessage: (message) => {
          if (message.type !== 'closed') return;
          this.listeners.delete(channel);
          resolve();
        },
        onThreadFailure: () => resolve(),
      });
      this.worker.postMessage({ type: 'close', channel });
    });
  }

  /** Stops the thread, closing every database still open. */
  async exit(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.failure = new Error('storage writer closed');
    this.worker.postMessage({ type: 'exit', channel: 0 });
    await exited;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const listener of this.listeners.values()) listener.onThreadFailure(error);
    this.listeners.clear();
  }
}

export interface StorageWriterOptions {
  file: string;
  pragmas: string[];
  /** Every statement the writer may run, by name. */
  statements: Record<string, string>;
  /** Batches handed to the writer thread before the first is confirmed (default 2). */
  maxInFlight?: number;
  /** A thread shared with other databases; by default the writer has a thread of its own. */
  thread?: WriterThread;
}

/**
 * Group commit on a writer thread. Writes submitted while earlier batches are being committed
 * wait together for the next one, so a commit (and its fsync) is shared by as many requests
 * as arrived meanwhile, and the main thread never waits for the disk. A caller hears back only
 * after its batch is committed, so a client never sees a grant that a crash could take back.
 *
 * Two batches may be with the writer at once, so it never idles while the main thread is busy
 * reading its answer. When a batch fails, it and every batch after it (their decisions may
 * rest on it) are refused, and `onFailure` runs once storage is back where it was.
 */
export class StorageWriter {
  private readonly thread: WriterThread;
  private readonly ownThread: boolean;
  private channel = 0;
  private readonly ready: Promise<void>;
  private onFailure: (error: Error) => void = () => undefined;
  private readonly maxInFlight: number;
  private inFlight: Batch[] = [];
  private pending: Batch;
  private nextId = 1;
  /** Replies to batches sent before the last failure are stale: those batches were already refused. */
  private firstValidId = 1;
  private scheduled = false;
  private broken: Error | null = null;
  private drained: Array<() => void> = [];

  constructor(options: StorageWriterOptions) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.pending = this.newBatch();
    this.ownThread = options.thread === undefined;
    this.thread = options.thread ?? new WriterThread();
    this.ready = this.thread
      .open(
        { file: options.file, pragmas: options.pragmas, statements: options.statements },
        { onMessage: (message) => this.onMessage(message), onThreadFailure: (error) => this.fail(error) },
      )
      .then((channel) => {
        this.channel = channel;
      });
    // Seen by started(); a writer nobody waits for must not fail the process.
    this.ready.catch(() => undefined);
  }

  /** Called after a batch failed and was rolled back: whatever mirrors storage must reload. */
  setFailureHandler(handler: (error: Error) => void): void {
    this.onFailure = handler;
  }

  /** Resolves once the writer thread has opened storage. */
  started(): Promise<void> {
    return this.ready;
  }

  /** Queues writes; resolves once they are committed. */
  submit(ops: WriteOp[]): Promise<void> {
    if (this.broken) return Promise.reject(this.unavailable());
    const done = new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject }));
    for (const op of ops) this.pending.ops.push(op);
    if (this.inFlight.length < this.maxInFlight && !this.scheduled) {
      // Let the rest of this turn of the event loop join the batch.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.send();
      });
    }
    return done;
  }

  /** Resolves when everything submitted so far is committed (or refused). */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  async close(): Promise<void> {
    await this.drain();
    this.broken ??= new Error('storage writer closed');
    if (this.ownThread) await this.thread.exit();
    else await this.thread.closeChannel(this.channel);
  }

  private newBatch(): Batch {
    return { id: this.nextId++, ops: [], waiters: [] };
  }

  private idle(): boolean {
    return this.inFlight.length === 0 && this.pending.waiters.length === 0;
  }

  private send(): void {
    if (this.inFlight.length >= this.maxInFlight || this.pending.waiters.length === 0 || this.broken) {
      this.notifyDrained();
      return;
    }
    const batch = this.pending;
    this.pending = this.newBatch();
    this.inFlight.push(batch);
    // One JSON text is far cheaper to pass between threads than many small arrays.
    this.thread.post({ type: 'batch', channel: this.channel, id: batch.id, ops: JSON.stringify(batch.ops) });
  }

  private onMessage(message: ThreadMessage): void {
    if (message.id < this.firstValidId) return;
    const batch = this.inFlight[0];
    if (!batch || message.id !== batch.id) return;
    this.inFlight.shift();
    if (message.type === 'done') {
      for (const w of batch.waiters) w.resolve();
      this.send();
      this.notifyDrained();
      return;
    }
    // Refuse the failed batch and everything decided after it, then let state reload.
    const refused = [batch, ...this.inFlight, this.pending];
    this.inFlight = [];
    this.pending = this.newBatch();
    this.firstValidId = this.pending.id;
    this.thread.post({ type: 'reset', channel: this.channel });
    const refusal = this.unavailable();
    for (const b of refused) for (const w of b.waiters) w.reject(refusal);
    this.onFailure(new Error(message.message ?? 'commit failed'));
    this.notifyDrained();
  }

  private fail(error: Error): void {
    this.broken = error;
    const refusal = this.unavailable();
    for (const b of [...this.inFlight, this.pending]) for (const w of b.waiters) w.reject(refusal);
    this.inFlight = [];
    this.pending = this.newBatch();
    this.onFailure(error);
    this.notifyDrained();
  }

  private notifyDrained(): void {
    if (!this.idle()) return;
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }

  private unavailable(): TallyError {
    return new TallyError('STORAGE_UNAVAILABLE', 'Trusted storage could not commit the change; nothing was changed. Try again.');
  }
}
