// @ts-check
// The storage writer thread: runs batches of prepared statements, each batch in one
// transaction, and answers only once the transaction is committed. It knows no SQL of its own:
// the main thread hands it the statements at start-up. Plain JavaScript so that it runs the
// same from the sources (tests) and from the build.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ file: string; pragmas: string[]; statements: Record<string, string> }} */
const config = workerData;
const db = new Database(config.file);
for (const pragma of config.pragmas) db.pragma(pragma);
const statements = new Map(Object.entries(config.statements).map(([name, sql]) => [name, db.prepare(sql)]));

// Object parameters (usage events) are stored as JSON text.
const toColumn = (/** @type {unknown} */ value) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : value);

const runBatch = db.transaction((/** @type {Array<[string, unknown[]]>} */ ops) => {
  for (const [name, params] of ops) {
    const statement = statements.get(name);
    if (!statement) throw new Error(`unknown statement ${name}`);
    statement.run(...params.map(toColumn));
  }
});

// Fault injection for the crash tests only: hold every commit open this long, so that a kill
// lands while writes are still uncommitted and an early answer would be caught.
const commitDelayMs = Number(process.env.TALLY_FAULT_COMMIT_DELAY_MS ?? 0);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

if (!parentPort) throw new Error('writer-thread.js runs only as a worker thread');
const port = parentPort;
// After a failed batch, the batches already queued behind it were decided on its outcome:
// refuse them all until the main thread has reloaded and says so.
let refusing = false;
port.on('message', (/** @type {{ type: string; id?: number; ops?: string }} */ message) => {
  if (message.type === 'reset') {
    refusing = false;
  } else if (message.type === 'batch' && refusing) {
    port.postMessage({ type: 'failed', id: message.id, message: 'an earlier batch failed' });
  } else if (message.type === 'batch') {
    try {
      // Batches arrive as one JSON text: far cheaper to pass between threads than many small arrays.
      if (commitDelayMs > 0) Atomics.wait(sleeper, 0, 0, commitDelayMs);
      runBatch(JSON.parse(message.ops ?? '[]'));
      port.postMessage({ type: 'done', id: message.id });
    } catch (error) {
      refusing = true;
      port.postMessage({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
    }
  } else if (message.type === 'close') {
    db.close();
    port.close();
  }
});
port.postMessage({ type: 'ready' });
