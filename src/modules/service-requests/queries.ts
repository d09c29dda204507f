import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope, visibleOrganisations } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import { statesAsked } from '../../core/http/state-filter.ts';
import { OPEN_STATES, REQUEST_STATES } from '../../domain/request-lifecycle.ts';
import type { RequestListRequest } from './schemas.ts';
import { slaStandingOf } from '../service-levels/clocks.ts';

/**
 * A service request belongs to the organisation it is for: a customer sees their organisations'
 * requests; suppliers see none (their engineers work connections, not requests).
 */
export const REQUEST_SCOPE = { organisation: 'service_request.organisation_id' };

function selectRequests(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('service_request')
    .innerJoin('organisation as org', 'org.id', 'service_request.organisation_id')
    .leftJoin('site', 'site.id', 'service_request.site_id')
    .leftJoin('connection', 'connection.id', 'service_request.connection_id')
    .leftJoin('product', 'product.id', 'service_request.product_id')
    .leftJoin('app_user as requester', 'requester.id', 'service_request.requester_id')
    .leftJoin('team', 'team.id', 'service_request.team_id')
    .leftJoin('app_user as assignee', 'assignee.id', 'service_request.assignee_id')
    .select([
      'service_request.id',
      'service_request.number',
      'service_request.kind',
      'service_request.title',
      'service_request.state',
      'service_request.priority',
      'service_request.organisation_id',
      'service_request.site_id',
      'service_request.connection_id',
      'service_request.product_id',
      'service_request.requester_id',
      'service_request.requester_name',
      'service_request.team_id',
      'service_request.assignee_id',
      'service_request.approval_required',
      'service_request.created_at',
      'service_request.updated_at',
      'service_request.version',
      // 'infinity' (no clock running towards a due time) reads as a number; presented as null.
      'service_request.sla_due_at',
      'org.ods_code as organisation_ods_code',
      'org.name as organisation_name',
      'site.name as site_name',
      'connection.state as connection_state',
      'product.code as product_code',
      'product.name as product_name',
      'requester.display_name as requester_display_name',
      'requester.email as requester_email',
      'team.code as team_code',
      'team.name as team_name',
      'assignee.display_name as assignee_name',
      // The sort keys, under the names the cursor carries: the due instant as text, so that
      // 'infinity' survives the round trip through a cursor.
      'service_request.created_at as createdAt',
      'service_request.updated_at as updatedAt',
      sql<string>`service_request.sla_due_at::text`.as('slaDueAt'),
    ])
    .where(inScope(scope, REQUEST_SCOPE));
}
export type RequestSummaryRow = Awaited<ReturnType<ReturnType<typeof selectRequests>['executeTakeFirstOrThrow']>>;

function selectRequestDetail(db: Db | Tx, scope: Scope) {
  return selectRequests(db, scope)
    .leftJoin('app_user as approver', 'approver.id', 'service_request.approved_by')
    .select([
      'service_request.description',
      'service_request.details',
      'service_request.approved_by',
      'service_request.approved_at',
      'service_request.rejection_reason',
      'service_request.fulfilled_at',
      'service_request.closed_at',
      'service_request.closes_at',
      'service_request.cancelled_at',
      'service_request.cancellation_reason',
      'approver.display_name as approver_name',
    ]);
}
export type RequestRow = Awaited<ReturnType<ReturnType<typeof selectRequestDetail>['executeTakeFirstOrThrow']>>;

export function findRequest(db: Db | Tx, scope: Scope, id: number): Promise<RequestRow | undefined> {
  return selectRequestDetail(db, scope).where('service_request.id', '=', id).executeTakeFirst();
}

/** Locks the request for a change, so two changes to one request queue rather than interleave. */
export async function lockRequest(tx: Tx, scope: Scope, id: number): Promise<RequestRow | undefined> {
  const locked = await tx.selectFrom('service_request').select('id').where('id', '=', id).where(inScope(scope, REQUEST_SCOPE)).forUpdate().executeTakeFirst();
  return locked ? findRequest(tx, { kind: 'network' }, id) : undefined;
}

/** The request's linked connection, unlocked: a change that will drive the connection locks it first. */
export async function linkedConnectionId(db: Db | Tx, scope: Scope, id: number): Promise<number | null | undefined> {
  const row = await db.selectFrom('service_request').select('connection_id').where('id', '=', id).where(inScope(scope, REQUEST_SCOPE)).executeTakeFirst();
  return row ? row.connection_id : undefined;
}

/** Requests a connection's lifecycle drives (a new connection's, a cease's) that are still open, locked. */
export async function lockRequestsOfConnection(tx: Tx, connectionId: number, kinds: string[]) {
  const rows = await tx
    .selectFrom('service_request')
    .select('id')
    .where('connection_id', '=', connectionId)
    .where('kind', 'in', kinds)
    .where('state', 'in', [...OPEN_STATES])
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

const SORTS = {
  columns: { createdAt: 'service_request.created_at', updatedAt: 'service_request.updated_at', slaDueAt: 'service_request.sla_due_at' },
  tie: 'service_request.id',
  tieKey: 'id',
  defaultSort: '-createdAt',
};

/**
 * The request queue with every filter, and full-text search over number, title, description and
 * notes. A customer's search looks only at the notes they can see, so the words of an internal
 * note never show through a match.
 */
export async function listRequests(db: Db, scope: Scope, userId: number, request: RequestListRequest & PageRequest) {
  // Each row's standing against its SLA targets, read as the incident queue reads it: for the page's rows only.
  let q = selectRequests(db, scope).select(slaStandingOf('service_request', 'service_request.id').as('sla_standing'));
  if (request.state) {
    q = q.where('service_request.state', 'in', statesAsked(request.state, REQUEST_STATES, OPEN_STATES, 'request'));
  }
  if (request.kind) q = q.where('service_request.kind', '=', request.kind);
  if (request.team) q = q.where('team.code', '=', request.team.toLowerCase());
  if (request.assignee === 'me') q = q.where('service_request.assignee_id', '=', userId);
  else if (request.assignee === 'none') q = q.where('service_request.assignee_id', 'is', null);
  else if (request.assignee) q = q.where('service_request.assignee_id', '=', Number(request.assignee));
  if (request.connectionId) q = q.where('service_request.connection_id', '=', request.connectionId);
  if (request.organisation) {
    const org = await db.selectFrom('organisation').select('id').where('ods_code', '=', request.organisation.toUpperCase()).executeTakeFirst();
    q = q.where(sql<SqlBool>`service_request.organisation_id in (${visibleOrganisations([org?.id ?? 0])})`);
  }
  if (request.q) q = q.where(matchesSearch(request.q, scope.kind === 'network'));
  return paginate(q, SORTS, request);
}

function matchesSearch(text: string, seesInternalNotes: boolean): Expression<SqlBool> {
  const query = sql`websearch_to_tsquery('english', ${text})`;
  const visible = seesInternalNotes ? sql`true` : sql`n.customer_visible`;
  return sql<SqlBool>`service_request.id in (
    select id from service_request where search @@ ${query}
    union
    select n.request_id from service_request_note n where n.search @@ ${query} and ${visible})`;
}

export function tasksOf(db: Db | Tx, requestId: number) {
  return db
    .selectFrom('request_task as t')
    .leftJoin('team', 'team.id', 't.team_id')
    .leftJoin('app_user as assignee', 'assignee.id', 't.assignee_id')
    .leftJoin('app_user as completer', 'completer.id', 't.completed_by')
    .selectAll('t')
    .select(['team.code as team_code', 'team.name as team_name', 'assignee.display_name as assignee_name', 'completer.display_name as completer_name'])
    .where('t.request_id', '=', requestId)
    .orderBy('t.position')
    .execute();
}
export type TaskRow = Awaited<ReturnType<typeof tasksOf>>[number];

export function notesOf(db: Db | Tx, requestId: number, includeInternal: boolean) {
  let q = db.selectFrom('service_request_note').select(['id', 'customer_visible', 'body', 'author_id', 'author_name', 'source', 'created_at']).where('request_id', '=', requestId);
  if (!includeInternal) q = q.where('customer_visible', '=', true);
  return q.orderBy('id').execute();
}
export type NoteRow = Awaited<ReturnType<typeof notesOf>>[number];

/** The site a request is for, within the caller's scope. */
export function siteInScope(db: Db | Tx, scope: Scope, siteId: number) {
  return db
    .selectFrom('site')
    .select(['site.id', 'site.name', 'site.state', 'site.organisation_id'])
    .where('site.id', '=', siteId)
    .where(inScope(scope, { organisation: 'site.organisation_id' }))
    .executeTakeFirst();
}

export function organisationInScope(db: Db | Tx, scope: Scope, odsCode: string) {
  return db
    .selectFrom('organisation')
    .select(['id', 'ods_code', 'name', 'state'])
    .where('ods_code', '=', odsCode.toUpperCase())
    .where(inScope(scope, { organisation: 'organisation.id' }))
    .executeTakeFirst();
}

/** A connection a request acts on, within the caller's organisations, with its product. */
export function connectionInScope(db: Db | Tx, scope: Scope, connectionId: number) {
  return db
    .selectFrom('connection')
    .innerJoin('product', 'product.id', 'connection.product_id')
    .innerJoin('site', 'site.id', 'connection.site_id')
    .select([
      'connection.id',
      'connection.state',
      'connection.site_id',
      'connection.organisation_id',
      'connection.product_id',
      'site.name as site_name',
      'product.code as product_code',
      'product.bandwidth_down_kbps',
      'product.requires_approval',
    ])
    .where('connection.id', '=', connectionId)
    // Requests are scoped by organisation only; a connection's supplier column plays no part.
    .where(inScope(scope, { organisation: 'connection.organisation_id' }))
    .executeTakeFirst();
}

export function productByCode(db: Db | Tx, code: string) {
  return db
    .selectFrom('product')
    .select(['id', 'code', 'name', 'kind', 'state', 'bandwidth_down_kbps', 'requires_approval'])
    .where('code', '=', code.toUpperCase())
    .executeTakeFirst();
}

export function teamById(db: Db | Tx, id: number) {
  return db.selectFrom('team').select(['id', 'code', 'name', 'email', 'active']).where('id', '=', id).executeTakeFirst();
}

export function userById(db: Db | Tx, id: number) {
  return db.selectFrom('app_user').select(['id', 'display_name', 'email', 'roles', 'active', 'supplier_id']).where('id', '=', id).executeTakeFirst();
}

export async function isTeamMember(db: Db | Tx, teamId: number, userId: number): Promise<boolean> {
  const row = await db.selectFrom('team_member').select('user_id').where('team_id', '=', teamId).where('user_id', '=', userId).executeTakeFirst();
  return !!row;
}

/** Who approves: active change approvers with an e-mail address. */
export function approversToTell(db: Db | Tx) {
  return db
    .selectFrom('app_user')
    .select(['id', 'display_name', 'email'])
    .where('active', '=', true)
    .where('email', 'is not', null)
    .where(sql<SqlBool>`'change_approver' = any(roles)`)
    .orderBy('id')
    .execute();
}

/** Whether a user's granted organisations (and those below them) include this one. */
export async function userSeesOrganisation(db: Db | Tx, userId: number, organisationId: number): Promise<boolean> {
  const granted = await db.selectFrom('user_organisation').select('organisation_id').where('user_id', '=', userId).execute();
  if (granted.length === 0) return false;
  const row = await db
    .selectFrom('organisation')
    .select('id')
    .where('id', '=', organisationId)
    .where(sql<SqlBool>`id in (${visibleOrganisations(granted.map((g) => g.organisation_id))})`)
    .executeTakeFirst();
  return !!row;
}

/**
 * What a request may name as its product: the catalogue's active connection products (what a new
 * connection is asked for as, and an upgrade asked for to). The network provider's own offer, so
 * no scope applies; a customer, who does not read the catalogue itself, reads this much of it.
 */
export function listRequestableProducts(db: Db, page: PageRequest) {
  const query = db
    .selectFrom('product')
    .select(['product.id', 'product.code', 'product.name', 'product.access_technology', 'product.bandwidth_down_kbps', 'product.bandwidth_up_kbps', 'product.resilience', 'product.requires_approval'])
    .where('product.kind', '=', 'connection')
    .where('product.state', '=', 'active');
  return paginate(query, { columns: { code: 'product.code', name: 'product.name' }, tie: 'product.id', tieKey: 'id', defaultSort: 'name' }, page);
}
