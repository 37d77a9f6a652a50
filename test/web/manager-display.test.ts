import { describe, expect, it } from 'vitest';
import { shownCount, shownDate, shownDeviceExpiry, shownSeconds, shownText } from '../../web/src/manager/display.js';

/** How the manager writes the server's values. */
describe("the manager's values in words", () => {
  it('say uncounted for a count of an uncounted record, and for an available count the server leaves out', () => {
    expect(shownCount(3, false)).toBe('uncounted');
    expect(shownCount(null)).toBe('uncounted');
    expect(shownCount(0)).toBe('0');
  });

  it('say permanent for an expiry that never comes, and show a license date as that calendar day wherever the browser is', () => {
    expect(shownDate('permanent')).toBe('permanent');
    const day = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(Date.UTC(2030, 5, 30));
    expect(shownDate('2030-06-30')).toBe(day);
  });

  it('mark what is absent with a dash, and a device that holds nothing as such', () => {
    expect(shownDate(null)).toBe('–');
    expect(shownText('')).toBe('–');
    expect(shownText(null)).toBe('–');
    expect(shownDeviceExpiry(null)).toBe('holds nothing');
    expect(shownDeviceExpiry('permanent')).toBe('permanent');
  });

  it('give a duration in its largest whole unit', () => {
    expect(shownSeconds(86_400)).toBe('1 day');
    expect(shownSeconds(7_200)).toBe('2 hours');
    expect(shownSeconds(90)).toBe('90 seconds');
    expect(shownSeconds(null)).toBe('–');
  });
});
