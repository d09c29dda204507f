import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';

/** User accounts belong to no organisation: only those who see the whole network read them. */
const SCOPE = {};

function selectUsers(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('app_user')
    .selectAll()
    .select([
      'display_name as displayName',
      'updated_at as updatedAt',
      sql<Array<{ odsCode: string; name: string }>>`coalesce((select json_agg(json_build_object('odsCode', o.ods_code, 'name', o.name) order by o.name)
        from user_organisation uo join organisation o on o.id = uo.organisation_id where uo.user_id = app_user.id), '[]')`.as('organisations'),
    ])
    .where(inScope(scope, SCOPE));
}

export type UserRow = Awaited<ReturnType<ReturnType<typeof selectUsers>['executeTakeFirstOrThrow']>>;

export function findUser(db: Db | Tx, scope: Scope, id: number) {
  return selectUsers(db, scope).where('id', '=', id).executeTakeFirst();
}

export function findUserByUsername(db: Db | Tx, username: string) {
  return selectUsers(db, { kind: 'network' }).where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
}

export function listUsers(db: Db, scope: Scope, request: PageRequest & { q?: string; role?: string; active?: boolean }) {
  let query = selectUsers(db, scope);
  if (request.q) {
    const q = `%${request.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb(sql`lower(username)`, 'like', q), eb(sql`lower(display_name)`, 'like', q)]));
  }
  if (request.role) query = query.where(sql<boolean>`${request.role} = any(roles)`);
  if (request.active !== undefined) query = query.where('active', '=', request.active);
  return paginate(
    query,
    { columns: { username: 'username', displayName: 'display_name', updatedAt: 'updated_at' }, tie: 'id', tieKey: 'id', defaultSort: 'username' },
    request,
  );
}

/** Replaces the organisations granted to a user; unknown ODS codes are reported by the caller. */
export async function setUserOrganisations(tx: Tx, userId: number, organisationIds: number[]): Promise<void> {
  await tx.deleteFrom('user_organisation').where('user_id', '=', userId).execute();
  if (organisationIds.length) {
    await tx.insertInto('user_organisation').values(organisationIds.map((organisation_id) => ({ user_id: userId, organisation_id }))).execute();
  }
}

export async function organisationIdsByOdsCodes(tx: Tx, odsCodes: string[]): Promise<Map<string, number>> {
  if (!odsCodes.length) return new Map();
  const rows = await tx.selectFrom('organisation').select(['id', 'ods_code']).where('ods_code', 'in', odsCodes).execute();
  return new Map(rows.map((r) => [r.ods_code, r.id]));
}
