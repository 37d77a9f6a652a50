import type { FastifyInstance } from 'fastify';
import { createBaseApp } from '../http/app-base.js';
import { userRoutes } from '../http/users-routes.js';
import type { Logger } from '../common/log.js';
import type { ServerContext } from './context.js';
import { capabilityRoutes } from './http/capability/routes.js';
import { clientKeyRoutes } from './http/client-key/routes.js';
import { deviceRoutes } from './http/devices/routes.js';
import { featureRoutes } from './http/features/routes.js';
import { healthRoutes } from './http/health/routes.js';
import { failoverRoutes } from './http/failover/routes.js';
import { licenseRoutes } from './http/licenses/routes.js';
import { licenseUpdateRoutes } from './http/license-updates/routes.js';
import { modelRoutes } from './http/model/routes.js';
import { propertyRoutes } from './http/properties/routes.js';
import { reservationRoutes } from './http/reservations/routes.js';
import { managerPage, webRoutes } from '../http/web-routes.js';
import type { BrandingFolder } from '../http/branding-routes.js';
import { brandingRoutes } from '../http/branding-routes.js';

export interface BuildOptions {
  ctx: ServerContext;
  log: Logger;
  bodyLimit?: number;
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  https?: { cert: string; key: string } | null;
  /** The producer's branding folder of the License Server Manager, if there is one. */
  branding?: BrandingFolder | null;
}

/** Builds the license server's HTTP app (not listening). */
export async function buildServerApp({ ctx, log, bodyLimit, https, branding }: BuildOptions): Promise<FastifyInstance> {
  const app = await createBaseApp({
    title: 'Tally license server API',
    version: ctx.version,
    log,
    security: ctx.security,
    corsOrigins: () => ctx.properties.current.security.corsOrigins,
    bodyLimit: bodyLimit ?? 1024 * 1024,
    https: https ?? null,
  });
  await app.register(healthRoutes, { ctx });
  await app.register(capabilityRoutes, { ctx });
  await app.register(userRoutes, { security: ctx.security, idleSeconds: () => ctx.properties.current.security.sessionIdleTimeout });
  await app.register(licenseRoutes, { ctx });
  await app.register(licenseUpdateRoutes, { ctx });
  await app.register(featureRoutes, { ctx });
  await app.register(deviceRoutes, { ctx });
  await app.register(propertyRoutes, { ctx });
  await app.register(modelRoutes, { ctx });
  await app.register(reservationRoutes, { ctx });
  await app.register(clientKeyRoutes, { ctx });
  await app.register(failoverRoutes, { ctx });
  await app.register(brandingRoutes, { folder: branding ?? null });
  // Last: its catch-all GET answers only paths no API route took.
  await app.register(webRoutes, { pages: [managerPage('/')] });
  return app;
}
