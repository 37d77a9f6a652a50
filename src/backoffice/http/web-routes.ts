import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { TallyError } from '../../common/errors.js';

/** The built browser app: `dist/web` at the package root, from both `src/` and `dist/`. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** Paths that belong to the APIs: never answered with the app's page. */
const API_PREFIXES = ['/api/', '/usage/', '/docs'];

/**
 * Serves the report app at `/`: its files as they are (hashed assets cached for a year,
 * gzipped copies when the browser takes them), and its page for every other GET path so that
 * a shared link to a client-side route such as `/denials?accounts=acme` opens.
 */
export const webRoutes: FastifyPluginAsync<{ webDir?: string }> = async (app, options) => {
  const root = options.webDir ?? DEFAULT_WEB_DIR;
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root, serve: false, preCompressed: true, index: false });
  }
  const isFile = (path: string) => {
    // normalize() resolves `..` before the check, so no path leaves the root.
    const file = normalize(join(root, path));
    return file.startsWith(root) && existsSync(file) && statSync(file).isFile();
  };

  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      throw new TallyError('NOT_FOUND', 'No such path (it is not valid URL encoding).');
    }
    if (API_PREFIXES.some((p) => path.startsWith(p))) throw new TallyError('NOT_FOUND', `No route GET ${path}.`);
    if (!built) {
      return reply.code(503).type('text/plain').send('The report app is not built: run `npm run build`, then restart the back office.');
    }
    if (path !== '/' && isFile(path)) {
      const immutable = path.startsWith('/assets/');
      return reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(path.slice(1));
    }
    // A missing asset is a 404, not the page: a browser would otherwise parse HTML as script.
    if (extname(path) !== '') throw new TallyError('NOT_FOUND', `No file ${path}.`);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
};
