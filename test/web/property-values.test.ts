import { describe, expect, it } from 'vitest';
import type { PropertyView } from '../../src/server/properties/property-service.js';
import { fromForm, isChanged, problemWith, toForm } from '../../web/src/manager/properties/property-values.js';
import { clientKeyProblem } from '../../web/src/manager/backoffice/client-key.js';

const property = (p: Partial<PropertyView>): PropertyView => ({ key: 'k', label: 'K', group: 'logging', value: null, default: null, editable: true, lockedBy: null, type: 'string', description: 'd', ...p });

describe('a property in the form', () => {
  const idle = property({ type: 'duration', value: '30m', min: 60, max: 86_400 });
  const renew = property({ type: 'integer', value: 15, min: 1, max: 100 });

  it('edits a duration as a number and a unit, and sends it as the API writes durations', () => {
    expect(toForm(idle, '30m')).toEqual({ kind: 'duration', amount: '30', unit: 'm' });
    expect(fromForm(idle, { kind: 'duration', amount: '2', unit: 'h' })).toBe('2h');
  });

  it('counts a duration typed in other units as unchanged when it is the same length of time', () => {
    expect(isChanged(idle, { kind: 'duration', amount: '1800', unit: 's' })).toBe(false);
    expect(isChanged(idle, { kind: 'duration', amount: '31', unit: 'm' })).toBe(true);
  });

  it('refuses what the API refuses, in its words, from the range the API reports', () => {
    expect(problemWith(idle, { kind: 'duration', amount: '10', unit: 's' })).toBe('must be between 1m and 1d');
    expect(problemWith(idle, { kind: 'duration', amount: 'soon', unit: 'm' })).toBe('must be a duration such as 90, 15m, 12h, 7d or 1w');
    expect(problemWith(renew, { kind: 'text', text: '101' })).toBe('must be at most 100');
    expect(problemWith(renew, { kind: 'text', text: '0' })).toBe('must be at least 1');
    expect(problemWith(renew, { kind: 'text', text: '2.5' })).toBe('must be a whole number');
    expect(problemWith(renew, { kind: 'text', text: '' })).toBe('is required');
    expect(problemWith(renew, { kind: 'text', text: '20' })).toBeNull();
  });

  it('sends a list one item per line, and an emptied optional text as null', () => {
    expect(fromForm(property({ type: 'list' }), { kind: 'text', text: 'https://a.example\n\n https://b.example ' })).toEqual(['https://a.example', 'https://b.example']);
    expect(fromForm(property({ nullable: true }), { kind: 'text', text: '  ' })).toBeNull();
  });
});

describe('a client key file', () => {
  it('is refused when empty, larger than 4 KB, PEM text, or not a DER SEQUENCE', () => {
    expect(clientKeyProblem(new Uint8Array())).toMatch(/empty/);
    expect(clientKeyProblem(new Uint8Array(4097).fill(0x30))).toMatch(/at most 4 KB/);
    expect(clientKeyProblem(new TextEncoder().encode('-----BEGIN PUBLIC KEY-----'))).toMatch(/PEM/);
    expect(clientKeyProblem(Uint8Array.of(0x04, 0x01))).toMatch(/0x30/);
    expect(clientKeyProblem(Uint8Array.of(0x30, 0x82, 0x01, 0x22))).toBeNull();
  });
});
