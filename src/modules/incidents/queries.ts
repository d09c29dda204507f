import { sql, type Expression, type Insertable, type QueryCreator, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { IncidentCiTable, IncidentTable, Tables } from '../../core/db/tables.ts';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope, visibleOrganisations } from '../../core/access/scope.ts';
import { paginate } from '../../core/http/pagination.ts';
import { INCIDENT_STATES, OPEN_STATES } from '../../domain/incident-lifecycle.ts';
import { statesAsked } from '../../core/http/state-filter.ts';
import { SEARCH_SAMPLE, searchShape } from '../../domain/search-shape.ts';
import type { IncidentListRequest } from './schemas.ts';
import { clocksJsonOf, clockWritesFor, slaBreachedWhere, slaStandingOf, type ClockWriteValues, type SlaStanding } from '../service-levels/clocks.ts';
import { compiledOnce, planOnce } from '../../core/db/prepared.ts';

/**
 * An incident belongs to its caller's organisation and, once handed off, to the supplier holding
 * it: a customer sees their organisations' incidents, a supplier's engineer those handed to
 * their company.
 */
export const INCIDENT_SCOPE = { organisation: 'incident.organisation_id', supplier: 'incident.supplier_id' };

/**
 * The incident with the names shown beside it. The names are scalar subqueries on primary keys
 * rather than joins: PostgreSQL plans each alone, where seven outer joins cost it some 1.5 ms of
 * join-order search on every read (docs/performance.md) for the same index lookups.
 */
function selectIncidents(db: QueryCreator<Tables>, scope: Scope) {
  return db
    .selectFrom('incident')
    .innerJoin('organisation as org', 'org.id', 'incident.organisation_id')
    .select((eb) => [
      'incident.id',
      'incident.number',
      'incident.title',
      'incident.state',
      'incident.priority',
      'incident.impact',
      'incident.urgency',
      'incident.category',
      'incident.source',
      'incident.organisation_id',
      'incident.site_id',
      'incident.team_id',
      'incident.assignee_id',
      'incident.supplier_id',
      'incident.major',
      'incident.parent_id',
      'incident.sla_due_at',
      'incident.created_at',
      'incident.updated_at',
      'incident.version',
      'org.ods_code as organisation_ods_code',
      'org.name as organisation_name',
      eb.selectFrom('site').select('site.name').whereRef('site.id', '=', 'incident.site_id').as('site_name'),
      eb.selectFrom('team').select('team.code').whereRef('team.id', '=', 'incident.team_id').as('team_code'),
      eb.selectFrom('team').select('team.name').whereRef('team.id', '=', 'incident.team_id').as('team_name'),
      eb.selectFrom('app_user as assignee').select('assignee.display_name').whereRef('assignee.id', '=', 'incident.assignee_id').as('assignee_name'),
      eb.selectFrom('supplier').select('supplier.code').whereRef('supplier.id', '=', 'incident.supplier_id').as('supplier_code'),
      eb.selectFrom('supplier').select('supplier.name').whereRef('supplier.id', '=', 'incident.supplier_id').as('supplier_name'),
      eb.selectFrom('incident as parent').select('parent.number').whereRef('parent.id', '=', 'incident.parent_id').as('parent_number'),
      eb.selectFrom('incident as parent').select('parent.title').whereRef('parent.id', '=', 'incident.parent_id').as('parent_title'),
    ])
    .where(inScope(scope, INCIDENT_SCOPE));
}

export type IncidentSummaryRow = Awaited<ReturnType<ReturnType<typeof selectIncidents>['executeTakeFirstOrThrow']>>;

export function findIncidentDetail(db: Db | Tx, scope: Scope, id: number) {
  return detailOf(db, scope, id).executeTakeFirst();
}

function detailOf(db: Db | Tx, scope: Scope, id: number) {
  return detailColumns(selectIncidents(db, scope)).where('incident.id', '=', id);
}

/** The record's own columns beyond the queue's, with the caller's name and address. */
function detailColumns(query: ReturnType<typeof selectIncidents>) {
  return query.select((eb) => [
    'incident.description',
    'incident.caller_id',
    'incident.caller_name',
    'incident.caller_email',
    eb.selectFrom('app_user as caller').select('caller.display_name').whereRef('caller.id', '=', 'incident.caller_id').as('caller_display_name'),
    eb.selectFrom('app_user as caller').select('caller.email').whereRef('caller.id', '=', 'incident.caller_id').as('caller_user_email'),
    'incident.connection_id',
    // The connection as the journal names it: its product, and the supplier's circuit reference once it has one.
    eb
      .selectFrom('connection')
      .innerJoin('product', 'product.id', 'connection.product_id')
      .select(sql<string>`product.name || coalesce(', ' || connection.circuit_reference, '')`.as('name'))
      .whereRef('connection.id', '=', 'incident.connection_id')
      .as('connection_name'),
    'incident.supplier_reference',
    'incident.handed_off_at',
    'incident.supplier_accepted_at',
    'incident.resolution_code',
    'incident.resolution_notes',
    'incident.responded_at',
    'incident.resolved_at',
    'incident.closed_at',
    'incident.reopen_count',
  ]);
}
export type IncidentRow = NonNullable<Awaited<ReturnType<typeof findIncidentDetail>>>;

/**
 * Locks the incident for a change, so two changes to one incident queue rather than interleave;
 * only the incident's own row is locked, not the rows its names are read from.
 */
const lockedIncident = compiledOnce((db, scope: Scope, id: number) => detailOf(db, scope, id).forUpdate('incident').modifyEnd(planOnce));

export async function lockIncident(tx: Tx, scope: Scope, id: number): Promise<IncidentRow | undefined> {
  return (await lockedIncident(tx, scope, id))[0];
}

/**
 * Whether any of the incident's customer-facing (SLA) targets is breached, response or resolution
 * (`?breached=`): its clocks decide, not the row's `sla_due_at` (their next due time's copy). The
 * condition, and the standing each row shows, are the service level module's, shared with service
 * requests.
 */
const SLA_BREACHED = slaBreachedWhere('incident', 'incident.id');

/**
 * What the queue shows of the incident's service levels beside its next due time (`sla_due_at`):
 * whether an SLA target is breached or past its warning point, and while the incident is
 * unanswered, when its SLA response target falls due. The service level module's standing, shared
 * with service requests: one aggregate over the incident's own clocks, read for the page's rows only.
 */
const SLA_STANDING = slaStandingOf('incident', 'incident.id').as('sla_standing');

export type IncidentQueueRow = IncidentSummaryRow & { sla_standing: SlaStanding };

const SORTS = {
  columns: { number: 'incident.id', createdAt: 'incident.created_at', updatedAt: 'incident.updated_at', slaDueAt: 'incident.sla_due_at' },
  tie: 'incident.id',
  tieKey: 'id',
  defaultSort: '-number',
  rowKeys: { number: 'id', createdAt: 'created_at', updatedAt: 'updated_at', slaDueAt: 'sla_due_at' },
};

/**
 * The queue: every filter an agent combines, and full-text search. Search matches the incident's
 * own words or its notes; a customer's or a supplier's search looks only at the customer-visible
 * notes, so a work note never leaks through a match (one vector holds every work note: the desk's,
 * which a supplier reads, and those of each supplier the incident was handed to, which it may not).
 */
export async function listIncidents(db: Db, scope: Scope, userId: number, request: IncidentListRequest) {
  let q = selectIncidents(db, scope).select(SLA_STANDING);
  if (request.state) {
    q = q.where('incident.state', 'in', statesAsked(request.state, INCIDENT_STATES, OPEN_STATES, 'incident'));
  }
  if (request.priority) q = q.where('incident.priority', '=', request.priority);
  if (request.number) q = q.where('incident.number', '=', request.number);
  if (request.team) q = q.where('incident.team_id', '=', (eb) => eb.selectFrom('team').select('team.id').where('team.code', '=', request.team!));
  if (request.assignee === 'me') q = q.where('incident.assignee_id', '=', userId);
  else if (request.assignee === 'none') q = q.where('incident.assignee_id', 'is', null);
  else if (request.assignee) q = q.where('incident.assignee_id', '=', Number(request.assignee));
  if (request.supplier) q = q.where('incident.supplier_id', '=', (eb) => eb.selectFrom('supplier').select('supplier.id').where('supplier.code', '=', request.supplier!));
  if (request.organisation) {
    const org = await db.selectFrom('organisation').select('id').where('ods_code', '=', request.organisation.toUpperCase()).executeTakeFirst();
    q = q.where(sql<SqlBool>`incident.organisation_id in (${visibleOrganisations([org?.id ?? 0])})`);
  }
  if (request.siteId) q = q.where('incident.site_id', '=', request.siteId);
  if (request.ciId) q = q.where(({ exists, selectFrom }) => exists(selectFrom('incident_ci').select('incident_ci.ci_id').whereRef('incident_ci.incident_id', '=', 'incident.id').where('incident_ci.ci_id', '=', request.ciId!)));
  if (request.major !== undefined) q = q.where('incident.major', '=', request.major);
  if (request.parentId) q = q.where('incident.parent_id', '=', request.parentId);
  if (request.breached !== undefined) q = q.where(request.breached ? SLA_BREACHED : sql<SqlBool>`not ${SLA_BREACHED}`);
  // A number typed into the search box is a lookup on the unique number, not a word search; the
  // digits alone ("33") find INC0000033 as well as any incident that has them as a word.
  const typed = request.q?.trim();
  if (typed && INCIDENT_NUMBER.test(typed)) q = q.where('incident.number', '=', typed.toUpperCase());
  else if (typed) {
    // Only the desk matches on work notes: a customer reads none, and a supplier's engineer not
    // those of another supplier the incident was handed to before, whose words would find it.
    const words = await matchesSearch(db, typed, scope.kind === 'network', (request.limit ?? 50) + 1);
    q = NUMBER_DIGITS.test(typed) ? q.where((eb) => eb.or([eb('incident.number', '=', `INC${typed.padStart(7, '0')}`), words])) : q.where(words);
  }
  return paginate(q, SORTS, request);
}

const INCIDENT_NUMBER = /^inc\d{7}$/i;
const NUMBER_DIGITS = /^\d{1,7}$/;

/**
 * The search condition, written so that only the plan that suits the words fits it. The words are
 * first tried on the newest incidents (a read of pages every search shares); then common words
 * are tested row by row along the queue's order, which stops when the page is full, and rare ones
 * are looked up in the full-text indexes and only their matches sorted (src/domain/search-shape.ts).
 * Both shapes return exactly the incidents whose words match, or whose site's name does; they
 * differ only in cost.
 */
async function matchesSearch(db: Db, text: string, seesWorkNotes: boolean, page: number): Promise<Expression<SqlBool>> {
  const query = sql`websearch_to_tsquery('english', ${text})`;
  const notes = seesWorkNotes ? 'notes_search' : 'public_notes_search';
  const vectors = (alias: string) => [sql.ref(`${alias}.search`), sql.ref(`${alias}.${notes}`)] as const;
  // A word left out ("router -cabinet") must be missing from the incident's own words and from its
  // notes alike, where each vector alone lacks what the other holds: such a search is tried again
  // on the two as one. (For any other search a match in either is a match in both together.)
  const excludes = EXCLUDES_A_WORD.test(text);
  const whole = (alias: string) => (excludes ? sql`and ts_match_vq(${vectors(alias)[0]} || ${vectors(alias)[1]}, ${query})` : sql``);
  // ts_match_vq is the function behind @@: the same test, but no index serves it and the planner
  // takes it to match a third of the rows, so it walks the queue's order and stops at the page.
  const rowByRow = (atSite: RawBuilder<unknown>) =>
    sql<SqlBool>`((ts_match_vq(incident.search, ${query}) or ts_match_vq(${vectors('incident')[1]}, ${query}) ${atSite}) ${whole('incident')})`;
  // The sites the words name are found in the same statement, in their own index
  // (site_name_search_idx): their incidents match as well, by site id, so no incident is joined to
  // its site. Scope is not needed here: the queue's own scope decides which incidents are seen,
  // and a site id reveals nothing by itself. An organisation's ODS code, shown on every row, names
  // its sites too. A search that leaves a word out looks at the incidents' own words only: nearly
  // every site's name lacks the word, so every incident would match.
  const named = excludes
    ? sql`select null::bigint as id where false`
    : sql`select site.id from site where to_tsvector('english', site.name) @@ ${query}
      union select site.id from site join organisation on organisation.id = site.organisation_id where organisation.ods_code = upper(btrim(${text}))`;
  const sample = await sql<{ hits: number; incidents: number; sites: Array<number | string> }>`with named as materialized (${named})
    select count(*) filter (where newest.hit)::int as hits,
      (select reltuples from pg_class where oid = 'incident'::regclass)::float8 as incidents,
      array(select named.id from named) as sites
    from (select ${rowByRow(sql`or incident.site_id in (select named.id from named)`)} as hit from incident order by incident.id desc limit ${SEARCH_SAMPLE}) as newest`.execute(db);
  const { hits, incidents } = sample.rows[0]!;
  const sites = sample.rows[0]!.sites.map(Number);
  const atSite = (alias: string) => (sites.length > 0 ? sql`or ${sql.ref(`${alias}.site_id`)} = any(${sites}::bigint[])` : sql``);
  if (searchShape(hits, SEARCH_SAMPLE, incidents, page) === 'walk') return rowByRow(atSite('incident'));
  // An array from a subquery is computed once, before the outer scan, so the planner cannot turn
  // it back into a walk; the primary key then yields the matches in the queue's order.
  return sql<SqlBool>`incident.id = any(array(select m.id from incident as m
    where (m.search @@ ${query} or ${vectors('m')[1]} @@ ${query} ${atSite('m')}) ${whole('m')}))`;
}

/** A word the search leaves out, in websearch_to_tsquery's syntax: "-cabinet". */
const EXCLUDES_A_WORD = /(^|\s)-[^\s-]/;

/** A note's words join its incident's search vectors (the customer's too, when it is theirs to read). */
export async function indexNotes(tx: Tx, incidentIds: number[], body: string, customerVisible: boolean): Promise<void> {
  const words = sql`to_tsvector('english', ${body})`;
  await tx
    .updateTable('incident')
    .set({
      notes_search: sql`notes_search || ${words}`,
      ...(customerVisible ? { public_notes_search: sql`public_notes_search || ${words}` } : {}),
    })
    .where('id', 'in', incidentIds)
    .execute();
}

/**
 * The incident's notes as the caller may read them. The desk reads them all; a customer those meant
 * for them. A supplier's engineer reads those too and the work notes of the desk and of their own
 * company, but not another supplier's: an incident handed from one supplier to the next carries
 * the first one's working (their costs, their own references) that is no business of the second.
 * A work note is another supplier's when its author's account belongs to another supplier.
 */
export function notesOf(db: Db | Tx, incidentId: number, scope: Scope) {
  let q = db
    .selectFrom('incident_note')
    .select(['id', 'kind', 'customer_visible', 'body', 'author_name', 'source', 'created_at'])
    .where('incident_id', '=', incidentId);
  if (scope.kind === 'organisations') q = q.where('customer_visible', '=', true);
  if (scope.kind === 'supplier') {
    q = q.where((eb) =>
      eb.or([
        eb('customer_visible', '=', true),
        eb.not(eb.exists(eb.selectFrom('app_user as author').select('author.id').whereRef('author.id', '=', 'incident_note.author_id').where('author.supplier_id', '<>', scope.supplierId))),
      ]),
    );
  }
  return q.orderBy('id').execute();
}

/**
 * What a record page shows beside an incident — its CIs, its child incidents (those the caller may
 * see), its clocks — as jsonb columns, for the incident whose id is `id` (a value, or the id
 * column of the row read beside them).
 */
function besideColumns(scope: Scope, id: Expression<number>) {
  return [
    sql<Array<{ id: number; name: string; kind: string }>>`(select coalesce(jsonb_agg(jsonb_build_object('id', ci.id, 'name', ci.name, 'kind', ci.kind) order by ci.name, ci.id), '[]'::jsonb)
      from incident_ci join configuration_item ci on ci.id = incident_ci.ci_id where incident_ci.incident_id = ${id})`.as('cis'),
    sql<Array<{ id: number; number: string; title: string; state: string }>>`(select coalesce(jsonb_agg(jsonb_build_object('id', child.id, 'number', child.number, 'title', child.title, 'state', child.state) order by child.id), '[]'::jsonb)
      from incident as child where child.parent_id = ${id} and ${inScope(scope, CHILD_SCOPE)})`.as('children'),
    clocksJsonOf('incident', id).as('clocks'),
  ] as const;
}
const CHILD_SCOPE = { organisation: 'child.organisation_id', supplier: 'child.supplier_id' };

export type Beside = Awaited<ReturnType<typeof besideOf>>;

/** What is shown beside an incident already read, in one round trip. */
export function besideOf(db: Db | Tx, scope: Scope, incidentId: number) {
  return db.selectNoFrom(besideColumns(scope, sql.val(incidentId))).executeTakeFirstOrThrow();
}

/** The record page's read: the incident with its names and what is shown beside it (that of the incident `id`). */
function recordOf(db: QueryCreator<Tables>, scope: Scope, id: Expression<number>) {
  return detailColumns(selectIncidents(db, scope)).select(besideColumns(scope, id));
}

const incidentRecord = compiledOnce((db, scope: Scope, id: number) => recordOf(db, scope, sql.val(id)).where('incident.id', '=', id).modifyEnd(planOnce));

/** The record page's read: the incident and what is shown beside it, in one statement. */
export async function findIncidentRecord(db: Db | Tx, scope: Scope, id: number) {
  return (await incidentRecord(db, scope, id))[0];
}

const NETWORK: Scope = { kind: 'network' };
type IncidentTableRow = Selectable<IncidentTable>;
type IncidentCiRow = Selectable<IncidentCiTable>;

/** A new incident's row, written as its table's own row type from JSON (the columns the desk sets). */
const NEW_INCIDENT_COLUMNS = [
  'title', 'description', 'source', 'caller_id', 'caller_name', 'caller_email', 'organisation_id', 'site_id', 'connection_id', 'category',
  'impact', 'urgency', 'priority', 'state', 'team_id', 'assignee_id', 'responded_at', 'sla_due_at', 'created_at', 'updated_at',
].join(', ');

/**
 * Logs an incident in one statement: the incident, its CIs, its clocks and their timers, and the
 * record page's read of it, which is the answer. The writes are common table expressions named
 * after the tables they write, so that the read, the same as `findIncidentRecord`'s, reads the rows
 * just written (a statement does not see its own writes in the tables themselves).
 */
const loggedIncident = compiledOnce((db, _shape: null, incident: string, ciIds: number[], subject: string, clocks: string, timers: string) => {
  const sla = clockWritesFor('incident', { subject, clocks, timers });
  const written = db
    .with('incident', () => sql<IncidentTableRow>`(insert into incident (${sql.raw(NEW_INCIDENT_COLUMNS)})
      select ${sql.raw(NEW_INCIDENT_COLUMNS)} from jsonb_populate_record(null::incident, ${incident}::jsonb) returning *)`)
    .with('incident_ci', () => sql<IncidentCiRow>`(insert into incident_ci (incident_id, ci_id) select incident.id, ci_id from incident, unnest(${ciIds}::bigint[]) as ci_id returning *)`)
    .with('sla_subject', () => sla.subject)
    .with('sla_clock', () => sla.clocks)
    .with('sla_timer', () => sla.timers);
  return recordOf(written as unknown as QueryCreator<Tables>, NETWORK, sql.ref('incident.id')).modifyEnd(planOnce);
});

export async function logIncident(tx: Tx, incident: Insertable<IncidentTable>, ciIds: number[], clocks: ClockWriteValues) {
  return (await loggedIncident(tx, null, JSON.stringify(incident), ciIds, clocks.subject, clocks.clocks, clocks.timers))[0]!;
}

export function childrenOf(db: Db | Tx, scope: Scope, parentId: number) {
  return db
    .selectFrom('incident')
    .select(['id', 'number', 'title', 'state', 'organisation_id', 'supplier_id', 'caller_email', 'caller_id', 'responded_at'])
    .where('parent_id', '=', parentId)
    .where(inScope(scope, INCIDENT_SCOPE))
    .orderBy('id')
    .execute();
}

/** The parent chain above an incident, nearest first: a link must not make a loop. */
export async function ancestorsOf(db: Db | Tx, id: number): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    with recursive up (id, parent_id, depth) as (
      select id, parent_id, 0 from incident where id = ${id}
      union all
      select i.id, i.parent_id, up.depth + 1 from incident i join up on i.id = up.parent_id where up.depth < 100
    ) select id from up where depth > 0 order by depth`.execute(db);
  return rows.rows.map((r) => Number(r.id));
}

/** A site the caller may report a fault for, with its organisation. */
export function siteInScope(db: Db | Tx, scope: Scope, siteId: number) {
  return db
    .selectFrom('site')
    .select(['site.id', 'site.name', 'site.organisation_id', 'site.state'])
    .where('site.id', '=', siteId)
    .where(inScope(scope, { organisation: 'site.organisation_id' }))
    .modifyEnd(planOnce)
    .executeTakeFirst();
}

export function connectionOfSite(db: Db | Tx, connectionId: number) {
  return db.selectFrom('connection').select(['id', 'site_id', 'organisation_id', 'product_id', 'ci_id']).where('id', '=', connectionId).executeTakeFirst();
}

/** Who hears about an incident by e-mail: its caller, the person or team it is assigned to. */
export async function contactsOf(db: Db | Tx, incident: { caller_id: number | null; caller_email: string | null; caller_name: string | null; assignee_id: number | null; team_id: number | null; supplier_id: number | null }) {
  const userEmail = async (id: number | null) =>
    id === null ? undefined : db.selectFrom('app_user').select(['email', 'display_name']).where('id', '=', id).where('active', '=', true).executeTakeFirst();
  const caller = await userEmail(incident.caller_id);
  const assignee = await userEmail(incident.assignee_id);
  const team = incident.team_id === null ? undefined : await db.selectFrom('team').select(['email', 'name']).where('id', '=', incident.team_id).executeTakeFirst();
  const supplierContacts =
    incident.supplier_id === null
      ? []
      : await db.selectFrom('supplier_contact').select(['email', 'name']).where('supplier_id', '=', incident.supplier_id).where('email', 'is not', null).execute();
  const callerAddress = incident.caller_email ?? caller?.email ?? null;
  return {
    caller: callerAddress ? [{ address: callerAddress, name: incident.caller_name ?? caller?.display_name ?? null }] : [],
    resolver: assignee?.email ? [{ address: assignee.email, name: assignee.display_name }] : team?.email ? [{ address: team.email, name: team.name }] : [],
    supplier: supplierContacts.map((c) => ({ address: c.email!, name: c.name })),
  };
}
