import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A library loaded on first use. The export libraries (spreadsheets, PDF, charts) take over a
 * second to load, and most processes that include this code — the CLI above all — never export.
 */
// T is the caller's statement of what the library exports; nothing here can check it.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function lazyLibrary<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
