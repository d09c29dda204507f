import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePageTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';
import type { AuthProviders, Self } from '../types.ts';

/** Local username and password, and single sign-on when the server offers an identity provider. */
export function SignInPage() {
  const { signedIn, endedNotice } = useSession();
  const heading = usePageTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const sso = useSingleSignOn();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim() || !password) {
      const missing = [!username.trim() && { field: 'username', message: 'enter your username' }, !password && { field: 'password', message: 'enter your password' }];
      setError(new ApiError(0, 'Enter your username and password', undefined, undefined, missing.filter((m) => !!m)));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { data } = await api.post<Self>('/session', { username, password }, { expectUnauthorized: true });
      signedIn(data);
    } catch (e) {
      setError(e as ApiError);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="sign-in">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <span className="brand">
            <span className="brand__logo">
              n3sp
            </span>
            <span className="brand__name">Network service management</span>
          </span>
        </div>
      </header>
      <main id="main" className="sign-in__main" tabIndex={-1}>
        <div className="card sign-in__card">
          <h1 ref={heading} tabIndex={-1}>
            Sign in to n3sp
          </h1>
          <p className="lead">The service management platform of the national healthcare network.</p>
          {endedNotice && !error && (
            <div className="notice" role="status">
              {endedNotice}
            </div>
          )}
          {error && <ProblemMessage error={error} />}
          <form onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor="username">Username</label>
              <input id="username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="password">Password</label>
              <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </div>
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
          {sso && (
            <div className="sign-in__sso">
              <p className="divider">
                <span>or</span>
              </p>
              <a className="button button--secondary" href={sso.loginUrl}>
                Sign in with {sso.label}
              </a>
            </div>
          )}
        </div>
      </main>
    </div>
  );
}

/** The identity provider the server offers, if any; no endpoint (404) or any error means none. */
function useSingleSignOn() {
  const [oidc, setOidc] = useState<AuthProviders['oidc']>(null);
  useEffect(() => {
    let current = true;
    api.get<AuthProviders>('/auth/providers').then(
      ({ data }) => current && setOidc(data?.oidc ?? null),
      () => current && setOidc(null),
    );
    return () => {
      current = false;
    };
  }, []);
  return oidc;
}
