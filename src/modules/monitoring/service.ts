import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { monitoringTables, type MappingRuleRow } from './tables.ts';
import { findAlert, findGroup, findPayload, type AlertListRow, type GroupListRow } from './queries.ts';
import type { Alert, AlertGroup, CreateMappingRule, MappingRule, Payload, UpdateMappingRule } from './schemas.ts';

export const RULE_ENTITY = 'alert_mapping_rule';
const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

export function presentAlert(r: AlertListRow): Alert {
  return {
    id: r.id,
    source: r.source,
    fingerprint: r.fingerprint,
    status: r.status,
    startsAt: iso(r.starts_at)!,
    endsAt: iso(r.ends_at),
    alertname: r.alertname,
    severity: r.severity,
    summary: r.summary,
    labels: r.labels,
    annotations: r.annotations,
    generatorUrl: r.generator_url,
    ci: r.ci_id !== null ? { id: r.ci_id, name: r.ci_name!, kind: r.ci_kind! } : null,
    site: r.site_id !== null ? { id: r.site_id, name: r.site_name! } : null,
    mappedBy: r.mapped_by,
    group: r.group_id !== null ? { id: r.group_id, kind: r.group_kind!, state: r.group_state! } : null,
    incident: r.incident_id !== null ? { id: r.incident_id, number: r.incident_number!, state: r.incident_state!, major: r.incident_major! } : null,
    maintenanceWindowId: r.maintenance_window_id,
    disposition: r.disposition,
    receivedAt: iso(r.received_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export function presentGroup(g: GroupListRow): AlertGroup {
  return {
    id: g.id,
    kind: g.kind,
    state: g.state,
    reason: g.reason,
    ci: { id: g.ci_id, name: g.ci_name, kind: g.ci_kind },
    site: g.site_id !== null ? { id: g.site_id, name: g.site_name! } : null,
    incident: { id: g.incident_id, number: g.incident_number, state: g.incident_state, title: g.incident_title, major: g.incident_major },
    openedIncident: g.opened_incident,
    parentGroupId: g.parent_group_id,
    alertCount: Number(g.alert_count ?? 0),
    firingCount: Number(g.firing_count ?? 0),
    siteCount: Number(g.site_count ?? 0),
    resolveDueAt: iso(g.resolve_due_at),
    clearedAt: iso(g.cleared_at),
    createdAt: iso(g.created_at)!,
    updatedAt: iso(g.updated_at)!,
  };
}

export function presentPayload(p: { id: number; source: string; endpoint: string; received_at: Date; accepted: boolean; reason: string | null; alert_count: number; changed_count: number; group_key: string | null; body?: string }): Payload {
  return {
    id: p.id,
    source: p.source,
    endpoint: p.endpoint,
    receivedAt: iso(p.received_at)!,
    accepted: p.accepted,
    reason: p.reason,
    alertCount: p.alert_count,
    changedCount: p.changed_count,
    groupKey: p.group_key,
    ...(p.body !== undefined ? { body: p.body } : {}),
  };
}

export function presentRule(r: MappingRuleRow): MappingRule {
  return { id: r.id, position: r.position, label: r.label, lookup: r.lookup, ciKind: r.ci_kind, pattern: r.pattern, active: r.active, updatedAt: iso(r.updated_at)!, version: r.version };
}

export async function getAlert(ctx: AppContext, principal: Principal, id: number): Promise<Alert> {
  const row = await findAlert(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('alert with that id');
  return presentAlert(row);
}

export async function getGroup(ctx: AppContext, principal: Principal, id: number): Promise<AlertGroup> {
  const row = await findGroup(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('correlation with that id');
  return presentGroup(row);
}

export async function getPayload(ctx: AppContext, principal: Principal, id: number): Promise<Payload> {
  const row = await findPayload(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('payload with that id');
  return presentPayload(row);
}

// -----------------------------------------------------------------------------------------------
// Mapping rules: kept by service managers, journalled like any record.

function checkPattern(pattern: string | null | undefined) {
  if (pattern === null || pattern === undefined) return;
  try {
    new RegExp(pattern);
  } catch (e) {
    throw problems.invalid('pattern', `is not a regular expression: ${(e as Error).message}`);
  }
}

const RULE_FIELDS = ['position', 'label', 'lookup', 'ciKind', 'pattern', 'active'] as const;
const ruleView = (r: MappingRuleRow | undefined) => (r ? { position: r.position, label: r.label, lookup: r.lookup, ciKind: r.ci_kind, pattern: r.pattern, active: r.active } : null);

export async function createRule(tx: Tx, ctx: AppContext, principal: Principal, input: CreateMappingRule): Promise<MappingRuleRow> {
  checkPattern(input.pattern);
  const row = await monitoringTables(tx)
    .insertInto('alert_mapping_rule')
    .values({ position: input.position, label: input.label, lookup: input.lookup, ci_kind: input.ciKind ?? null, pattern: input.pattern ?? null, active: input.active ?? true, created_at: new Date(), updated_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: RULE_ENTITY,
    entityId: row.id,
    summary: `Alert mapping rule: label ${row.label} → ${row.lookup}`,
    changes: changedFields(null, ruleView(row), RULE_FIELDS),
  });
  return row;
}

async function lockedRule(tx: Tx, id: number, expected: number) {
  const row = await monitoringTables(tx).selectFrom('alert_mapping_rule').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw problems.notFound('mapping rule with that id');
  if (row.version !== expected) throw problems.preconditionFailed();
  return row;
}

export async function updateRule(tx: Tx, ctx: AppContext, principal: Principal, id: number, expected: number, input: UpdateMappingRule): Promise<MappingRuleRow> {
  const before = await lockedRule(tx, id, expected);
  checkPattern(input.pattern);
  const after = await monitoringTables(tx)
    .updateTable('alert_mapping_rule')
    .set({
      ...(input.position !== undefined ? { position: input.position } : {}),
      ...(input.label !== undefined ? { label: input.label } : {}),
      ...(input.lookup !== undefined ? { lookup: input.lookup } : {}),
      ...(input.ciKind !== undefined ? { ci_kind: input.ciKind } : {}),
      ...(input.pattern !== undefined ? { pattern: input.pattern } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      updated_at: new Date(),
      version: before.version + 1,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await ctx.journal.recordUpdate(tx, actorOf(principal), { entityType: RULE_ENTITY, entityId: id, before: ruleView(before), after: ruleView(after), fields: RULE_FIELDS });
  return after;
}

export async function deleteRule(tx: Tx, ctx: AppContext, principal: Principal, id: number, expected: number): Promise<void> {
  const before = await lockedRule(tx, id, expected);
  await monitoringTables(tx).deleteFrom('alert_mapping_rule').where('id', '=', id).execute();
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'deleted',
    entityType: RULE_ENTITY,
    entityId: id,
    summary: `Alert mapping rule deleted: label ${before.label} → ${before.lookup}`,
    changes: changedFields(ruleView(before), null, RULE_FIELDS),
  });
}
