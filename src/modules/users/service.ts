import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Actor, Scope } from '../../core/access/principal.ts';
import type { Role } from '../../core/access/roles.ts';
import { problems } from '../../core/errors.ts';
import { checkPasswordStrength, hashPassword } from '../../core/auth/passwords.ts';
import { closeAllSessions } from '../../core/auth/sessions.ts';
import { accountProblem } from '../../domain/account-rules.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { findUser, organisationIdsByOdsCodes, setUserOrganisations, type UserRow } from './queries.ts';
import type { CreateUser, UpdateUser, User } from './schemas.ts';

export const ENTITY = 'user';

export function presentUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    roles: row.roles,
    organisations: row.organisations,
    supplierId: row.supplier_id,
    active: row.active,
    singleSignOn: row.oidc_subject !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

function journalView(row: UserRow | undefined) {
  return row
    ? { username: row.username, displayName: row.display_name, email: row.email, roles: row.roles, organisations: row.organisations.map((o) => o.odsCode), supplierId: row.supplier_id, active: row.active }
    : null;
}
const JOURNAL_FIELDS = ['username', 'displayName', 'email', 'roles', 'organisations', 'supplierId', 'active'] as const;

async function resolveOrganisations(tx: Tx, odsCodes: string[]): Promise<number[]> {
  const ids = await organisationIdsByOdsCodes(tx, odsCodes);
  odsCodes.forEach((code, i) => {
    if (!ids.has(code)) throw problems.unprocessable(`organisations.${i}`, `no organisation has ODS code ${code}`);
  });
  return odsCodes.map((c) => ids.get(c)!);
}

function checkAccount(roles: Role[], organisationCount: number, supplierId: number | null): void {
  const problem = accountProblem({ roles, organisationCount, supplierId });
  if (problem) throw problems.unprocessable(problem.field, problem.message);
}

type NewUser = CreateUser & { oidcIssuer?: string; oidcSubject?: string };

/** Checks and hashes a new password before any transaction opens: argon2 is slow on purpose. */
export async function hashNewPassword(password: string | undefined): Promise<string | null> {
  if (password === undefined) return null;
  checkPasswordStrength(password);
  return hashPassword(password);
}

/** Creates a user in its own transaction. */
export async function createUser(ctx: AppContext, actor: Actor, input: NewUser): Promise<UserRow> {
  const passwordHash = await hashNewPassword(input.password);
  return inTransaction(ctx, (tx) => insertUser(tx, ctx, actor, input, passwordHash));
}

/** Creates a user inside the caller's transaction (an idempotent create, an import). */
export async function insertUser(tx: Tx, ctx: AppContext, actor: Actor, input: NewUser, passwordHash: string | null): Promise<UserRow> {
  const organisationIds = await resolveOrganisations(tx, input.organisations ?? []);
  checkAccount(input.roles, organisationIds.length, input.supplierId ?? null);
  const now = new Date();
  const { id } = await tx
    .insertInto('app_user')
    .values({
      username: input.username,
      display_name: input.displayName,
      email: input.email ?? null,
      password_hash: passwordHash,
      roles: input.roles,
      supplier_id: input.supplierId ?? null,
      oidc_issuer: input.oidcIssuer ?? null,
      oidc_subject: input.oidcSubject ?? null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await setUserOrganisations(tx, id, organisationIds);
  const created = (await findUser(tx, { kind: 'network' }, id))!;
  await ctx.journal.record(tx, actor, {
    action: 'created',
    entityType: ENTITY,
    entityId: id,
    summary: `User ${input.username} created`,
    changes: changedFields(null, journalView(created), JOURNAL_FIELDS),
  });
  return created;
}

export async function updateUser(ctx: AppContext, actor: Actor, scope: Scope, id: number, expectedVersion: number | null, patch: UpdateUser): Promise<UserRow> {
  const updated = await inTransaction(ctx, async (tx) => {
    const before = await findUser(tx, scope, id);
    if (!before) throw problems.notFound('user with that id');
    const organisationIds = patch.organisations ? await resolveOrganisations(tx, patch.organisations) : undefined;
    checkAccount(
      (patch.roles ?? before.roles) as Role[],
      organisationIds?.length ?? before.organisations.length,
      patch.supplierId === undefined ? before.supplier_id : patch.supplierId,
    );
    let update = tx
      .updateTable('app_user')
      .set((eb) => ({
        display_name: patch.displayName,
        email: patch.email,
        roles: patch.roles,
        supplier_id: patch.supplierId,
        active: patch.active,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id);
    if (expectedVersion !== null) update = update.where('version', '=', expectedVersion);
    const result = await update.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw problems.preconditionFailed();
    if (organisationIds) await setUserOrganisations(tx, id, organisationIds);
    const after = (await findUser(tx, { kind: 'network' }, id))!;
    await ctx.journal.recordUpdate(tx, actor, { entityType: ENTITY, entityId: id, before: journalView(before), after: journalView(after), fields: JOURNAL_FIELDS });
    // A deactivated account, or one whose roles changed, must not keep a session with old rights.
    if (patch.active === false || patch.roles || patch.organisations) await tx.deleteFrom('user_session').where('user_id', '=', id).execute();
    return after;
  });
  // What the user may do has changed: no cached sign-in of theirs may keep the old rights.
  ctx.principals.forgetUser(id);
  return updated;
}

/** Sets a new password and ends every session the user had. */
export async function resetPassword(ctx: AppContext, actor: Actor, scope: Scope, id: number, password: string): Promise<void> {
  checkPasswordStrength(password);
  const hash = await hashPassword(password);
  await inTransaction(ctx, async (tx) => {
    const user = await findUser(tx, scope, id);
    if (!user) throw problems.notFound('user with that id');
    await tx.updateTable('app_user').set((eb) => ({ password_hash: hash, updated_at: new Date(), version: eb('version', '+', 1) })).where('id', '=', id).execute();
    await ctx.journal.record(tx, actor, { action: 'password_reset', entityType: ENTITY, entityId: id, summary: `Password of ${user.username} reset`, changes: [] });
  });
  await closeAllSessions(ctx, id);
}
