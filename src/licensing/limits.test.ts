import { describe, expect, it } from 'vitest';
import { buildEvent, buildFeature } from '../../test/support/factories.js';
import { featureRecordInputSchema } from './feature-record.js';
import { countRoom, countSchema, featureOverCountLimit, MAX_COUNT, MAX_REQUEST_COUNT, requestCountSchema } from './limits.js';
import { usageEventSchema } from './usage-event.js';

const event = buildEvent({ kind: 'consume', model: 'metered', feature: 'units' });

describe('the count limits', () => {
  it('allows counts from 0 to MAX_COUNT and names what is wrong with any other', () => {
    expect(countSchema.safeParse(0).success).toBe(true);
    expect(countSchema.safeParse(MAX_COUNT).success).toBe(true);
    expect(countSchema.safeParse(MAX_COUNT + 1).error?.issues[0]?.message).toBe(`must be at most ${MAX_COUNT}`);
    expect(countSchema.safeParse(-1).error?.issues[0]?.message).toBe('must not be negative');
    expect(countSchema.safeParse(1.5).error?.issues[0]?.message).toBe('must be a whole number');
    expect(countSchema.safeParse(undefined).error?.issues[0]?.message).toBe('is required');
  });

  it('allows a desired feature to ask for or give back at most MAX_REQUEST_COUNT', () => {
    expect(requestCountSchema.safeParse(MAX_REQUEST_COUNT).success).toBe(true);
    expect(requestCountSchema.safeParse(-MAX_REQUEST_COUNT).success).toBe(true);
    expect(requestCountSchema.safeParse(MAX_REQUEST_COUNT + 1).error?.issues[0]?.message).toBe(`must be at most ${MAX_REQUEST_COUNT}`);
    expect(requestCountSchema.safeParse(-MAX_REQUEST_COUNT - 1).error?.issues[0]?.message).toBe(`must be at least -${MAX_REQUEST_COUNT}`);
  });

  it('is the same limit for what a license grants and what a usage event reports', () => {
    const record = { name: 'cad', version: '1.0', expiry: 'permanent' };
    expect(featureRecordInputSchema.safeParse({ ...record, count: MAX_COUNT }).success).toBe(true);
    expect(featureRecordInputSchema.safeParse({ ...record, count: MAX_COUNT + 1 }).success).toBe(false);
    expect(featureRecordInputSchema.safeParse({ ...record, count: 1, overdraft: MAX_COUNT + 1 }).success).toBe(false);
    for (const field of ['count', 'inUseAfter', 'capacity', 'overdraft']) {
      expect(usageEventSchema.safeParse({ ...event, [field]: MAX_COUNT }).success, field).toBe(true);
      expect(usageEventSchema.safeParse({ ...event, [field]: MAX_COUNT + 1 }).error?.issues[0]?.path, field).toEqual([field]);
    }
  });

  it('leaves room for counts up to MAX_COUNT in use, never negative room', () => {
    expect(countRoom(0)).toBe(MAX_COUNT);
    expect(countRoom(MAX_COUNT - 5)).toBe(5);
    expect(countRoom(MAX_COUNT + 5)).toBe(0);
  });

  it('finds a feature whose records together (counts and overdraft) would pass MAX_COUNT; uncounted records do not add', () => {
    const half = MAX_COUNT / 2;
    expect(featureOverCountLimit([buildFeature({ count: half }), buildFeature({ count: half })])).toBeNull();
    expect(featureOverCountLimit([buildFeature({ count: half }), buildFeature({ count: half, overdraft: 1 })])).toEqual({ name: 'cad', total: MAX_COUNT + 1 });
    expect(featureOverCountLimit([buildFeature({ count: MAX_COUNT }), buildFeature({ count: 0, counted: false }), buildFeature({ name: 'cam', count: MAX_COUNT })])).toBeNull();
  });
});
