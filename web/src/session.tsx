import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthorized, setCsrfToken } from './api.ts';
import type { Self } from './types.ts';

interface SessionState {
  /** Who is signed in; null when nobody is. */
  self: Self | null;
  signedIn(self: Self): void;
  signOut(): Promise<void>;
  can(permission: string): boolean;
  /** Set when the session ended on its own (expired, revoked), to say so on the sign-in page. */
  endedNotice: string | null;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

type Loading = { state: 'loading' } | { state: 'failed'; error: ApiError } | { state: 'ready'; self: Self | null };

/** Asks the server who is signed in, once on load; a 401 means the sign-in page. */
export function SessionProvider({ children, loading, failed }: { children: ReactNode; loading: ReactNode; failed: (error: ApiError, retry: () => void) => ReactNode }) {
  const [status, setStatus] = useState<Loading>({ state: 'loading' });
  const [endedNotice, setEndedNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    setStatus({ state: 'loading' });
    api
      .get<Self>('/session')
      .then(({ data }) => {
        setCsrfToken(data.csrfToken);
        setStatus({ state: 'ready', self: data });
      })
      .catch((error: ApiError) => {
        if (error.status === 401) setStatus({ state: 'ready', self: null });
        else setStatus({ state: 'failed', error });
      });
  }, []);

  useEffect(load, [load]);

  const self = status.state === 'ready' ? status.self : null;
  useEffect(() => {
    onUnauthorized(() => {
      if (!self) return;
      setCsrfToken(null);
      setEndedNotice('Your session has ended. Sign in again to carry on.');
      setStatus({ state: 'ready', self: null });
    });
    return () => onUnauthorized(null);
  }, [self]);

  const value = useMemo<SessionState>(
    () => ({
      self,
      endedNotice,
      signedIn: (next) => {
        setCsrfToken(next.csrfToken);
        setEndedNotice(null);
        setStatus({ state: 'ready', self: next });
      },
      signOut: async () => {
        try {
          await api.delete('/session');
        } finally {
          setCsrfToken(null);
          setEndedNotice(null);
          setStatus({ state: 'ready', self: null });
        }
      },
      can: (permission) => !!self?.permissions.includes(permission),
    }),
    [self, endedNotice],
  );

  if (status.state === 'loading') return <>{loading}</>;
  if (status.state === 'failed') return <>{failed(status.error, load)}</>;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
