import type { Db } from '../../core/db/database.ts';
import type { PendingSignIn } from '../../core/auth/oidc.ts';
import { digestOf } from '../../core/auth/secrets.ts';

/** How long a browser may take at the identity provider before its sign-in is forgotten. */
export const PENDING_MINUTES = 10;

export async function savePendingSignIn(db: Db, pending: PendingSignIn, browserSecret: string): Promise<void> {
  // Forgotten sign-ins are swept here rather than by a timer: the table stays as small as the
  // number of people signing in during the last ten minutes.
  await db.deleteFrom('oidc_login').where('expires_at', '<', new Date()).execute();
  await db
    .insertInto('oidc_login')
    .values({
      state_digest: digestOf(pending.state),
      browser_digest: digestOf(browserSecret),
      code_verifier: pending.codeVerifier,
      nonce: pending.nonce,
      redirect_uri: pending.redirectUri,
      expires_at: new Date(Date.now() + PENDING_MINUTES * 60_000),
    })
    .execute();
}

/**
 * Takes (deletes and returns) the sign-in this state belongs to, if the same browser started it
 * and it has not expired. Deleting first makes it single-use even when two callbacks race.
 */
export async function takePendingSignIn(db: Db, state: string, browserSecret: string | undefined): Promise<PendingSignIn | undefined> {
  const row = await db.deleteFrom('oidc_login').where('state_digest', '=', digestOf(state)).returningAll().executeTakeFirst();
  if (!row || !browserSecret || row.browser_digest !== digestOf(browserSecret) || row.expires_at <= new Date()) return undefined;
  return { state, nonce: row.nonce, codeVerifier: row.code_verifier, redirectUri: row.redirect_uri };
}

/** The n3sp user this provider's subject signed in as before, if any. */
export async function userIdBySubject(db: Db, issuer: string, subject: string): Promise<number | undefined> {
  const row = await db.selectFrom('app_user').select('id').where('oidc_issuer', '=', issuer).where('oidc_subject', '=', subject).executeTakeFirst();
  return row?.id;
}
