import type { Statement } from 'better-sqlite3';
import { TallyError } from '../../common/errors.js';
import type { DB } from './db.js';

export interface CommitBatcherOptions {
  /** Commit at once when this many operations are waiting. */
  maxBatch?: number;
  /** Called after a failed commit was rolled back: whatever mirrors storage must reload. */
  onRollback: (error: Error) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Group commit. Operations that arrive while the event loop is busy share one transaction,
 * and each caller hears back only after that transaction is on disk, so a client never sees
 * a grant that a crash could take back. With synchronous=FULL every commit costs an fsync;
 * sharing it is what lets the server answer thousands of requests a second durably.
 *
 * Every operation runs inside its own savepoint: one that throws leaves no trace, the others
 * in the batch still commit.
 */
export class CommitBatcher {
  private readonly begin: Statement;
  private readonly commitStmt: Statement;
  private readonly rollback: Statement;
  private readonly savepoint: Statement;
  private readonly release: Statement;
  private readonly rollbackTo: Statement;
  private readonly maxBatch: number;
  private open = false;
  private scheduled = false;
  private waiters: Waiter[] = [];

  constructor(
    private readonly db: DB,
    private readonly options: CommitBatcherOptions,
  ) {
    this.begin = db.prepare('BEGIN');
    this.commitStmt = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT op');
    this.release = db.prepare('RELEASE op');
    this.rollbackTo = db.prepare('ROLLBACK TO op');
    this.maxBatch = options.maxBatch ?? 512;
  }

  /**
   * Runs `work` (synchronous writes, then in-memory updates) inside the current group
   * transaction. Resolves with its result once the transaction is committed; rejects with
   * STORAGE_UNAVAILABLE if the commit fails (then nothing of the batch was kept).
   */
  run<T>(work: () => T): Promise<T> {
    if (!this.open) {
      this.begin.run();
      this.open = true;
    }
    this.savepoint.run();
    let result: T;
    try {
      result = work();
      this.release.run();
    } catch (error) {
      this.rollbackTo.run();
      this.release.run();
      this.schedule();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const done = new Promise<T>((resolve, reject) => {
      this.waiters.push({ resolve: () => resolve(result), reject });
    });
    if (this.waiters.length >= this.maxBatch) this.flush();
    else this.schedule();
    return done;
  }

  /** Commits whatever is pending now. */
  flush(): void {
    this.scheduled = false;
    if (!this.open) return;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      this.commitStmt.run();
      this.open = false;
    } catch (error) {
      this.open = false;
      try {
        if (this.db.inTransaction) this.rollback.run();
      } catch {
        // The transaction may already be gone; storage is then as it was before the batch.
      }
      const cause = error instanceof Error ? error : new Error(String(error));
      this.options.onRollback(cause);
      const refusal = new TallyError('STORAGE_UNAVAILABLE', 'Trusted storage could not commit the change; nothing was changed. Try again.');
      for (const w of waiters) w.reject(refusal);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }
}
