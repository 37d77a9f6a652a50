import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TallyError } from './errors.js';
import { loadSettings } from './config.js';
import { SETTING_LIST } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'tally-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(content: unknown): string {
  const file = join(dir, `tally-${++files}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loadSettings', () => {
  it('has a default for every setting: port 7070, one-week leases, denials tracked, durable commits', () => {
    const s = loadSettings({ env: {} });
    expect(s.server.port).toBe(7070);
    expect(s.licensing.borrowInterval).toBe(604_800);
    expect(s.licensing.renewInterval).toBe(15);
    expect(s.licensing.trackDeniedRequests).toBe(true);
    expect(s.storage.synchronous).toBe('FULL');
  });

  it('lets the config file override defaults, the environment override the file, and flags override both', () => {
    const file = configFile({ server: { port: 7100, dataDir: '/tmp/a' }, licensing: { borrowInterval: '1d' } });
    const s = loadSettings({
      file,
      env: { TALLY_PORT: '7200', TALLY_LICENSING_BORROW_INTERVAL: '2h' },
      overrides: { 'server.port': '7300' },
    });
    expect(s.server.port).toBe(7300);
    expect(s.server.dataDir).toBe('/tmp/a');
    expect(s.licensing.borrowInterval).toBe(7200);
  });

  it('maps every TALLY_GROUP_SETTING variable onto its setting', () => {
    const s = loadSettings({ env: { TALLY_LICENSING_BORROW_INTERVAL_MAX: '3d', TALLY_LICENSING_TRACK_DENIED_REQUESTS: 'false', TALLY_SERVER_HOST: '127.0.0.1' } });
    expect(s.licensing.borrowIntervalMax).toBe(259_200);
    expect(s.licensing.trackDeniedRequests).toBe(false);
    expect(s.server.host).toBe('127.0.0.1');
  });

  it('refuses a bad value, naming the setting', () => {
    try {
      loadSettings({ env: { TALLY_PORT: '70000', TALLY_LICENSING_RENEW_INTERVAL: 'often' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TallyError);
      const fields = (error as TallyError).details.map((d) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['server.port', 'licensing.renewInterval']));
    }
  });

  it('refuses an unknown setting in the config file', () => {
    expect(() => loadSettings({ env: {}, file: configFile({ server: { prot: 1 } }) })).toThrow(/server.prot/);
  });

  it('refuses a config file that is not JSON, naming the file', () => {
    const file = configFile('port = 7070');
    expect(() => loadSettings({ env: {}, file })).toThrow(file);
  });

  it('refuses in the config file what the properties API refuses, with its message: a lease of 0, an idle timeout of 10s', () => {
    expect(() => loadSettings({ env: {}, file: configFile({ licensing: { borrowInterval: 0 } }) })).toThrow(
      'Invalid settings: licensing.borrowInterval must be between 1s and 365d',
    );
    expect(() => loadSettings({ env: { TALLY_SECURITY_SESSION_IDLE_TIMEOUT: '10s' } })).toThrow('Invalid settings: security.sessionIdleTimeout must be between 1m and 1d');
  });

  it('has defaults that the settings themselves accept', () => {
    for (const s of SETTING_LIST) expect(s.schema.parse(s.default), s.path).toEqual(s.default);
  });
});
