import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../../common/errors.js';
import type { EpochMs } from '../../../common/time.js';
import { LICENSE_MODELS } from '../../../licensing/feature-record.js';
import { isoOrNull } from '../../../common/time.js';
import type { RecordUsage } from '../../../licensing/inventory.js';
import { featureSummarySchema, recordUsage, recordsInOrder, servedDevices, summarizeGroup, summaryGroups } from '../../../licensing/inventory.js';
import type { InstanceScope } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';
import { pageOf, pageSchema, pagingQuery } from '../../../http/paging.js';

const recordSchema = z.object({
  id: z.string(),
  licenseId: z.string(),
  feature: z.string(),
  version: z.string(),
  count: z.number(),
  used: z.number(),
  available: z.number().nullable().describe('null when uncounted'),
  overdraftUsed: z.number(),
  reserved: z.number(),
  status: z.enum(['active', 'not-started', 'expired']),
  start: z.string().nullable(),
  expiry: z.string().describe('permanent or a date'),
  vendorString: z.string().nullable(),
  productName: z.string().nullable(),
  productVersion: z.string().nullable(),
  activationId: z.string().nullable(),
  entitlementId: z.string().nullable(),
  model: z.enum(LICENSE_MODELS),
  metered: z.object({ capped: z.boolean(), reusable: z.boolean(), undoInterval: z.number() }).nullable(),
  counted: z.boolean(),
  overdraft: z.number(),
  borrowInterval: z.number().nullable().describe('seconds'),
});

const servedDeviceSchema = z.object({
  deviceId: z.string(),
  deviceIdType: z.string(),
  deviceType: z.string(),
  alias: z.string().nullable(),
  user: z.string().nullable(),
  count: z.number(),
  expiry: z.string().describe('ISO time, or permanent'),
});

const recordDetailsSchema = recordSchema.extend({ servedDevices: z.array(servedDeviceSchema) });

/** A row of the Details listing. */
export type FeatureRecordBody = z.infer<typeof recordSchema>;
/** One record with the devices it serves. */
export type FeatureRecordDetailsBody = z.infer<typeof recordDetailsSchema>;
export type ServedDeviceBody = z.infer<typeof servedDeviceSchema>;

/** `?name=` is an exact feature name, as in the License Server Manager's search box. */
const listQuery = pagingQuery.extend({ name: z.string().min(1).max(128).optional() });

function presentRecord(u: RecordUsage) {
  const r = u.record;
  return {
    id: r.id,
    licenseId: r.licenseId,
    feature: r.name,
    version: r.version,
    count: r.count,
    used: u.used,
    available: u.available,
    overdraftUsed: u.overdraftUsed,
    reserved: u.reserved,
    status: u.status,
    start: r.start,
    expiry: r.expiry,
    vendorString: r.vendorString,
    productName: r.productName,
    productVersion: r.productVersion,
    activationId: r.activationId,
    entitlementId: r.entitlementId,
    model: r.model,
    metered: r.metered,
    counted: r.counted,
    overdraft: r.overdraft,
    borrowInterval: r.borrowInterval,
  };
}

export const expiryText = (ms: EpochMs | null): string => isoOrNull(ms) ?? 'permanent';

/** Feature records (Details), their sums per name and version (Summary), and one record with its devices. */
export const featureRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  const read = { access: READ_ROLES };

  app.get(
    `${at.base}/features`,
    { config: read, schema: { tags: ['features'], summary: 'Every feature record with its usage', querystring: listQuery, response: { 200: pageSchema(recordSchema) } } },
    async (request) => {
      const ctx = at.of(request);
      const now = ctx.clock.now();
      const state = ctx.service.licenseState;
      return pageOf(recordsInOrder(state, request.query.name), request.query, (r) => presentRecord(recordUsage(state, r, now)));
    },
  );

  app.get(
    `${at.base}/features/summaries`,
    { config: read, schema: { tags: ['features'], summary: 'Counts summed per feature name and version', querystring: listQuery, response: { 200: pageSchema(featureSummarySchema) } } },
    async (request) => {
      const ctx = at.of(request);
      const now = ctx.clock.now();
      const state = ctx.service.licenseState;
      return pageOf(summaryGroups(state, request.query.name), request.query, (records) => summarizeGroup(state, records, now));
    },
  );

  app.get(
    `${at.base}/features/:recordId`,
    {
      config: read,
      schema: {
        tags: ['features'],
        summary: 'One feature record with its used and reserved counts and the devices it serves',
        params: z.object({ recordId: z.string().min(1).max(64) }),
        response: { 200: recordDetailsSchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const ctx = at.of(request);
      const state = ctx.service.licenseState;
      const record = state.record(request.params.recordId);
      if (!record) throw new TallyError('NOT_FOUND', `No feature record ${request.params.recordId}.`, [{ field: 'recordId', message: 'matches no record' }]);
      return {
        ...presentRecord(recordUsage(state, record, ctx.clock.now())),
        servedDevices: servedDevices(state, record.id).map(({ expiresAt, ...d }) => ({ ...d, expiry: expiryText(expiresAt) })),
      };
    },
  );
};
