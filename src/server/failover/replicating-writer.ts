import type { StorageWriter, WriteOp } from '../store/storage-writer.js';
import { POSITION_KEY, positionText, streamedOps } from './replication.js';
import type { Failover } from './failover.js';

/**
 * The storage writer of a server in a failover pair, with the same interface. On a main, every
 * commit is numbered (its number committed with it, so a snapshot says which commits it
 * holds) and, once committed, confirmed by the backup before the caller hears back: a grant a
 * client was told of is on both servers. A server that does not serve now writes nothing.
 */
export class ReplicatingWriter {
  private onFailure: (error: Error) => void = () => undefined;

  constructor(
    private readonly inner: StorageWriter,
    private readonly failover: Failover,
  ) {
    inner.setFailureHandler((error) => this.onFailure(error));
  }

  setFailureHandler(handler: (error: Error) => void): void {
    this.onFailure = handler;
  }

  started(): Promise<void> {
    return this.inner.started();
  }

  drain(): Promise<void> {
    return this.inner.drain();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async submit(ops: WriteOp[]): Promise<void> {
    const refusal = this.failover.refusal();
    if (refusal) {
      // The caller may have changed its state in memory already: storage is where it stays right.
      this.onFailure(refusal);
      throw refusal;
    }
    if (this.failover.role !== 'main') return this.inner.submit(ops);
    const position = this.failover.nextPosition();
    await this.inner.submit([...ops, ['putMeta', [POSITION_KEY, positionText(position)]]]);
    await this.failover.replicate(position.seq, streamedOps(ops));
  }
}
