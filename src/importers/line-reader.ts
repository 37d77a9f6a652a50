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

/** Gunzips the chunks when they start with the gzip magic bytes; passes them through otherwise. */
export async function* maybeGunzip(chunks: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<Buffer> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = Buffer.from(first.value);
  const rest = (async function* () {
    yield head;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield Buffer.from(r.value);
  })();
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    for await (const chunk of Readable.from(rest).pipe(createGunzip({ chunkSize: 1 << 20 }))) yield chunk as Buffer;
  } else yield* rest;
}

/**
 * Splits chunks of bytes into lines and hands each to `line` (numbered from 1), in constant
 * memory. CRLF and LF both end a line; a UTF-8 byte-order mark is dropped; a line that is not
 * valid UTF-8 is read as Latin-1 (Windows servers write their code page). Whole blocks of lines
 * are decoded at once, so the common case costs one native decode per chunk.
 * `afterChunk` runs between chunks, so the caller can hand events on and report progress.
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

  for await (const chunk of chunks) {
    stats.bytes += chunk.length;
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
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
