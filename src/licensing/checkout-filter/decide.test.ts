import { describe, expect, it } from 'vitest';
import { buildDevice, buildFeature, buildRequest, sequentialIds } from '../../../test/support/factories.js';
import type { DesiredFeature } from '../capability.js';
import { decideCapability } from '../capability.js';
import type { Device } from '../hostid.js';
import { DEFAULT_POLICY } from '../lease.js';
import { LicenseState } from '../license-state.js';
import { parseModel } from '../model-definition/parser.js';
import { validateModel } from '../model-definition/validate.js';
import { checkFilter, refusalText } from './decide.js';
import { parseFilter } from './parser.js';

// A Wednesday, 12:00 UTC (14:00 in Berlin).
const NOW = Date.parse('2026-06-03T12:00:00Z');
const context = { instanceId: 'inst-1', accountId: 'acct-1' };

const verdict = (filter: string, device: Device, feature = 'cad', version = '1.0', now = NOW) => {
  const f = parseFilter(filter);
  const v = checkFilter(f, { device, feature, version }, now);
  return { action: v.action, line: v.rule?.line ?? null, text: v.action === 'deny' ? refusalText(f, v) : null };
};

describe('checkFilter: which rule decides', () => {
  const filter = `filter "site" {
  allow hostid("ws-1")
  deny feature("cad") because "CAD is for ws-1 only"
  default allow
}`;

  it('the first rule that matches decides, even when a later one would refuse', () => {
    expect(verdict(filter, buildDevice('ws-1'))).toMatchObject({ action: 'allow', line: 2 });
  });

  it('a deny rule refuses with the filter name, its line and the reason written after "because"', () => {
    expect(verdict(filter, buildDevice('ws-2'))).toEqual({ action: 'deny', line: 3, text: 'Checkout filter "site", line 3: CAD is for ws-1 only' });
  });

  it('a deny rule without a reason quotes itself', () => {
    expect(verdict('filter "f" { deny user("bob") }', buildDevice('x', { user: 'bob' })).text).toBe('Checkout filter "f", line 1: deny user("bob")');
  });

  it('the default decides a request no rule matches: allow unless the filter says deny', () => {
    expect(verdict(filter, buildDevice('ws-2'), 'viewer')).toMatchObject({ action: 'allow', line: null });
    expect(verdict('filter "f" {\n allow user("ann")\n default deny\n}', buildDevice('x'))).toEqual({
      action: 'deny', line: null, text: 'Checkout filter "f": no rule matches this request and its default is deny (line 3).',
    });
  });
});

describe('checkFilter: conditions', () => {
  const vm = buildDevice('4c4c4544-0031', { hostId: { value: '4c4c4544-0031', type: 'VM_UUID' }, deviceType: 'VIRTUAL', alias: 'build-7', user: 'svc-ci', vendorDictionary: { dept: 'eng', tier: 2 } });
  const deny = (condition: string, device = vm, feature = 'cad', version = '1.0', now = NOW) => verdict(`filter "f" { deny ${condition} }`, device, feature, version, now).action === 'deny';

  it('hostid matches the value with wildcards, and its type when the pattern names one', () => {
    expect(deny('hostid("4c4c*")')).toBe(true);
    expect(deny('hostid("4c4c*/VM_UUID")')).toBe(true);
    expect(deny('hostid("4c4c*/STRING")')).toBe(false);
    expect(deny('hostid("7200014F5DF0/ETHERNET")', buildDevice('m', { hostId: { value: '72-00-01-4f-5d-f0', type: 'ETHERNET' } }))).toBe(true);
  });

  it('hostidtype and devicetype match the hostid type and the physical, virtual or container kind the request carries', () => {
    expect(deny('hostidtype(VM_UUID)')).toBe(true);
    expect(deny('hostidtype(ETHERNET, STRING)')).toBe(false);
    expect(deny('devicetype(VIRTUAL)')).toBe(true);
    expect(deny('devicetype(PHYSICAL)')).toBe(false);
  });

  it('user, hostname and hosttype match what the request carries; a request without a user matches no user(…)', () => {
    expect(deny('user(~/^svc-/)')).toBe(true);
    expect(deny('hostname("build-*")')).toBe(true);
    expect(deny('hosttype("FLX_CLIENT")')).toBe(true);
    expect(deny('user("*")', buildDevice('x'))).toBe(false);
  });

  it('dictionary matches vendor dictionary entries, numbers as text', () => {
    expect(deny('dictionary("dept":"eng")')).toBe(true);
    expect(deny('dictionary("tier":2)')).toBe(true);
    expect(deny('dictionary("dept":"sales", "tier":"3")')).toBe(false);
    expect(deny('dictionary("toString":"*")')).toBe(false);
  });

  it('feature matches the feature asked for; version matches the version asked for, compared numerically', () => {
    expect(deny('feature("ca*")')).toBe(true);
    expect(deny('feature("cam")')).toBe(false);
    expect(deny('version(< 2.0)', vm, 'cad', '1.10')).toBe(true);
    expect(deny('version(< 2.0)', vm, 'cad', '2.0')).toBe(false);
    expect(deny('version(> 2.0)', vm, 'cad', '2.0')).toBe(false);
    expect(deny('version(>= 2.0)', vm, 'cad', '2.0')).toBe(true);
    expect(deny('version(2.0-2.9)', vm, 'cad', '2.10')).toBe(false);
    expect(deny('version(2.0-2.10)', vm, 'cad', '2.9')).toBe(true);
    expect(deny('version(3.0)', vm, 'cad', '3.00')).toBe(true);
  });

  it('days and hours are read in UTC unless the filter names a time zone', () => {
    expect(deny('days(wed) and hours(12:00-12:01)')).toBe(true);
    expect(deny('hours(13:00-15:00)')).toBe(false);
    expect(verdict('filter "f" { timezone "Europe/Berlin" deny hours(13:00-15:00) }', vm).action).toBe('deny');
    expect(verdict('filter "f" { timezone "Pacific/Auckland" deny days(thu) }', vm).action).toBe('deny');
  });

  it('a span of hours whose end is before its start runs past midnight; 24:00 ends the day', () => {
    const at = (hhmm: string) => Date.parse(`2026-06-03T${hhmm}:00Z`);
    expect(deny('hours(22:00-06:00)', vm, 'cad', '1.0', at('23:30'))).toBe(true);
    expect(deny('hours(22:00-06:00)', vm, 'cad', '1.0', at('05:59'))).toBe(true);
    expect(deny('hours(22:00-06:00)', vm, 'cad', '1.0', at('06:00'))).toBe(false);
    expect(deny('hours(18:00-24:00)', vm, 'cad', '1.0', at('23:59'))).toBe(true);
  });

  it('not, and, or and parentheses combine conditions', () => {
    expect(deny('not user("svc-ci")')).toBe(false);
    expect(deny('user("svc-ci") and (devicetype(PHYSICAL) or feature("cad"))')).toBe(true);
  });
});

describe('decideCapability with a checkout filter', () => {
  function serverWith(filter: string, model: string | null = null) {
    const state = new LicenseState();
    state.setRecords([buildFeature({ id: 'cad-1', name: 'cad', count: 2 }), buildFeature({ id: 'viewer-1', name: 'viewer', count: 2 })]);
    if (model) state.pools = validateModel(parseModel(model), state.allRecords(), NOW);
    state.filter = parseFilter(filter);
    const newId = sequentialIds();
    const serve = (device: Device, features: DesiredFeature[], incremental = false) => {
      const d = decideCapability(state, buildRequest(features, { device, incremental }), DEFAULT_POLICY, context, { now: NOW, newId });
      state.apply(d.change);
      return d;
    };
    return { state, serve };
  }
  const ws = buildDevice('ws-1');
  const kiosk = buildDevice('kiosk', { user: 'guest' });

  it('denies a refused feature with 67 FILTER_REJECTION and a deny event, and grants the features the filter allows', () => {
    const s = serverWith('filter "f" { deny feature("cad") and user("guest") because "No CAD for guests" }');
    const d = s.serve(kiosk, [{ name: 'cad', version: '1.0', count: 1 }, { name: 'viewer', version: '1.0', count: 1 }]);
    expect(d.denials).toEqual([expect.objectContaining({ feature: 'cad', code: 67, name: 'FILTER_REJECTION', count: 1, description: 'Checkout filter "f", line 1: No CAD for guests' })]);
    expect(d.change.events.map((e) => [e.kind, e.feature, e.statusCode])).toEqual([['deny', 'cad', 67], ['checkout', 'viewer', null]]);
    expect(s.serve(ws, [{ name: 'cad', version: '1.0', count: 2 }]).denials).toEqual([]);
  });

  it('decides before the rules of access: a filtered feature is denied 67 even where the pools would refuse the device', () => {
    const model = 'model "m" { partitions { partition "p" { "cad" 1.0 2 } } on hostid("ws-1") { use "p" accept } on any() { deny } }';
    const s = serverWith('filter "f" { deny user("guest") }', model);
    expect(s.serve(kiosk, [{ name: 'cad', version: '1.0', count: 1 }]).denials.map((d) => d.code)).toEqual([67]);
    expect(s.serve(buildDevice('other'), [{ name: 'cad', version: '1.0', count: 1 }]).denials.map((d) => d.code)).toEqual([80]);
  });

  it('still tells a feature the server does not have (15) from a filtered one', () => {
    const s = serverWith('filter "f" { default deny }');
    expect(s.serve(ws, [{ name: 'nothing', version: '1.0', count: 1 }]).denials.map((d) => d.code)).toEqual([15]);
  });

  it('never filters a return: a device the filter now refuses still gives its counts back', () => {
    const s = serverWith('filter "f" { }');
    s.serve(kiosk, [{ name: 'cad', version: '1.0', count: 2 }]);
    s.state.filter = parseFilter('filter "f" { default deny }');
    expect(s.serve(kiosk, [{ name: 'cad', version: '1.0', count: -1 }], true).denials).toEqual([]);
    expect(s.serve(kiosk, [{ name: 'cad', version: '1.0', count: 0 }]).denials).toEqual([]);
    expect(s.state.holdingsOf('STRING:kiosk')).toEqual([]);
  });

  it('refuses a renewal the filter now refuses and leaves the lease to run out unrenewed', () => {
    const s = serverWith('filter "f" { }');
    s.serve(kiosk, [{ name: 'cad', version: '1.0', count: 1 }]);
    const before = s.state.holdingsOf('STRING:kiosk')[0]!;
    s.state.filter = parseFilter('filter "f" { deny user("guest") }');
    const d = s.serve(kiosk, [{ name: 'cad', version: '1.0', count: 1 }]);
    expect(d.denials.map((x) => x.code)).toEqual([67]);
    expect(s.state.holdingsOf('STRING:kiosk')).toEqual([before]);
  });
});
