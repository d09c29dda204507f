import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope, type ScopeColumns } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { Dependency } from '../../domain/ci-impact.ts';
import { monitoringTables, type AlertGroupRow, type GroupKind, type MappingRuleRow } from './tables.ts';
import type { AlertListRequest, GroupListRequest, PayloadListRequest } from './schemas.ts';

/** An alert, and a correlation group, belong to the organisation of the CI they are about. */
const alertScope = (alias: string): ScopeColumns => ({ organisation: `${alias}.organisation_id` });

// -----------------------------------------------------------------------------------------------
// Mapping labels to CIs.

export interface MappedCi {
  id: number;
  siteId: number | null;
  organisationId: number | null;
}

/** CIs by external reference or else by name (unique name only), optionally of one kind. */
export async function cisByReference(tx: Tx, values: string[], kind: string | null): Promise<Map<string, MappedCi>> {
  if (values.length === 0) return new Map();
  const rows = await sql<{ id: number; external_ref: string | null; name: string; site_id: number | null; organisation_id: number | null }>`
    select id, external_ref, name, site_id, organisation_id from configuration_item
    where state <> 'retired' and (external_ref = any(${values}::text[]) or name = any(${values}::text[]))
      ${kind ? sql`and kind = ${kind}` : sql``}
    order by id`.execute(tx);
  const byRef = new Map<string, MappedCi>();
  const byName = new Map<string, MappedCi[]>();
  for (const r of rows.rows) {
    const ci = { id: Number(r.id), siteId: r.site_id === null ? null : Number(r.site_id), organisationId: r.organisation_id === null ? null : Number(r.organisation_id) };
    if (r.external_ref !== null && !byRef.has(r.external_ref)) byRef.set(r.external_ref, ci);
    byName.set(r.name, [...(byName.get(r.name) ?? []), ci]);
  }
  const found = new Map<string, MappedCi>();
  for (const v of values) {
    const ci = byRef.get(v) ?? (byName.get(v)?.length === 1 ? byName.get(v)![0] : undefined);
    if (ci) found.set(v, ci);
  }
  return found;
}

export async function cisById(tx: Tx, ids: number[]): Promise<Map<number, MappedCi>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: number; site_id: number | null; organisation_id: number | null }>`
    select id, site_id, organisation_id from configuration_item where id = any(${ids}::bigint[]) and state <> 'retired'`.execute(tx);
  return new Map(rows.rows.map((r) => [Number(r.id), { id: Number(r.id), siteId: r.site_id === null ? null : Number(r.site_id), organisationId: r.organisation_id === null ? null : Number(r.organisation_id) }]));
}

/** The CI of the connection with each circuit reference (a ceased or cancelled one only when no other has it). */
export async function cisByCircuit(tx: Tx, circuits: string[]): Promise<Map<string, MappedCi>> {
  if (circuits.length === 0) return new Map();
  const rows = await sql<{ circuit: string; id: number; site_id: number | null; organisation_id: number | null }>`
    select distinct on (c.circuit_reference) c.circuit_reference as circuit, ci.id, ci.site_id, ci.organisation_id
    from connection c join configuration_item ci on ci.id = c.ci_id
    where c.circuit_reference = any(${circuits}::text[])
    order by c.circuit_reference, (c.state in ('ceased', 'cancelled')), c.id desc`.execute(tx);
  return new Map(rows.rows.map((r) => [r.circuit, { id: Number(r.id), siteId: r.site_id === null ? null : Number(r.site_id), organisationId: r.organisation_id === null ? null : Number(r.organisation_id) }]));
}

/** The CI standing for each site (by ODS code): its router, else its lowest-numbered CI. */
export async function cisBySite(tx: Tx, odsCodes: string[]): Promise<Map<string, MappedCi>> {
  if (odsCodes.length === 0) return new Map();
  const rows = await sql<{ ods_code: string; id: number; site_id: number; organisation_id: number | null }>`
    select distinct on (s.ods_code) s.ods_code, ci.id, ci.site_id, ci.organisation_id
    from site s join configuration_item ci on ci.site_id = s.id and ci.state <> 'retired'
    where s.ods_code = any(${odsCodes.map((c) => c.toUpperCase())}::text[])
    order by s.ods_code, (ci.kind <> 'site_router'), ci.id`.execute(tx);
  return new Map(rows.rows.map((r) => [r.ods_code, { id: Number(r.id), siteId: Number(r.site_id), organisationId: r.organisation_id === null ? null : Number(r.organisation_id) }]));
}

export function activeRules(tx: Tx): Promise<MappingRuleRow[]> {
  return monitoringTables(tx).selectFrom('alert_mapping_rule').selectAll().where('active', '=', true).orderBy('position').execute();
}

// -----------------------------------------------------------------------------------------------
// The graph above alerting CIs.

export interface Closure {
  dependencies: Dependency[];
  /** Network CIs (no site) in the closure. */
  infrastructure: Set<number>;
  retired: Set<number>;
}

/**
 * Everything the given CIs depend on, directly or not, with every depends_on relation of each
 * (so each CI's requirement groups are complete): the subgraph on which correlation decides
 * which upstream CI explains which sites. One statement; relations cannot form a loop.
 */
export async function upstreamClosure(tx: Tx, ciIds: number[]): Promise<Closure> {
  if (ciIds.length === 0) return { dependencies: [], infrastructure: new Set(), retired: new Set() };
  const rows = await sql<{ source: number; target: number; grp: string | null; target_site: number | null; target_state: string }>`
    with recursive up (id) as (
      select unnest(${ciIds}::bigint[])
      union
      select r.target_id from ci_relation r join up on r.source_id = up.id where r.kind = 'depends_on'
    )
    select r.source_id as source, r.target_id as target, r.redundancy_group as grp, t.site_id as target_site, t.state as target_state
    from ci_relation r join configuration_item t on t.id = r.target_id
    where r.kind = 'depends_on' and r.source_id in (select id from up)`.execute(tx);
  const closure: Closure = { dependencies: [], infrastructure: new Set(), retired: new Set() };
  for (const r of rows.rows) {
    const target = Number(r.target);
    closure.dependencies.push({ source: Number(r.source), target, group: r.grp });
    if (r.target_site === null) closure.infrastructure.add(target);
    if (r.target_state === 'retired') closure.retired.add(target);
  }
  return closure;
}

/** How many sites depend on the CI, directly or not (an upper bound: redundancy is not counted). */
export async function dependentSiteCount(tx: Tx, ciId: number): Promise<number> {
  const result = await sql<{ n: number }>`
    with recursive down (id) as (
      select ${ciId}::bigint
      union
      select r.source_id from ci_relation r join down on r.target_id = down.id where r.kind = 'depends_on'
    )
    select count(distinct ci.site_id)::int as n from down join configuration_item ci on ci.id = down.id
    where ci.site_id is not null and ci.state <> 'retired'`.execute(tx);
  return result.rows[0]?.n ?? 0;
}

export async function ciFacts(tx: Tx, ids: number[]) {
  if (ids.length === 0) return new Map<number, { id: number; kind: string; name: string; site_id: number | null; organisation_id: number | null; ods_code: string | null; attributes: Record<string, unknown> }>();
  const rows = await tx
    .selectFrom('configuration_item as ci')
    .leftJoin('organisation as o', 'o.id', 'ci.organisation_id')
    .select(['ci.id', 'ci.kind', 'ci.name', 'ci.site_id', 'ci.organisation_id', 'o.ods_code', 'ci.attributes'])
    .where('ci.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function siteFacts(tx: Tx, ids: number[]) {
  if (ids.length === 0) return new Map<number, { id: number; name: string; organisation_id: number }>();
  const rows = await tx.selectFrom('site').select(['id', 'name', 'organisation_id']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The connection a CI stands for, or the live connections of the CI's site: what an alert on it takes down. */
export async function connectionsOf(tx: Tx, ciIds: number[]): Promise<Map<number, number[]>> {
  if (ciIds.length === 0) return new Map();
  const rows = await sql<{ ci_id: number; connection_id: number }>`
    select ci.id as ci_id, c.id as connection_id
    from configuration_item ci
    join connection c on c.ci_id = ci.id or (ci.kind <> 'connection' and ci.site_id is not null and c.site_id = ci.site_id and c.state = 'live')
    where ci.id = any(${ciIds}::bigint[])
    order by ci.id, c.id`.execute(tx);
  const out = new Map<number, number[]>();
  for (const r of rows.rows) out.set(Number(r.ci_id), [...(out.get(Number(r.ci_id)) ?? []), Number(r.connection_id)]);
  return out;
}

/** The organisation major incidents are logged under: the configured one, else the network provider. */
export async function networkOrganisation(tx: Tx, odsCode: string | null): Promise<string | null> {
  let q = tx.selectFrom('organisation').select('ods_code');
  q = odsCode ? q.where('ods_code', '=', odsCode.toUpperCase()) : q.where('kind', '=', 'network_provider').orderBy('id');
  return (await q.executeTakeFirst())?.ods_code ?? null;
}

// -----------------------------------------------------------------------------------------------
// Groups.

export interface LiveGroup extends AlertGroupRow {
  incident_state: string;
  incident_major: boolean;
  incident_parent_id: number | null;
}

/** Groups not cleared, with their incident's state, locked for this correlation run. */
export async function liveGroups(tx: Tx, kind: GroupKind, keys?: number[]): Promise<LiveGroup[]> {
  if (keys && keys.length === 0) return [];
  let q = monitoringTables(tx)
    .selectFrom('alert_group as g')
    .innerJoin('incident as i', 'i.id', 'g.incident_id')
    .selectAll('g')
    .select(['i.state as incident_state', 'i.major as incident_major', 'i.parent_id as incident_parent_id'])
    .where('g.kind', '=', kind)
    .where('g.state', '<>', 'cleared');
  if (keys) q = q.where(kind === 'site' ? 'g.site_id' : 'g.ci_id', 'in', keys);
  return (await q.orderBy('g.id').forUpdate().execute()) as LiveGroup[];
}

export async function firingCounts(tx: Tx, groupIds: number[]): Promise<Map<number, number>> {
  if (groupIds.length === 0) return new Map();
  const rows = await monitoringTables(tx)
    .selectFrom('alert')
    .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('group_id', 'in', groupIds)
    .where('status', '=', 'firing')
    .groupBy('group_id')
    .execute();
  return new Map(rows.map((r) => [r.group_id!, Number(r.n)]));
}

// -----------------------------------------------------------------------------------------------
// What the console reads.

function selectAlerts(db: Db | Tx, scope: Scope) {
  return monitoringTables(db)
    .selectFrom('alert as a')
    .leftJoin('configuration_item as ci', 'ci.id', 'a.ci_id')
    .leftJoin('site as s', 's.id', 'a.site_id')
    .leftJoin('alert_group as g', 'g.id', 'a.group_id')
    .leftJoin('incident as i', 'i.id', 'g.incident_id')
    .selectAll('a')
    .select([
      'ci.name as ci_name', 'ci.kind as ci_kind', 's.name as site_name',
      'g.kind as group_kind', 'g.state as group_state', 'g.ci_id as group_ci_id',
      'i.id as incident_id', 'i.number as incident_number', 'i.state as incident_state', 'i.major as incident_major',
      'a.starts_at as startsAt', 'a.updated_at as updatedAt',
    ])
    .where(inScope(scope, alertScope('a')));
}

export type AlertListRow = Awaited<ReturnType<ReturnType<typeof selectAlerts>['executeTakeFirstOrThrow']>>;

export function findAlert(db: Db, scope: Scope, id: number) {
  return selectAlerts(db, scope).where('a.id', '=', id).executeTakeFirst();
}

export function listAlerts(db: Db, scope: Scope, request: AlertListRequest & PageRequest) {
  let q = selectAlerts(db, scope);
  if (request.status) q = q.where('a.status', '=', request.status);
  if (request.source) q = q.where('a.source', '=', request.source);
  if (request.ciId) q = q.where('a.ci_id', '=', request.ciId);
  if (request.siteId) q = q.where('a.site_id', '=', request.siteId);
  if (request.groupId) q = q.where('a.group_id', '=', request.groupId);
  if (request.incidentId) q = q.where('g.incident_id', '=', request.incidentId);
  if (request.mapped !== undefined) q = q.where('a.ci_id', request.mapped ? 'is not' : 'is', null);
  if (request.severity) q = q.where('a.severity', '=', request.severity);
  if (request.q) q = q.where((eb) => eb.or([eb('a.alertname', 'ilike', `%${escapeLike(request.q!)}%`), eb('a.summary', 'ilike', `%${escapeLike(request.q!)}%`)]));
  return paginate(q, { columns: { startsAt: 'a.starts_at', updatedAt: 'a.updated_at', id: 'a.id' }, tie: 'a.id', tieKey: 'id', defaultSort: '-updatedAt' }, request);
}

function selectGroups(db: Db | Tx, scope: Scope) {
  return monitoringTables(db)
    .selectFrom('alert_group as g')
    .innerJoin('incident as i', 'i.id', 'g.incident_id')
    .innerJoin('configuration_item as ci', 'ci.id', 'g.ci_id')
    .leftJoin('site as s', 's.id', 'g.site_id')
    .selectAll('g')
    .select((eb) => [
      'i.number as incident_number', 'i.state as incident_state', 'i.title as incident_title', 'i.major as incident_major',
      'ci.name as ci_name', 'ci.kind as ci_kind', 's.name as site_name', 'g.updated_at as updatedAt',
      eb.selectFrom('alert as a').select(eb.fn.countAll<number>().as('n')).whereRef('a.group_id', '=', 'g.id').as('alert_count'),
      eb.selectFrom('alert as a').select(eb.fn.countAll<number>().as('n')).whereRef('a.group_id', '=', 'g.id').where('a.status', '=', 'firing').as('firing_count'),
      eb.selectFrom('alert as a').select(sql<number>`count(distinct a.site_id)`.as('n')).whereRef('a.group_id', '=', 'g.id').as('site_count'),
    ])
    .where(inScope(scope, alertScope('g')));
}

export type GroupListRow = Awaited<ReturnType<ReturnType<typeof selectGroups>['executeTakeFirstOrThrow']>>;

export function findGroup(db: Db, scope: Scope, id: number) {
  return selectGroups(db, scope).where('g.id', '=', id).executeTakeFirst();
}

export function listGroups(db: Db, scope: Scope, request: GroupListRequest & PageRequest) {
  let q = selectGroups(db, scope);
  if (request.state === 'live') q = q.where('g.state', '<>', 'cleared');
  else if (request.state) q = q.where('g.state', '=', request.state);
  if (request.kind) q = q.where('g.kind', '=', request.kind);
  if (request.ciId) q = q.where('g.ci_id', '=', request.ciId);
  return paginate(q, { columns: { updatedAt: 'g.updated_at', id: 'g.id' }, tie: 'g.id', tieKey: 'id', defaultSort: '-updatedAt' }, request);
}

/** Payloads are the network's (staff only): a customer's scope sees none. */
function selectPayloads(db: Db, scope: Scope) {
  return monitoringTables(db)
    .selectFrom('alert_payload as p')
    .select(['p.id', 'p.source', 'p.endpoint', 'p.received_at', 'p.received_by', 'p.accepted', 'p.reason', 'p.alert_count', 'p.changed_count', 'p.group_key', 'p.received_at as receivedAt'])
    .where(inScope(scope, {}));
}

export function listPayloads(db: Db, scope: Scope, request: PayloadListRequest & PageRequest) {
  let q = selectPayloads(db, scope);
  if (request.accepted !== undefined) q = q.where('p.accepted', '=', request.accepted);
  if (request.source) q = q.where('p.source', '=', request.source);
  return paginate(q, { columns: { receivedAt: 'p.received_at', id: 'p.id' }, tie: 'p.id', tieKey: 'id', defaultSort: '-receivedAt' }, request);
}

export function findPayload(db: Db, scope: Scope, id: number) {
  return selectPayloads(db, scope).select('p.body').where('p.id', '=', id).executeTakeFirst();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
