import type { FeatureRecord } from '../../src/licensing/feature-record.js';
import { featureRecordInputSchema, toFeatureRecord } from '../../src/licensing/feature-record.js';
import type { CapabilityRequest, DesiredFeature } from '../../src/licensing/capability.js';
import type { Device } from '../../src/licensing/hostid.js';
import type { UsageEvent } from '../../src/licensing/usage-event.js';
import { newId } from '../../src/common/ids.js';

let seq = 0;

/** A feature record with sensible defaults: concurrent, counted, permanent, started. */
export function buildFeature(overrides: Record<string, unknown> = {}): FeatureRecord {
  const input = featureRecordInputSchema.parse({
    name: 'cad',
    version: '1.0',
    count: 5,
    expiry: 'permanent',
    ...overrides,
  });
  return toFeatureRecord({ ...input, id: input.id ?? `rec-${++seq}` }, 'lic-test');
}

/** An ID source giving `id-1`, `id-2`, …: two runs of the same steps make the same IDs. */
export function sequentialIds(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}

export function buildDevice(value = 'device-1', overrides: Partial<Device> = {}): Device {
  return {
    hostId: { value, type: 'STRING' },
    deviceType: 'UNKNOWN',
    hostType: 'FLX_CLIENT',
    alias: null,
    user: null,
    vendorDictionary: {},
    ...overrides,
  };
}

export function buildRequest(features: DesiredFeature[], overrides: Partial<CapabilityRequest> = {}): CapabilityRequest {
  return {
    device: buildDevice(),
    features,
    incremental: false,
    partial: false,
    borrowInterval: null,
    operation: 'request',
    correlationId: null,
    ...overrides,
  };
}

/** An event with realistic defaults. */
export function buildEvent(overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    eventId: newId(),
    ts: '2026-06-01T12:00:00.000Z',
    instanceId: 'inst-a',
    accountId: 'acct-1',
    kind: 'checkout',
    feature: 'cad',
    version: '1.0',
    count: 1,
    model: 'concurrent',
    deviceId: 'ws-1',
    deviceIdType: 'STRING',
    deviceAlias: 'workstation',
    user: 'ann',
    pool: null,
    statusCode: null,
    inUseAfter: 1,
    capacity: 5,
    overdraft: 0,
    recordId: 'rec-1',
    correlationId: newId(),
    source: 'server',
    ...overrides,
  };
}

/** A time of day (`hh:mm`, UTC) on the day the report tests place their events. */
export const at = (hhmm: string) => `2026-07-01T${hhmm}:00.000Z`;
