import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { OutageListRequest } from './schemas.ts';
import { groupsSql, missedSql, type GroupBy, type ReportParams } from './report-queries.ts';

/**
 * An outage carries its connection's organisation and supplier: a customer sees their
 * organisations' outages, a supplier's engineer those of the connections ordered from them.
 */
export const OUTAGE_SCOPE = { organisation: 'o.organisation_id', supplier: 'o.supplier_id' };

function selectOutages(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('outage as o')
    .innerJoin('connection', 'connection.id', 'o.connection_id')
    .innerJoin('site', 'site.id', 'connection.site_id')
    .innerJoin('organisation as org', 'org.id', 'o.organisation_id')
    .leftJoin('supplier', 'supplier.id', 'o.supplier_id')
    .leftJoin('maintenance_window as mw', 'mw.id', 'o.maintenance_window_id')
    .leftJoin('incident', 'incident.id', 'o.incident_id')
    .selectAll('o')
    .select([
      'o.started_at as startedAt',
      'site.id as site_id',
      'site.name as site_name',
      'connection.ci_id',
      'org.ods_code',
      'org.name as organisation_name',
      'supplier.code as supplier_code',
      'supplier.name as supplier_name',
      'mw.title as window_title',
      'incident.number as incident_number',
      'incident.supplier_id as incident_supplier_id',
    ])
    .where(inScope(scope, OUTAGE_SCOPE));
}

export type OutageRow = Awaited<ReturnType<ReturnType<typeof selectOutages>['executeTakeFirstOrThrow']>>;

export function findOutage(db: Db | Tx, scope: Scope, id: number): Promise<OutageRow | undefined> {
  return selectOutages(db, scope).where('o.id', '=', id).executeTakeFirst();
}

export async function lockOutage(tx: Tx, scope: Scope, id: number): Promise<OutageRow | undefined> {
  const locked = await tx.selectFrom('outage as o').select('o.id').where('o.id', '=', id).where(inScope(scope, OUTAGE_SCOPE)).forUpdate().executeTakeFirst();
  return locked ? findOutage(tx, scope, id) : undefined;
}

export function listOutages(db: Db, scope: Scope, request: OutageListRequest & PageRequest) {
  let query = selectOutages(db, scope);
  if (!request.includeVoided) query = query.where('o.voided_at', 'is', null);
  if (request.connectionId) query = query.where('o.connection_id', '=', request.connectionId);
  if (request.siteId) query = query.where('connection.site_id', '=', request.siteId);
  if (request.incidentId) query = query.where('o.incident_id', '=', request.incidentId);
  if (request.cause) query = query.where('o.cause_kind', '=', request.cause);
  if (request.planned !== undefined) query = query.where('o.planned', '=', request.planned);
  if (request.open !== undefined) query = query.where('o.ended_at', request.open ? 'is' : 'is not', null);
  if (request.from) query = query.where((eb) => eb.or([eb('o.ended_at', 'is', null), eb('o.ended_at', '>', new Date(request.from!))]));
  if (request.to) query = query.where('o.started_at', '<', new Date(request.to));
  if (request.supplier) query = query.where('supplier.code', '=', request.supplier.toUpperCase());
  if (request.ciId) {
    // The connection's own CI, or a CI one depends_on away: a site router's connections, a PoP's.
    const ci = request.ciId;
    query = query.where(sql<SqlBool>`(connection.ci_id = ${ci}
      or connection.ci_id in (select target_id from ci_relation where source_id = ${ci} and kind = 'depends_on')
      or connection.ci_id in (select source_id from ci_relation where target_id = ${ci} and kind = 'depends_on'))`);
  }
  if (request.organisation) {
    const code = request.organisation.toUpperCase();
    query = query.where(
      sql<SqlBool>`o.organisation_id in (with recursive below (id) as (
          select id from organisation where ods_code = ${code}
          union select x.id from organisation x join below b on x.parent_id = b.id) select id from below)`,
    );
  }
  return paginate(query, { columns: { startedAt: 'o.started_at', id: 'o.id' }, tie: 'o.id', tieKey: 'id', defaultSort: '-startedAt' }, request);
}

/**
 * The report runs with PostgreSQL's JIT compiler off, in a transaction of its own: the planner
 * judges the statement expensive and compiles it, which cost more than running it (2.7 s of
 * compiling on a 2 s query for 50,000 connections, bench/availability-report.ts), as the CMDB's
 * graph queries found (docs/cmdb.md). SET LOCAL ends with the transaction.
 */
export async function withoutJit<T>(db: Db, query: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`set local jit = off`.execute(tx);
    return query(tx as unknown as Db);
  });
}

/** The report's groups for one period, a page at a time. */
export function reportPage(db: Db, params: ReportParams, groupBy: GroupBy, request: PageRequest) {
  return withoutJit(db, (tx) => {
    const query = tx.selectFrom(groupsSql(params, groupBy).as('g')).selectAll();
    return paginate(query, { columns: { availability: 'g.availability', unplanned: 'g.unplanned', key: 'g.key' }, tie: 'g.key', tieKey: 'key', defaultSort: 'availability' }, request);
  });
}

/** Every group of every bucket: the months series, whose groups stay few. */
export async function allGroups(db: Db, params: ReportParams, groupBy: GroupBy) {
  return withoutJit(db, (tx) => tx.selectFrom(groupsSql(params, groupBy).as('g')).selectAll().orderBy('g.bucket').orderBy('g.key').execute());
}

/** The connections that missed their target, worst first, a page at a time. */
export function missedPage(db: Db, params: ReportParams, request: PageRequest) {
  return withoutJit(db, (tx) => {
    const query = tx.selectFrom(missedSql(params).as('m')).selectAll();
    return paginate(query, { columns: { availability: 'm.availability', unplanned: 'm.unplanned', id: 'm.id' }, tie: 'm.id', tieKey: 'id', defaultSort: 'availability' }, request);
  });
}
