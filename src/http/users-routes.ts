import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { text } from '../common/text.js';
import type { AdminSecurity, Principal, Role } from '../auth/admin-security.js';
import { ROLES, SERVER_ROLES, userAccountSchema, userNameSchema, userViewSchema } from '../auth/admin-security.js';
import type { RegisteredRoute } from './access.js';
import { INSTANCES_PREFIX, LOCAL_BASE, SESSION_ROLES } from './access.js';
import { errorBodySchema } from './errors.js';
import { pageSchema, pagingQuery } from './paging.js';

const withPassword = z.object({ user: userViewSchema, oneTimePassword: z.string().describe('shown once; the user must change it at first login') });
const nameParam = z.object({ name: userNameSchema });
const newPassword = text().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters');
const session = z.object({
  token: z.string(),
  user: z.string(),
  role: z.enum(ROLES),
  account: z.string().nullable().describe('the one account an account-viewer sees; null for other roles'),
  idleTimeoutSeconds: z.number(),
  may: z.array(z.string()).describe('every route this role may call beyond the public ones, as `METHOD /path` with `:param` placeholders, so that a client can hide what it would be refused'),
});
/** What logging in answers: the bearer token and who it is for. */
export type SessionBody = z.infer<typeof session>;

/** Administrative users, roles, passwords and sessions. */
export interface UserRoutesOptions {
  /** The path the users' routes hang under: `/api/1.0/instances/~`, or a hosted instance's. */
  base: string;
  /** Whose users a request is about: the server's, or those of the hosted instance it names. */
  securityOf: (request: FastifyRequest) => AdminSecurity;
  /** The session idle timeout in force, in seconds. */
  idleSeconds: (request: FastifyRequest) => number;
  /** The roles a user may be given here (default: a license server's). */
  roles?: readonly [Role, ...Role[]];
}

/** The routes a session of `base` may be told about, named as the web app asks for them (with `~`). */
function routesUnder(routes: readonly RegisteredRoute[], base: string): RegisteredRoute[] {
  if (base === LOCAL_BASE) return routes.filter((r) => !r.url.startsWith(INSTANCES_PREFIX) || r.url.startsWith(LOCAL_BASE));
  return routes.filter((r) => r.url.startsWith(`${base}/`)).map((r) => ({ ...r, url: `${LOCAL_BASE}${r.url.slice(base.length)}` }));
}

/** The same on every role that has administrators: the license server and the back office. */
export const userRoutes: FastifyPluginAsyncZod<UserRoutesOptions> = async (app, { base, securityOf, idleSeconds, roles = SERVER_ROLES }) => {
  const admin = { access: ['admin'] as const };
  const role = z.enum(roles, { error: `must be one of ${roles.join(', ')}` });
  const account = userAccountSchema.optional().describe('account-viewer only: the one account whose data it sees');
  // Read from the routes' own access rules when asked, so it can never disagree with them.
  const may = (role: Role) =>
    routesUnder(app.registeredRoutes, base).filter((r) => r.access !== 'public' && r.method !== 'HEAD' && r.access.includes(role)).map((r) => `${r.method} ${r.url}`);
  const answer = (request: FastifyRequest, token: string, principal: Principal) => ({
    token,
    user: principal.name,
    role: principal.role,
    account: principal.accountId,
    idleTimeoutSeconds: idleSeconds(request),
    may: may(principal.role),
  });

  app.post(
    `${base}/authorize`,
    {
      config: { access: 'public' },
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['security'],
        summary: 'Log in: user and password in, bearer token out',
        body: z.object({ user: z.string().min(1).max(128), password: z.string().min(1).max(1024) }).strict(),
        response: { 200: session, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request) => {
      const { token, principal } = await securityOf(request).authorize(request.body.user, request.body.password);
      return answer(request, token, principal);
    },
  );

  app.post(
    `${base}/reset-password`,
    {
      config: { access: 'public' },
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['security'],
        summary: 'First login or after a reset: the current password and a new one; logs in',
        body: z.object({ user: z.string().min(1).max(128), currentPassword: z.string().min(1).max(1024), newPassword }).strict(),
        response: { 200: session, 400: errorBodySchema, 401: errorBodySchema },
      },
    },
    async (request) => {
      const { user, currentPassword, newPassword: next } = request.body;
      const { token, principal } = await securityOf(request).resetPassword(user, currentPassword, next);
      return answer(request, token, principal);
    },
  );

  app.put(
    `${base}/users/me/password`,
    {
      config: { access: SESSION_ROLES },
      bodyLimit: 16 * 1024,
      schema: { tags: ['security'], summary: 'Change your own password (no current password needed while logged in)', body: z.object({ newPassword }).strict(), response: { 204: z.null(), 400: errorBodySchema } },
    },
    async (request, reply) => {
      await securityOf(request).changeOwnPassword(request.principal!, request.body.newPassword);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/logout`,
    { config: { access: SESSION_ROLES }, schema: { tags: ['security'], summary: 'End this session', response: { 204: z.null() } } },
    async (request, reply) => {
      securityOf(request).logout(request.principal!);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/users`,
    { config: admin, schema: { tags: ['security'], querystring: pagingQuery, response: { 200: pageSchema(userViewSchema) } } },
    async (request) => {
      const { page, pageSize } = request.query;
      return { page, pageSize, ...securityOf(request).users((page - 1) * pageSize, pageSize) };
    },
  );

  app.post(
    `${base}/users`,
    {
      config: admin,
      schema: { tags: ['security'], summary: 'Add a user; answers its one-time password once', body: z.object({ name: userNameSchema, role, account }).strict(), response: { 201: withPassword, 400: errorBodySchema, 409: errorBodySchema } },
    },
    async (request, reply) => {
      const { user, password } = await securityOf(request).createUser(request.body.name, request.body.role, request.principal!.name, request.body.account ?? null);
      return reply.code(201).send({ user, oneTimePassword: password });
    },
  );

  app.get(
    `${base}/users/:name`,
    { config: admin, schema: { tags: ['security'], params: nameParam, response: { 200: userViewSchema, 404: errorBodySchema } } },
    async (request) => securityOf(request).user(request.params.name),
  );

  app.patch(
    `${base}/users/:name`,
    { config: admin, schema: { tags: ['security'], summary: "Change a user's role (an account-viewer's with its account)", params: nameParam, body: z.object({ role, account }).strict(), response: { 200: userViewSchema, 404: errorBodySchema, 409: errorBodySchema } } },
    async (request) => securityOf(request).setRole(request.params.name, request.body.role, request.principal!.name, request.body.account ?? null),
  );

  app.post(
    `${base}/users/:name/reset`,
    { config: admin, schema: { tags: ['security'], summary: 'New one-time password; unlocks the user and ends its sessions', params: nameParam, response: { 200: withPassword, 404: errorBodySchema } } },
    async (request) => {
      const { user, password } = await securityOf(request).resetUser(request.params.name, request.principal!.name);
      return { user, oneTimePassword: password };
    },
  );

  app.delete(
    `${base}/users/:name`,
    { config: admin, schema: { tags: ['security'], params: nameParam, response: { 204: z.null(), 404: errorBodySchema, 409: errorBodySchema } } },
    async (request, reply) => {
      securityOf(request).deleteUser(request.params.name, request.principal!);
      return reply.code(204).send(null);
    },
  );
};
