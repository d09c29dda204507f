import type { AppContext } from '../context.ts';
import type { Principal } from '../access/principal.ts';
import { digestOf, newSecret } from './secrets.ts';
import { principalFor, USER_FOR_PRINCIPAL } from './principals.ts';

export const SESSION_COOKIE = 'n3sp_session';

/**
 * How the session cookie is set, by every way of signing in: HttpOnly (no script reads it),
 * SameSite=Lax (not sent on cross-site writes; CSRF tokens cover the rest), Secure when n3sp is
 * served over https.
 */
export function sessionCookieOptions(ctx: Pick<AppContext, 'config'>, session: Pick<NewSession, 'expiresAt'>) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.publicUrl.startsWith('https:'), path: '/', expires: session.expiresAt };
}

export interface NewSession {
  cookieValue: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function openSession(ctx: AppContext, userId: number, via: string, client: { ip?: string; userAgent?: string }): Promise<NewSession> {
  const cookieValue = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(Date.now() + ctx.config.sessionHours * 3600_000);
  await ctx.db
    .insertInto('user_session')
    .values({
      id: digestOf(cookieValue),
      user_id: userId,
      csrf_token: csrfToken,
      via,
      ip: client.ip ?? null,
      user_agent: client.userAgent?.slice(0, 300) ?? null,
      expires_at: expiresAt,
    })
    .execute();
  return { cookieValue, csrfToken, expiresAt };
}

/** The principal behind a session cookie, or undefined for an unknown, expired or disabled one. */
export async function sessionPrincipal(ctx: AppContext, cookieValue: string): Promise<Principal | undefined> {
  const digest = digestOf(cookieValue);
  const cached = ctx.principals.get(digest);
  if (cached) return cached;
  const row = await ctx.db
    .selectFrom('user_session')
    .innerJoin('app_user', 'app_user.id', 'user_session.user_id')
    .select([...USER_FOR_PRINCIPAL, 'user_session.csrf_token', 'user_session.expires_at'])
    .where('user_session.id', '=', digest)
    .where('user_session.expires_at', '>', new Date())
    .where('app_user.active', '=', true)
    .executeTakeFirst();
  if (!row) return undefined;
  const principal = principalFor(row, 'session', { csrfToken: row.csrf_token });
  ctx.principals.set(digest, principal, row.expires_at);
  return principal;
}

export async function closeSession(ctx: AppContext, cookieValue: string): Promise<void> {
  await ctx.db.deleteFrom('user_session').where('id', '=', digestOf(cookieValue)).execute();
  ctx.principals.forget(digestOf(cookieValue));
}

export async function closeAllSessions(ctx: AppContext, userId: number): Promise<void> {
  await ctx.db.deleteFrom('user_session').where('user_id', '=', userId).execute();
  ctx.principals.forgetUser(userId);
}
