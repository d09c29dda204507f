import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import { actorOf, SYSTEM_ACTOR, type Principal } from '../../core/access/principal.ts';
import { permissionsOf, type Permission } from '../../core/access/roles.ts';
import { problems } from '../../core/errors.ts';
import { verifyPassword } from '../../core/auth/passwords.ts';
import { beginSignInAttempt, clearFailedLogins } from '../../core/auth/login-throttle.ts';
import { openSession, type NewSession } from '../../core/auth/sessions.ts';
import { digestOf, newSecret } from '../../core/auth/secrets.ts';
import { TOKEN_PREFIX } from '../../core/auth/tokens.ts';
import { sql } from 'kysely';

export interface Client {
  ip: string;
  userAgent?: string;
}

/**
 * Password sign-in. Throttled per account and per address before the password is even looked
 * at (the attempt is counted as a failure until the password proves right); every outcome goes
 * into the audit trail (ISO/IEC 20000-1 8.7.3).
 */
export async function signIn(ctx: AppContext, username: string, password: string, client: Client): Promise<NewSession & { userId: number }> {
  await beginSignInAttempt(ctx.db, username, client.ip);
  const user = await ctx.db
    .selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'password_hash', 'active'])
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
  const ok = (await verifyPassword(user?.active ? user.password_hash : null, password)) && !!user;
  if (!ok) {
    await inTransaction(ctx, (tx) =>
      ctx.journal.record(tx, SYSTEM_ACTOR, {
        action: 'sign_in_failed',
        entityType: 'user',
        entityId: user?.id ?? username.slice(0, 200),
        summary: `Failed sign-in for "${username.slice(0, 200)}" from ${client.ip}`,
        changes: [],
      }),
    );
    throw problems.unauthorized('The username or password is not right.');
  }
  await clearFailedLogins(ctx.db, username);
  const session = await openSession(ctx, user.id, 'password', client);
  await inTransaction(ctx, (tx) =>
    ctx.journal.record(tx, { id: user.id, name: user.display_name }, { action: 'signed_in', entityType: 'user', entityId: user.id, summary: `Signed in from ${client.ip}`, changes: [] }),
  );
  return { ...session, userId: user.id };
}

export async function describeSelf(ctx: AppContext, principal: Principal) {
  const organisations =
    principal.scope.kind === 'organisations' && principal.scope.organisationIds.length
      ? await ctx.db.selectFrom('organisation').select(['ods_code', 'name']).where('id', 'in', principal.scope.organisationIds).orderBy('name').execute()
      : [];
  const supplier =
    principal.scope.kind === 'supplier' ? await ctx.db.selectFrom('supplier').select('name').where('id', '=', principal.scope.supplierId).executeTakeFirst() : undefined;
  return {
    username: principal.username,
    displayName: principal.displayName,
    roles: principal.roles,
    permissions: [...principal.permissions].sort(),
    scope: principal.scope.kind,
    organisations: organisations.map((o) => ({ odsCode: o.ods_code, name: o.name })),
    supplierId: principal.scope.kind === 'supplier' ? principal.scope.supplierId : null,
    supplierName: supplier?.name ?? null,
    csrfToken: principal.csrfToken ?? null,
  };
}

// --- API tokens ---------------------------------------------------------------------------

export interface TokenInput {
  name: string;
  scopes?: string[];
  expiresInDays?: number;
}

/** Whether a token holding `held` scopes could itself grant `scope`. */
function scopeCovers(held: readonly string[], scope: string): boolean {
  if (held.includes('*') || held.includes(scope)) return true;
  return held.includes('*:read') && (scope === '*:read' || scope.endsWith(':read'));
}

/**
 * Scopes a token may carry: '*' (all its owner may do), '*:read', or named permissions the owner
 * holds. A token made with another token (`callerScopes`) can grant nothing that token does
 * not: otherwise a token narrowed to reading could mint itself a '*' token.
 */
export function checkScopes(principal: Pick<Principal, 'roles'>, scopes: string[], callerScopes?: readonly string[]): void {
  const held = permissionsOf(principal.roles);
  scopes.forEach((scope, i) => {
    if (scope !== '*' && scope !== '*:read' && !held.has(scope as Permission)) throw problems.invalid(`scopes.${i}`, `"${scope}" is not a permission you hold`);
    if (callerScopes && !scopeCovers(callerScopes, scope)) throw problems.invalid(`scopes.${i}`, `"${scope}" is more than the API token you are using may grant`);
  });
}

/** The scopes of the token a request came with; a new token asking for none inherits them. */
export async function scopesOfToken(ctx: AppContext, tokenId: number): Promise<string[]> {
  const row = await ctx.db.selectFrom('api_token').select('scopes').where('id', '=', tokenId).executeTakeFirstOrThrow();
  return row.scopes;
}

export async function createToken(ctx: AppContext, principal: Principal, userId: number, input: TokenInput) {
  const scopes = input.scopes?.length ? input.scopes : ['*'];
  const secret = newSecret(TOKEN_PREFIX);
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86400_000) : null;
  return inTransaction(ctx, async (tx) => {
    const row = await tx
      .insertInto('api_token')
      .values({ user_id: userId, name: input.name, secret_digest: digestOf(secret), scopes, expires_at: expiresAt })
      .returningAll()
      .executeTakeFirstOrThrow();
    await ctx.journal.record(tx, actorOf(principal), {
      action: 'token_created',
      entityType: 'api_token',
      entityId: row.id,
      summary: `API token "${input.name}" created for user ${userId}`,
      changes: [{ field: 'scopes', before: null, after: scopes }],
    });
    return { ...presentToken(row), token: secret };
  });
}

export function presentToken(row: { id: number; name: string; scopes: string[]; created_at: Date; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null }) {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

export async function revokeToken(ctx: AppContext, principal: Principal, tokenId: number) {
  const revoked = await inTransaction(ctx, async (tx) => {
    let query = tx.updateTable('api_token').set({ revoked_at: new Date() }).where('id', '=', tokenId).where('revoked_at', 'is', null);
    // Administrators may revoke anyone's token; everyone else only their own.
    if (!principal.roles.includes('administrator')) query = query.where('user_id', '=', principal.userId);
    const row = await query.returningAll().executeTakeFirst();
    if (!row) throw problems.notFound('active API token of yours with that id');
    await ctx.journal.record(tx, actorOf(principal), {
      action: 'token_revoked',
      entityType: 'api_token',
      entityId: row.id,
      summary: `API token "${row.name}" revoked`,
      changes: [{ field: 'revokedAt', before: null, after: row.revoked_at!.toISOString() }],
    });
    return row;
  });
  ctx.principals.forget(revoked.secret_digest);
  return presentToken(revoked);
}
