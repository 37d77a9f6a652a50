/**
 * Event IDs of imported events, derived from what the source says rather than drawn at random,
 * so that importing the same lines again (the same file, or a longer copy of a growing log)
 * produces the same IDs and the warehouse stores nothing twice.
 *
 * The hash is MurmurHash3's x86 128-bit mixing over the UTF-16 code units of the parts, fed
 * one part at a time (no joined key string is built): written here because a crypto hash and
 * the string building before it cost more than parsing the line the event came from.
 */
export class SourceHasher {
  /** The four lanes of the hash state. */
  private readonly h = new Int32Array(4);
  /** Code units of the block being filled (eight per round), and how many so far. */
  private readonly block = new Uint16Array(8);
  private filled = 0;
  private length = 0;
  /** The first 32 bits of the last digest, as a number (a cheap map key). */
  lastWord = 0;
  // Scratch space of digest(), which must leave the state as it was.
  private readonly lastH = new Int32Array(4);
  private readonly lastBlock = new Uint16Array(8);

  /** Starts a new ID. */
  reset(): this {
    this.h[0] = 0x9747b28c;
    this.h[1] = 0x1b873593;
    this.h[2] = 0x85ebca6b;
    this.h[3] = 0xc2b2ae35;
    this.filled = 0;
    this.length = 0;
    return this;
  }

  /** Adds a part, then a separator, so that ("ab","c") and ("a","bc") differ; null differs from "". */
  add(text: string | null): this {
    if (text === null) this.unit(0xfffe);
    else {
      const block = this.block;
      let filled = this.filled;
      for (let i = 0; i < text.length; i++) {
        block[filled++] = text.charCodeAt(i);
        if (filled === 8) {
          round(this.h, block);
          filled = 0;
        }
      }
      this.filled = filled;
      this.length += text.length;
    }
    this.unit(0xffff);
    return this;
  }

  addNumber(n: number): this {
    // Whole numbers up to 2^53 as two 26-bit halves and a sign: no string made.
    const abs = Math.abs(n);
    const high = Math.floor(abs / 67_108_864);
    const low = abs - high * 67_108_864;
    this.unit(high & 0xffff);
    this.unit(high >>> 16);
    this.unit(low & 0xffff);
    this.unit(low >>> 16);
    this.unit(n < 0 ? 1 : 2);
    return this;
  }

  /** The 128-bit hash so far as 32 hex digits; more parts can still be added after. */
  digest(): string {
    const h = this.lastH;
    h.set(this.h);
    if (this.filled > 0) {
      const b = this.lastBlock;
      b.set(this.block);
      b.fill(0, this.filled);
      round(h, b);
    }
    const n = this.length;
    let h1 = h[0]! ^ n;
    let h2 = h[1]! ^ n;
    let h3 = h[2]! ^ n;
    let h4 = h[3]! ^ n;
    h1 = (h1 + h2 + h3 + h4) | 0;
    h2 = (h2 + h1) | 0;
    h3 = (h3 + h1) | 0;
    h4 = (h4 + h1) | 0;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h3 = fmix(h3);
    h4 = fmix(h4);
    h1 = (h1 + h2 + h3 + h4) | 0;
    h2 = (h2 + h1) | 0;
    h3 = (h3 + h1) | 0;
    h4 = (h4 + h1) | 0;
    this.lastWord = h1;
    return hex32(h1, h2, h3, h4);
  }

  private unit(c: number): void {
    this.block[this.filled++] = c;
    this.length++;
    if (this.filled === 8) {
      round(this.h, this.block);
      this.filled = 0;
    }
  }
}

/** One MurmurHash3 x86-128 round: four 32-bit words of the block into the four lanes. */
function round(h: Int32Array, b: Uint16Array): void {
  let k1 = b[0]! | (b[1]! << 16);
  let k2 = b[2]! | (b[3]! << 16);
  let k3 = b[4]! | (b[5]! << 16);
  let k4 = b[6]! | (b[7]! << 16);
  let h1 = h[0]!;
  let h2 = h[1]!;
  let h3 = h[2]!;
  let h4 = h[3]!;
  k1 = Math.imul(k1, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  k1 = Math.imul(k1, C2);
  h1 ^= k1;
  h1 = (h1 << 19) | (h1 >>> 13);
  h1 = (h1 + h2) | 0;
  h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
  k2 = Math.imul(k2, C2);
  k2 = (k2 << 16) | (k2 >>> 16);
  k2 = Math.imul(k2, C3);
  h2 ^= k2;
  h2 = (h2 << 17) | (h2 >>> 15);
  h2 = (h2 + h3) | 0;
  h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
  k3 = Math.imul(k3, C3);
  k3 = (k3 << 17) | (k3 >>> 15);
  k3 = Math.imul(k3, C4);
  h3 ^= k3;
  h3 = (h3 << 15) | (h3 >>> 17);
  h3 = (h3 + h4) | 0;
  h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
  k4 = Math.imul(k4, C4);
  k4 = (k4 << 18) | (k4 >>> 14);
  k4 = Math.imul(k4, C1);
  h4 ^= k4;
  h4 = (h4 << 13) | (h4 >>> 19);
  h4 = (h4 + h1) | 0;
  h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  h[0] = h1;
  h[1] = h2;
  h[2] = h3;
  h[3] = h4;
}

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const HEX_DIGITS = '0123456789abcdef';
const hexCodes = new Uint16Array(32);

/** 32 hex digits of four words, made as one flat string (no chain of concatenations). */
function hex32(h1: number, h2: number, h3: number, h4: number): string {
  put(h1, 0);
  put(h2, 8);
  put(h3, 16);
  put(h4, 24);
  return String.fromCharCode.apply(null, hexCodes as unknown as number[]);
}

function put(word: number, at: number): void {
  for (let i = 7; i >= 0; i--) {
    hexCodes[at + i] = HEX_DIGITS.charCodeAt(word & 15);
    word >>>= 4;
  }
}
