import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileCheck } from './schema-check.js';
import { text, WELL_FORMED_MESSAGE } from './text.js';

describe('well-formed text', () => {
  const schema = z.object({ name: text().max(16) });
  const compiled = compileCheck(schema);

  it.each([
    ['plain text', 'alice'],
    ['accents and CJK', 'Zoë 王'],
    ['a surrogate pair (an emoji)', 'ok 😀'],
    ['empty text', ''],
  ])('accepts %s, parsed and compiled alike', (_why, value) => {
    expect(schema.safeParse({ name: value }).success).toBe(true);
    expect(compiled({ name: value })).toBe(true);
  });

  it.each([
    ['a lone high surrogate', '\ud800X'],
    ['a lone low surrogate', 'X\udc00'],
    ['a pair written the wrong way round', '\ude00\ud83d'],
    ['half a pair at the end', 'ok \ud83d'],
  ])('refuses %s, naming the field, parsed and compiled alike', (_why, value) => {
    expect(schema.safeParse({ name: value }).error?.issues).toEqual([expect.objectContaining({ path: ['name'], message: WELL_FORMED_MESSAGE })]);
    expect(compiled({ name: value })).toBe(false);
  });
});
