import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope, type ScopeColumns } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { CiListRequest, RelationListRequest } from './schemas.ts';

/** A CI belongs to the organisation it serves, and is handed to the supplier that provides it. */
export function ciScope(alias: string): ScopeColumns {
  return { organisation: `${alias}.organisation_id`, supplier: `${alias}.supplier_id` };
}

function selectCis(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('configuration_item as ci')
    .leftJoin('organisation as org', 'org.id', 'ci.organisation_id')
    .selectAll('ci')
    .select(['org.ods_code as organisation_ods_code', 'org.name as organisation_name', 'ci.updated_at as updatedAt'])
    .where(inScope(scope, ciScope('ci')));
}

export type CiRow = Awaited<ReturnType<ReturnType<typeof selectCis>['executeTakeFirstOrThrow']>>;

export function findCi(db: Db | Tx, scope: Scope, id: number): Promise<CiRow | undefined> {
  return selectCis(db, scope).where('ci.id', '=', id).executeTakeFirst();
}

export function listCis(db: Db, scope: Scope, request: CiListRequest & PageRequest) {
  let query = selectCis(db, scope);
  if (request.q) {
    const q = request.q.trim();
    query = query.where((eb) => eb.or([eb('ci.external_ref', '=', q), eb(sql`lower(ci.name)`, 'like', `%${escapeLike(q.toLowerCase())}%`)]));
  }
  if (request.kind) query = query.where('ci.kind', '=', request.kind);
  if (request.state) query = query.where('ci.state', '=', request.state);
  if (request.organisation) query = query.where('org.ods_code', '=', request.organisation.toUpperCase());
  if (request.siteId) query = query.where('ci.site_id', '=', request.siteId);
  if (request.supplierId) query = query.where('ci.supplier_id', '=', request.supplierId);
  return paginate(query, { columns: { name: 'ci.name', updatedAt: 'ci.updated_at', id: 'ci.id' }, tie: 'ci.id', tieKey: 'id', defaultSort: 'name' }, request);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function organisationIdByOdsCode(tx: Tx, odsCode: string): Promise<number | undefined> {
  const row = await tx.selectFrom('organisation').select('id').where('ods_code', '=', odsCode.toUpperCase()).executeTakeFirst();
  return row?.id;
}

/** Locks a CI row for a change that must not interleave with another (update, delete). */
export async function lockCi(tx: Tx, id: number): Promise<void> {
  await sql`select 1 from configuration_item where id = ${id} for update`.execute(tx);
}

/** A relation is visible only when both of its ends are: it says something about each. */
function selectRelations(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('ci_relation as rel')
    .innerJoin('configuration_item as src', 'src.id', 'rel.source_id')
    .innerJoin('configuration_item as tgt', 'tgt.id', 'rel.target_id')
    .selectAll('rel')
    .select([
      'src.kind as source_kind',
      'src.name as source_name',
      'src.organisation_id as source_organisation_id',
      'src.supplier_id as source_supplier_id',
      'tgt.kind as target_kind',
      'tgt.name as target_name',
    ])
    .where(inScope(scope, ciScope('src')))
    .where(inScope(scope, ciScope('tgt')));
}

export type RelationRow = Awaited<ReturnType<ReturnType<typeof selectRelations>['executeTakeFirstOrThrow']>>;

export function findRelation(db: Db | Tx, scope: Scope, id: number): Promise<RelationRow | undefined> {
  return selectRelations(db, scope).where('rel.id', '=', id).executeTakeFirst();
}

export function listRelationsOf(db: Db, scope: Scope, ciId: number, request: RelationListRequest & PageRequest) {
  const direction = request.direction ?? 'both';
  let query = selectRelations(db, scope).where((eb) =>
    direction === 'outgoing'
      ? eb('rel.source_id', '=', ciId)
      : direction === 'incoming'
        ? eb('rel.target_id', '=', ciId)
        : eb.or([eb('rel.source_id', '=', ciId), eb('rel.target_id', '=', ciId)]),
  );
  if (request.kind) query = query.where('rel.kind', '=', request.kind);
  return paginate(query, { columns: { id: 'rel.id' }, tie: 'rel.id', tieKey: 'id', defaultSort: 'id' }, request);
}

/**
 * Serialises the creation of depends_on relations, so that two concurrent additions cannot
 * each pass the cycle check and together close a loop. Held to the end of the transaction.
 */
const DEPENDENCY_LOCK = 7_263_004;
export async function lockDependencies(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${DEPENDENCY_LOCK})`.execute(tx);
}

/** True when `from` already depends, directly or through others, on `to`. */
export async function dependsOn(tx: Tx, from: number, to: number): Promise<boolean> {
  const result = await sql<{ found: boolean }>`with recursive below (id) as (
      select ${from}::bigint
      union
      select r.target_id from ci_relation r join below b on r.source_id = b.id where r.kind = 'depends_on'
    ) select exists (select 1 from below where id = ${to}) as found`.execute(tx);
  return result.rows[0]?.found ?? false;
}

export async function relationCounts(tx: Tx, ciId: number): Promise<number> {
  const row = await tx
    .selectFrom('ci_relation')
    .select(sql<number>`count(*)::int`.as('n'))
    .where((eb) => eb.or([eb('source_id', '=', ciId), eb('target_id', '=', ciId)]))
    .executeTakeFirstOrThrow();
  return row.n;
}
