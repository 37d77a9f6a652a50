import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer } from '../../support/test-server.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';

const AUTHORIZE = '/api/1.0/instances/~/authorize';
const RESET = '/api/1.0/instances/~/reset-password';

/** What these tests need of a role: its HTTP API and a way to add a user with a known password. */
interface Role {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  addUser(name: string): Promise<void>;
  lockoutAttempts: number;
  stop(): Promise<void>;
}

async function licenseServer(): Promise<Role> {
  // A threshold other than the default, so the test shows the configured one is the one in force.
  const server = await startTestServer({ settings: { 'security.lockoutAttempts': 7 } });
  return {
    call: (method, path, body, headers) => server.call(method, path, body, headers),
    async addUser(name) {
      await server.userToken(name, 'read-only');
    },
    lockoutAttempts: 7,
    stop: () => server.stop(),
  };
}

async function backoffice(): Promise<Role> {
  const bo = await startTestBackoffice();
  return {
    call: (method, path, body, headers) => bo.call(method, path, body, headers),
    async addUser(name) {
      const auth = { authorization: `Bearer ${await bo.adminToken()}` };
      const created = await bo.call('POST', '/api/1.0/instances/~/users', { name, role: 'read-only' }, auth);
      const set = await bo.call('POST', RESET, { user: name, currentPassword: created.body.oneTimePassword, newPassword: ADMIN_PASSWORD });
      if (set.status !== 200) throw new Error(`could not set the password of ${name}: ${JSON.stringify(set.body)}`);
    },
    lockoutAttempts: 5,
    stop: () => bo.stop(),
  };
}

describe.each([
  { role: 'license server', start: licenseServer },
  { role: 'back office', start: backoffice },
])('login lockout of the $role under guesses sent at once', ({ start }) => {
  let role: Role;
  beforeAll(async () => {
    role = await start();
  });
  afterAll(async () => role.stop());

  const login = (user: string, password: string) => role.call('POST', AUTHORIZE, { user, password });
  const burst = (user: string, guesses: number) => Promise.all(Array.from({ length: guesses }, (_, i) => login(user, `wrong guess number ${i}`)));

  it('30 wrong guesses at once lock the account: the right password sent next is refused', async () => {
    await role.addUser('burst30');
    const answers = await burst('burst30', 30);
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect((await login('burst30', ADMIN_PASSWORD)).status).toBe(401);
  });

  it('a burst of exactly the configured number of wrong guesses locks; one fewer does not', async () => {
    await role.addUser('one-fewer');
    await burst('one-fewer', role.lockoutAttempts - 1);
    expect((await login('one-fewer', ADMIN_PASSWORD)).status).toBe(200);
    await role.addUser('exactly-at');
    await burst('exactly-at', role.lockoutAttempts);
    expect((await login('exactly-at', ADMIN_PASSWORD)).status).toBe(401);
  });

  it('a burst of 100 wrong guesses locks as surely as a few, and the lock holds for the next burst', async () => {
    await role.addUser('hundred');
    await burst('hundred', 100);
    const next = await Promise.all([...Array.from({ length: 20 }, (_, i) => login('hundred', `again ${i}`)), login('hundred', ADMIN_PASSWORD)]);
    expect(next.every((a) => a.status === 401)).toBe(true);
  });

  it('a name that is no user locks under a burst exactly as a user does', async () => {
    await burst('nobody-at-all', 30);
    await role.addUser('somebody');
    await burst('somebody', 30);
    const unknown = await login('nobody-at-all', 'x');
    const known = await login('somebody', 'x');
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
  });
});
