import { describe, expect, it } from 'vitest';
import { SourceHasher } from './source-id.js';

describe('SourceHasher', () => {
  const id = (...parts: Array<string | number | null>) => {
    const h = new SourceHasher().reset();
    for (const p of parts) if (typeof p === 'number') h.addNumber(p);
    else h.add(p);
    return h.digest();
  };

  it('gives 32 hex digits that depend on every part and on where parts end', () => {
    expect(id('a', 'b')).toMatch(/^[0-9a-f]{32}$/);
    expect(id('a', 'b')).toBe(id('a', 'b'));
    expect(id('ab', 'c')).not.toBe(id('a', 'bc'));
    expect(id('a', null)).not.toBe(id('a', ''));
    expect(id('x', 1)).not.toBe(id('x', 2));
    expect(id('x', 1_700_000_000_000)).not.toBe(id('x', 1_700_000_000_001));
  });

  it('goes on after a digest as if the digest had not been taken', () => {
    const h = new SourceHasher().reset().add('instance').add('feature');
    h.digest();
    expect(h.addNumber(1).digest()).toBe(id('instance', 'feature', 1));
  });

  it('spreads near-identical inputs (no collisions among 200,000)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(id('inst', 'cadd', 1_600_000_000_000 + i * 1000, 'checkout', 'solid', `user${i % 7}`));
    expect(seen.size).toBe(200_000);
  });
});
