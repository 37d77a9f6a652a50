import type { FastifyInstance } from 'fastify';
import type { Logger } from '../common/log.js';
import { createBaseApp } from '../http/app-base.js';
import { userRoutes } from '../http/users-routes.js';
import type { SecurityOf } from '../http/access.js';
import { LOCAL_BASE } from '../http/access.js';
import { ROLES } from '../auth/admin-security.js';
import { registerInstanceRoutes } from '../server/app.js';
import { HOSTED_BASE } from './hosting/instance-host.js';
import { hostingRoutes } from './http/hosting-routes.js';
import type { BackofficeContext } from './context.js';
import { catalogRoutes } from './http/catalog-routes.js';
import { exchangeRoutes } from './http/exchange-routes.js';
import { exportRoutes } from './http/export-routes.js';
import { importRoutes } from './http/import-routes.js';
import { monitorRoutes } from './http/monitor-routes.js';
import { reportRoutes } from './http/report-routes.js';
import { backofficeRoutes } from './http/routes.js';
import { viewRoutes } from './http/view-routes.js';
import { REPORT_PAGE, managerPage, webRoutes } from '../http/web-routes.js';

/**
 * The back office's own users, except on the routes of a hosted instance: those are checked
 * against the users of the instance the path names, which is loaded if it is not yet.
 */
function hostedOr(ctx: BackofficeContext): SecurityOf {
  return (request) => {
    if (ctx.host && request.routeOptions.url?.startsWith(`${HOSTED_BASE}/`)) {
      const found = ctx.host.resolve(request);
      return found instanceof Promise ? found.then((c) => c.security) : found.security;
    }
    return ctx.security;
  };
}

/** Builds the back office's HTTP app (not listening). */
export async function buildBackofficeApp(ctx: BackofficeContext, log: Logger, options: { corsOrigins: readonly string[]; idleSeconds: number }): Promise<FastifyInstance> {
  const app = await createBaseApp({ title: 'Tally back office API', version: ctx.version, log, securityOf: hostedOr(ctx), corsOrigins: () => options.corsOrigins });
  await app.register(userRoutes, { base: LOCAL_BASE, securityOf: () => ctx.security, idleSeconds: () => options.idleSeconds, roles: ROLES });
  await app.register(backofficeRoutes, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(exportRoutes, { ctx });
  await app.register(viewRoutes, { ctx });
  await app.register(importRoutes, { ctx });
  if (ctx.monitors) await app.register(monitorRoutes, { ctx });
  if (ctx.catalog) await app.register(catalogRoutes, { ctx: { ...ctx, catalog: ctx.catalog } });
  await app.register(exchangeRoutes, { ctx });
  if (ctx.host) {
    const host = ctx.host;
    await app.register(hostingRoutes, { host });
    await registerInstanceRoutes(app, { base: HOSTED_BASE, of: (request) => request.hostedInstance! });
  }
  // Last: its catch-all GET answers only paths no API route took.
  // The manager is here for the cloud instances the back office hosts.
  await app.register(webRoutes, { pages: [REPORT_PAGE, managerPage('/manager')] });
  return app;
}
