import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A line longer than this is cut off and skipped: no log line is this long, a binary file may be. */
const MAX_LINE_BYTES = 1 << 20;

/** What reading lines found besides lines. */
export interface ReadStats {
  bytes: number;
  lines: number;
  latin1Lines: number;
  longLines: number;
}

/**
 * The input itself failed while lines were being read (a gzip cut short or corrupt, a read
 * error, an upload that stopped): what was read before it, and why it ended.
 */
export class InputReadError extends Error {
  constructor(
    readonly reason: string,
    readonly stats: ReadStats,
  ) {
    super(reason);
    this.name = 'InputReadError';
  }
}

/** Why reading an input stopped, in words: zlib and file system errors carry codes, not sentences. */
export function readFailure(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (code === 'Z_BUF_ERROR') return `the gzip data ends early (${message})`;
  if (code.startsWith('Z_')) return `the gzip data is corrupt (${message})`;
  if (code === 'ECONNRESET' || message === 'aborted') return 'the upload stopped before its end';
  return `reading failed (${code ? `${code}: ` : ''}${message.split('\n')[0]})`;
}

/** Gunzips the chunks when they start with the gzip magic bytes; passes them through otherwise. */
export async function* maybeGunzip(chunks: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<Buffer> {
  const iterator = chunks[Symbol.asyncIterator]();
  // The magic bytes may arrive in more than one piece.
  let head: Buffer = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head = head.length === 0 ? asBuffer(next.value) : Buffer.concat([head, asBuffer(next.value)]);
  }
  if (head.length === 0) return;
  const rest = (async function* () {
    yield head;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield asBuffer(r.value);
  })();
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    for await (const chunk of Readable.from(rest).pipe(createGunzip({ chunkSize: 1 << 20 }))) yield chunk as Buffer;
  } else yield* rest;
}

/** A view of the bytes as a Buffer, without copying them. */
function asBuffer(bytes: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Splits chunks of bytes into lines and hands each to `line` (numbered from 1), in constant
 * memory. CRLF and LF both end a line; a UTF-8 byte-order mark is dropped; a line that is not
 * valid UTF-8 is read as Latin-1 (Windows servers write their code page). Whole blocks of lines
 * are decoded at once, so the common case costs one native decode per chunk.
 * `afterChunk` runs between chunks, so the caller can hand events on and report progress.
 * A failure of the input itself is thrown as an InputReadError saying how far reading got.
 */
export async function readLines(
  chunks: AsyncIterable<Buffer>,
  line: (text: string, lineNo: number) => void,
  afterChunk: (stats: ReadStats) => Promise<void> | void,
): Promise<ReadStats> {
  const stats: ReadStats = { bytes: 0, lines: 0, latin1Lines: 0, longLines: 0 };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry: Buffer | null = null;
  let first = true;

  const emitText = (text: string) => {
    let start = 0;
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    const n = text.length;
    while (start < n) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = n;
      let e = nl;
      if (e > start && text.charCodeAt(e - 1) === 13) e--;
      line(text.slice(start, e), ++stats.lines);
      start = nl + 1;
    }
  };

  const block = (b: Buffer) => {
    let text: string;
    try {
      text = decoder.decode(b);
    } catch {
      // Only some lines are not UTF-8: decode line by line, those as Latin-1.
      let start = 0;
      const parts: string[] = [];
      while (start < b.length) {
        let nl = b.indexOf(10, start);
        if (nl < 0) nl = b.length - 1;
        const piece = b.subarray(start, nl + 1);
        try {
          parts.push(decoder.decode(piece));
        } catch {
          stats.latin1Lines += 1;
          parts.push(piece.toString('latin1'));
        }
        start = nl + 1;
      }
      text = parts.join('');
    }
    emitText(text);
  };

  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await iterator.next();
    } catch (error) {
      // The line cut by the failure is not handed on: it is not known to be whole.
      throw new InputReadError(readFailure(error), { ...stats });
    }
    if (next.done) break;
    const chunk = next.value;
    stats.bytes += chunk.length;
    let buf: Buffer = chunk;
    if (carry) {
      // Only the line cut by the chunk boundary is copied, not the whole chunk.
      const nl = chunk.indexOf(10);
      if (nl < 0) buf = Buffer.concat([carry, chunk]);
      else {
        block(Buffer.concat([carry, chunk.subarray(0, nl + 1)]));
        buf = chunk.subarray(nl + 1);
      }
      carry = null;
    }
    const last = buf.lastIndexOf(10);
    if (last < 0) {
      carry = buf;
      if (carry.length > MAX_LINE_BYTES) {
        // Dropped: what follows up to the next line end is read as a line and skipped as foreign.
        stats.longLines += 1;
        stats.lines += 1;
        carry = null;
      }
      continue;
    }
    carry = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : null;
    block(buf.subarray(0, last + 1));
    await afterChunk(stats);
  }
  if (carry) block(carry);
  await afterChunk(stats);
  return stats;
}
