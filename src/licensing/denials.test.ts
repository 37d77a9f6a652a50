import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DENIAL, DENIAL_CODES, DENIALS, NOT_A_DENIAL, denialSchema, deny } from './denials.js';

describe('DENIAL', () => {
  it('names every code of the DENIALS table and nothing else', () => {
    expect(Object.entries(DENIAL).map(([name, code]) => [String(code), name])).toEqual(
      Object.entries(DENIALS).map(([code, entry]) => [code, entry.name]),
    );
  });

  it('builds with deny() for every code a denial the capability response schema accepts, and no other code', () => {
    for (const code of DENIAL_CODES) expect(denialSchema.parse(deny(code, 'cad', '1.0', 1))).toMatchObject({ code, name: DENIALS[code].name });
    expect(denialSchema.safeParse({ ...deny(DENIAL.EXPIRED, 'cad', '1.0', 1), code: 99 }).success).toBe(false);
  });

  it('counts a malformed request (BAD_REQUEST) as no denial', () => {
    expect([...NOT_A_DENIAL]).toEqual([DENIAL.BAD_REQUEST]);
  });
});

const SRC = join(import.meta.dirname, '..');
const CODE = `(?:${Object.keys(DENIALS).join('|')})`;
/** Ways a denial code gets written as a bare number. */
const BARE_CODE = [
  new RegExp(`\\w*[cC]ode\\s*(?:[!=]==?|<>|:|=(?!=))\\s*${CODE}\\b(?!\\s*[-+*/%.])`), // code === 7, statusCode: 15, status_code <> 51
  new RegExp(`\\w*[cC]ode\\s*=(?!=)[^;\\n]*?[?:]\\s*${CODE}\\s*[:;]`), // code = … ? 81 : 7
  new RegExp(`(?<![\\w.-])${CODE}\\s*[!=]==?\\s*\\w*[cC]ode\\b`), // 7 === code
  new RegExp(`\\b(?:deny|refuse|denialReason)\\([^;\\n]*?(?<![\\w.-])${CODE}\\s*[,)]`), // deny(51, …), refuse(d, f, 15)
  new RegExp(`'deny'[^;\\n]*?[(,]\\s*${CODE}\\s*\\)`), // record(…, 'deny', …, 15)
  new RegExp(`^\\s*\\[[^\\]\\n]*,\\s*${CODE}\\s*\\],`, 'm'), // [-4, 7], in a reason → code map
  new RegExp(`'statusCode'[^;\\n]*?'${CODE}'`), // { column: 'statusCode', op: '!=', value: '51' }
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Lines of a file that write a denial code as a bare number, comments left out. */
function bareDenialCodes(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[\s,;(])\/\/.*$/gm, '$1');
  return code.split('\n').filter((line) => BARE_CODE.some((re) => re.test(line)));
}

describe('denial codes in src/', () => {
  it('are written by name everywhere outside denials.ts: no code === 7, statusCode: 15, deny(51, …) or [-4, 7] reason maps', () => {
    const found = sourceFiles(SRC)
      .filter((path) => !path.endsWith(join('licensing', 'denials.ts')))
      .flatMap((path) => bareDenialCodes(readFileSync(path, 'utf8')).map((line) => `${relative(SRC, path)}: ${line.trim()}`));
    expect(found).toEqual([]);
  });

  it('are found by that scan when written as numbers', () => {
    const written = [
      'if (named.length === 0) return refuse(d, desired, 15);',
      'return refuse(d, desired, anyExpired ? 11 : 10);',
      "const code = source && maxWasTheLimit(source) ? 81 : kind === 'lease' ? 7 : 58;",
      'deny(51, desired.name, desired.version, -desired.count,',
      'if (e.statusCode === 7) continue;',
      "FROM ${facts} e WHERE ${where} AND e.status_code <> 51 GROUP BY 1`,",
      'const denied = { code: 15, name };',
      "this.summary.denialReason(reasonText(u.reason ?? ''), 15);",
      "this.hold(this.record(d, name, 'deny', u, u.checkoutData, 0, 15), d);",
      "conditions.push({ column: 'statusCode', op: '!=', value: '51' });",
      '  [-4, 7], // licensed number of users already reached',
      '  [/in use|too many|reserved/i, 7],',
    ];
    expect(written.filter((line) => bareDenialCodes(line).length === 0)).toEqual([]);
  });
});
