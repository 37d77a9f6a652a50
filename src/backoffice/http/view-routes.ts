import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REPORT_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import { newViewSchema, viewChangeSchema, viewSchema } from '../views/view-store.js';
import type { BackofficeContext } from '../context.js';
import { REPORT_API } from './report-routes.js';

const VIEWS = `${REPORT_API}/views`;
const idParam = z.object({ id: z.string().min(1).max(64) });

/** Saved views of the report: every reader keeps its own, and may share them with everyone. */
export const viewRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  const read = { access: REPORT_ROLES };
  const tags = ['report views'];

  app.get(
    VIEWS,
    { config: read, schema: { tags, summary: 'Your saved views and those shared with you, by name', response: { 200: z.object({ items: z.array(viewSchema) }) } } },
    async (request) => ({ items: ctx.views.list(request.principal!) }),
  );

  app.post(
    VIEWS,
    {
      config: read,
      bodyLimit: 16 * 1024,
      schema: { tags, summary: 'Save a view: a name, the report page and its URL query', body: newViewSchema, response: { 201: viewSchema, 400: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema } },
    },
    async (request, reply) => reply.code(201).send(ctx.views.create(request.body, request.principal!)),
  );

  app.get(
    `${VIEWS}/:id`,
    { config: read, schema: { tags, summary: 'One view you may open', params: idParam, response: { 200: viewSchema, 404: errorBodySchema } } },
    async (request) => ctx.views.get(request.params.id, request.principal!),
  );

  app.patch(
    `${VIEWS}/:id`,
    {
      config: read,
      bodyLimit: 16 * 1024,
      schema: { tags, summary: 'Rename your view, or share it or stop sharing it', params: idParam, body: viewChangeSchema, response: { 200: viewSchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema } },
    },
    async (request) => ctx.views.change(request.params.id, request.body, request.principal!),
  );

  app.delete(
    `${VIEWS}/:id`,
    { config: read, schema: { tags, summary: 'Delete your view', params: idParam, response: { 204: z.null(), 403: errorBodySchema, 404: errorBodySchema } } },
    async (request, reply) => {
      ctx.views.delete(request.params.id, request.principal!);
      return reply.code(204).send(null);
    },
  );
};
