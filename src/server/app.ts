import type { FastifyInstance } from 'fastify';
import { createBaseApp } from '../http/app-base.js';
import { userRoutes } from '../http/users-routes.js';
import type { Logger } from '../common/log.js';
import type { InstanceScope, ServerContext } from './context.js';
import { localScope } from './context.js';
import { capabilityRoutes } from './http/capability/routes.js';
import { clientKeyRoutes } from './http/client-key/routes.js';
import { deviceRoutes } from './http/devices/routes.js';
import { featureRoutes } from './http/features/routes.js';
import { healthRoutes } from './http/health/routes.js';
import { failoverRoutes } from './http/failover/routes.js';
import { licenseRoutes } from './http/licenses/routes.js';
import { licenseUpdateRoutes } from './http/license-updates/routes.js';
import { filterRoutes } from './http/filters/routes.js';
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

/**
 * Every API route of a license server instance, under `at.base`: a license server mounts them
 * for itself, a back office once for all the instances it hosts.
 */
export async function registerInstanceRoutes(app: FastifyInstance, at: InstanceScope): Promise<void> {
  await app.register(healthRoutes, { at });
  await app.register(capabilityRoutes, { at });
  await app.register(userRoutes, {
    base: at.base,
    securityOf: (request) => at.of(request).security,
    idleSeconds: (request) => at.of(request).properties.current.security.sessionIdleTimeout,
  });
  await app.register(licenseRoutes, { at });
  await app.register(licenseUpdateRoutes, { at });
  await app.register(featureRoutes, { at });
  await app.register(deviceRoutes, { at });
  await app.register(propertyRoutes, { at });
  await app.register(modelRoutes, { at });
  await app.register(filterRoutes, { at });
  await app.register(reservationRoutes, { at });
  await app.register(clientKeyRoutes, { at });
  await app.register(failoverRoutes, { at });
}

/** Builds the license server's HTTP app (not listening). */
export async function buildServerApp({ ctx, log, bodyLimit, https, branding }: BuildOptions): Promise<FastifyInstance> {
  const app = await createBaseApp({
    title: 'Tally license server API',
    version: ctx.version,
    log,
    securityOf: () => ctx.security,
    corsOrigins: () => ctx.properties.current.security.corsOrigins,
    bodyLimit: bodyLimit ?? 1024 * 1024,
    https: https ?? null,
  });
  await registerInstanceRoutes(app, localScope(ctx));
  await app.register(brandingRoutes, { folder: branding ?? null });
  // Last: its catch-all GET answers only paths no API route took.
  await app.register(webRoutes, { pages: [managerPage('/')] });
  return app;
}
