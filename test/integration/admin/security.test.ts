import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/time.js';
import type { TestServer } from '../../support/test-server.js';
import { ADMIN_PASSWORD, startTestServer } from '../../support/test-server.js';

const AUTHORIZE = '/api/1.0/instances/~/authorize';
const RESET = '/api/1.0/instances/~/reset-password';
const FEATURES = '/api/1.0/instances/~/features';
const MINUTE = 60_000;

describe('administrative security', () => {
  const clock = new ManualClock(Date.parse('2026-06-01T08:00:00Z'));
  const logLines: Array<Record<string, unknown>> = [];
  let server: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ clock, logLines });
    admin = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => server.stop());

  const login = (user: string, password: string) => server.post(AUTHORIZE, { user, password });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const newUser = async (name: string, role = 'read-only') => (await server.post('/api/1.0/instances/~/users', { name, role }, admin)).body.oneTimePassword as string;
  // Tests that move the clock idle the admin session out; each test starts with a live one.
  beforeEach(async () => {
    admin = { authorization: `Bearer ${await server.adminToken()}` };
  });

  describe('first login', () => {
    it('gives no token for a one-time password: the user must set its own first (403 PASSWORD_CHANGE_REQUIRED)', async () => {
      const oneTime = await newUser('first');
      const res = await login('first', oneTime);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
      expect(res.body.token).toBeUndefined();
    });

    it('sets the new password with the current one and logs the user in', async () => {
      const oneTime = await newUser('second');
      const res = await server.post(RESET, { user: 'second', currentPassword: oneTime, newPassword: 'plenty of letters here' });
      expect(res.status).toBe(200);
      expect((await server.get(FEATURES, bearer(res.body.token))).status).toBe(200);
      expect((await login('second', 'plenty of letters here')).status).toBe(200);
      expect((await login('second', oneTime)).status).toBe(401);
    });

    it('refuses a reset with a wrong current password as a failed login', async () => {
      await newUser('third');
      const res = await server.post(RESET, { user: 'third', currentPassword: 'guess guess guess', newPassword: 'plenty of letters here' });
      expect(res.status).toBe(401);
    });

    it.each([
      { why: 'it is too short', password: 'short1', message: 'must be at least 12 characters' },
      { why: 'it contains the user name', password: 'fourth-is-my-name', message: 'must not contain the user name' },
    ])('refuses a new password when $why, saying so', async ({ password, message }) => {
      const oneTime = await newUser(`fourth${password.length}`);
      const user = `fourth${password.length}`;
      const res = await server.post(RESET, { user, currentPassword: oneTime, newPassword: password.replace('fourth', user) });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'newPassword', message }]);
      expect((await login(user, oneTime)).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    });

    it('refuses a new password equal to the current one', async () => {
      const oneTime = await newUser('fifth');
      const res = await server.post(RESET, { user: 'fifth', currentPassword: oneTime, newPassword: oneTime });
      expect(res.body.error.details).toContainEqual({ field: 'newPassword', message: 'must differ from the current password' });
    });

    it('asks for a new password again after an admin resets the user, and ends its sessions', async () => {
      const token = await server.userToken('sixth', 'read-only');
      const reset = await server.post('/api/1.0/instances/~/users/sixth/reset', {}, admin);
      expect(reset.status).toBe(200);
      expect((await server.get(FEATURES, bearer(token))).status).toBe(401);
      expect((await login('sixth', reset.body.oneTimePassword)).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    });
  });

  describe('changing one’s own password while logged in', () => {
    it('needs no current password, and ends the user’s other sessions but not this one', async () => {
      const token = await server.userToken('seventh', 'read-only');
      const other = (await login('seventh', ADMIN_PASSWORD)).body.token as string;
      const res = await server.call('PUT', '/api/1.0/instances/~/users/me/password', { newPassword: 'a brand new passphrase' }, bearer(token));
      expect(res.status).toBe(204);
      expect((await server.get(FEATURES, bearer(token))).status).toBe(200);
      expect((await server.get(FEATURES, bearer(other))).status).toBe(401);
      expect((await login('seventh', 'a brand new passphrase')).status).toBe(200);
    });

    it('still applies the password rules', async () => {
      const token = await server.userToken('eighth', 'read-only');
      const res = await server.call('PUT', '/api/1.0/instances/~/users/me/password', { newPassword: 'tiny' }, bearer(token));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'newPassword', message: 'must be at least 12 characters' }]);
    });
  });

  describe('sessions', () => {
    it('end after 30 minutes without a request, and each request restarts that clock', async () => {
      const token = await server.userToken('idle', 'read-only');
      clock.advance(29 * MINUTE);
      expect((await server.get(FEATURES, bearer(token))).status).toBe(200);
      clock.advance(29 * MINUTE);
      expect((await server.get(FEATURES, bearer(token))).status).toBe(200);
      clock.advance(31 * MINUTE);
      const expired = await server.get(FEATURES, bearer(token));
      expect(expired.status).toBe(401);
      expect(expired.body.error.message).toMatch(/expired/);
    });

    it('end at once on logout', async () => {
      const token = await server.userToken('leaver', 'read-only');
      expect((await server.post('/api/1.0/instances/~/logout', {}, bearer(token))).status).toBe(204);
      expect((await server.get(FEATURES, bearer(token))).status).toBe(401);
    });
  });

  describe('failed logins', () => {
    it('lock the account after 5 failures in a row, even against the right password, until the lockout ends', async () => {
      await server.userToken('target', 'read-only');
      for (let i = 0; i < 5; i++) expect((await login('target', `wrong password ${i}`)).status).toBe(401);
      const locked = await login('target', ADMIN_PASSWORD);
      expect(locked.status).toBe(401);
      expect(logLines.some((l) => l.event === 'security.login.locked' && l.user === 'target')).toBe(true);
      clock.advance(16 * MINUTE);
      expect((await login('target', ADMIN_PASSWORD)).status).toBe(200);
    });

    it('answer an unknown user exactly as a known one, locked or not', async () => {
      const unknown = await login('nobody-here', 'some password');
      const wrong = await login('target', 'some password');
      expect(unknown.status).toBe(wrong.status);
      expect(unknown.body).toEqual(wrong.body);
      for (let i = 0; i < 5; i++) await login('target', 'x');
      for (let i = 0; i < 5; i++) await login('nobody-here', 'x');
      expect((await login('nobody-here', 'x')).body).toEqual((await login('target', 'x')).body);
      clock.advance(16 * MINUTE);
    });

    it('are logged without the password', async () => {
      await login('target', 'do-not-log-this-secret');
      expect(logLines.some((l) => l.event === 'security.login.failed')).toBe(true);
      expect(JSON.stringify(logLines)).not.toContain('do-not-log-this-secret');
      expect(JSON.stringify(logLines)).not.toContain(ADMIN_PASSWORD);
    });
  });

  describe('users', () => {
    it('are listed with paging and the total', async () => {
      const res = await server.get('/api/1.0/instances/~/users?page=1&pageSize=2', admin);
      expect(res.body.items).toHaveLength(2);
      expect(res.body.total).toBeGreaterThan(5);
    });

    it('keep at least one admin', async () => {
      const res = await server.call('PATCH', '/api/1.0/instances/~/users/admin', { role: 'read-only' }, admin);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/last admin/);
    });

    it('refuse a duplicate or malformed name, naming the field', async () => {
      expect((await server.post('/api/1.0/instances/~/users', { name: 'second', role: 'admin' }, admin)).status).toBe(409);
      const bad = await server.post('/api/1.0/instances/~/users', { name: 'no spaces please', role: 'admin' }, admin);
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].field).toBe('body.name');
      const role = await server.post('/api/1.0/instances/~/users', { name: 'ok-name', role: 'superuser' }, admin);
      expect(role.body.error.details[0].field).toBe('body.role');
    });

    it('can be deleted, ending their access', async () => {
      const token = await server.userToken('gone', 'admin');
      expect((await server.call('DELETE', '/api/1.0/instances/~/users/gone', undefined, admin)).status).toBe(204);
      expect((await server.get(FEATURES, bearer(token))).status).toBe(401);
    });
  });
});
