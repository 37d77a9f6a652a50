import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/support/random.mjs';
import { maybeGunzip, readLines } from './line-reader.js';

async function* pieces(bytes: Buffer, sizes: () => number) {
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, sizes());
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

async function linesOf(chunks: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = [];
  await readLines(chunks, (text, n) => out.push(`${n}:${text}`), () => undefined);
  return out;
}

describe('readLines', () => {
  const text = '\uFEFFfirst line\r\nsecond — ünïcödé 👍\n\nlast without end';
  const expected = ['1:first line', '2:second — ünïcödé 👍', '3:', '4:last without end'];

  it('gives the same lines whatever the chunk boundaries (inside CRLF and multi-byte characters too)', async () => {
    const bytes = Buffer.from(text, 'utf8');
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      expect(await linesOf(pieces(bytes, () => random.int(7) + 1))).toEqual(expected);
    }
  });

  it('reads gzip input detected by its magic bytes, in small pieces', async () => {
    const random = seededRandom(7);
    expect(await linesOf(maybeGunzip(pieces(gzipSync(text), () => random.int(5) + 1)))).toEqual(expected);
  });

  it('reads a line that is not UTF-8 as Latin-1 and counts it', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\n'), Buffer.from('gra\xf1a\n', 'latin1'), Buffer.from('ñ ok\n')]);
    const seen: string[] = [];
    const stats = await readLines(pieces(bytes, () => 100), (t) => seen.push(t), () => undefined);
    expect(seen).toEqual(['ok', 'graña', 'ñ ok']);
    expect(stats.latin1Lines).toBe(1);
  });
});
