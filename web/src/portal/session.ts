// The portal's sign-in state: a resident may sign in to be identified and to see their own requests; everyone
// else uses the portal without an account. A staff account signed in here is treated as not signed in.
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { type Account, api, getToken, setSignedOutHandler, setToken } from '../api.ts';

export interface PortalSession {
  /** The signed-in resident, or null. */
  resident: Account | null;
  checked: boolean;
  signIn: (username: string, password: string) => Promise<Account>;
  signOut: () => void;
}

export const SessionContext = createContext<PortalSession>({
  resident: null,
  checked: true,
  signIn: async () => {
    throw new Error('no session');
  },
  signOut: () => {},
});

export const useSession = () => useContext(SessionContext);

export function usePortalSessionState(): PortalSession {
  const [resident, setResident] = useState<Account | null>(null);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    setSignedOutHandler(() => setResident(null));
    if (!getToken()) {
      setChecked(true);
      return;
    }
    api<Account>('/api/auth/me')
      .then((a) => setResident(a.role === 'resident' ? a : null))
      .catch(() => setToken(null))
      .finally(() => setChecked(true));
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const res = await api<{ token: string }>('/api/auth/login', {
      method: 'POST',
      body: { username, password },
    });
    setToken(res.token);
    const account = await api<Account>('/api/auth/me');
    if (account.role !== 'resident') {
      // Staff belong in the console: do not keep their session in the portal.
      await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
      setToken(null);
      throw new Error('not-resident');
    }
    setResident(account);
    return account;
  }, []);

  const signOut = useCallback(() => {
    api('/api/auth/logout', { method: 'POST' }).catch(() => {});
    setToken(null);
    setResident(null);
  }, []);

  return { resident, checked, signIn, signOut };
}
