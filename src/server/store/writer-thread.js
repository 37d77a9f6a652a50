// @ts-check
// The storage writer thread: runs batches of prepared statements, each batch in one
// transaction, and answers only once the transaction is committed. It knows no SQL of its own:
// the main thread hands it the statements of each database it opens. One thread may write many
// databases (the instances a back office hosts), each on its own channel: a channel's batches
// stay in order, and a failure on one channel refuses nothing on another. Plain JavaScript so
// that it runs the same from the sources (tests) and from the build.
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';

// Object parameters (usage events) are stored as JSON text.
const toColumn = (/** @type {unknown} */ value) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : value);

// Fault injection for the crash tests only: hold every commit open this long, so that a kill
// lands while writes are still uncommitted and an early answer would be caught.
const commitDelayMs = Number(process.env.TALLY_FAULT_COMMIT_DELAY_MS ?? 0);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * One open database. Statements are prepared when first used: an instance that only ever
 * renews leases never pays for the statements of everything else.
 * @param {{ file: string; pragmas: string[]; statements: Record<string, string> }} config
 */
function openChannel(config) {
  const db = new Database(config.file);
  for (const pragma of config.pragmas) db.pragma(pragma);
  /** @type {Map<string, import('better-sqlite3').Statement>} */
  const prepared = new Map();
  const statement = (/** @type {string} */ name) => {
    let s = prepared.get(name);
    if (!s) {
      const sql = config.statements[name];
      if (sql === undefined) throw new Error(`unknown statement ${name}`);
      s = db.prepare(sql);
      prepared.set(name, s);
    }
    return s;
  };
  const run = db.transaction((/** @type {Array<[string, unknown[]]>} */ ops) => {
    for (const [name, params] of ops) statement(name).run(...params.map(toColumn));
  });
  // After a failed batch, the batches already queued behind it were decided on its outcome:
  // refuse them all until the main thread has reloaded and says so.
  return { db, run, refusing: false };
}

if (!parentPort) throw new Error('writer-thread.js runs only as a worker thread');
const port = parentPort;
/** @type {Map<number, ReturnType<typeof openChannel>>} */
const channels = new Map();

port.on('message', (/** @type {{ type: string; channel: number; id?: number; ops?: string; config?: any }} */ message) => {
  const { type, channel } = message;
  if (type === 'open') {
    try {
      channels.set(channel, openChannel(message.config));
      port.postMessage({ type: 'opened', channel });
    } catch (error) {
      port.postMessage({ type: 'open-failed', channel, message: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  if (type === 'exit') {
    for (const c of channels.values()) c.db.close();
    port.close();
    return;
  }
  const open = channels.get(channel);
  if (!open) {
    if (type === 'batch') port.postMessage({ type: 'failed', channel, id: message.id, message: 'storage is closed' });
    return;
  }
  if (type === 'reset') {
    open.refusing = false;
  } else if (type === 'batch' && open.refusing) {
    port.postMessage({ type: 'failed', channel, id: message.id, message: 'an earlier batch failed' });
  } else if (type === 'batch') {
    try {
      // Batches arrive as one JSON text: far cheaper to pass between threads than many small arrays.
      if (commitDelayMs > 0) Atomics.wait(sleeper, 0, 0, commitDelayMs);
      open.run(JSON.parse(message.ops ?? '[]'));
      port.postMessage({ type: 'done', channel, id: message.id });
    } catch (error) {
      open.refusing = true;
      port.postMessage({ type: 'failed', channel, id: message.id, message: error instanceof Error ? error.message : String(error) });
    }
  } else if (type === 'close') {
    open.db.close();
    channels.delete(channel);
    port.postMessage({ type: 'closed', channel });
  }
});
port.postMessage({ type: 'ready', channel: 0 });
