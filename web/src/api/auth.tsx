import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { SessionBody } from '../../../src/http/users-routes.js';
import { apiJson, instancePath, setUnauthorizedHandler, storeSession, storedSession } from './client.js';

/** Why there is no session: never logged in, logged out, or ended by the server (idle timeout). */
export type SessionEnd = 'none' | 'logged-out' | 'expired';

export interface Auth {
  session: SessionBody | null;
  ended: SessionEnd;
  /** The idle timeout, in seconds, of the session the server ended (for saying how long is too long). */
  endedIdleSeconds: number | null;
  login(user: string, password: string): Promise<void>;
  /** First login with a one-time password (or after a timeout): the current one and a new one; logs in. */
  changePassword(user: string, currentPassword: string, newPassword: string): Promise<void>;
  /** While logged in: a new password, no current one asked. */
  changeOwnPassword(newPassword: string): Promise<void>;
  logout(): Promise<void>;
  /** Whether this session's role may call `METHOD /api/...` (as the server's routes declare it, with `:param`). */
  may(method: string, path: string): boolean;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionBody | null>(storedSession);
  const [ended, setEnded] = useState<{ why: SessionEnd; idleSeconds: number | null }>({ why: 'none', idleSeconds: null });
  const queryClient = useQueryClient();
  const adopt = useCallback(
    (next: SessionBody | null, why: SessionEnd = 'logged-out') => {
      // Read before it is forgotten: the login page says how long the session could idle.
      const previous = storedSession();
      storeSession(next);
      setSession(next);
      if (!next) {
        setEnded({ why, idleSeconds: previous?.idleTimeoutSeconds ?? null });
        queryClient.clear();
      }
    },
    [queryClient],
  );
  // Only the session that was refused ends: a late answer to an old token must not end a new login.
  useEffect(
    () =>
      setUnauthorizedHandler((token) => {
        if (storedSession()?.token === token) adopt(null, 'expired');
      }),
    [adopt],
  );
  const auth = useMemo<Auth>(
    () => ({
      session,
      ended: ended.why,
      endedIdleSeconds: ended.idleSeconds,
      async login(user, password) {
        adopt(await apiJson<SessionBody>(instancePath('/authorize'), { method: 'POST', body: JSON.stringify({ user, password }) }));
      },
      async changePassword(user, currentPassword, newPassword) {
        adopt(await apiJson<SessionBody>(instancePath('/reset-password'), { method: 'POST', body: JSON.stringify({ user, currentPassword, newPassword }) }));
      },
      async changeOwnPassword(newPassword) {
        await apiJson(instancePath('/users/me/password'), { method: 'PUT', body: JSON.stringify({ newPassword }) });
      },
      async logout() {
        await apiJson(instancePath('/logout'), { method: 'POST' }).catch(() => undefined);
        adopt(null, 'logged-out');
      },
      may(method, path) {
        const wanted = `${method.toUpperCase()} ${path.replace(/^\/api\/1\.0\/instances\/[^/]+/, '/api/1.0/instances/~')}`;
        return session?.may.includes(wanted) ?? false;
      },
    }),
    [session, ended, adopt],
  );
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth needs an AuthProvider');
  return auth;
}
