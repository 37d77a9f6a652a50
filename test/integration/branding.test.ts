import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600', 'hex');

describe('GET /branding/data.json and /branding/logo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-branding-'));
  const logLines: Array<Record<string, unknown>> = [];
  let server: TestServer;
  let plain: TestServer;
  let stamp = Date.now() / 1000 - 1000;
  /** Writes data.json with a new mtime, as an edit a while later would. */
  const writeData = (text: string) => {
    const file = join(dir, 'data.json');
    writeFileSync(file, text);
    stamp += 10;
    utimesSync(file, stamp, stamp);
  };
  const warnings = () => logLines.filter((l) => l.event === 'branding.invalid');

  beforeAll(async () => {
    writeData(JSON.stringify({ productName: 'Acme License Manager', views: { features: { label: 'Products', icon: 'perm_data_setting' } } }));
    [server, plain] = await Promise.all([startTestServer({ settings: { 'server.brandingDir': dir }, logLines }), startTestServer()]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), plain?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the defaults and no logo, without logging, when the server has no branding folder', async () => {
    expect(await plain.get('/branding/data.json')).toEqual({ status: 200, body: { views: {}, logo: null } });
    expect((await plain.get('/branding/logo')).status).toBe(404);
  });

  it('answers a valid data.json to anyone, without a login', async () => {
    const res = await server.get('/branding/data.json');
    expect(res).toEqual({ status: 200, body: { productName: 'Acme License Manager', views: { features: { label: 'Products', icon: 'perm_data_setting' } }, logo: null } });
    expect(warnings()).toEqual([]);
  });

  it('serves logo.png as image/png and logo.jpg or logo.jpeg as image/jpeg, and names it in data.json', async () => {
    writeFileSync(join(dir, 'logo.jpeg'), JPEG);
    let res = await server.app.inject({ url: '/branding/logo' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.rawPayload).toEqual(JPEG);
    writeFileSync(join(dir, 'logo.png'), PNG);
    res = await server.app.inject({ url: '/branding/logo' });
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload).toEqual(PNG);
    expect((await server.get('/branding/data.json')).body.logo).toMatch(/^\/branding\/logo\?v=\d+$/);
  });

  it('answers the defaults for data.json that is not JSON, and logs one warning naming the file', async () => {
    writeData('{ "productName": ');
    for (let i = 0; i < 3; i++) expect((await server.get('/branding/data.json')).body).toMatchObject({ views: {} });
    expect((await server.get('/branding/data.json')).body.productName).toBeUndefined();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ level: 40, file: join(dir, 'data.json'), field: '(the file)' });
    expect(String(warnings()[0]!.problem)).toMatch(/not valid JSON/);
  });

  it('reads data.json again when it changes, with no restart', async () => {
    writeData(JSON.stringify({ views: { about: { label: 'Help' } } }));
    expect((await server.get('/branding/data.json')).body).toMatchObject({ views: { about: { label: 'Help' } } });
  });

  it.each([
    ['an icon name that is not a Material ligature', { views: { features: { icon: 'PermDataSetting' } } }, 'views.features.icon', /Material icon name/],
    ['a label longer than 60 characters', { views: { devices: { label: 'x'.repeat(61) } } }, 'views.devices.label', /at most 60/],
    ['a view that does not exist', { views: { dashboard: { label: 'Home' } } }, 'views', /"dashboard": not a view/],
    ['a field it does not know', { productName: 'Acme', colour: 'red' }, '(the file)', /"colour": not a field/],
  ])('answers the defaults for %s, and logs the field and the problem', async (_what, data, field, problem) => {
    const before = warnings().length;
    writeData(JSON.stringify(data));
    expect((await server.get('/branding/data.json')).body).toMatchObject({ views: {} });
    expect((await server.get('/branding/data.json')).body.productName).toBeUndefined();
    expect(warnings()).toHaveLength(before + 1);
    expect(warnings().at(-1)).toMatchObject({ field });
    expect(String(warnings().at(-1)!.problem)).toMatch(problem);
  });

  it('warns at start, before any request, of a bad data.json or a branding folder that cannot be read', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'tally-branding-bad-'));
    writeFileSync(join(bad, 'data.json'), JSON.stringify({ views: { users: { icon: 'Group' } } }));
    for (const [folder, event] of [[bad, 'branding.invalid'], [join(bad, 'missing'), 'branding.unreadable']] as const) {
      const lines: Array<Record<string, unknown>> = [];
      const started = await startTestServer({ settings: { 'server.brandingDir': folder }, logLines: lines });
      await started.stop();
      expect(lines.filter((l) => String(l.event).startsWith('branding.'))).toEqual([expect.objectContaining({ event, level: 40 })]);
    }
    rmSync(bad, { recursive: true, force: true });
  });

  it('serves no other file of the folder or beyond it', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    for (const url of ['/branding/secret.txt', '/branding/../secret.txt', '/branding/..%2fsecret.txt', '/branding/%2e%2e/%2e%2e/etc/passwd', '/branding/logo/../secret.txt', '/branding/logo.png']) {
      const res = await server.app.inject({ url });
      // 404, or the manager's page for a path that is not under /branding/ once resolved.
      expect({ url, answer: res.statusCode === 200 ? String(res.headers['content-type']).split(';')[0] : res.statusCode >= 400 }).toEqual({ url, answer: res.statusCode === 200 ? 'text/html' : true });
      expect(res.payload).not.toContain('not for the web');
    }
  });
});
