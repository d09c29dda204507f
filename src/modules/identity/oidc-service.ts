import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import { SYSTEM_ACTOR, type Actor } from '../../core/access/principal.ts';
import { Problem } from '../../core/errors.ts';
import { mapClaims, ssoProblems, type MappedIdentity, type OidcRelyingParty } from '../../core/auth/oidc.ts';
import { openSession, type NewSession } from '../../core/auth/sessions.ts';
import { createUser, updateUser } from '../users/service.ts';
import { findUser, findUserByUsername, organisationIdsByOdsCodes, type UserRow } from '../users/queries.ts';
import type { UpdateUser } from '../users/schemas.ts';
import { savePendingSignIn, takePendingSignIn, userIdBySubject } from './oidc-queries.ts';
import type { Client } from './service.ts';

/** Who the journal names for accounts made and kept up to date from the identity provider's word. */
const SINGLE_SIGN_ON: Actor = { id: null, name: 'single sign-on' };

/** Sends the browser to the identity provider; returns where. */
export async function beginSingleSignOn(ctx: AppContext, rp: OidcRelyingParty, redirectUri: string, browserSecret: string): Promise<URL> {
  const { url, pending } = await rp.begin(redirectUri);
  await savePendingSignIn(ctx.db, pending, browserSecret);
  return url;
}

/**
 * The provider sent the browser back: check it is the sign-in this browser began, let
 * openid-client check the provider's answer, then find or make the user and open a session.
 */
export async function finishSingleSignOn(
  ctx: AppContext,
  rp: OidcRelyingParty,
  callback: { state?: string; query: string; browserSecret?: string },
  client: Client,
): Promise<NewSession & { userId: number }> {
  const pending = callback.state ? await takePendingSignIn(ctx.db, callback.state, callback.browserSecret) : undefined;
  if (!pending) throw ssoProblems.staleSignIn();
  const claims = await rp.finish(pending, callback.query);
  const issuer = await rp.issuer();
  const identity = mapClaims(claims, rp.settings);
  const user = await accountFor(ctx, issuer, identity, client);
  const session = await openSession(ctx, user.id, 'oidc', client);
  await inTransaction(ctx, (tx) =>
    ctx.journal.record(tx, { id: user.id, name: user.display_name }, {
      action: 'signed_in',
      entityType: 'user',
      entityId: user.id,
      summary: `Signed in through single sign-on (${issuer}) from ${client.ip}${identity.ignoredRoles.length ? `; unknown roles ignored: ${identity.ignoredRoles.join(', ')}` : ''}`,
      changes: [],
    }),
  );
  return { ...session, userId: user.id };
}

/**
 * The n3sp account for the provider's subject: found by (issuer, subject) — never by username,
 * so a provider account cannot take over a local account of the same name — and brought in
 * line with the claims on every sign-in, or made on the first. The account rules of users'
 * service apply as for any other change; a refusal is a 403 page that says why, and a line in
 * the journal.
 */
async function accountFor(ctx: AppContext, issuer: string, identity: MappedIdentity, client: Client): Promise<UserRow> {
  const existingId = await userIdBySubject(ctx.db, issuer, identity.subject);
  const refuse = async (reason: string): Promise<never> => {
    await inTransaction(ctx, (tx) =>
      ctx.journal.record(tx, SYSTEM_ACTOR, {
        action: 'sign_in_failed',
        entityType: 'user',
        entityId: existingId ?? `${identity.username} (single sign-on)`,
        summary: `Single sign-on refused for "${identity.username}" from ${client.ip}: ${reason}`,
        changes: [],
      }),
    );
    throw ssoProblems.refusedAccount(reason);
  };

  if (!identity.roles.length) {
    const named = identity.ignoredRoles.length ? ` (it names ${identity.ignoredRoles.join(', ')}, none of which n3sp knows)` : '';
    return refuse(`your identity provider gives you no n3sp role${named}. Ask your administrator to grant you one.`);
  }
  // Organisations limit customers only; for staff the claim is not about scope and is ignored.
  const wanted = identity.roles.includes('customer') ? identity.odsCodes : [];
  const known = await organisationIdsByOdsCodes(ctx.db, wanted);
  const odsCodes = wanted.filter((c) => known.has(c));
  const unknown = wanted.filter((c) => !known.has(c));
  const explain = (problem: Problem) =>
    `${problem.errors?.[0] ? `${problem.errors[0].field}: ${problem.errors[0].message}` : problem.detail}${unknown.length ? ` (organisations n3sp does not know were ignored: ${unknown.join(', ')})` : ''}.`;

  try {
    if (existingId === undefined) {
      return await createUser(ctx, SINGLE_SIGN_ON, {
        username: await freeUsername(ctx, identity.username),
        displayName: identity.displayName,
        email: identity.email,
        roles: identity.roles,
        organisations: odsCodes,
        supplierId: null,
        oidcIssuer: issuer,
        oidcSubject: identity.subject,
      });
    }
    const before = (await findUser(ctx.db, { kind: 'network' }, existingId))!;
    if (!before.active) return await refuse('your n3sp account has been deactivated.');
    const patch = changesFor(before, identity, odsCodes);
    // Only what changed: naming roles or organisations in a change ends the user's other
    // sessions (they carry the old rights), which an unchanged sign-in must not do.
    return Object.keys(patch).length ? await updateUser(ctx, SINGLE_SIGN_ON, { kind: 'network' }, existingId, null, patch) : before;
  } catch (error) {
    if (error instanceof Problem && error.status === 422) return refuse(explain(error));
    throw error;
  }
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

function changesFor(before: UserRow, identity: MappedIdentity, odsCodes: string[]): UpdateUser {
  const patch: UpdateUser = {};
  if (before.display_name !== identity.displayName) patch.displayName = identity.displayName;
  if (identity.email !== null && before.email !== identity.email) patch.email = identity.email;
  if (!sameSet(before.roles, identity.roles)) patch.roles = identity.roles;
  if (!sameSet(before.organisations.map((o) => o.odsCode), odsCodes)) patch.organisations = odsCodes;
  return patch;
}

/** The wanted username, or the same with -2, -3 … when a local or other account has it. */
async function freeUsername(ctx: AppContext, wanted: string): Promise<string> {
  for (let n = 1; n <= 50; n++) {
    const candidate = n === 1 ? wanted : `${wanted.slice(0, 95)}-${n}`;
    if (!(await findUserByUsername(ctx.db, candidate))) return candidate;
  }
  return `${wanted.slice(0, 80)}-${Date.now().toString(36)}`;
}
