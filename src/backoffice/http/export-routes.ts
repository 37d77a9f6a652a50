import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REPORT_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import { cell, csvLine, csvStream } from '../../reports/csv.js';
import { namedReader } from '../../reports/report-names.js';
import type { ReportPage } from '../../reports/report-pages.js';
import { EVENT_COLUMN_KEYS, EVENT_EXPORT_COLUMNS, REPORT_PAGES, eventExportColumns, filterRows, pageListing, pageSections, widgetSection } from '../../reports/report-pages.js';
import { TABLE_WIDGETS, listingQuery, scopeListing } from '../../reports/report-widgets.js';
import type { ReportFilters } from '../../warehouse/filters.js';
import { reportQuerySchema, toFilters } from '../../warehouse/filters.js';
import type { EventsOptions } from '../../warehouse/queries/get-events.js';
import { getEvents, parseConditions } from '../../warehouse/queries/get-events.js';
import type { BackofficeContext } from '../context.js';
import { REPORT_API as BASE } from './report-routes.js';

/** The listing's columns to export, in their order: what the grid shows. */
const columnsQuery = z.object({
  columns: z
    .string()
    .max(2000)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(
      z
        .array(z.enum(EVENT_COLUMN_KEYS, { error: `must name columns among ${EVENT_COLUMN_KEYS.join(', ')}` }))
        .min(1, 'must name at least one column')
        .refine((keys) => new Set(keys).size === keys.length, 'must name each column once'),
    )
    .optional()
    .describe('the listing columns to export, in order, e.g. ts,feature,usagePercentage (default: all)'),
});
const exportQuery = reportQuerySchema.and(listingQuery).and(columnsQuery);
const fileResponse = { 200: z.any().describe('the file'), 400: errorBodySchema, 403: errorBodySchema };
const TITLES: Record<ReportPage, string> = { overview: 'Usage and Denials: overview', denials: 'Usage and Denials: denials', events: 'Usage and Denials: all events', sessions: 'Usage and Denials: checkout sessions', utilization: 'Usage and Denials: account utilization' };
const MIME = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', pdf: 'application/pdf' } as const;

const stamp = () => new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
const sendFile = (reply: FastifyReply, name: string, format: keyof typeof MIME, body: unknown) =>
  reply
    .type(MIME[format])
    .header('content-disposition', `attachment; filename="tally-${name}-${stamp()}.${format}"`)
    .header('cache-control', 'no-store')
    .send(body);

/**
 * The report's exports, by a format suffix on the widget or page: `events.csv` and
 * `denials-summary.csv` stream every matching event, `<widget>.csv` is a widget's table, and
 * `overview|denials|events.xlsx|pdf` are whole pages (the PDF with the charts the page has).
 * Every file heads its columns alike (`Time`, `Account`, `Feature`); the workbook's Filters
 * sheet and the PDF's cover say every filter, condition, sort and column. Login as for the API.
 */
export const exportRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  const read = { access: REPORT_ROLES };
  const warehouse = namedReader(ctx.warehouse, (kind, ids) => ctx.registry.names(kind, ids));
  /** The listing's rows in chunks. */
  const listingChunks = (filters: ReportFilters, options: EventsOptions, denialsOnly: boolean) => {
    const pages = warehouse.stream(getEvents, ...scopeListing(filters, options, denialsOnly));
    return (async function* () {
      for await (const page of pages) yield page.rows;
    })();
  };
  const listingOptions = (q: z.output<typeof listingQuery>) => ({ sort: q.sort, order: q.order, conditions: parseConditions(q.where) });
  const scopeOf = (request: FastifyRequest) => request.principal?.accountId ?? null;

  for (const [name, denialsOnly] of [['events', false], ['denials-summary', true]] as const) {
    app.get(
      `${BASE}/${name}.csv`,
      { config: read, schema: { tags: ['report export'], summary: `Every ${denialsOnly ? 'denial' : 'event'} in the filters as CSV, streamed (the columns asked for, in their order)`, querystring: exportQuery, response: fileResponse } },
      async (request, reply) => {
        const filters = toFilters(request.query, ctx.clock.now());
        const chunks = listingChunks(filters, { ...listingOptions(request.query), page: 1, pageSize: 0 }, denialsOnly);
        const columns = request.query.columns ? eventExportColumns(request.query.columns) : EVENT_EXPORT_COLUMNS;
        return sendFile(reply, name, 'csv', csvStream(columns, chunks));
      },
    );
  }

  for (const name of TABLE_WIDGETS) {
    app.get(
      `${BASE}/${name}.csv`,
      { config: read, schema: { tags: ['report export'], summary: `The ${name} widget's table as CSV`, querystring: reportQuerySchema, response: fileResponse } },
      async (request, reply) => {
        const filters = toFilters(request.query, ctx.clock.now());
        const section = await widgetSection(name, warehouse, filters);
        const body = csvLine(section.columns.map((c) => c.label)) + section.rows.map((row) => csvLine(section.columns.map((c) => cell(row, c.key)))).join('');
        return sendFile(reply, name, 'csv', body);
      },
    );
  }

  for (const page of REPORT_PAGES) {
    for (const format of ['xlsx', 'pdf'] as const) {
      app.get(
        `${BASE}/${page}.${format}`,
        {
          config: read,
          schema: {
            tags: ['report export'],
            summary: `The ${page} page as ${format === 'pdf' ? `a PDF (landscape, ${page === 'events' ? 'the listing as a table' : 'with its charts'}, every filter on the cover)` : 'an Excel workbook (a Filters sheet first)'}`,
            querystring: exportQuery,
            response: fileResponse,
          },
        },
        async (request, reply) => {
          const filters = toFilters(request.query, ctx.clock.now());
          const sections = await pageSections(page, warehouse, filters);
          const listing = pageListing(page, listingOptions(request.query), request.query.columns);
          const bucket = sections.find((s) => s.bucket)?.bucket;
          const described = filterRows(filters, { scope: scopeOf(request), ...(bucket ? { bucket } : {}), ...(listing ? { listing: { ...listing.options, columns: listing.columns } } : {}) });
          if (format === 'xlsx') {
            const streamed = listing && { title: listing.title, columns: listing.columns, chunks: listingChunks(filters, listing.options, listing.denialsOnly) };
            const { xlsxStream } = await import('../../reports/xlsx.js');
            return sendFile(reply, page, 'xlsx', xlsxStream(TITLES[page], described, sections, streamed));
          }
          // Loaded on first use: the PDF and chart libraries take a second to load, which every
          // `tally` command would pay otherwise.
          const { PDF_TABLE_ROWS, pdfStream } = await import('../../reports/pdf.js');
          if (listing) {
            // A PDF prints the first rows of the listing; the count says how many more there are.
            const rows = await warehouse.report(getEvents, ...scopeListing(filters, { ...listing.options, pageSize: PDF_TABLE_ROWS }, listing.denialsOnly));
            sections.push({ title: `${listing.title} (${rows.total})`, columns: listing.columns, rows: rows.rows, omitted: rows.total - rows.rows.length });
          }
          return sendFile(reply, page, 'pdf', pdfStream(TITLES[page], described, sections));
        },
      );
    }
  }
};
