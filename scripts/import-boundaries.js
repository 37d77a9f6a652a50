// The import rule between contexts (see docs/ARCHITECTURE.md) as an ESLint rule that resolves
// every module reference — static imports, re-exports, dynamic import(), require(), and type
// references written as import('…') — to the folder it lands in, whatever way the path is
// written (`../x`, `./../x`, `../../src/x`), and to the package it names (`node:fs/promises`
// is `fs`, `better-sqlite3/lib/x` is `better-sqlite3`).
import path from 'node:path';

export const contexts = ['cli', 'client', 'server', 'backoffice', 'http', 'auth', 'warehouse', 'importers', 'reports', 'licensing', 'common'];

/** Packages that mean I/O, a driver or a framework: the pure domain must not reach them. */
export const ioPackages = [
  'fs', 'net', 'http', 'https', 'http2', 'child_process', 'os', 'dgram', 'tls', 'worker_threads', 'cluster', 'readline', 'zlib',
  'better-sqlite3', 'fastify', 'pino', '@duckdb/node-api',
];
const ioScopes = ['@fastify/', '@duckdb/'];

/** What each context must not import: other contexts, packages, and contexts it may use for types only. */
export const boundaries = {
  common: { contexts: contexts.filter((c) => c !== 'common'), packages: [] },
  licensing: { contexts: contexts.filter((c) => !['licensing', 'common'].includes(c)), packages: ioPackages },
  auth: { contexts: contexts.filter((c) => c !== 'common'), packages: [] },
  http: { contexts: ['cli', 'client', 'server', 'backoffice', 'warehouse', 'importers', 'reports', 'licensing'], packages: [] },
  warehouse: { contexts: ['cli', 'client', 'server', 'backoffice', 'http', 'auth'], packages: [] },
  importers: { contexts: ['cli', 'client', 'server', 'backoffice', 'http', 'auth'], packages: [] },
  reports: { contexts: ['cli', 'client', 'server', 'backoffice', 'http', 'auth'], packages: [] },
  server: { contexts: ['cli', 'client', 'backoffice'], packages: [] },
  // The back office hosts cloud license server instances: it may use server/, never the other way.
  backoffice: { contexts: ['cli', 'client'], packages: [] },
  client: { contexts: ['cli'], packages: [], typeOnly: ['server', 'backoffice'] },
  // The browser app may import only types from src/ (any context).
  web: { contexts: [], packages: [], typeOnly: [...contexts] },
};

/** The package a bare specifier names: `node:fs/promises` → `fs`, `@scope/pkg/sub` → `@scope/pkg`. */
export function packageOf(specifier) {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The context a file belongs to: `src/<context>/…` or `web/…`, else undefined. */
export function contextOf(file, root) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'web') return 'web';
  if (rel[0] === 'src' && rel.length > 2 && contexts.includes(rel[1])) return rel[1];
  return undefined;
}

/**
 * Why `specifier`, imported from `file`, breaks the rule (or undefined when it does not).
 * `typeOnly` says the reference brings in types and no code.
 */
export function violation(file, specifier, typeOnly, root) {
  const from = contextOf(file, root);
  const rule = from && boundaries[from];
  if (!rule) return undefined;
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    const target = contextOf(path.resolve(path.dirname(file), specifier), root);
    if (!target || target === from || target === 'web') return undefined;
    if (rule.contexts.includes(target)) return `${from}/ must not import from ${target}/ (see docs/ARCHITECTURE.md).`;
    if (rule.typeOnly?.includes(target) && !typeOnly) return `${from}/ may import only types from ${target}/ (see docs/ARCHITECTURE.md).`;
    return undefined;
  }
  const pkg = packageOf(specifier);
  if (typeOnly) return undefined;
  if (rule.packages.includes(pkg) || (rule.packages.length > 0 && ioScopes.some((s) => pkg.startsWith(s)))) {
    return `${from}/ is pure domain: no I/O, drivers or frameworks (${specifier}).`;
  }
  return undefined;
}

const allTypes = (node) =>
  node.importKind === 'type' || node.exportKind === 'type' || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports between contexts follow docs/ARCHITECTURE.md.' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.filename;
    const check = (node, source, typeOnly) => {
      if (source?.type === 'Literal' && typeof source.value === 'string') {
        const message = violation(file, source.value, typeOnly, root);
        if (message) context.report({ node, message });
      } else if (source?.type === 'TemplateLiteral' && source.expressions.length === 0) {
        check(node, { type: 'Literal', value: source.quasis[0].value.cooked }, typeOnly);
      } else if (contextOf(file, root)) {
        context.report({ node, message: 'Import a module by a fixed path, so the import rule can check it.' });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source, allTypes(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source, allTypes(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
      TSImportType: (node) => {
        const source = node.source ?? (node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument);
        check(node, source, true);
      },
      TSExternalModuleReference: (node) => check(node, node.expression, false),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) check(node, node.arguments[0], false);
      },
    };
  },
};

export const importBoundariesPlugin = { rules: { contexts: rule } };

/** The flat-config entries that apply the rule to src/ (tests excepted) and web/. */
export function importBoundaryConfigs(root) {
  return [
    {
      files: ['src/**/*.ts', 'web/**/*.ts', 'web/**/*.tsx'],
      ignores: ['src/**/*.test.ts'],
      plugins: { boundaries: importBoundariesPlugin },
      rules: { 'boundaries/contexts': ['error', { root }] },
    },
  ];
}
