import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
/** The one random source every test and benchmark draws from. */
const RANDOM_SOURCE = 'test/support/random.mjs';

/** Hand-written random generators, by their usual names, constants and steps. */
const GENERATOR_PATTERNS = [
  /\bfunction\s+rand\w*\s*\(/,
  /\b(mulberry|xorshift|xoshiro|splitmix|sfc32)\w*/i,
  /\bMath\.imul\s*\(/,
  /\b(1_?103_?515_?245|1_?664_?525|22_?695_?477|0x6d2b79f5|0x9e3779b9)\b/i,
  /\b(\w+)\s*\^=\s*\1\s*(<<|>>>)/,
  /\bseed\s*=\s*\(?\s*seed\s*\*/,
];

/**
 * Test and benchmark files: everything under test/ and bench/, and the tests beside the code;
 * not the lint tests, which hold the code they check as text.
 */
function testFiles(): string[] {
  const under = (dir: string) => readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => path.posix.join(dir, f.split(path.sep).join('/')));
  return [
    ...under('test').filter((f) => /\.(ts|tsx|mjs|js)$/.test(f)),
    ...under('bench').filter((f) => /\.(ts|mjs|js)$/.test(f)),
    ...['src', 'web/src'].flatMap(under).filter((f) => /\.test\.tsx?$/.test(f)),
  ].filter((f) => f !== RANDOM_SOURCE && !f.startsWith('test/lint/'));
}

/** The lines of `text` that look like a random generator of its own. */
function ownGenerators(text: string): string[] {
  return text.split('\n').filter((line) => GENERATOR_PATTERNS.some((p) => p.test(line)));
}

/**
 * Relative imports of `file` that reach into another test file: anything under test/ but
 * test/support/, or any `.test.` file. A contract (`*-contract.ts`) is imported by the engine
 * tests beside it that run it, and by nothing else.
 */
function importsFromOtherTests(file: string, text: string): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.filter((spec) => {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    if (/\.test\.[a-z]+$/.test(target)) return true;
    if (!target.startsWith('test/') || target.startsWith('test/support/')) return false;
    return !(/-contract\.[a-z]+$/.test(target) && path.posix.dirname(target) === path.posix.dirname(file) && !file.startsWith('test/support/'));
  });
}

describe('test support: one random source and one definition of each helper', () => {
  it('lets no test or benchmark write a random generator of its own', () => {
    const found = testFiles().flatMap((f) => ownGenerators(readFileSync(path.join(root, f), 'utf8')).map((line) => `${f}: ${line.trim()}`));
    expect(found, `draw from seededRandom in ${RANDOM_SOURCE} instead`).toEqual([]);
  });

  it('lets tests and benchmarks import helpers from test/support/ only, not from another test or contract', () => {
    const found = testFiles().flatMap((f) => importsFromOtherTests(f, readFileSync(path.join(root, f), 'utf8')).map((spec) => `${f}: ${spec}`));
    expect(found, 'move the helper to test/support/').toEqual([]);
  });

  it('recognises the usual hand-written generators and lets the shared source be used', () => {
    const written = [
      'function random(seed: number) {',
      'const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);',
      'function mulberry32(a) {',
      '  t = Math.imul(t ^ (t >>> 15), t | 1);',
      '  x ^= x << 13;',
      '  state = (state * 1664525 + 1013904223) >>> 0;',
    ];
    for (const line of written) expect(ownGenerators(line), line).toEqual([line]);
    expect(ownGenerators("const { next: random, pick } = seededRandom(11);\nconst roll = random() < 0.2 ? 'deny' : 'checkout';")).toEqual([]);
  });

  it('recognises an import from another test or a contract, written in any form', () => {
    expect(importsFromOtherTests('test/integration/a.test.ts', "import { buildEvent } from '../warehouse/warehouse-contract.js';")).toHaveLength(1);
    expect(importsFromOtherTests('test/e2e/a.test.ts', "const { x } = await import('../integration/b.test.js');")).toHaveLength(1);
    expect(importsFromOtherTests('src/licensing/a.test.ts', "export { cad } from './pool.test.js';")).toHaveLength(1);
    expect(importsFromOtherTests('test/support/report-data.ts', "import { buildEvent } from '../warehouse/warehouse-contract.js';")).toHaveLength(1);
    expect(importsFromOtherTests('bench/a.mjs', "import { reportScenario } from '../test/e2e/scenario.js';")).toHaveLength(1);
    expect(importsFromOtherTests('test/warehouse/duckdb-warehouse.test.ts', "import { describeWarehouseContract } from './warehouse-contract.js';")).toEqual([]);
    expect(importsFromOtherTests('src/licensing/pool.test.ts', "import { buildFeature } from '../../test/support/factories.js';\nimport { parseModel } from './model-definition/parser.js';")).toEqual([]);
  });
});
