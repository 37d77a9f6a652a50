import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../../common/errors.js';
import { text } from '../../../common/text.js';
import { MAX_FILTER_LENGTH } from '../../../licensing/limits.js';
import { filterSummarySchema } from '../../checkout-filter-service.js';
import type { InstanceScope } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';

const filterBody = z
  .object({
    text: text({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be the checkout filter as text') })
      .min(1, 'must not be empty')
      .max(MAX_FILTER_LENGTH, `must be at most ${MAX_FILTER_LENGTH} characters`),
  })
  .strict();

/** `GET …/filters`: the active checkout filter, its text exactly as uploaded. */
export const activeFilterSchema = z.object({
  name: z.string(),
  text: z.string(),
  activatedAt: z.string(),
  activatedBy: z.string(),
  filter: filterSummarySchema,
});

export type ActiveFilter = z.infer<typeof activeFilterSchema>;

/** Problems in the filter text are named under the body field they came from. */
function inBody(error: unknown): unknown {
  if (error instanceof TallyError && error.code === 'FILTER_REJECTED') {
    return new TallyError(error.code, error.message, error.details.map((d) => ({ ...d, field: d.field === 'text' ? 'body.text' : d.field })));
  }
  return error;
}

/** The administrator's checkout filter: which devices may check out which features at all. */
export const filterRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  const base = at.base;

  app.get(
    `${base}/filters`,
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['filters'],
        summary: 'The active checkout filter, its text exactly as uploaded and its rules in order',
        response: { 200: activeFilterSchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const f = at.of(request).filters.active();
      return { name: f.name, text: f.text, activatedAt: new Date(f.activatedAt).toISOString(), activatedBy: f.activatedBy, filter: f.summary };
    },
  );

  app.put(
    `${base}/filters`,
    {
      bodyLimit: 4 * MAX_FILTER_LENGTH,
      schema: {
        tags: ['filters'],
        summary: 'Activate a checkout filter (replacing the active one); refused with line and column when it does not read',
        body: filterBody,
        response: { 200: z.object({ filter: filterSummarySchema, replaced: z.boolean() }), 422: errorBodySchema },
      },
    },
    async (request) => {
      try {
        return await at.of(request).filters.activate(request.body.text, request.principal?.name ?? 'unknown');
      } catch (error) {
        throw inBody(error);
      }
    },
  );

  app.post(
    `${base}/filters/validate`,
    {
      bodyLimit: 4 * MAX_FILTER_LENGTH,
      schema: {
        tags: ['filters'],
        summary: 'Check a checkout filter without activating it',
        body: filterBody,
        response: { 200: z.object({ filter: filterSummarySchema }), 422: errorBodySchema },
      },
    },
    async (request) => {
      try {
        return { filter: at.of(request).filters.check(request.body.text) };
      } catch (error) {
        throw inBody(error);
      }
    },
  );

  app.delete(
    `${base}/filters`,
    { schema: { tags: ['filters'], summary: 'Delete the active checkout filter: every device may check out again', response: { 204: z.null(), 404: errorBodySchema } } },
    async (request, reply) => {
      await at.of(request).filters.delete(request.principal?.name ?? 'unknown');
      return reply.code(204).send(null);
    },
  );
};
