import { describe, expect, it } from 'vitest';
import { compileCheck } from '../common/schema-check.js';
import { WELL_FORMED_MESSAGE } from '../common/text.js';
import { usageEventSchema } from './usage-event.js';

const event = {
  eventId: 'e1', ts: '2026-06-01T12:00:00.000Z', instanceId: 'i1', accountId: 'a1', kind: 'checkout', feature: 'cad',
  version: '1.0', count: 1, model: 'concurrent', deviceId: 'd1', deviceIdType: 'STRING', deviceAlias: 'a', user: 'u',
  pool: 'p', statusCode: null, inUseAfter: 1, capacity: 10, overdraft: 0, recordId: 'r1', correlationId: 'c1', source: 'server',
};
const TEXT_FIELDS = ['eventId', 'instanceId', 'accountId', 'feature', 'deviceId', 'deviceAlias', 'user', 'pool', 'recordId', 'correlationId'] as const;

describe('the usage event schema', () => {
  const compiled = compileCheck(usageEventSchema);

  it('accepts a well-formed event, parsed and compiled', () => {
    expect(usageEventSchema.safeParse(event).success).toBe(true);
    expect(compiled(event)).toBe(true);
  });

  it.each(TEXT_FIELDS)('refuses a lone UTF-16 surrogate in %s, parsed (naming the field) and compiled', (field) => {
    const bad = { ...event, [field]: 'x\ud800' };
    expect(compiled(bad)).toBe(false);
    expect(usageEventSchema.safeParse(bad).error?.issues).toContainEqual(expect.objectContaining({ path: [field], message: WELL_FORMED_MESSAGE }));
  });
});
