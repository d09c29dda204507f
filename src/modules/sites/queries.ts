import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { SiteListRequest } from './schemas.ts';

/**
 * A site belongs to its organisation: a customer sees the sites of the organisations granted to
 * them and of every organisation below those. Suppliers see no site record here; the sites of
 * the connections handed to them come with those connections.
 */
const SCOPE = { organisation: 'site.organisation_id' };

function selectSites(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('site')
    .innerJoin('organisation', 'organisation.id', 'site.organisation_id')
    .selectAll('site')
    .select(['organisation.ods_code as organisation_ods_code', 'organisation.name as organisation_name', 'site.updated_at as updatedAt'])
    .where(inScope(scope, SCOPE));
}

export type SiteRow = Awaited<ReturnType<ReturnType<typeof selectSites>['executeTakeFirstOrThrow']>>;

export function findSite(db: Db | Tx, scope: Scope, id: number): Promise<SiteRow | undefined> {
  return selectSites(db, scope).where('site.id', '=', id).executeTakeFirst();
}

export function listSites(db: Db, scope: Scope, request: SiteListRequest & PageRequest) {
  let query = selectSites(db, scope);
  if (request.q) {
    const q = request.q.trim();
    query = query.where((eb) => eb.or([eb('site.ods_code', '=', q.toUpperCase()), eb(sql`lower(site.name)`, 'like', `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)]));
  }
  if (request.organisation) query = query.where('organisation.ods_code', '=', request.organisation.toUpperCase());
  if (request.kind) query = query.where('site.kind', '=', request.kind);
  if (request.state) query = query.where('site.state', '=', request.state);
  if (request.district) query = query.where('site.postcode', 'like', `${request.district.toUpperCase()} %`);
  return paginate(
    query,
    { columns: { name: 'site.name', updatedAt: 'site.updated_at' }, tie: 'site.id', tieKey: 'id', defaultSort: 'name' },
    request,
  );
}

/** The organisation a new site is for, within the caller's scope. */
export function organisationInScope(tx: Tx, scope: Scope, odsCode: string) {
  return tx
    .selectFrom('organisation')
    .select(['id', 'ods_code'])
    .where('ods_code', '=', odsCode.toUpperCase())
    .where(inScope(scope, { organisation: 'organisation.id' }))
    .executeTakeFirst();
}
