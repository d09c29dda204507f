import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { findOrganisation, isSelfOrDescendant, organisationIdByOdsCode, type OrganisationRow } from './queries.ts';
import type { CreateOrganisation, Organisation, UpdateOrganisation } from './schemas.ts';

export const ENTITY = 'organisation';

export function presentOrganisation(row: OrganisationRow): Organisation {
  return {
    odsCode: row.ods_code,
    name: row.name,
    kind: row.kind,
    state: row.state,
    parent: row.parent_ods_code ? { odsCode: row.parent_ods_code, name: row.parent_name! } : null,
    region: row.region,
    postcode: row.postcode,
    openedOn: row.opened_on,
    closedOn: row.closed_on,
    childCount: row.child_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

/** What the journal records of an organisation: its business fields, the parent by ODS code. */
function journalView(row: OrganisationRow | undefined) {
  return row
    ? { odsCode: row.ods_code, name: row.name, kind: row.kind, state: row.state, parent: row.parent_ods_code, region: row.region, postcode: row.postcode, openedOn: row.opened_on, closedOn: row.closed_on }
    : null;
}
const JOURNAL_FIELDS = ['odsCode', 'name', 'kind', 'state', 'parent', 'region', 'postcode', 'openedOn', 'closedOn'] as const;

export async function getOrganisation(ctx: AppContext, principal: Principal, odsCode: string): Promise<OrganisationRow> {
  const row = await findOrganisation(ctx.db, principal.scope, odsCode);
  if (!row) throw problems.notFound('organisation with that ODS code');
  return row;
}

async function resolveParent(tx: Tx, parentOdsCode: string | null | undefined): Promise<number | null | undefined> {
  if (parentOdsCode === undefined) return undefined;
  if (parentOdsCode === null) return null;
  const id = await organisationIdByOdsCode(tx, parentOdsCode);
  if (id === undefined) throw problems.unprocessable('parentOdsCode', `no organisation has ODS code ${parentOdsCode}`);
  return id;
}

function checkDates(openedOn: string | null | undefined, closedOn: string | null | undefined): void {
  if (openedOn && closedOn && closedOn < openedOn) throw problems.unprocessable('closedOn', 'is before openedOn');
}

export async function createOrganisation(tx: Tx, ctx: AppContext, principal: Principal, input: CreateOrganisation): Promise<OrganisationRow> {
  checkDates(input.openedOn, input.closedOn);
  const parentId = await resolveParent(tx, input.parentOdsCode);
  const now = new Date();
  const { id } = await tx
    .insertInto('organisation')
    .values({
      ods_code: input.odsCode,
      name: input.name,
      kind: input.kind,
      state: input.state ?? 'active',
      parent_id: parentId ?? null,
      region: input.region ?? null,
      postcode: input.postcode ?? null,
      opened_on: input.openedOn ?? null,
      closed_on: input.closedOn ?? null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = (await findOrganisation(tx, { kind: 'network' }, input.odsCode))!;
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: ENTITY,
    entityId: id,
    organisationId: id,
    summary: `Organisation ${input.odsCode} created`,
    changes: changedFields(null, journalView(created), JOURNAL_FIELDS),
  });
  return created;
}

export async function updateOrganisation(
  ctx: AppContext,
  principal: Principal,
  odsCode: string,
  expectedVersion: number,
  patch: UpdateOrganisation,
): Promise<OrganisationRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await findOrganisation(tx, principal.scope, odsCode);
    if (!before) throw problems.notFound('organisation with that ODS code');
    const parentId = await resolveParent(tx, patch.parentOdsCode);
    if (parentId != null && (await isSelfOrDescendant(tx, before.id, parentId))) {
      throw problems.unprocessable('parentOdsCode', 'would make the organisation its own ancestor');
    }
    checkDates(patch.openedOn === undefined ? before.opened_on : patch.openedOn, patch.closedOn === undefined ? before.closed_on : patch.closedOn);
    const updated = await tx
      .updateTable('organisation')
      .set((eb) => ({
        name: patch.name,
        kind: patch.kind,
        state: patch.state,
        parent_id: parentId,
        region: patch.region,
        postcode: patch.postcode,
        opened_on: patch.openedOn,
        closed_on: patch.closedOn,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', before.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw problems.preconditionFailed();
    const after = (await findOrganisation(tx, { kind: 'network' }, before.ods_code))!;
    await ctx.journal.recordUpdate(tx, actorOf(principal), {
      entityType: ENTITY,
      entityId: before.id,
      organisationId: before.id,
      before: journalView(before), after: journalView(after), fields: JOURNAL_FIELDS,
    });
    return after;
  });
}
