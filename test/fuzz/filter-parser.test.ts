import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFilter, refusalText } from '../../src/licensing/checkout-filter/decide.js';
import { FilterError } from '../../src/licensing/checkout-filter/filter-error.js';
import { parseFilter } from '../../src/licensing/checkout-filter/parser.js';
import { buildDevice } from '../support/factories.js';
import type { Random } from '../support/random.mjs';
import { seededRandom } from '../support/random.mjs';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, startTestServer } from '../support/test-server.js';

const VALID = [
  `filter "site rules" {
  timezone "Europe/Berlin"
  allow feature("cad") and hostid("7200014F5DF0/ETHERNET", "build-*")
  deny feature("cad*", ~/^cam-/i) && devicetype(VIRTUAL, CONTAINER) because "workstations only"
  deny version(< 2.0, 3.0-3.5, >= 9.1) and !dictionary("dept":"legacy", "tier":2)
  /* out of hours */ deny user(~/^svc-[a-z]+$/) and not (days(mon-fri) and hours(07:00-19:30, 22:00-02:00))
  allow hostidtype(VM_UUID) or hostname("kiosk-*") or hosttype("FLX_CLIENT") // done
  default deny
}`,
  'filter "f" { }',
  'filter "x" { deny any() because "closed" }',
];

const PIECES = [
  'filter', '"f"', '{', '}', '(', ')', ',', ':', '!', '-', '<', '>', '=', '>=', '<=', 'allow', 'deny', 'default', 'because', 'timezone',
  '"UTC"', '"Mars/Base"', 'feature', 'version', 'hostid', 'hostidtype', 'hostname', 'hosttype', 'devicetype', 'user', 'dictionary',
  'days', 'hours', 'any', 'not', 'and', 'or', '&&', '||', 'mon', 'fri', 'sunday', 'VIRTUAL', 'ETHERNET', '08:00', '24:00', '99:99',
  '2.0', '3.5', '1.2.3', '99999999999', '~/a+/', '~/(a)\\1/', '~/(?=a)/', '~/a{1000}/', '~/[/', '"build-*"', '"\\"', '"\\q"', '//c\n',
  '/*', '*/', '\n', ' ', '\t', '~', '&', '|', '#', '\u0000', '\u{1F600}',
];

const NOW = Date.parse('2026-06-03T12:00:00Z');
const devices = [
  buildDevice('build-7', { alias: 'kiosk-1', user: 'svc-backup', deviceType: 'VIRTUAL', vendorDictionary: { dept: 'eng', tier: 2 } }),
  buildDevice('x', { hostId: { value: '72:00:01:4F:5D:F0', type: 'ETHERNET' }, hostType: 'TEST' }),
  // Runs that make backtracking engines explode on the patterns among the pieces.
  buildDevice('a'.repeat(255), { alias: `${'a'.repeat(255)}!`, user: `${'a1'.repeat(127)}!`, vendorDictionary: { dept: `${'a'.repeat(1023)}!` } }),
];

/** Parses one input and runs it for every device; only a FilterError may come out. */
function exercise(text: string): 'accepted' | 'refused' {
  try {
    const filter = parseFilter(text);
    for (const device of devices) {
      for (const [feature, version] of [['cad', '2.0'], ['cam-x', '3.2']] as const) {
        const v = checkFilter(filter, { device, feature, version }, NOW);
        if (v.action === 'deny') expect(refusalText(filter, v)).toMatch(/^Checkout filter "/);
      }
    }
    return 'accepted';
  } catch (error) {
    if (!(error instanceof FilterError)) throw new Error(`not a clean refusal for ${JSON.stringify(text)}: ${String(error)}`);
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.message).toMatch(/^Line \d+, column \d+: /);
    return 'refused';
  }
}

function mutate(text: string, rnd: Random): string {
  let out = text;
  const edits = 1 + rnd.int(4);
  for (let i = 0; i < edits; i++) {
    const at = rnd.int(out.length + 1);
    switch (rnd.int(5)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + rnd.int(8));
        break;
      case 1:
        out = out.slice(0, at) + rnd.pick(PIECES) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + String.fromCharCode(rnd.int(0x3000)) + out.slice(at + 1);
        break;
      case 3:
        out = out.slice(0, at) + out.slice(at, at + rnd.int(30)) + out.slice(at);
        break;
      default:
        out = out.slice(at) + out.slice(0, at);
    }
  }
  return out;
}

describe('the checkout filter parser under random and mutated input', () => {
  it('answers 4000 mutations of valid filters with a filter or a clean error, never a crash or hang', () => {
    const rnd = seededRandom(20_260_603);
    const started = performance.now();
    const outcomes = { accepted: 0, refused: 0 };
    for (let i = 0; i < 4000; i++) outcomes[exercise(mutate(rnd.pick(VALID), rnd))]++;
    expect(outcomes.accepted).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(1000);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('answers 3000 random token soups with a clean error', () => {
    const rnd = seededRandom(67);
    for (let i = 0; i < 3000; i++) {
      const parts = Array.from({ length: 1 + rnd.int(60) }, () => rnd.pick(PIECES));
      exercise((i % 2 === 0 ? 'filter "f" { ' : '') + parts.join(rnd.next() < 0.5 ? ' ' : ''));
    }
  });

  it('answers random characters and pathological sizes with a clean error, quickly', () => {
    const rnd = seededRandom(99);
    for (let i = 0; i < 500; i++) exercise(Array.from({ length: rnd.int(200) }, () => String.fromCharCode(rnd.int(0x10000))).join(''));
    const started = performance.now();
    for (const text of [
      `filter "f" { deny ${'not '.repeat(50_000)}any() }`,
      `filter "f" { deny ${'('.repeat(50_000)}`,
      `filter "f" { deny any() ${'or any() '.repeat(20_000)}}`,
      `filter "${'x'.repeat(300 * 1024)}" { }`,
      `filter "f" { ${'deny user("x") '.repeat(2000)}}`,
      `filter "f" { deny user("${'*a'.repeat(2000)}") }`,
      `filter "f" { deny hours(${'08:00-09:00, '.repeat(5000)}10:00-11:00) }`,
    ]) {
      exercise(text);
    }
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('the checkout filter endpoints under mutated bodies', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ features: [{ name: 'cad', version: '2.0', count: 3, expiry: 'permanent' }] });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => server.stop());

  it('answers every mutated filter with 200 or a 4xx in the one error shape, never a 5xx, and keeps deciding requests', async () => {
    const rnd = seededRandom(6767);
    const odd: unknown[] = [null, true, 0, 1.5, '', [], {}, { text: 5 }, { text: VALID[0], extra: 1 }];
    for (let i = 0; i < 300; i++) {
      const roll = rnd.next();
      const body = roll < 0.1 ? rnd.pick(odd) : { text: mutate(rnd.pick(VALID), rnd) };
      const method = rnd.next() < 0.5 ? 'PUT' : 'POST';
      const res = await server.call(method, `/api/1.0/instances/~/filters${method === 'POST' ? '/validate' : ''}`, body, auth);
      if (res.status !== 200) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), details: expect.any(Array) });
      }
      if (i % 20 === 0) {
        const decided = await server.post(CAPABILITY, { device: { hostId: { value: 'fuzz', type: 'STRING' }, deviceType: 'VIRTUAL', user: 'svc-a' }, features: [{ name: 'cad', version: '2.0', count: 1 }] });
        expect(decided.status).toBe(200);
        expect(decided.body.denied.every((d: { code: number }) => [67, 7].includes(d.code))).toBe(true);
      }
    }
    // What is active is what the last successful PUT stored, and it reads again.
    const active = await server.get('/api/1.0/instances/~/filters', auth);
    if (active.status === 200) expect(() => parseFilter(active.body.text)).not.toThrow();
    else expect(active.body.error).toBeInstanceOf(Object);
  });
});
