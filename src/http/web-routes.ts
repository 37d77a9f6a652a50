import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { TallyError } from '../common/errors.js';
import { SECURITY_HEADERS } from './app-base.js';

/** The built browser apps: `dist/web` at the package root, from both `src/` and `dist/`. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Paths that belong to the APIs: never answered with an app's page. */
const API_PREFIXES = ['/api/', '/usage/', '/docs', '/branding/'];

/** One browser app: the HTML page that answers every client route under `under`. */
export interface WebPage {
  under: string;
  file: 'index.html' | 'manager.html';
  /** The app may call other servers (the manager's Settings can point it at another license server). */
  connectAnywhere?: boolean;
}

/** The report at `/` (the back office's default). */
export const REPORT_PAGE: WebPage = { under: '/', file: 'index.html' };
/** The License Server Manager, at `/` on a license server and under `/manager` on a back office. */
export const managerPage = (under: string): WebPage => ({ under, file: 'manager.html', connectAnywhere: true });

/**
 * Serves the built apps: their files as they are (hashed assets cached for a year, gzipped
 * copies when the browser takes them), and an app's page for every other GET path under its
 * prefix so that a shared link to a client-side route such as `/denials?accounts=acme` opens.
 */
export const webRoutes: FastifyPluginAsync<{ webDir?: string; pages?: WebPage[] }> = async (app, options) => {
  const root = options.webDir ?? DEFAULT_WEB_DIR;
  // Longest prefix first: `/manager/x` is the manager's even when the report owns `/`.
  const pages = [...(options.pages ?? [REPORT_PAGE])].sort((a, b) => b.under.length - a.under.length);
  const built = pages.every((p) => existsSync(join(root, p.file)));
  if (built) {
    await app.register(fastifyStatic, { root, serve: false, preCompressed: true, index: false });
  }
  const isFile = (path: string) => {
    // normalize() resolves `..` before the check, so no path leaves the root.
    const file = normalize(join(root, path));
    return file.startsWith(root) && existsSync(file) && statSync(file).isFile();
  };
  const connectAnywhere = SECURITY_HEADERS['content-security-policy']!.replace("connect-src 'self'", "connect-src 'self' http: https:");

  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      throw new TallyError('NOT_FOUND', 'No such path (it is not valid URL encoding).');
    }
    if (API_PREFIXES.some((p) => path.startsWith(p))) throw new TallyError('NOT_FOUND', `No route GET ${path}.`);
    if (!built) {
      return reply.code(503).type('text/plain').send('The browser app is not built: run `npm run build`, then restart.');
    }
    const page = pages.find((p) => p.under === '/' || path === p.under || path.startsWith(`${p.under}/`));
    if (path !== '/' && isFile(path) && !pages.some((p) => `/${p.file}` === path)) {
      const immutable = path.startsWith('/assets/');
      return reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(path.slice(1));
    }
    // A missing asset is a 404, not the page: a browser would otherwise parse HTML as script.
    if (!page || extname(path) !== '') throw new TallyError('NOT_FOUND', `No file ${path}.`);
    if (page.connectAnywhere) reply.header('content-security-policy', connectAnywhere);
    return reply.header('cache-control', 'no-cache').sendFile(page.file);
  });
};
