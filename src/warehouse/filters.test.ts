import { describe, expect, it } from 'vitest';
import { MAX_BUCKETS, bucketCount, bucketFor, reportQuerySchema, toFilters } from './filters.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const span = (ms: number, bucket: ReturnType<typeof bucketFor> | null = null) => bucketFor({ from: 0, to: ms, bucket });
const refusal = (query: Record<string, string>) => {
  const parsed = reportQuerySchema.safeParse(query);
  return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the time bucket of charts over time', () => {
  it('fits the range when automatic: minutes up to 6 hours, hours up to a week, days up to 180 days, weeks up to two years, months beyond', () => {
    expect(span(6 * HOUR)).toBe('minute');
    expect(span(24 * HOUR)).toBe('hour');
    expect(span(7 * DAY)).toBe('hour');
    expect(span(30 * DAY)).toBe('day');
    expect(span(180 * DAY)).toBe('day');
    expect(span(365 * DAY)).toBe('week');
    expect(span(3 * 365 * DAY)).toBe('month');
  });

  it('is the one the caller chose, whatever the range', () => {
    expect(span(30 * DAY, 'month')).toBe('month');
    expect(span(2 * DAY, 'day')).toBe('day');
  });

  it('reads auto and a missing grouping alike, and keeps a chosen one in the filters', () => {
    const q = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
    expect(toFilters(reportQuerySchema.parse(q), 0).bucket).toBeNull();
    expect(toFilters(reportQuerySchema.parse({ ...q, bucket: 'auto' }), 0).bucket).toBeNull();
    expect(toFilters(reportQuerySchema.parse({ ...q, bucket: 'week' }), 0).bucket).toBe('week');
  });

  it('counts the periods a grouping spreads a range over, months taken at their shortest', () => {
    expect(bucketCount('hour', 24 * HOUR)).toBe(25);
    expect(bucketCount('month', 365 * DAY)).toBe(15);
  });
});

describe('the grouping a caller asks for', () => {
  it('is refused naming the field when it is not a grouping', () => {
    expect(refusal({ bucket: 'fortnight' })).toEqual(['bucket: must be auto or one of minute, hour, day, week, month']);
  });

  it(`is refused naming the field when it would give more than ${MAX_BUCKETS} periods over the range`, () => {
    const year = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
    expect(refusal({ ...year, bucket: 'hour' })?.[0]).toMatch(/^bucket: hour gives about 8761 periods over this range, more than 2000/);
    expect(refusal({ ...year, bucket: 'day' })).toBeNull();
    // Without a range the default year is meant.
    expect(refusal({ bucket: 'minute' })?.[0]).toMatch(/^bucket: minute gives/);
    expect(refusal({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', bucket: 'minute' })).toBeNull();
  });

  it('is accepted whatever its size for the automatic choice', () => {
    expect(refusal({ from: '2000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', bucket: 'auto' })).toBeNull();
  });
});
