import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REPORT_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import { DENIAL_CODES, DENIALS, NOT_A_DENIAL, denialReason } from '../../licensing/denials.js';
import { denialColor } from '../../reports/denial-palette.js';
import { namedReader } from '../../reports/report-names.js';
import type { Widget, WidgetName } from '../../reports/report-widgets.js';
import { WIDGETS } from '../../reports/report-widgets.js';
import { reportQuerySchema, toFilters } from '../../warehouse/filters.js';
import { dataAsOfSchema, getDataAsOf } from '../../warehouse/queries/get-data-as-of.js';
import type { BackofficeContext } from '../context.js';

export const REPORT_API = '/api/reports/usage-denials';

export const denialCodesSchema = z.object({
  rows: z.array(
    z.object({
      code: z.number(),
      name: z.string(),
      label: z.string().describe('the reason as people read it: Insufficient count (7)'),
      description: z.string(),
      color: z.string().describe('its colour in every chart, as #rrggbb'),
    }),
  ),
});
export type DenialCodes = z.infer<typeof denialCodesSchema>;

const idList = (max: number) =>
  z
    .string()
    .max(8000)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(max)).max(200, 'must name at most 200 IDs'))
    .optional();
const namesQuerySchema = z.object({ accounts: idList(128).describe('account IDs, comma-separated'), instances: idList(64).describe('instance IDs, comma-separated') });
const namedSchema = z.array(z.object({ id: z.string(), name: z.string() }));
export const reportNamesSchema = z.object({ accounts: namedSchema, instances: namedSchema });
export type ReportNames = z.infer<typeof reportNamesSchema>;

/** The Usage and Denials report, one route per widget; every widget takes the common filters. */
export const reportRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  const read = { access: REPORT_ROLES };
  const warehouse = namedReader(ctx.warehouse, (kind, ids) => ctx.registry.names(kind, ids));

  app.get(
    `${REPORT_API}/denial-codes`,
    { config: read, schema: { tags: ['report'], summary: 'The denial codes the report counts, with name, label, description and chart colour', response: { 200: denialCodesSchema } } },
    async () => ({
      rows: DENIAL_CODES.filter((code) => !NOT_A_DENIAL.has(code)).map((code) => ({
        code,
        name: DENIALS[code].name,
        label: denialReason(code),
        description: DENIALS[code].description,
        color: denialColor(code),
      })),
    }),
  );

  app.get(
    `${REPORT_API}/names`,
    {
      config: read,
      schema: { tags: ['report'], summary: 'The registry names of the given account and instance IDs (IDs it does not know are left out)', querystring: namesQuerySchema, response: { 200: reportNamesSchema, 400: errorBodySchema } },
    },
    async (request) => {
      const named = (kind: 'account' | 'instance', ids: string[] = []) => [...ctx.registry.names(kind, ids)].map(([id, name]) => ({ id, name }));
      return { accounts: named('account', request.query.accounts), instances: named('instance', request.query.instances) };
    },
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
      async (request) => widget.run(warehouse, toFilters(request.query, ctx.clock.now()), request.query),
    );
  }
};
