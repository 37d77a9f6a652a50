import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../common/errors.js';
import { parseCapacities } from '../../importers/imported-event.js';
import { IMPORT_FORMATS, runImport } from '../../importers/import-run.js';
import { endedEarlyMessages, importSummarySchema } from '../../importers/import-summary.js';
import { machineTimeZone } from '../../importers/wall-clock.js';
import { errorBodySchema } from '../../http/errors.js';
import type { BackofficeContext } from '../context.js';
import { ingestBatch } from '../ingest/sync-batch.js';

const BASE = '/api/1.0/backoffice';

const importQuery = z
  .object({
    format: z.enum(IMPORT_FORMATS),
    timezone: z.string().min(1).max(64).optional().describe("IANA zone of the server's clock; default the back office machine's"),
    capacity: z.union([z.string().max(200), z.array(z.string().max(200)).max(1000)]).optional().describe('N for every feature, or feature=N; repeatable'),
    fallbackDay: z
      .string()
      .regex(/^\d{1,6}:(first|last)$/, 'must be DAYS:first or DAYS:last')
      .optional()
      .describe('for a log with no date line: the epoch day of its first or last line'),
    unsupported: z.enum(['true', 'false']).optional().describe('store FlexLM UNSUPPORTED lines as 15 NOT_AVAILABLE'),
    name: z.string().min(1).max(256).optional().describe('the file name, for the summary'),
  })
  .strict();

/** Log and status imports into an instance: the body is the file itself, streamed (gzip accepted). */
export const importRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  // The body is read as a stream by the importer, in constant memory, whatever its size.
  app.addContentTypeParser(['application/octet-stream', 'application/gzip', 'text/plain'], (_request, payload, done) => done(null, payload));

  app.post(
    `${BASE}/instances/:instanceId/imports`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['imports'],
        summary: 'Import a FlexLM debug log, an RLM log or lmstat output into an instance; answers the import summary',
        description: 'Send the file as the body (application/octet-stream). Events already stored are ignored, so a re-import or a longer copy of a growing log stores only what is new. A body that ends early (a gzip cut short) is answered 400 naming where it ended and how many events of the lines before were stored.',
        params: z.object({ instanceId: z.string().min(1).max(64) }),
        querystring: importQuery,
        response: { 200: importSummarySchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const instance = ctx.registry.instance(request.params.instanceId);
      const q = request.query;
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Partial<Readable>)[Symbol.asyncIterator] !== 'function') {
        throw new TallyError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as the body, as application/octet-stream.', [{ field: 'content-type', message: 'must be application/octet-stream' }]);
      }
      let capacities;
      try {
        capacities = parseCapacities(q.capacity === undefined ? [] : [q.capacity].flat());
      } catch (error) {
        throw new TallyError('BAD_REQUEST', (error as Error).message, [{ field: 'querystring.capacity', message: 'must be N or feature=N' }]);
      }
      const [day, of] = q.fallbackDay?.split(':') ?? [];
      const summary = await runImport([{ name: q.name ?? 'upload', chunks: body }], {
        format: q.format,
        instanceId: instance.id,
        accountId: instance.accountId,
        timeZone: q.timezone ?? machineTimeZone(),
        capacities,
        includeUnsupported: q.unsupported === 'true',
        fallbackDay: day === undefined ? null : { day: Number(day), of: of === 'first' ? 'first' : 'last' },
        store: (events) => ingestBatch({ instanceId: instance.id, events }, instance, ctx.warehouse, ctx.quarantine),
      });
      // A body cut short is the caller's input: say where it ended and what was kept.
      const ended = endedEarlyMessages(summary);
      if (ended.length > 0) throw new TallyError('BAD_REQUEST', ended.join('; '), [{ field: 'body', message: summary.endedEarly.map((e) => e.reason).join('; ') }]);
      return summary;
    },
  );
};
