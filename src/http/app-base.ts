import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../common/log.js';
import type { SecurityOf } from './access.js';
import { installAccessControl } from './access.js';
import { frameworkErrorsWith, installErrorHandling } from './errors.js';

/**
 * The browser policy of every answer of both roles: scripts only from this origin as files
 * (never inline, never eval), nothing may frame the pages, no MIME sniffing, no referrer. Styles
 * may be inline: Material UI (emotion) and the API reference's page set them at run time.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

export interface BaseAppOptions {
  /** Title of the OpenAPI document. */
  title: string;
  version: string;
  log: Logger;
  /** Whose users a request is checked against (see `SecurityOf`). */
  securityOf: SecurityOf;
  /** Browser origins allowed to call the API, read on every request so changes apply at once. */
  corsOrigins: () => readonly string[];
  bodyLimit?: number;
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  https?: { cert: string; key: string } | null;
}

/**
 * The HTTP app every role starts from: JSON only, Zod validation, the one error shape, CORS,
 * security headers, deny-by-default access control and the OpenAPI document at /docs. Roles
 * add their routes.
 */
export async function createBaseApp(options: BaseAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    // pino's Logger and Fastify's logger type differ only in generics; the cast keeps one instance type.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: options.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Handlers log with stable event names, not per-request bindings; skipping the child logger
    // Fastify would make for every request keeps it off the hot path.
    childLoggerFactory: (logger) => logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Prototype poisoning through __proto__ / constructor keys in JSON bodies is refused outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    frameworkErrors: frameworkErrorsWith(SECURITY_HEADERS),
  });
  // onSend runs for every answer: routes, refusals, errors, 404s, static files, CORS preflights.
  // A page may set a wider policy of its own (the manager may call other license servers).
  app.addHook('onSend', async (_request, reply, payload) => {
    const policy = reply.getHeader('content-security-policy');
    void reply.headers(SECURITY_HEADERS);
    if (typeof policy === 'string') void reply.header('content-security-policy', policy);
    return payload;
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; handlers build their responses from typed values, so
  // plain JSON serialization is enough and keeps the hot path fast.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // Every API speaks JSON only: a text body is refused as 415, not parsed as a string.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  app.addHook('onRoute', (route) => {
    // Browsers send CORS preflights without credentials; the docs are public too.
    if (route.method === 'OPTIONS' || route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), access: 'public' };
  });
  // Before access control, so that refusals carry CORS headers a browser can read.
  await app.register(cors, {
    origin: (origin, callback) => {
      const allowed = options.corsOrigins();
      callback(null, origin !== undefined && (allowed.includes('*') || allowed.includes(origin)));
    },
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
    maxAge: 600,
  });
  installAccessControl(app, options.securityOf);
  await app.register(swagger, {
    openapi: {
      info: { title: options.title, version: options.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  return app;
}
