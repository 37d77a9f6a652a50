import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { READ_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import { DENIALS, NOT_A_DENIAL } from '../../licensing/denials.js';
import type { DenialCode } from '../../licensing/denials.js';
import type { Widget, WidgetName } from '../../reports/report-widgets.js';
import { WIDGETS } from '../../reports/report-widgets.js';
import { reportQuerySchema, toFilters } from '../../warehouse/filters.js';
import { dataAsOfSchema, getDataAsOf } from '../../warehouse/queries/get-data-as-of.js';
import type { BackofficeContext } from '../context.js';

export const REPORT_API = '/api/reports/usage-denials';

export const denialCodesSchema = z.object({ rows: z.array(z.object({ code: z.number(), name: z.string(), description: z.string() })) });
export type DenialCodes = z.infer<typeof denialCodesSchema>;

/** The Usage and Denials report, one route per widget; every widget takes the common filters. */
export const reportRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  const read = { access: READ_ROLES };

  app.get(
    `${REPORT_API}/denial-codes`,
    { config: read, schema: { tags: ['report'], summary: 'The denial codes the report counts, with name and description', response: { 200: denialCodesSchema } } },
    async () => ({
      rows: Object.entries(DENIALS)
        .map(([code, d]) => ({ code: Number(code), name: d.name, description: d.description }))
        .filter((d) => !NOT_A_DENIAL.has(d.code as DenialCode)),
    }),
  );

  app.get(
    `${REPORT_API}/data-as-of`,
    { config: read, schema: { tags: ['report'], summary: 'How fresh the report is: the newest event the warehouse holds and when events were last stored', response: { 200: dataAsOfSchema } } },
    async () => ctx.warehouse.report(getDataAsOf, toFilters({}, ctx.clock.now()), {}),
  );

  for (const name of Object.keys(WIDGETS) as WidgetName[]) {
    const widget: Widget = WIDGETS[name];
    app.get(
      `${REPORT_API}/${name}`,
      {
        config: read,
        schema: {
          tags: ['report'],
          summary: widget.summary,
          querystring: widget.query ? reportQuerySchema.and(widget.query) : reportQuerySchema,
          response: { 200: widget.answer, 400: errorBodySchema },
        },
      },
      async (request) => widget.run(ctx.warehouse, toFilters(request.query, ctx.clock.now()), request.query),
    );
  }
};
