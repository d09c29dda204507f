import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Actor, Scope, Writer } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { dependsOn, findCi, findRelation, lockCi, lockDependencies, organisationIdByOdsCode, relationCounts, type CiRow, type RelationRow } from './queries.ts';
import { graphAround, impactOf, rootCausesOf } from './impact-queries.ts';
import { counted } from '../../domain/words.ts';
import type { ConfigurationItem, CreateCi, CreateRelation, Graph, Impact, Relation, RootCauses, UpdateCi } from './schemas.ts';

export const CI_ENTITY = 'configuration_item';
export const RELATION_ENTITY = 'ci_relation';

export type { Writer } from '../../core/access/principal.ts';

export function presentCi(row: CiRow): ConfigurationItem {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    externalRef: row.external_ref,
    organisation: row.organisation_ods_code ? { odsCode: row.organisation_ods_code, name: row.organisation_name! } : null,
    supplierId: row.supplier_id,
    siteId: row.site_id,
    attributes: row.attributes,
    state: row.state,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export function presentRelation(row: RelationRow): Relation {
  return {
    id: row.id,
    kind: row.kind,
    source: { id: row.source_id, kind: row.source_kind, name: row.source_name },
    target: { id: row.target_id, kind: row.target_kind, name: row.target_name },
    redundancyGroup: row.redundancy_group,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

function ciJournalView(row: CiRow | undefined) {
  return row
    ? { kind: row.kind, name: row.name, externalRef: row.external_ref, organisation: row.organisation_ods_code, supplierId: row.supplier_id, siteId: row.site_id, attributes: row.attributes, state: row.state }
    : null;
}
const CI_FIELDS = ['kind', 'name', 'externalRef', 'organisation', 'supplierId', 'siteId', 'attributes', 'state'] as const;

function relationJournalView(row: RelationRow | undefined) {
  return row ? { kind: row.kind, source: row.source_id, target: row.target_id, redundancyGroup: row.redundancy_group } : null;
}
const RELATION_FIELDS = ['kind', 'source', 'target', 'redundancyGroup'] as const;

export async function getCi(ctx: AppContext, scope: Scope, id: number): Promise<CiRow> {
  const row = await findCi(ctx.db, scope, id);
  if (!row) throw problems.notFound('configuration item with that id');
  return row;
}

async function resolveOrganisation(tx: Tx, odsCode: string | null | undefined): Promise<number | null | undefined> {
  if (odsCode === undefined || odsCode === null) return odsCode;
  const id = await organisationIdByOdsCode(tx, odsCode);
  if (id === undefined) throw problems.unprocessable('organisationOdsCode', `no organisation has ODS code ${odsCode}`);
  return id;
}

/** Creates a CI in the caller's transaction (a connection's lifecycle creates its CIs with its own changes). */
export async function createCi(tx: Tx, ctx: AppContext, writer: Writer, input: CreateCi): Promise<CiRow> {
  const organisationId = await resolveOrganisation(tx, input.organisationOdsCode);
  const now = new Date();
  const { id } = await tx
    .insertInto('configuration_item')
    .values({
      kind: input.kind,
      name: input.name,
      external_ref: input.externalRef ?? null,
      organisation_id: organisationId ?? null,
      supplier_id: input.supplierId ?? null,
      site_id: input.siteId ?? null,
      attributes: JSON.stringify(input.attributes ?? {}),
      state: input.state ?? 'live',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = await findCi(tx, writer.scope, id);
  // A writer scoped to some organisations may only create CIs inside them.
  if (!created) throw problems.unprocessable('organisationOdsCode', 'is not an organisation you may act for');
  await ctx.journal.record(tx, writer.actor, {
    action: 'created',
    entityType: CI_ENTITY,
    entityId: id,
    organisationId: created.organisation_id,
    supplierId: created.supplier_id,
    summary: `${input.kind} ${input.name} created`,
    changes: changedFields(null, ciJournalView(created), CI_FIELDS),
  });
  return created;
}

export async function updateCi(ctx: AppContext, writer: Writer, id: number, expectedVersion: number, patch: UpdateCi): Promise<CiRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await findCi(tx, writer.scope, id);
    if (!before) throw problems.notFound('configuration item with that id');
    const organisationId = await resolveOrganisation(tx, patch.organisationOdsCode);
    const updated = await tx
      .updateTable('configuration_item')
      .set((eb) => ({
        name: patch.name,
        external_ref: patch.externalRef,
        organisation_id: organisationId,
        supplier_id: patch.supplierId,
        site_id: patch.siteId,
        attributes: patch.attributes === undefined ? undefined : JSON.stringify(patch.attributes),
        state: patch.state,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw problems.preconditionFailed();
    const after = await findCi(tx, writer.scope, id);
    if (!after) throw problems.unprocessable('organisationOdsCode', 'is not an organisation you may act for');
    await ctx.journal.recordUpdate(tx, writer.actor, {
      entityType: CI_ENTITY,
      entityId: id,
      organisationId: after.organisation_id,
      supplierId: after.supplier_id,
      before: ciJournalView(before), after: ciJournalView(after), fields: CI_FIELDS,
    });
    return after;
  });
}

/** Removes a CI and, with it, every relation it takes part in; the journal keeps both. */
export async function deleteCi(ctx: AppContext, writer: Writer, id: number, expectedVersion: number): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await lockCi(tx, id);
    const before = await findCi(tx, writer.scope, id);
    if (!before) throw problems.notFound('configuration item with that id');
    if (before.version !== expectedVersion) throw problems.preconditionFailed();
    const relations = await relationCounts(tx, id);
    await tx.deleteFrom('configuration_item').where('id', '=', id).execute();
    await ctx.journal.record(tx, writer.actor, {
      action: 'deleted',
      entityType: CI_ENTITY,
      entityId: id,
      organisationId: before.organisation_id,
      supplierId: before.supplier_id,
      summary: `${before.kind} ${before.name} deleted with its ${counted(relations, 'relation')}`,
      changes: changedFields(ciJournalView(before), null, CI_FIELDS),
    });
  });
}

export async function getRelation(ctx: AppContext, scope: Scope, id: number): Promise<RelationRow> {
  const row = await findRelation(ctx.db, scope, id);
  if (!row) throw problems.notFound('relation with that id');
  return row;
}

/**
 * Relates two CIs. depends_on relations may not form a loop: a CI that depends on itself, even
 * through others, makes "what fails with it" meaningless. Creation of dependencies is serialised
 * so the check holds under concurrency.
 */
export async function createRelation(tx: Tx, ctx: AppContext, writer: Writer, input: CreateRelation): Promise<RelationRow> {
  if (input.sourceId === input.targetId) throw problems.unprocessable('targetId', 'is the source itself; a CI cannot relate to itself');
  if (input.redundancyGroup != null && input.kind !== 'depends_on') {
    throw problems.unprocessable('redundancyGroup', 'applies to depends_on relations only');
  }
  const source = await findCi(tx, writer.scope, input.sourceId);
  if (!source) throw problems.unprocessable('sourceId', 'is not a configuration item you may see');
  const target = await findCi(tx, writer.scope, input.targetId);
  if (!target) throw problems.unprocessable('targetId', 'is not a configuration item you may see');
  if (input.kind === 'depends_on') {
    await lockDependencies(tx);
    if (await dependsOn(tx, input.targetId, input.sourceId)) {
      throw problems.unprocessable('targetId', `already depends on ${source.name}, so this would make a dependency loop`);
    }
  }
  const now = new Date();
  const { id } = await tx
    .insertInto('ci_relation')
    .values({ source_id: input.sourceId, target_id: input.targetId, kind: input.kind, redundancy_group: input.redundancyGroup ?? null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = (await findRelation(tx, writer.scope, id))!;
  await ctx.journal.record(tx, writer.actor, {
    action: 'created',
    entityType: RELATION_ENTITY,
    entityId: id,
    organisationId: source.organisation_id,
    supplierId: source.supplier_id,
    summary: `${source.name} ${input.kind.replace('_', ' ')} ${target.name}`,
    changes: changedFields(null, relationJournalView(created), RELATION_FIELDS),
  });
  return created;
}

export async function updateRelation(ctx: AppContext, writer: Writer, id: number, expectedVersion: number, redundancyGroup: string | null): Promise<RelationRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await findRelation(tx, writer.scope, id);
    if (!before) throw problems.notFound('relation with that id');
    if (redundancyGroup !== null && before.kind !== 'depends_on') throw problems.unprocessable('redundancyGroup', 'applies to depends_on relations only');
    const updated = await tx
      .updateTable('ci_relation')
      .set((eb) => ({ redundancy_group: redundancyGroup, updated_at: new Date(), version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw problems.preconditionFailed();
    const after = (await findRelation(tx, writer.scope, id))!;
    await ctx.journal.record(tx, writer.actor, {
      action: 'updated',
      entityType: RELATION_ENTITY,
      entityId: id,
      organisationId: before.source_organisation_id,
      supplierId: before.source_supplier_id,
      summary: 'Changed redundancyGroup',
      changes: changedFields(relationJournalView(before), relationJournalView(after), RELATION_FIELDS),
    });
    return after;
  });
}

export async function deleteRelation(ctx: AppContext, writer: Writer, id: number, expectedVersion: number): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const before = await findRelation(tx, writer.scope, id);
    if (!before) throw problems.notFound('relation with that id');
    const deleted = await tx.deleteFrom('ci_relation').where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw problems.preconditionFailed();
    await ctx.journal.record(tx, writer.actor, {
      action: 'deleted',
      entityType: RELATION_ENTITY,
      entityId: id,
      organisationId: before.source_organisation_id,
      supplierId: before.source_supplier_id,
      summary: `${before.source_name} no longer ${before.kind.replace('_', ' ')} ${before.target_name}`,
      changes: changedFields(relationJournalView(before), null, RELATION_FIELDS),
    });
  });
}

function reasonOf(depth: number, viaName: string | null, viaGroup: string | null): string {
  if (depth === 0) return 'the CI itself';
  const via = viaName ?? 'a dependency you cannot see';
  return viaGroup ? `lost every alternative in group ${viaGroup}, the last being ${via}` : `depends on ${via}, which failed`;
}

/** What fails with a CI, as the caller may see it. */
export async function impact(ctx: AppContext, scope: Scope, id: number, limit: number): Promise<Impact> {
  const origin = await getCi(ctx, scope, id);
  const row = await impactOf(ctx.db, scope, id, limit);
  const byKind: Impact['byKind'] = {};
  for (const s of row.shown ?? []) {
    (byKind[s.kind] ??= []).push({
      id: s.id,
      kind: s.kind,
      name: s.name,
      state: s.state,
      organisation: s.ods_code ? { odsCode: s.ods_code, name: s.organisation_name! } : null,
      siteId: s.site_id,
      depth: s.depth,
      via: s.via_name === null ? null : s.via,
      path: s.path,
      reason: reasonOf(s.depth, s.via_name, s.via_group),
    });
  }
  return {
    origin: { id: origin.id, kind: origin.kind, name: origin.name },
    total: row.total,
    counts: row.counts ?? {},
    byKind,
    services: byKind.service ?? [],
    organisations: row.organisations ?? [],
    organisationCount: row.organisation_count,
    sites: row.sites ?? [],
    siteCount: row.site_count,
    degraded: row.degraded ?? [],
    degradedCount: row.degraded_count,
  };
}

export async function rootCauses(ctx: AppContext, scope: Scope, id: number): Promise<RootCauses> {
  const ci = await getCi(ctx, scope, id);
  const rows = await rootCausesOf(ctx.db, scope, id);
  return {
    ci: { id: ci.id, kind: ci.kind, name: ci.name },
    candidates: rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, state: r.state, depth: r.depth, via: r.via, redundancyGroup: r.redundancy_group })),
  };
}

export async function graph(ctx: AppContext, scope: Scope, id: number, depth: number, limit: number): Promise<Graph> {
  await getCi(ctx, scope, id);
  const rows = await graphAround(ctx.db, scope, id, depth, limit);
  return { centre: id, nodes: rows.nodes ?? [], edges: rows.edges ?? [], truncated: rows.truncated };
}
