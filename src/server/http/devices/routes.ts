import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../../common/errors.js';
import { holdingLine } from '../../../licensing/holding.js';
import { deviceExpiry } from '../../../licensing/inventory.js';
import type { LicenseState } from '../../../licensing/license-state.js';
import type { Device } from '../../../licensing/hostid.js';
import { HOSTID_TYPES, deviceKey } from '../../../licensing/hostid.js';
import type { InstanceScope } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';
import { expiryText } from '../features/routes.js';
import { pageOf, pageSchema, pagingQuery } from '../../../http/paging.js';

const deviceSchema = z.object({
  deviceId: z.string(),
  deviceIdType: z.string(),
  deviceType: z.string(),
  hostType: z.string(),
  alias: z.string().nullable(),
  user: z.string().nullable(),
  featuresHeld: z.number().describe('feature lines the device holds now'),
  countHeld: z.number(),
  deviceExpiry: z.string().nullable().describe('when everything it holds lapses: ISO time, permanent, or null when it holds nothing'),
});

const consumedSchema = z.object({
  feature: z.string(),
  version: z.string(),
  count: z.number(),
  model: z.string(),
  kind: z.string(),
  recordId: z.string(),
  grantedAt: z.string(),
  expiry: z.string().describe('when this holding lapses: ISO time or permanent'),
  recordExpiry: z.string().describe('final expiry of the record: a date or permanent'),
});

const deviceDetailsSchema = deviceSchema.extend({ vendorDictionary: z.record(z.string(), z.union([z.string(), z.number()])), consumedFeatures: z.array(consumedSchema) });

/** A row of the devices listing. */
export type DeviceBody = z.infer<typeof deviceSchema>;
/** One device with its vendor dictionary and what it holds. */
export type DeviceDetailsBody = z.infer<typeof deviceDetailsSchema>;
export type ConsumedFeatureBody = z.infer<typeof consumedSchema>;

/** Client devices the server has served, and one device with what it holds. */
export const deviceRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  const present = (state: LicenseState, key: string, device: Device) => {
    const holdings = state.holdingsOf(key);
    const expiry = deviceExpiry(holdings);
    return {
      deviceId: device.hostId.value,
      deviceIdType: device.hostId.type,
      deviceType: device.deviceType,
      hostType: device.hostType,
      alias: device.alias,
      user: device.user,
      featuresHeld: new Set(holdings.map((h) => h.feature)).size,
      countHeld: holdings.reduce((n, h) => n + h.count, 0),
      deviceExpiry: expiry === undefined ? null : expiryText(expiry),
    };
  };

  app.get(
    `${at.base}/devices`,
    {
      config: { access: READ_ROLES },
      schema: { tags: ['devices'], summary: 'Every device served', querystring: pagingQuery.extend({ holding: z.enum(['true', 'false']).optional().describe('only devices that hold counts now') }), response: { 200: pageSchema(deviceSchema) } },
    },
    async (request) => {
      const ctx = at.of(request);
      const state = ctx.service.licenseState;
      const keys = state.deviceKeysInOrder();
      const listed = request.query.holding === 'true' ? keys.filter((key) => state.countHeldBy(key) > 0) : keys;
      return pageOf(listed, request.query, (key) => present(state, key, state.device(key)!));
    },
  );

  app.get(
    `${at.base}/devices/:idType/:id`,
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['devices'],
        summary: 'One device: its identity, what it holds and when that lapses',
        params: z.object({ idType: z.enum(HOSTID_TYPES), id: z.string().min(1).max(256) }),
        response: {
          200: deviceDetailsSchema,
          404: errorBodySchema,
        },
      },
    },
    async (request) => {
      const ctx = at.of(request);
      const state = ctx.service.licenseState;
      const key = deviceKey({ value: request.params.id, type: request.params.idType });
      const device = state.device(key);
      if (!device) throw new TallyError('NOT_FOUND', `No device ${request.params.idType} ${request.params.id} has been served.`, [{ field: 'id', message: 'matches no device' }]);
      return {
        ...present(state, key, device),
        vendorDictionary: device.vendorDictionary,
        consumedFeatures: state.holdingsOf(key).map((h) => ({
          ...holdingLine(h),
          grantedAt: new Date(h.grantedAt).toISOString(),
          expiry: expiryText(h.expiresAt),
          recordExpiry: state.record(h.recordId)?.expiry ?? 'removed',
        })),
      };
    },
  );
};
