import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../common/log.js';
import type { ServerContext } from './context.js';
import { installAccessControl } from './http/access.js';
import { capabilityRoutes } from './http/capability/routes.js';
import { installErrorHandling } from './http/errors.js';
import { healthRoutes } from './http/health/routes.js';
import { deviceRoutes } from './http/devices/routes.js';
import { featureRoutes } from './http/features/routes.js';
import { licenseRoutes } from './http/licenses/routes.js';
import { propertyRoutes } from './http/properties/routes.js';
import { userRoutes } from './http/users/routes.js';

export interface BuildOptions {
  ctx: ServerContext;
  log: Logger;
  bodyLimit?: number;
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  https?: { cert: string; key: string } | null;
}

/** Builds the license server's HTTP app (not listening): routes, schemas, access control, errors. */
export async function buildServerApp({ ctx, log, bodyLimit, https }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(https ? { https } : {}),
    // pino's Logger and Fastify's logger type differ only in generics; the cast keeps one instance type.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Handlers log with stable event names, not per-request bindings; skipping the child logger
    // Fastify would make for every request keeps it off the hot path.
    childLoggerFactory: (logger) => logger,
    bodyLimit: bodyLimit ?? 1024 * 1024,
    // Prototype poisoning through __proto__ / constructor keys in JSON bodies is refused outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
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
      const allowed = ctx.properties.get('security.corsOrigins') as string[];
      callback(null, origin !== undefined && (allowed.includes('*') || allowed.includes(origin)));
    },
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
    maxAge: 600,
  });
  installAccessControl(app, ctx.security);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Tally license server API', version: ctx.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  await app.register(healthRoutes, { ctx });
  await app.register(capabilityRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  await app.register(licenseRoutes, { ctx });
  await app.register(featureRoutes, { ctx });
  await app.register(deviceRoutes, { ctx });
  await app.register(propertyRoutes, { ctx });
  return app;
}
