/**
 * Event IDs of imported events, derived from what the source says rather than drawn at random,
 * so that importing the same lines again (the same file, or a longer copy of a growing log)
 * produces the same IDs and the warehouse stores nothing twice.
 *
 * The hash is MurmurHash3 (x86, 128-bit) over the UTF-16 code units of the text: written here
 * because a crypto hash per event costs more than parsing the line it came from.
 */
export function sourceEventId(text: string): string {
  let h1 = 0x9747b28c;
  let h2 = 0x1b873593 ^ text.length;
  let h3 = 0x85ebca6b;
  let h4 = 0xc2b2ae35;
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  const n = text.length;
  let i = 0;
  // Eight code units (four 32-bit words) per round.
  for (; i + 8 <= n; i += 8) {
    let k1 = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    let k2 = text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16);
    let k3 = text.charCodeAt(i + 4) | (text.charCodeAt(i + 5) << 16);
    let k4 = text.charCodeAt(i + 6) | (text.charCodeAt(i + 7) << 16);
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, c2);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, c3);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, c3);
    k3 = (k3 << 17) | (k3 >>> 15);
    k3 = Math.imul(k3, c4);
    h3 ^= k3;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, c4);
    k4 = (k4 << 18) | (k4 >>> 14);
    k4 = Math.imul(k4, c1);
    h4 ^= k4;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  // The tail, folded one code unit at a time into all four lanes.
  for (; i < n; i++) {
    const k = Math.imul(text.charCodeAt(i) + 1, c1);
    h1 = Math.imul(h1 ^ k, c2);
    h2 = Math.imul(h2 ^ ((k << 13) | (k >>> 19)), c3);
    h3 = Math.imul(h3 ^ ((k << 7) | (k >>> 25)), c4);
    h4 = Math.imul(h4 ^ ((k << 21) | (k >>> 11)), c1);
  }
  h1 ^= n;
  h2 ^= n;
  h3 ^= n;
  h4 ^= n;
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
  return hex8(h1) + hex8(h2) + hex8(h3) + hex8(h4);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function hex8(h: number): string {
  return (h >>> 0).toString(16).padStart(8, '0');
}
