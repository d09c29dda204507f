import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Principal } from '../access/principal.ts';
import { digestOf } from './secrets.ts';
import { principalFor, USER_FOR_PRINCIPAL } from './principals.ts';

export const TOKEN_PREFIX = 'n3sp_';

/** The principal behind an API token, narrowed to the token's scopes; undefined if not valid. */
export async function tokenPrincipal(ctx: AppContext, secret: string): Promise<Principal | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
  const digest = digestOf(secret);
  const cached = ctx.principals.get(digest);
  if (cached) return cached;
  const row = await ctx.db
    .selectFrom('api_token')
    .innerJoin('app_user', 'app_user.id', 'api_token.user_id')
    .select([...USER_FOR_PRINCIPAL, 'api_token.id as token_id', 'api_token.scopes', 'api_token.last_used_at', 'api_token.expires_at'])
    .where('api_token.secret_digest', '=', digest)
    .where('api_token.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_token.expires_at', 'is', null), eb('api_token.expires_at', '>', new Date())]))
    .where('app_user.active', '=', true)
    .executeTakeFirst();
  if (!row) return undefined;
  // Last use is kept to the minute: a write per request would double the cost of every read.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await ctx.db.updateTable('api_token').set({ last_used_at: sql`now()` }).where('id', '=', row.token_id).execute();
  }
  const principal = principalFor(row, 'token', { tokenId: row.token_id, tokenScopes: row.scopes });
  ctx.principals.set(digest, principal, row.expires_at);
  return principal;
}
