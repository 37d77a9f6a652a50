import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { SessionBody } from '../../../src/http/users-routes.js';
import { apiJson, setUnauthorizedHandler, storeSession, storedSession } from './client.js';

const AUTH = '/api/1.0/instances/~';

interface Auth {
  session: SessionBody | null;
  login(user: string, password: string): Promise<void>;
  /** First login with a one-time password: sets the new one and logs in. */
  changePassword(user: string, currentPassword: string, newPassword: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionBody | null>(storedSession);
  const queryClient = useQueryClient();
  const adopt = useCallback(
    (next: SessionBody | null) => {
      storeSession(next);
      setSession(next);
      if (!next) queryClient.clear();
    },
    [queryClient],
  );
  useEffect(() => setUnauthorizedHandler(() => adopt(null)), [adopt]);
  const auth = useMemo<Auth>(
    () => ({
      session,
      async login(user, password) {
        adopt(await apiJson<SessionBody>(`${AUTH}/authorize`, { method: 'POST', body: JSON.stringify({ user, password }) }));
      },
      async changePassword(user, currentPassword, newPassword) {
        adopt(await apiJson<SessionBody>(`${AUTH}/reset-password`, { method: 'POST', body: JSON.stringify({ user, currentPassword, newPassword }) }));
      },
      async logout() {
        await apiJson(`${AUTH}/logout`, { method: 'POST' }).catch(() => undefined);
        adopt(null);
      },
    }),
    [session, adopt],
  );
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth needs an AuthProvider');
  return auth;
}
