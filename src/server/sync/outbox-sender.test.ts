import { describe, expect, it } from 'vitest';
import { backOfficeBase, syncEndpoint } from './outbox-sender.js';

describe('the back office address of a sync URL', () => {
  it('is the origin when the sync URL has no path', () => {
    expect(backOfficeBase('http://bo.example:8080')).toBe('http://bo.example:8080');
    expect(backOfficeBase('https://bo.example/')).toBe('https://bo.example');
  });

  it('drops the sync path, keeping a prefix the back office is served under', () => {
    expect(backOfficeBase('https://bo.example/usage/api/1.0/sync')).toBe('https://bo.example');
    expect(backOfficeBase('https://gw.example/tally/usage/api/1.0/sync')).toBe('https://gw.example/tally');
  });

  it('is where the sync endpoint is, for a URL without a path', () => {
    const url = 'http://127.0.0.1:8080';
    expect(syncEndpoint(url)).toBe(`${backOfficeBase(url)}/usage/api/1.0/sync`);
  });
});
