import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../../common/errors.js';
import { text } from '../../../common/text.js';
import { MAX_MODEL_LENGTH } from '../../../licensing/model-definition/lexer.js';
import { poolListingSchema } from '../../../licensing/pool.js';
import { modelSummarySchema } from '../../allocation-service.js';
import type { Role } from '../../../auth/admin-security.js';
import type { InstanceScope } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';
import { pageSchema, paginate, pagingQuery } from '../../../http/paging.js';

/** The reservations role manages license allocation: reservations and pools alike. */
const WRITE_ROLES: readonly Role[] = ['admin', 'reservations'];

const modelBody = z
  .object({
    text: text({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be the model definition as text') })
      .min(1, 'must not be empty')
      .max(MAX_MODEL_LENGTH, `must be at most ${MAX_MODEL_LENGTH} characters`),
  })
  .strict();

/** `GET …/pools`: every pool, and the name of the model that made them (null: no model). */
export const poolsPageSchema = pageSchema(poolListingSchema).extend({ model: z.string().nullable() });

export type PoolsPage = z.infer<typeof poolsPageSchema>;

/** `GET …/model`: the active model definition. */
export const activeModelSchema = z.object({ name: z.string(), text: z.string(), activatedAt: z.string(), activatedBy: z.string() });

export type ActiveModel = z.infer<typeof activeModelSchema>;

/** Problems in the model text are named under the body field they came from. */
function inBody(error: unknown): unknown {
  if (error instanceof TallyError && (error.code === 'MODEL_REJECTED' || error.code === 'CONFLICT')) {
    return new TallyError(error.code, error.message, error.details.map((d) => ({ ...d, field: d.field === 'text' ? 'body.text' : d.field })));
  }
  return error;
}

/** The model definition (named license pools and rules of access) and the pools it makes. */
export const modelRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  const base = at.base;

  app.get(
    `${base}/model`,
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['pools'],
        summary: 'The active model definition, its text exactly as uploaded',
        response: { 200: activeModelSchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const m = at.of(request).allocation.model();
      return { name: m.name, text: m.text, activatedAt: new Date(m.activatedAt).toISOString(), activatedBy: m.activatedBy };
    },
  );

  app.put(
    `${base}/model`,
    {
      config: { access: WRITE_ROLES },
      bodyLimit: 4 * MAX_MODEL_LENGTH,
      schema: {
        tags: ['pools'],
        summary: 'Activate a model definition (replacing the active one); refused with line and column when it does not fit this server',
        body: modelBody,
        response: { 200: z.object({ model: modelSummarySchema, replaced: z.boolean() }), 409: errorBodySchema, 422: errorBodySchema },
      },
    },
    async (request) => {
      const ctx = at.of(request);
      try {
        return await ctx.allocation.activateModel(request.body.text, request.principal?.name ?? 'unknown');
      } catch (error) {
        throw inBody(error);
      }
    },
  );

  app.post(
    `${base}/model/validate`,
    {
      config: { access: WRITE_ROLES },
      bodyLimit: 4 * MAX_MODEL_LENGTH,
      schema: {
        tags: ['pools'],
        summary: 'Check a model definition against this server without activating it',
        body: modelBody,
        response: { 200: z.object({ model: modelSummarySchema }), 422: errorBodySchema },
      },
    },
    async (request) => {
      const ctx = at.of(request);
      try {
        return { model: ctx.allocation.checkModel(request.body.text) };
      } catch (error) {
        throw inBody(error);
      }
    },
  );

  app.delete(
    `${base}/model`,
    { config: { access: WRITE_ROLES }, schema: { tags: ['pools'], summary: 'Delete the active model: every count returns to the default pool', response: { 204: z.null(), 404: errorBodySchema } } },
    async (request, reply) => {
      const ctx = at.of(request);
      await ctx.allocation.deleteModel();
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/pools`,
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['pools'],
        summary: 'Named license pools and the default pool, each feature with allocated and used counts and a status',
        querystring: pagingQuery,
        response: { 200: poolsPageSchema },
      },
    },
    async (request) => {
      const ctx = at.of(request);
      const { model, pools } = ctx.allocation.pools();
      return { model, ...paginate(pools, request.query) };
    },
  );
};
