import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/common/config.js';
import { TallyError } from '../../../src/common/errors.js';
import type { Setting } from '../../../src/common/settings.js';
import { SETTING_LIST } from '../../../src/common/settings.js';
import type { TestServer } from '../../support/test-server.js';
import { startTestServer } from '../../support/test-server.js';

const PROPERTIES = '/api/1.0/instances/~/properties';
const keyOf = (s: Setting & { path: string }) => s.property?.key ?? s.path;
const show = (s: Setting, value: unknown) => (s.display ? s.display(value) : value);

/** Values at and just past each end of a setting's range, and values of the wrong kind. */
function probes(s: Setting): unknown[] {
  const ends = s.min === undefined || s.max === undefined ? [] : [s.min - 1, s.min, s.max, s.max + 1];
  switch (s.type) {
    case 'duration':
      return [...ends, 'soon', '-5m', `${s.max}s`];
    case 'integer':
      return [...ends, 'twenty', 2.5, '1e2', String(s.min)];
    case 'boolean':
      return ['yes', '1', 0, 'true', false];
    case 'enum':
      return ['loud', s.choices?.at(-1)];
    case 'list':
      return [['ftp://x'], Array.from({ length: 33 }, () => '*'), ['https://manager.example.com:8443'], []];
    default:
      return ['ftp://backoffice', 'not a url', null];
  }
}

/** What the config loader makes of a value: the value it keeps, or its messages about the setting (or an item of it). */
function fromConfig(s: Setting & { path: string }, value: unknown) {
  try {
    const settings = loadSettings({ env: {}, overrides: { [s.path]: value } }) as unknown as Record<string, Record<string, unknown>>;
    const [section, name] = s.path.split('.') as [string, string];
    return { accepted: true, shown: show(s, settings[section]?.[name]) };
  } catch (error) {
    if (!(error instanceof TallyError)) throw error;
    return { accepted: false, message: error.details.filter((d) => d.field === s.path || d.field.startsWith(`${s.path}.`)).map((d) => d.message).join('; ') };
  }
}

describe('settings and properties', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ settings: { 'producer.lockedProperties': [] } });
    admin = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => server.stop());

  it('shows every property but the facts about the server as a setting, with the default the config loader gives it', async () => {
    const listed = (await server.get(PROPERTIES, admin)).body.properties as Array<{ key: string; default: unknown; lockedBy: string | null }>;
    const settings = SETTING_LIST.filter((s) => s.property);
    expect(listed.filter((p) => p.lockedBy !== 'server').map((p) => p.key).sort()).toEqual(settings.map(keyOf).sort());
    // The data folders are configured relative to the working directory and resolved when loaded.
    for (const s of settings.filter((s) => !s.path.endsWith('dataDir'))) expect(listed.find((p) => p.key === keyOf(s))?.default, s.path).toEqual(fromConfig(s, undefined).shown);
  });

  it.each(SETTING_LIST.filter((s) => s.property?.scope === 'live').map((s) => ({ key: keyOf(s), setting: s })))(
    'accepts and refuses the same values of $key in the config file and through the API, with the same messages',
    async ({ key, setting }) => {
      for (const value of probes(setting)) {
        const res = await server.call('PUT', PROPERTIES, { [key]: value }, admin);
        const api = res.status === 200 ? { accepted: true, shown: res.body.changed[0].value } : { accepted: false, message: res.body.error.details[0].message };
        expect(fromConfig(setting, value), `${key} = ${JSON.stringify(value)}`).toEqual(api);
      }
    },
  );
});
