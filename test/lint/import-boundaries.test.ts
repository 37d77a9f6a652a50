import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { importBoundaryConfigs } from '../../scripts/import-boundaries.js';

const root = path.resolve(import.meta.dirname, '../..');
const linter = new Linter({ configType: 'flat', cwd: root });
const configs = [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } }, ...importBoundaryConfigs(root)];

/** The import-rule messages ESLint gives `code` written in the file at `file` (relative to the root). */
function problems(file: string, code: string): string[] {
  return linter.verify(code, configs, { filename: path.join(root, file) }).map((m) => m.message);
}

describe('the import rule between contexts', () => {
  it('is the rule the project lints with', async () => {
    const config = (await import(pathToFileURL(path.join(root, 'eslint.config.js')).href)) as { default: { plugins?: Record<string, unknown>; rules?: Record<string, unknown> }[] };
    const entries = config.default;
    expect(entries.some((e) => e.plugins?.boundaries && e.rules?.['boundaries/contexts'])).toBe(true);
  });

  it('keeps the pure domain away from another context, however the path is written', () => {
    for (const spec of ['../server/main.js', './../server/main.js', '../../src/server/main.js', '.././server/main.js']) {
      expect(problems('src/licensing/probe.ts', `import { x } from '${spec}';`)).toEqual([expect.stringContaining('licensing/ must not import from server/')]);
    }
  });

  it('sees dynamic import(), re-exports, require() and import types', () => {
    expect(problems('src/licensing/probe.ts', `export async function f() { return import('../backoffice/main.js'); }`)).toHaveLength(1);
    expect(problems('src/licensing/probe.ts', `export * from '../warehouse/warehouse.js';`)).toHaveLength(1);
    expect(problems('src/licensing/probe.ts', `export { y } from '../cli/main.js';`)).toHaveLength(1);
    expect(problems('src/licensing/probe.ts', `declare const require: (s: string) => unknown; export const m = require('../server/app.js');`)).toHaveLength(1);
    expect(problems('src/common/probe.ts', `export type T = import('../server/app.js').X;`)).toHaveLength(1);
  });

  it('refuses a dynamic import whose path is computed, since it cannot be checked', () => {
    expect(problems('src/licensing/probe.ts', `export async function f(p: string) { return import(p); }`)).toEqual([expect.stringContaining('fixed path')]);
  });

  it('keeps I/O, drivers and frameworks out of the pure domain, with or without node: and subpaths', () => {
    for (const spec of ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'node:net', 'node:child_process', 'better-sqlite3', 'better-sqlite3/lib/database.js', '@duckdb/node-api', '@duckdb/node-api/lib/index.js', 'fastify', '@fastify/static', 'pino/file']) {
      expect(problems('src/licensing/probe.ts', `import x from '${spec}'; export default x;`), spec).toHaveLength(1);
    }
    expect(problems('src/licensing/probe.ts', `export default async () => (await import('node:fs/promises')).readFile;`)).toHaveLength(1);
  });

  it('lets the domain use computation-only modules and its own folder', () => {
    expect(problems('src/licensing/probe.ts', `import { createHash } from 'node:crypto'; import { z } from 'zod'; import { v } from './version.js'; import { e } from '../common/errors.js'; export { createHash, z, v, e };`)).toEqual([]);
  });

  it('lets roles use the domain and data contexts; the back office may host license servers, a license server never uses the back office', () => {
    expect(problems('src/server/probe.ts', `import { a } from '../licensing/capability.js'; import { b } from '../http/app-base.js'; export { a, b };`)).toEqual([]);
    expect(problems('src/server/probe.ts', `import { a } from '../backoffice/app.js'; export { a };`)).toHaveLength(1);
    expect(problems('src/server/probe.ts', `export const f = () => import('../backoffice/main.js');`)).toHaveLength(1);
    expect(problems('src/backoffice/hosting/probe.ts', `import { a } from '../../server/instance.js'; export { a };`)).toEqual([]);
    expect(problems('src/backoffice/probe.ts', `import { a } from '../cli/main.js'; export { a };`)).toHaveLength(1);
  });

  it('lets the client and the browser app import only types from the roles and src/', () => {
    expect(problems('src/client/probe.ts', `import type { A } from '../server/app.js'; export type { A };`)).toEqual([]);
    expect(problems('src/client/probe.ts', `import { type A } from '../server/app.js'; export type { A };`)).toEqual([]);
    expect(problems('src/client/probe.ts', `import { A } from '../server/app.js'; export { A };`)).toEqual([expect.stringContaining('only types')]);
    expect(problems('web/src/report/probe.tsx', `import type { E } from '../../../src/licensing/usage-event.js'; export type { E };`)).toEqual([]);
    expect(problems('web/src/report/probe.tsx', `import { usageEventSchema } from '../../../src/licensing/usage-event.js'; export { usageEventSchema };`)).toEqual([expect.stringContaining('only types')]);
    expect(problems('web/src/report/probe.tsx', `export const p = () => import('../../../src/reports/csv.js');`)).toHaveLength(1);
  });

  it('leaves tests free to reach into every context', () => {
    expect(problems('src/licensing/probe.test.ts', `import { a } from '../server/app.js'; export { a };`)).toEqual([]);
  });
});
