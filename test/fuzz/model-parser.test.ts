import { describe, expect, it } from 'vitest';
import { TallyError } from '../../src/common/errors.js';
import { ModelError } from '../../src/licensing/model-definition/model-error.js';
import { parseModel } from '../../src/licensing/model-definition/parser.js';
import { validateModel } from '../../src/licensing/model-definition/validate.js';
import { matches, poolsFor } from '../../src/licensing/pool.js';
import { buildDevice, buildFeature } from '../support/factories.js';
import type { Random } from '../support/random.mjs';
import { seededRandom } from '../support/random.mjs';

const VALID = [
  `model "engineering" {
  partitions {
    partition "eng" { "cad" 2.0 25  "viewer" 1.0 remainder }
    partition "ops" { "cad" 2.0 10% }
  }
  on hostid("7200014F5DF0/ETHERNET", "build-*") or dictionary("dept":"eng") { use "eng" continue }
  on user("alice", ~/^svc-[a-z]+$/i) && !hosttype("TEST") { use "eng" max 2 per user accept }
  on hostname("kiosk-*") { all from "ops" without requested features accept }
  on (hosttype("FLX_CLIENT") or not any()) { use "default" accept }
  /* the rest */ on any() { deny } // done
}`,
  'model "m" { }',
  'model "x" { partitions { partition "p" { "cad" 2.0 1 } } on any() { use "p" accept } }',
];

const PIECES = [
  'model', '"m"', '{', '}', '(', ')', ',', ':', '!', 'partitions', 'partition', '"eng"', '"cad"', '2.0', '25', '25%', '150%',
  'remainder', 'on', 'hostid', 'hostname', 'hosttype', 'user', 'dictionary', 'any', 'not', 'and', 'or', '&&', '||', 'use',
  'all', 'from', 'max', 'per', 'device', 'without', 'requested', 'features', 'accept', 'deny', 'continue', '~/a+/', '~/(x+)+/',
  '~/[/', '~/^(a|a)*$/', '~/(\\w|\\d)*$/', '~/(.*a){20}/', '~/(a)\\1/', '~/(?=a)/', '~/a{1000}/', '"build-*"', '"\\"', '"\\q"', '//c\n', '/*', '*/', '\n', ' ', '\t', '~', '&', '|', '#', '1.2.3', '99999999999', '\u0000', '\u{1F600}',
];

const records = [buildFeature({ name: 'cad', version: '2.0', count: 40 }), buildFeature({ name: 'viewer', version: '1.0', count: 10 })];
const devices = [
  buildDevice('build-7', { alias: 'kiosk-1', user: 'svc-backup', vendorDictionary: { dept: 'eng' } }),
  buildDevice('x', { hostId: { value: '72:00:01:4F:5D:F0', type: 'ETHERNET' }, hostType: 'TEST' }),
  // Runs that make backtracking engines explode on the patterns among the pieces.
  buildDevice('a'.repeat(255), { alias: `${'a'.repeat(255)}!`, user: `${'a1'.repeat(127)}!`, vendorDictionary: { dept: `${'a'.repeat(1023)}!` } }),
];

/**
 * Feeds one input through everything a model goes through: parsing, validation against a
 * server's features, and the rules run for devices. Only a ModelError (or another TallyError
 * from validation) may come out; anything else is a bug.
 */
function exercise(text: string): 'accepted' | 'refused' {
  try {
    const model = parseModel(text);
    for (const rule of model.rules) for (const d of devices) matches(rule.condition, d);
    const plan = validateModel(model, records, Date.parse('2026-06-01T00:00:00Z'));
    for (const d of devices) poolsFor(plan, d);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof TallyError)) throw new Error(`not a clean refusal for ${JSON.stringify(text)}: ${String(error)}`);
    if (error instanceof ModelError) {
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
      expect(error.message).toMatch(/^Line \d+, column \d+: /);
    }
    return 'refused';
  }
}

function mutate(text: string, rnd: Random): string {
  let out = text;
  const edits = 1 + rnd.int(4);
  for (let i = 0; i < edits; i++) {
    const at = rnd.int(out.length + 1);
    switch (rnd.int(5)) {
      case 0: // delete a run
        out = out.slice(0, at) + out.slice(at + 1 + rnd.int(8));
        break;
      case 1: // insert a piece
        out = out.slice(0, at) + rnd.pick(PIECES) + out.slice(at);
        break;
      case 2: // replace a character with any code unit
        out = out.slice(0, at) + String.fromCharCode(rnd.int(0x3000)) + out.slice(at + 1);
        break;
      case 3: // duplicate a run
        out = out.slice(0, at) + out.slice(at, at + rnd.int(30)) + out.slice(at);
        break;
      default: // swap two halves
        out = out.slice(at) + out.slice(0, at);
    }
  }
  return out;
}

describe('the model parser under random and mutated input', () => {
  it('answers 4000 mutations of valid models with a model or a clean error, never a crash or hang', () => {
    const rnd = seededRandom(20_260_601);
    const started = performance.now();
    const outcomes = { accepted: 0, refused: 0 };
    for (let i = 0; i < 4000; i++) outcomes[exercise(mutate(rnd.pick(VALID), rnd))]++;
    // Both kinds happened: the mutations reach past the first token and some survive.
    expect(outcomes.accepted).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(1000);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('answers 3000 random token soups with a clean error', () => {
    const rnd = seededRandom(7);
    for (let i = 0; i < 3000; i++) {
      const n = 1 + rnd.int(60);
      const parts = Array.from({ length: n }, () => rnd.pick(PIECES));
      // Half start like a real model, so the parser gets deep before it fails.
      const text = (i % 2 === 0 ? 'model "m" { ' : '') + parts.join(rnd.next() < 0.5 ? ' ' : '');
      exercise(text);
    }
  });

  it('answers random bytes and pathological sizes with a clean error, quickly', () => {
    const rnd = seededRandom(99);
    for (let i = 0; i < 500; i++) {
      exercise(Array.from({ length: rnd.int(200) }, () => String.fromCharCode(rnd.int(0x10000))).join(''));
    }
    const started = performance.now();
    for (const text of [
      `model "m" { on ${'not '.repeat(50_000)}any() { deny } }`,
      `model "m" { on ${'('.repeat(50_000)}`,
      `model "m" { on any() ${'or any() '.repeat(20_000)}{ deny } }`,
      `model "${'x'.repeat(950 * 1024)}" { }`,
      `model "m" { partitions { partition "p" { ${'"cad" 2.0 1 '.repeat(5000)}} } }`,
      `model "m" { on user("${'*a'.repeat(2000)}") { use "default" accept } }`,
    ]) {
      exercise(text);
    }
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
