import { describe, expect, it } from 'vitest';
import { compareVersions, isVersion, satisfiesVersion } from './version.js';

describe('isVersion', () => {
  it.each(['1.0', '0.0', '2026.10', '123456789.1'])('accepts %s', (v) => {
    expect(isVersion(v)).toBe(true);
  });
  it.each(['1', '1.0.0', 'a.b', '-1.0', '1.-0', ' 1.0', '1.0 ', '1e3.0', '', '1..0', '1234567890.0'])(
    'refuses %j',
    (v) => {
      expect(isVersion(v)).toBe(false);
    },
  );
});

describe('compareVersions', () => {
  it('compares each part as a number, so 1.10 is newer than 1.9', () => {
    expect(compareVersions('1.10', '1.9')).toBeGreaterThan(0);
  });
  it('treats 1.0 and 1.00 as the same version', () => {
    expect(compareVersions('1.0', '1.00')).toBe(0);
  });
  it('orders by the major part first', () => {
    expect(compareVersions('2.0', '1.99')).toBeGreaterThan(0);
  });
});

describe('satisfiesVersion', () => {
  it('is satisfied by an equal or newer version and not by an older one', () => {
    expect(satisfiesVersion('2.0', '1.0')).toBe(true);
    expect(satisfiesVersion('1.0', '1.0')).toBe(true);
    expect(satisfiesVersion('1.0', '2.0')).toBe(false);
  });
});
