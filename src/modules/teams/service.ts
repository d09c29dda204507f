import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { CreateTeam, Team, UpdateTeam } from './schemas.ts';

/**
 * Resolver groups. Staff only: a team holds n3sp's own people, so it belongs to no customer or
 * supplier and only roles that see the whole network read it.
 */
export const ENTITY = 'team';

function selectTeams(db: Db | Tx) {
  return db
    .selectFrom('team')
    .selectAll('team')
    .select([
      sql<unknown>`coalesce((select json_agg(json_build_object('id', u.id, 'username', u.username, 'name', u.display_name, 'email', u.email) order by u.display_name)
        from team_member m join app_user u on u.id = m.user_id where m.team_id = team.id), '[]')`.as('members'),
      sql<number>`(select count(*)::int from incident i where i.team_id = team.id and i.state in ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_supplier'))`.as('open_incidents'),
    ]);
}
type TeamRow = Awaited<ReturnType<ReturnType<typeof selectTeams>['executeTakeFirstOrThrow']>>;

export function presentTeam(row: TeamRow): Team {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    email: row.email,
    active: row.active,
    members: row.members as Team['members'],
    openIncidents: Number(row.open_incidents),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export function listTeams(db: Db, request: PageRequest & { active?: boolean }) {
  let q = selectTeams(db);
  if (request.active !== undefined) q = q.where('team.active', '=', request.active);
  return paginate(q, { columns: { code: 'team.code' }, tie: 'team.id', tieKey: 'id', defaultSort: 'code' }, request);
}

export async function getTeam(db: Db | Tx, id: number): Promise<TeamRow> {
  const row = await selectTeams(db).where('team.id', '=', id).executeTakeFirst();
  if (!row) throw problems.notFound('team with that id');
  return row;
}

/** Members are n3sp's own staff: a customer or supplier account never resolves incidents here. */
async function setMembers(tx: Tx, teamId: number, memberIds: number[]) {
  const users = memberIds.length ? await tx.selectFrom('app_user').select(['id', 'roles', 'active']).where('id', 'in', memberIds).execute() : [];
  for (const id of memberIds) {
    const user = users.find((u) => u.id === id);
    if (!user) throw problems.unprocessable('memberIds', `no user ${id}`);
    if (user.roles.includes('customer') || user.roles.includes('supplier')) throw problems.unprocessable('memberIds', `user ${id} is not a member of staff`);
  }
  await tx.deleteFrom('team_member').where('team_id', '=', teamId).execute();
  if (memberIds.length) await tx.insertInto('team_member').values(memberIds.map((user_id) => ({ team_id: teamId, user_id }))).execute();
}

const view = (row: TeamRow | undefined) => (row ? { code: row.code, name: row.name, email: row.email, active: row.active, members: (row.members as Team['members']).map((m) => m.username) } : null);

export async function createTeam(tx: Tx, ctx: AppContext, principal: Principal, input: CreateTeam): Promise<TeamRow> {
  const now = new Date();
  const { id } = await tx.insertInto('team').values({ code: input.code, name: input.name, email: input.email ?? null, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  await setMembers(tx, id, input.memberIds ?? []);
  const row = await getTeam(tx, id);
  await ctx.journal.recordUpdate(tx, actorOf(principal), { entityType: ENTITY, entityId: id, before: null, after: view(row), fields: ['code', 'name', 'email', 'active', 'members'] });
  return row;
}

export async function updateTeam(ctx: AppContext, principal: Principal, id: number, expected: number, input: UpdateTeam): Promise<TeamRow> {
  return inTransaction(ctx, async (tx) => {
    const locked = await tx.selectFrom('team').select('version').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!locked) throw problems.notFound('team with that id');
    if (locked.version !== expected) throw problems.preconditionFailed();
    const before = await getTeam(tx, id);
    await tx
      .updateTable('team')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        updated_at: new Date(),
        version: expected + 1,
      })
      .where('id', '=', id)
      .execute();
    if (input.memberIds) await setMembers(tx, id, input.memberIds);
    const after = await getTeam(tx, id);
    await ctx.journal.recordUpdate(tx, actorOf(principal), { entityType: ENTITY, entityId: id, before: view(before), after: view(after), fields: ['name', 'email', 'active', 'members'] });
    return after;
  });
}
