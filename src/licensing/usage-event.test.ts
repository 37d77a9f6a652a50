import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../test/support/factories.js';
import { compileCheck } from '../common/schema-check.js';
import { WELL_FORMED_MESSAGE } from '../common/text.js';
import { usageEventSchema } from './usage-event.js';

const event = buildEvent();
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
