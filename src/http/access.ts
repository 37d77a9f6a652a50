import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TallyError } from '../common/errors.js';
import type { AdminSecurity, Principal, Role } from '../auth/admin-security.js';
import { ROLES } from '../auth/admin-security.js';

/** Who may call a route: `public` (no login), or the roles allowed. Routes default to admin only. */
export type Access = 'public' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** false: @fastify/cors skips the route. */
    cors?: false;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    /** Every route with who may call it, for audits and the access tests. */
    registeredRoutes: RegisteredRoute[];
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  access: Access;
}

export const READ_ROLES: readonly Role[] = ['admin', 'read-only', 'reservations'];
/** Who may read the usage report: the readers, and an account-viewer (its own account only). */
export const REPORT_ROLES: readonly Role[] = [...READ_ROLES, 'account-viewer'];
/** Every role: what any logged-in user may do to its own session. */
export const SESSION_ROLES: readonly Role[] = ROLES;

/** Every license server instance's API hangs under this path. */
export const INSTANCES_PREFIX = '/api/1.0/instances/';
/** A license server's own API: `~` is "the server answering". */
export const LOCAL_BASE = `${INSTANCES_PREFIX}~`;

/**
 * Whose users a request is checked against: one set for a license server, or, in a back office
 * hosting instances, the users of the instance the path names. It runs before a public route
 * too, so that it may refuse an instance that does not exist.
 */
export type SecurityOf = (request: FastifyRequest) => AdminSecurity | Promise<AdminSecurity>;

/**
 * A user bound to one account asks only about it, whatever the query says: `accounts` is set
 * to its account before validation, and naming any other account is refused, not ignored.
 */
function bindAccount(request: FastifyRequest, accountId: string): void {
  const query = request.query as Record<string, unknown>;
  const asked = typeof query.accounts === 'string' ? query.accounts.split(',').map((a) => a.trim()).filter(Boolean) : [];
  const others = asked.filter((a) => a !== accountId);
  if (others.length > 0) {
    throw new TallyError('FORBIDDEN', `This user sees only the data of account ${accountId}, not of ${others.join(', ')}.`, [{ field: 'accounts', message: `must be ${accountId} or left out` }]);
  }
  query.accounts = accountId;
}

/**
 * Deny by default: every route needs a bearer token of an allowed role unless it declares
 * itself public, so a route added without thought is closed, not open.
 */
export function installAccessControl(app: FastifyInstance, securityOf: SecurityOf): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access: route.config?.access ?? ['admin'] });
  });
  // A callback hook, not an async one: it runs on every request, capability requests included.
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    // Unknown routes fall through to the not-found handler's 404.
    if (!request.routeOptions.url) {
      done();
      return;
    }
    const check = (security: AdminSecurity) => {
      const access: Access = request.routeOptions.config.access ?? ['admin'];
      if (access === 'public') return;
      const header = request.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
      const principal = security.authenticate(token);
      if (!access.includes(principal.role)) {
        throw new TallyError('FORBIDDEN', `The ${principal.role} role may not do this.`);
      }
      request.principal = principal;
      if (principal.accountId !== null) bindAccount(request, principal.accountId);
    };
    try {
      const security = securityOf(request);
      if (security instanceof Promise) {
        security.then(
          (s) => {
            try {
              check(s);
              done();
            } catch (error) {
              done(error as Error);
            }
          },
          (error: unknown) => done(error as Error),
        );
        return;
      }
      check(security);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}
