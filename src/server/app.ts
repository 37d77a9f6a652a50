import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../common/log.js';
import type { ServerContext } from './context.js';
import { installAccessControl } from './http/access.js';
import { authorizeRoutes } from './http/authorize/routes.js';
import { capabilityRoutes } from './http/capability/routes.js';
import { installErrorHandling } from './http/errors.js';
import { healthRoutes } from './http/health/routes.js';
import { licenseRoutes } from './http/licenses/routes.js';

export interface BuildOptions {
  ctx: ServerContext;
  log: Logger;
  bodyLimit?: number;
}

/** Builds the license server's HTTP app (not listening): routes, schemas, access control, errors. */
export async function buildServerApp({ ctx, log, bodyLimit }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
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
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; handlers build their responses from typed values, so
  // plain JSON serialization is enough and keeps the hot path fast.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // Every API speaks JSON only: a text body is refused as 415, not parsed as a string.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  installAccessControl(app, ctx.security);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Tally license server API', version: ctx.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), access: 'public' };
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  await app.register(healthRoutes, { ctx });
  await app.register(capabilityRoutes, { ctx });
  await app.register(authorizeRoutes, { ctx });
  await app.register(licenseRoutes, { ctx });
  return app;
}
