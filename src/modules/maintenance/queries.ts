import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import { ciScope } from '../cmdb/queries.ts';
import { CONNECTION_SCOPE } from '../connections/queries.ts';
import type { WindowListRequest } from './schemas.ts';

/**
 * A window belongs to no one organisation: the provider plans it, and it touches whoever's CIs
 * fail with the work. Staff see every window; a customer sees a window that takes down a CI of
 * one of their organisations, a supplier's engineer one that takes down a CI of their company,
 * and each sees only those of its CIs and affected connections.
 */
export function windowVisible(scope: Scope, alias = 'w'): Expression<SqlBool> {
  if (scope.kind === 'network') return sql<SqlBool>`true`;
  return sql<SqlBool>`exists (select 1 from maintenance_window_cover vc join configuration_item vci on vci.id = vc.ci_id
    where vc.window_id = ${sql.ref(`${alias}.id`)} and ${inScope(scope, ciScope('vci'))})`;
}

function selectWindows(db: Db | Tx, scope: Scope) {
  const visibleCi = inScope(scope, ciScope('ci'));
  const visibleConnection = inScope(scope, CONNECTION_SCOPE);
  return db
    .selectFrom('maintenance_window as w')
    .selectAll('w')
    .select([
      sql<Array<{ id: number; kind: string; name: string }>>`coalesce((select jsonb_agg(jsonb_build_object('id', ci.id, 'kind', ci.kind, 'name', ci.name) order by ci.id)
        from maintenance_window_ci wc join configuration_item ci on ci.id = wc.ci_id where wc.window_id = w.id and ${visibleCi}), '[]'::jsonb)`.as('cis'),
      sql<{ cis: number; connections: number; organisations: number; sites: number }>`(select jsonb_build_object(
          'cis', count(*),
          'connections', count(connection.id),
          'organisations', count(distinct ci.organisation_id),
          'sites', count(distinct ci.site_id))
        from maintenance_window_cover c join configuration_item ci on ci.id = c.ci_id
        left join connection on connection.ci_id = ci.id and ${visibleConnection}
        where c.window_id = w.id and ${visibleCi})`.as('affected'),
    ])
    .where(windowVisible(scope));
}

export type WindowRow = Awaited<ReturnType<ReturnType<typeof selectWindows>['executeTakeFirstOrThrow']>>;

export function findWindow(db: Db | Tx, scope: Scope, id: number): Promise<WindowRow | undefined> {
  return selectWindows(db, scope).where('w.id', '=', id).executeTakeFirst();
}

/** Locks the window row, so two changes to one window queue. */
export async function lockWindow(tx: Tx, scope: Scope, id: number): Promise<WindowRow | undefined> {
  const locked = await tx.selectFrom('maintenance_window as w').select('w.id').where('w.id', '=', id).where(windowVisible(scope)).forUpdate().executeTakeFirst();
  return locked ? findWindow(tx, scope, id) : undefined;
}

export function listWindows(db: Db, scope: Scope, request: WindowListRequest & PageRequest) {
  let query = selectWindows(db, scope);
  if (request.from) query = query.where('w.ends_at', '>', new Date(request.from));
  if (request.to) query = query.where('w.starts_at', '<', new Date(request.to));
  if (request.state) query = query.where('w.state', '=', request.state);
  if (request.ciId) query = query.where(sql<SqlBool>`exists (select 1 from maintenance_window_cover f where f.window_id = w.id and f.ci_id = ${request.ciId})`);
  if (request.connectionId) {
    query = query.where(sql<SqlBool>`exists (select 1 from maintenance_window_cover f join connection fc on fc.ci_id = f.ci_id where f.window_id = w.id and fc.id = ${request.connectionId})`);
  }
  return paginate(query, { columns: { startsAt: 'w.starts_at', id: 'w.id' }, tie: 'w.id', tieKey: 'id', defaultSort: 'startsAt' }, request);
}

/** The connections the window's work takes down, among those the caller may see. */
export function listAffected(db: Db, scope: Scope, windowId: number, request: PageRequest) {
  const query = db
    .selectFrom('maintenance_window_cover as c')
    .innerJoin('connection', 'connection.ci_id', 'c.ci_id')
    .innerJoin('site', 'site.id', 'connection.site_id')
    .innerJoin('organisation as org', 'org.id', 'connection.organisation_id')
    .innerJoin('configuration_item as origin', 'origin.id', 'c.origin_ci_id')
    .select(['connection.id as id', 'site.id as site_id', 'site.name as site_name', 'org.ods_code', 'org.name as organisation_name', 'c.ci_id', 'origin.id as origin_id', 'origin.name as origin_name'])
    .where('c.window_id', '=', windowId)
    .where(inScope(scope, CONNECTION_SCOPE));
  return paginate(query, { columns: { id: 'connection.id' }, tie: 'connection.id', tieKey: 'id', defaultSort: 'id' }, request);
}

/** The CIs named, with whether each may be planned on: known, not retired. */
export function cisForWindow(tx: Tx, ids: readonly number[]) {
  return tx.selectFrom('configuration_item').select(['id', 'state']).where('id', 'in', [...ids]).execute();
}

export async function setWindowCis(tx: Tx, windowId: number, ciIds: readonly number[]): Promise<void> {
  await tx.deleteFrom('maintenance_window_ci').where('window_id', '=', windowId).execute();
  await tx.insertInto('maintenance_window_ci').values(ciIds.map((ci_id) => ({ window_id: windowId, ci_id }))).execute();
}

export async function windowCiIds(tx: Tx, windowId: number): Promise<number[]> {
  const rows = await tx.selectFrom('maintenance_window_ci').select('ci_id').where('window_id', '=', windowId).orderBy('ci_id').execute();
  return rows.map((r) => Number(r.ci_id));
}
