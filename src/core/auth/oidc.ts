import * as client from 'openid-client';
import type { OidcConfig } from '../config.ts';
import { Problem } from '../errors.ts';
import { isRole, type Role } from '../access/roles.ts';

/**
 * n3sp as an OpenID Connect relying party: authorisation code flow with PKCE, state and nonce
 * (openid-client does the protocol checks). This file knows the protocol and the provider's
 * claims; who the claims make a user is decided in modules/identity/oidc-service.ts.
 */

/** What the browser must bring back, kept server-side until the provider sends it back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

/** Claims are read from the ID token, completed by the UserInfo endpoint when there is one. */
export type Claims = Record<string, unknown> & { sub: string };

/** Problems a sign-in through the identity provider can end with; none of them is a 500. */
export const ssoProblems = {
  /** Unknown, used or expired state, or a browser other than the one that started. */
  staleSignIn: () =>
    new Problem(400, 'sso-sign-in-expired', 'Sign-in could not be completed', 'This sign-in link is unknown, was already used or has expired. Start signing in again.'),
  refusedByProvider: (error: string, description?: string) =>
    new Problem(
      error === 'access_denied' ? 403 : 400,
      'sso-refused-by-provider',
      'The identity provider did not sign you in',
      `The identity provider answered "${error}"${description ? `: ${description}` : ''}.`,
    ),
  invalidAnswer: (detail: string) =>
    new Problem(400, 'sso-invalid-answer', 'Sign-in could not be completed', `The identity provider's answer was not accepted: ${detail}. Start signing in again.`),
  providerUnavailable: () =>
    new Problem(502, 'sso-provider-unavailable', 'The identity provider cannot be reached', 'n3sp could not reach the identity provider; try again in a moment.', undefined, {
      'retry-after': '30',
    }),
  /** The provider vouched for the person, but n3sp will not let them in. */
  refusedAccount: (detail: string) => new Problem(403, 'sso-account-refused', 'Your account cannot sign in to n3sp', detail),
};

export class OidcRelyingParty {
  private discovered?: Promise<client.Configuration>;

  constructor(readonly settings: OidcConfig) {
    const issuer = new URL(settings.issuer);
    // Checked at start-up: a configuration mistake, unlike a provider that is down.
    if (issuer.protocol !== 'https:' && !settings.allowInsecure) {
      throw new Error(`N3SP_OIDC_ISSUER must be https (${settings.issuer}); set N3SP_OIDC_ALLOW_INSECURE=true only for a test provider`);
    }
  }

  /**
   * The provider's metadata, fetched on the first sign-in and kept: n3sp starts while the
   * provider is down, and a failed discovery is tried again on the next sign-in.
   */
  configuration(): Promise<client.Configuration> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = undefined;
      throw error;
    });
    return this.discovered;
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret, allowInsecure } = this.settings;
    try {
      return await client.discovery(
        new URL(issuer),
        clientId,
        clientSecret ? { client_secret: clientSecret } : undefined,
        clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
        { execute: allowInsecure ? [client.allowInsecureRequests] : [], timeout: 10 },
      );
    } catch (error) {
      throw Object.assign(ssoProblems.providerUnavailable(), { cause: error });
    }
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async begin(redirectUri: string): Promise<{ url: URL; pending: PendingSignIn }> {
    const configuration = await this.configuration();
    const pending: PendingSignIn = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), redirectUri };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /**
   * Checks the provider's answer (state, issuer, PKCE, ID token signature, audience, nonce and
   * lifetime), exchanges the code and returns the person's claims.
   * `query` is the callback's query string; the redirect URI is the one the sign-in began with.
   */
  async finish(pending: PendingSignIn, query: string): Promise<Claims> {
    const configuration = await this.configuration();
    const currentUrl = new URL(pending.redirectUri);
    currentUrl.search = query;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims()!;
      // Many providers (oidc-provider among them) put profile and custom claims only in
      // UserInfo when an access token is issued; the ID token's own claims win where both speak.
      const userInfo = configuration.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub) : {};
      return { ...userInfo, ...idClaims } as Claims;
    } catch (error) {
      throw translate(error);
    }
  }

  /** The issuer identifier the provider's metadata declares: half of a user's SSO identity. */
  async issuer(): Promise<string> {
    return (await this.configuration()).serverMetadata().issuer;
  }
}

function translate(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof client.AuthorizationResponseError) return ssoProblems.refusedByProvider(error.error, error.error_description);
  // invalid_grant: the code expired, was already used, or the PKCE verifier did not match.
  if (error instanceof client.ResponseBodyError) return ssoProblems.refusedByProvider(error.error, error.error_description);
  if (error instanceof client.WWWAuthenticateChallengeError) return ssoProblems.invalidAnswer('the UserInfo endpoint refused the access token');
  if (error instanceof client.ClientError) return ssoProblems.invalidAnswer(error.message);
  // fetch failures (TypeError), timeouts: the provider is away, not the user's fault.
  return Object.assign(ssoProblems.providerUnavailable(), { cause: error });
}

// --- claims -------------------------------------------------------------------------------

export interface MappedIdentity {
  subject: string;
  username: string;
  displayName: string;
  email: string | null;
  roles: Role[];
  /** Role names in the claim that n3sp does not know; ignored, but worth a line in the journal. */
  ignoredRoles: string[];
  odsCodes: string[];
}

/** A claim holding a list: a JSON array, or one string of space- or comma-separated values. */
function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** A username n3sp accepts (2-100 of A-Z a-z 0-9 . _ @ -) made from what the provider calls the person. */
export function usernameFrom(claims: Claims): string {
  const wanted = text(claims.preferred_username) ?? text(claims.email) ?? `sso-${claims.sub}`;
  const cleaned = wanted.replace(/[^A-Za-z0-9._@-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return cleaned.length >= 2 ? cleaned : `sso-${cleaned || 'user'}`;
}

/** Pure: what the claims say about the person, in n3sp's terms. */
export function mapClaims(claims: Claims, settings: Pick<OidcConfig, 'rolesClaim' | 'organisationsClaim'>): MappedIdentity {
  const named = [...new Set(listClaim(claims[settings.rolesClaim]))];
  const username = usernameFrom(claims);
  const fullName = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ');
  const email = text(claims.email);
  return {
    subject: claims.sub,
    username,
    displayName: (text(claims.name) ?? (fullName || username)).slice(0, 200),
    email: email && email.length <= 200 ? email : null,
    roles: named.filter(isRole),
    ignoredRoles: named.filter((r) => !isRole(r)),
    odsCodes: [...new Set(listClaim(claims[settings.organisationsClaim]).map((c) => c.toUpperCase()))],
  };
}
