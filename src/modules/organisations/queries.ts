import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { OrganisationListRequest } from './schemas.ts';

/** An organisation is in a customer's scope when it, or an ancestor, was granted to them. */
const SCOPE = { organisation: 'organisation.id' };

function selectOrganisations(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('organisation')
    .leftJoin('organisation as parent', 'parent.id', 'organisation.parent_id')
    .selectAll('organisation')
    .select([
      'parent.ods_code as parent_ods_code',
      'parent.name as parent_name',
      sql<number>`(select count(*)::int from organisation c where c.parent_id = organisation.id)`.as('child_count'),
      'organisation.ods_code as odsCode',
      'organisation.updated_at as updatedAt',
    ])
    .where(inScope(scope, SCOPE));
}

export type OrganisationRow = Awaited<ReturnType<ReturnType<typeof selectOrganisations>['executeTakeFirstOrThrow']>>;

export function findOrganisation(db: Db | Tx, scope: Scope, odsCode: string): Promise<OrganisationRow | undefined> {
  return selectOrganisations(db, scope).where('organisation.ods_code', '=', odsCode.toUpperCase()).executeTakeFirst();
}

export function listOrganisations(db: Db, scope: Scope, request: OrganisationListRequest & PageRequest) {
  let query = selectOrganisations(db, scope);
  if (request.q) {
    const q = request.q.trim();
    query = query.where((eb) =>
      eb.or([eb('organisation.ods_code', '=', q.toUpperCase()), eb(sql`lower(organisation.name)`, 'like', `%${escapeLike(q.toLowerCase())}%`)]),
    );
  }
  if (request.kind) query = query.where('organisation.kind', '=', request.kind);
  if (request.state) query = query.where('organisation.state', '=', request.state);
  if (request.region) query = query.where('organisation.region', '=', request.region);
  if (request.parent) query = query.where('parent.ods_code', '=', request.parent.toUpperCase());
  return paginate(
    query,
    {
      columns: { name: 'organisation.name', odsCode: 'organisation.ods_code', updatedAt: 'organisation.updated_at' },
      tie: 'organisation.id',
      tieKey: 'id',
      defaultSort: 'name',
    },
    request,
  );
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The organisation's id, ignoring scope: for resolving a parent named by ODS code. */
export async function organisationIdByOdsCode(tx: Tx, odsCode: string): Promise<number | undefined> {
  const row = await tx.selectFrom('organisation').select('id').where('ods_code', '=', odsCode.toUpperCase()).executeTakeFirst();
  return row?.id;
}

/** True when `candidateId` is `organisationId` itself or one of its descendants. */
export async function isSelfOrDescendant(tx: Tx, organisationId: number, candidateId: number): Promise<boolean> {
  const result = await sql<{ found: boolean }>`with recursive below (id) as (
      select ${organisationId}::bigint
      union
      select o.id from organisation o join below b on o.parent_id = b.id
    ) select exists (select 1 from below where id = ${candidateId}) as found`.execute(tx);
  return result.rows[0]?.found ?? false;
}
