import { describe, expect, it } from 'vitest';
import { TallyError } from '../../common/errors.js';
import { parseAsks } from './license-updates.js';

describe('activation IDs on the command line', () => {
  it('reads ACTIVATION_ID=COUNT pairs', () => {
    expect(parseAsks(['ACT-1=5', 'ACT-2=1'])).toEqual([{ activationId: 'ACT-1', count: 5 }, { activationId: 'ACT-2', count: 1 }]);
  });

  it('refuses a pair without a count, naming it', () => {
    expect(() => parseAsks(['ACT-1'])).toThrow(TallyError);
    expect(() => parseAsks(['ACT-1=x'])).toThrow(/ACT-1=x must be ACTIVATION_ID=COUNT/);
  });
});
