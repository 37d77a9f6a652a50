import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/common/config.js';
import { PROPERTIES } from '../../src/server/properties/registry.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The text of a page without its fenced code blocks, which hold no links or headings. */
const prose = (text: string) => text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

/** Every inline code span of a page. */
const codeSpans = (text: string) => [...prose(text).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** `METHOD /path` of each route the pages name, methods joined by `/` or `|`, paths without their query. */
function documentedRoutes(text: string): Set<string> {
  const routes = new Set<string>();
  for (const span of codeSpans(text)) {
    const match = /^((?:GET|POST|PUT|PATCH|DELETE)(?:[/|](?:GET|POST|PUT|PATCH|DELETE))*) (\/[^\s?]*)/.exec(span);
    if (!match) continue;
    for (const method of match[1]!.split(/[/|]/)) routes.add(`${method} ${match[2]}`);
  }
  return routes;
}

/** Every dotted path of a settings object, down to its values. */
function settingPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => [...(prefix ? [prefix] : []), ...settingPaths(inner, prefix ? `${prefix}.${key}` : key)]);
}

/** Each command of the `tally` program as its words after `tally`, subcommands included. */
function commandPaths(command: Command, parents: string[] = []): string[][] {
  return command.commands.flatMap((sub) => [[...parents, sub.name()], ...commandPaths(sub, [...parents, sub.name()])]);
}

/**
 * The `tally` program. Importing its module runs it with process.argv, so it is imported once
 * with `--version`, which prints the version and does nothing else.
 */
async function tallyProgram(): Promise<Command> {
  const argv = process.argv;
  process.argv = [argv[0]!, 'tally', '--version'];
  try {
    const { buildProgram } = await import('../../src/cli/main.js');
    return buildProgram();
  } finally {
    process.argv = argv;
    process.exitCode = undefined;
  }
}

describe('README.md and docs/', () => {
  it('link only to files that exist, and to headings those files have', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const [, target] of prose(read(page)).replace(/`[^`\n]+`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const linked = file ? path.join(path.dirname(page), file) : page;
        if (!existsSync(path.join(root, linked))) broken.push(`${page}: ${target} (no such file)`);
        else if (anchor !== undefined && !anchors(read(linked)).has(anchor)) broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('name only files and folders of the repository that exist', () => {
    const named = pages.flatMap((page) => codeSpans(read(page)).filter((span) => /^(?:bench|bin|docs|scripts|src|test|web)\/[^\s*<]*$/.test(span)).map((span) => [page, span] as const));
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter(([, file]) => !existsSync(path.join(root, file))).map(([page, file]) => `${page}: ${file}`)).toEqual([]);
  });

  it('link every docs page from the README', () => {
    const readme = read('README.md');
    expect(pages.filter((page) => page !== 'README.md' && !readme.includes(`](${page})`))).toEqual([]);
  });

  it('name every `npm run bench:*` script in docs/performance.md', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts).filter((s) => s.startsWith('bench:'));
    const performance = read('docs/performance.md');
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((s) => !new RegExp(`npm run ${s}(?![\\w:-])`).test(performance))).toEqual([]);
  });

  it('name every property of the license server and every setting of the config file in docs/configuration.md', () => {
    const named = new Set(codeSpans(read('docs/configuration.md')));
    const settings = settingPaths(loadSettings({ env: {} }));
    expect(PROPERTIES.map((p) => p.key).filter((key) => !named.has(key))).toEqual([]);
    expect(settings.filter((setting) => setting.includes('.') && !named.has(setting))).toEqual([]);
  });

  it('name no property or setting in docs/configuration.md that does not exist', () => {
    const known = new Set([...PROPERTIES.map((p) => p.key), ...settingPaths(loadSettings({ env: {} }))]);
    const groups = new Set([...known].map((k) => k.split('.')[0]));
    const dotted = codeSpans(read('docs/configuration.md')).filter((span) => /^[a-zA-Z]+(\.[a-zA-Z]+)+$/.test(span) && groups.has(span.split('.')[0]));
    expect(dotted.filter((span) => !known.has(span))).toEqual([]);
  });

  it('show every command and subcommand of `tally` in a command line', async () => {
    // Lines continued with a backslash are one command line; `node bin/tally.js` is `tally`.
    const text = pages
      .map(read)
      .join('\n')
      .replace(/\\\n\s*/g, ' ')
      .replaceAll('node bin/tally.js ', 'tally ');
    const paths = commandPaths(await tallyProgram());
    expect(paths.length).toBeGreaterThan(30);
    const missing = paths.filter((words) => {
      const leaf = words.at(-1)!;
      const parents = words.slice(0, -1).map((w) => ` ${w}`).join('');
      // `tally admin users list | add NAME | remove NAME` shows three subcommands of `tally admin users`.
      const listed = parents ? `(?:[^|\\n]*\\|\\s*)*` : '';
      return !new RegExp(`\\btally${parents} ${listed}${leaf}(?![\\w-])`).test(text);
    });
    expect(missing.map((words) => `tally ${words.join(' ')}`)).toEqual([]);
  });
});

describe('docs/http-api.md and docs/report-api.md', () => {
  let server: TestServer;
  let backoffice: TestBackoffice;
  beforeAll(async () => {
    [server, backoffice] = await Promise.all([startTestServer(), startTestBackoffice()]);
  });
  afterAll(async () => Promise.all([server.stop(), backoffice.stop()]));

  /** Every route of both roles as `METHOD /path`, parameters written `{name}` as in OpenAPI. */
  const registered = () =>
    [...server.app.registeredRoutes, ...backoffice.app.registeredRoutes]
      // The OpenAPI viewer's own files are not part of the API.
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.url.startsWith('/docs/static/'))
      // A hosted cloud instance answers a license server's routes under its ID: documented once, with `~`.
      .map((r) => `${r.method} ${r.url.replace('/api/1.0/instances/:instanceId/', '/api/1.0/instances/~/').replace(/:(\w+)/g, '{$1}')}`);
  const documented = () => new Set([...documentedRoutes(read('docs/http-api.md')), ...documentedRoutes(read('docs/report-api.md'))]);

  it('list every route the license server and the back office register', () => {
    const routes = registered();
    expect(routes.length).toBeGreaterThan(60);
    const listed = documented();
    expect([...new Set(routes)].filter((route) => !listed.has(route))).toEqual([]);
  });

  it('list no route that neither role registers', () => {
    const routes = new Set(registered());
    // `GET /api/reports/usage-denials/<widget>` stands for the routes listed after it.
    expect([...documented()].filter((route) => !/[<…]/.test(route) && !routes.has(route))).toEqual([]);
  });
});
