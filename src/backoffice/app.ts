import type { FastifyInstance } from 'fastify';
import type { Logger } from '../common/log.js';
import { createBaseApp } from '../http/app-base.js';
import { userRoutes } from '../http/users-routes.js';
import { LOCAL_BASE } from '../http/access.js';
import type { BackofficeContext } from './context.js';
import { catalogRoutes } from './http/catalog-routes.js';
import { exchangeRoutes } from './http/exchange-routes.js';
import { exportRoutes } from './http/export-routes.js';
import { importRoutes } from './http/import-routes.js';
import { monitorRoutes } from './http/monitor-routes.js';
import { reportRoutes } from './http/report-routes.js';
import { backofficeRoutes } from './http/routes.js';
import { REPORT_PAGE, managerPage, webRoutes } from '../http/web-routes.js';

/** Builds the back office's HTTP app (not listening). */
export async function buildBackofficeApp(ctx: BackofficeContext, log: Logger, options: { corsOrigins: readonly string[]; idleSeconds: number }): Promise<FastifyInstance> {
  const app = await createBaseApp({ title: 'Tally back office API', version: ctx.version, log, securityOf: () => ctx.security, corsOrigins: () => options.corsOrigins });
  await app.register(userRoutes, { base: LOCAL_BASE, securityOf: () => ctx.security, idleSeconds: () => options.idleSeconds });
  await app.register(backofficeRoutes, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(exportRoutes, { ctx });
  await app.register(importRoutes, { ctx });
  if (ctx.monitors) await app.register(monitorRoutes, { ctx });
  if (ctx.catalog) await app.register(catalogRoutes, { ctx: { ...ctx, catalog: ctx.catalog } });
  await app.register(exchangeRoutes, { ctx });
  // Last: its catch-all GET answers only paths no API route took.
  // The manager is here for the cloud instances the back office hosts.
  await app.register(webRoutes, { pages: [REPORT_PAGE, managerPage('/manager')] });
  return app;
}
