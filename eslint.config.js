// Lint rules, including the import rule between contexts (see docs/ARCHITECTURE.md):
// cli → client → server | backoffice → http → auth; server | backoffice → warehouse | importers | reports
// → licensing; common from anywhere.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const contexts = ['cli', 'client', 'server', 'backoffice', 'http', 'auth', 'warehouse', 'importers', 'reports', 'licensing', 'common'];
const forbid = (...names) => names.flatMap((n) => [`../${n}/*`, `../../${n}/*`, `../../../${n}/*`, `../../../../${n}/*`]);
const io = ['node:fs', 'node:fs/promises', 'node:net', 'node:http', 'node:https', 'node:child_process', 'node:os', 'fs', 'net', 'http', 'better-sqlite3', 'fastify', 'pino', '@duckdb/node-api'];

/** One import rule per context: what it must not import. */
const rules = {
  common: { contexts: contexts.filter((c) => c !== 'common'), modules: [] },
  licensing: { contexts: contexts.filter((c) => !['licensing', 'common'].includes(c)), modules: io },
  auth: { contexts: contexts.filter((c) => c !== 'common'), modules: [] },
  http: { contexts: ['cli', 'client', 'server', 'backoffice', 'warehouse', 'importers', 'reports', 'licensing'], modules: [] },
  warehouse: { contexts: ['cli', 'client', 'server', 'backoffice', 'http', 'auth'], modules: [] },
  importers: { contexts: ['cli', 'client', 'server', 'backoffice', 'http', 'auth'], modules: [] },
  reports: { contexts: ['cli', 'client', 'server', 'backoffice', 'http', 'auth'], modules: [] },
  server: { contexts: ['cli', 'client', 'backoffice'], modules: [] },
  backoffice: { contexts: ['cli', 'client', 'server'], modules: [] },
  client: { contexts: ['cli'], modules: [], typeOnly: ['server', 'backoffice'] },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-output/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...Object.entries(rules).map(([context, rule]) => ({
    files: [`src/${context}/**/*.ts`],
    ignores: ['src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: rule.modules.map((name) => ({ name, message: `${context}/ is pure domain: no I/O, drivers or frameworks.` })),
          patterns: [
            { group: forbid(...rule.contexts), message: `${context}/ must not import from this context (see docs/ARCHITECTURE.md).` },
            ...(rule.typeOnly ? [{ group: forbid(...rule.typeOnly), allowTypeImports: true, message: `${context}/ may import only types from this context.` }] : []),
          ],
        },
      ],
    },
  })),
  {
    // The browser app: its own TypeScript project (DOM, JSX); it may import only types from src/.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { parserOptions: { project: './web/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src/*', '!./**', '!../*'], allowTypeImports: true, message: 'web/ may import only types from src/ (see docs/ARCHITECTURE.md).' }] },
      ],
    },
  },
  {
    // Tests and fixtures may reach into every context and use `any` for raw HTTP bodies.
    files: ['test/**/*.ts', 'src/**/*.test.ts', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', performance: 'readonly', fetch: 'readonly' } },
  },
);
