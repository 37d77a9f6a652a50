import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { text } from '../common/text.js';
import type { AdminSecurity, Principal, Role } from '../auth/admin-security.js';
import { ROLES, userNameSchema, userViewSchema } from '../auth/admin-security.js';
import { READ_ROLES } from './access.js';
import { errorBodySchema } from './errors.js';
import { pageSchema, pagingQuery } from './paging.js';

const withPassword = z.object({ user: userViewSchema, oneTimePassword: z.string().describe('shown once; the user must change it at first login') });
const nameParam = z.object({ name: userNameSchema });
const newPassword = text().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters');
const session = z.object({
  token: z.string(),
  user: z.string(),
  role: z.enum(ROLES),
  idleTimeoutSeconds: z.number(),
  may: z.array(z.string()).describe('every route this role may call beyond the public ones, as `METHOD /path` with `:param` placeholders, so that a client can hide what it would be refused'),
});
/** What logging in answers: the bearer token and who it is for. */
export type SessionBody = z.infer<typeof session>;

/** Administrative users, roles, passwords and sessions. */
export interface UserRoutesOptions {
  security: AdminSecurity;
  /** The session idle timeout in force, in seconds. */
  idleSeconds: () => number;
}

/** The same on every role that has administrators: the license server and the back office. */
export const userRoutes: FastifyPluginAsyncZod<UserRoutesOptions> = async (app, { security, idleSeconds }) => {
  const admin = { access: ['admin'] as const };
  const ctx = { security };
  // Read from the routes' own access rules when asked, so it can never disagree with them.
  const may = (role: Role) =>
    app.registeredRoutes.filter((r) => r.access !== 'public' && r.method !== 'HEAD' && r.access.includes(role)).map((r) => `${r.method} ${r.url}`);
  const answer = (token: string, principal: Principal) => ({ token, user: principal.name, role: principal.role, idleTimeoutSeconds: idleSeconds(), may: may(principal.role) });

  app.post(
    '/api/1.0/instances/~/authorize',
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
      const { token, principal } = await ctx.security.authorize(request.body.user, request.body.password);
      return answer(token, principal);
    },
  );

  app.post(
    '/api/1.0/instances/~/reset-password',
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
      const { token, principal } = await ctx.security.resetPassword(user, currentPassword, next);
      return answer(token, principal);
    },
  );

  app.put(
    '/api/1.0/instances/~/users/me/password',
    {
      config: { access: READ_ROLES },
      bodyLimit: 16 * 1024,
      schema: { tags: ['security'], summary: 'Change your own password (no current password needed while logged in)', body: z.object({ newPassword }).strict(), response: { 204: z.null(), 400: errorBodySchema } },
    },
    async (request, reply) => {
      await ctx.security.changeOwnPassword(request.principal!, request.body.newPassword);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/1.0/instances/~/logout',
    { config: { access: READ_ROLES }, schema: { tags: ['security'], summary: 'End this session', response: { 204: z.null() } } },
    async (request, reply) => {
      ctx.security.logout(request.principal!);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/1.0/instances/~/users',
    { config: admin, schema: { tags: ['security'], querystring: pagingQuery, response: { 200: pageSchema(userViewSchema) } } },
    async (request) => {
      const { page, pageSize } = request.query;
      return { page, pageSize, ...ctx.security.users((page - 1) * pageSize, pageSize) };
    },
  );

  app.post(
    '/api/1.0/instances/~/users',
    {
      config: admin,
      schema: { tags: ['security'], summary: 'Add a user; answers its one-time password once', body: z.object({ name: userNameSchema, role: z.enum(ROLES) }).strict(), response: { 201: withPassword, 400: errorBodySchema, 409: errorBodySchema } },
    },
    async (request, reply) => {
      const { user, password } = await ctx.security.createUser(request.body.name, request.body.role, request.principal!.name);
      return reply.code(201).send({ user, oneTimePassword: password });
    },
  );

  app.get(
    '/api/1.0/instances/~/users/:name',
    { config: admin, schema: { tags: ['security'], params: nameParam, response: { 200: userViewSchema, 404: errorBodySchema } } },
    async (request) => ctx.security.user(request.params.name),
  );

  app.patch(
    '/api/1.0/instances/~/users/:name',
    { config: admin, schema: { tags: ['security'], summary: "Change a user's role", params: nameParam, body: z.object({ role: z.enum(ROLES) }).strict(), response: { 200: userViewSchema, 404: errorBodySchema, 409: errorBodySchema } } },
    async (request) => ctx.security.setRole(request.params.name, request.body.role, request.principal!.name),
  );

  app.post(
    '/api/1.0/instances/~/users/:name/reset',
    { config: admin, schema: { tags: ['security'], summary: 'New one-time password; unlocks the user and ends its sessions', params: nameParam, response: { 200: withPassword, 404: errorBodySchema } } },
    async (request) => {
      const { user, password } = await ctx.security.resetUser(request.params.name, request.principal!.name);
      return { user, oneTimePassword: password };
    },
  );

  app.delete(
    '/api/1.0/instances/~/users/:name',
    { config: admin, schema: { tags: ['security'], params: nameParam, response: { 204: z.null(), 404: errorBodySchema, 409: errorBodySchema } } },
    async (request, reply) => {
      ctx.security.deleteUser(request.params.name, request.principal!);
      return reply.code(204).send(null);
    },
  );
};
