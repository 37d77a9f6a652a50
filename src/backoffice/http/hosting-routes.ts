import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { READ_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import { pageSchema, pagingQuery } from '../../http/paging.js';
import type { InstanceHost } from '../hosting/instance-host.js';
import { cloudInstanceInput, cloudInstanceSchema, createdCloudInstanceSchema } from '../hosting/instance-host.js';

const BASE = '/api/1.0/backoffice/cloud-instances';
const idParam = z.object({ instanceId: z.string().min(1).max(64) });

/** Cloud instances: license servers this back office hosts for accounts that run none. */
export const hostingRoutes: FastifyPluginAsyncZod<{ host: InstanceHost }> = async (app, { host }) => {
  app.get(
    BASE,
    {
      config: { access: READ_ROLES },
      schema: { tags: ['cloud instances'], summary: 'The cloud instances hosted here, of an account when asked', querystring: pagingQuery.extend({ accountId: z.string().max(64).optional(), q: z.string().trim().max(256).optional().describe('only instances whose ID, name or account ID contains this text') }), response: { 200: pageSchema(cloudInstanceSchema) } },
    },
    async (request) => {
      const { page, pageSize, accountId, q } = request.query;
      return { page, pageSize, ...host.list((page - 1) * pageSize, pageSize, accountId, q) };
    },
  );

  app.post(
    BASE,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['cloud instances'],
        summary: 'Create a cloud instance for an account; answers its first administrator and one-time password once',
        body: cloudInstanceInput,
        response: { 201: createdCloudInstanceSchema, 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => reply.code(201).send(await host.create(request.body)),
  );

  app.get(
    `${BASE}/:instanceId`,
    { config: { access: READ_ROLES }, schema: { tags: ['cloud instances'], params: idParam, response: { 200: cloudInstanceSchema, 404: errorBodySchema } } },
    async (request) => host.show(request.params.instanceId),
  );

  app.delete(
    `${BASE}/:instanceId`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['cloud instances'],
        summary: 'Delete a cloud instance: its activated counts return to their activation IDs, its state is removed; its usage history stays',
        params: idParam,
        response: { 204: z.null(), 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      await host.delete(request.params.instanceId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${BASE}/:instanceId/admin-password`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['cloud instances'],
        summary: "A new one-time password for the instance's admin user, answered once; its sessions end",
        params: idParam,
        response: { 200: z.object({ user: z.string(), oneTimePassword: z.string() }), 404: errorBodySchema },
      },
    },
    async (request) => host.resetAdmin(request.params.instanceId),
  );
};
