import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { locate, normalisePostcode } from '../../domain/ods.ts';
import { loadDistricts } from '../ods-import/districts.ts';
import { findSite, organisationInScope, type SiteRow } from './queries.ts';
import type { CreateSite, Site, UpdateSite } from './schemas.ts';

export const ENTITY = 'site';

export function presentSite(row: SiteRow): Site {
  return {
    id: row.id,
    odsCode: row.ods_code,
    organisation: { odsCode: row.organisation_ods_code, name: row.organisation_name },
    kind: row.kind,
    name: row.name,
    address: row.address,
    postcode: row.postcode,
    location: row.latitude === null || row.longitude === null ? null : { latitude: row.latitude, longitude: row.longitude },
    state: row.state,
    openedOn: row.opened_on,
    closedOn: row.closed_on,
    source: row.source,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

/** The same fields the ODS import journals, so a site's history reads the same whichever wrote it. */
function journalView(row: SiteRow) {
  return {
    odsCode: row.ods_code,
    organisation: row.organisation_ods_code,
    kind: row.kind,
    name: row.name,
    address: row.address,
    postcode: row.postcode,
    latitude: row.latitude,
    longitude: row.longitude,
    state: row.state,
    openedOn: row.opened_on,
    closedOn: row.closed_on,
  };
}
const JOURNAL_FIELDS = ['odsCode', 'organisation', 'kind', 'name', 'address', 'postcode', 'latitude', 'longitude', 'state', 'openedOn', 'closedOn'] as const;

export async function getSite(ctx: AppContext, principal: Principal, id: number): Promise<SiteRow> {
  const row = await findSite(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('site with that id');
  return row;
}

/** A postcode's form and location; an explicit location wins over the district's centre. */
function placed(postcode: string | null | undefined, location: CreateSite['location']) {
  if (postcode === undefined && location === undefined) return {};
  const normal = postcode === undefined ? undefined : postcode === null ? null : normalisePostcode(postcode);
  const where = location !== undefined ? location : normal !== undefined ? locate(normal, loadDistricts()) : undefined;
  return { postcode: normal, latitude: where === undefined ? undefined : (where?.latitude ?? null), longitude: where === undefined ? undefined : (where?.longitude ?? null) };
}

function checkDates(openedOn: string | null | undefined, closedOn: string | null | undefined): void {
  if (openedOn && closedOn && closedOn < openedOn) throw problems.unprocessable('closedOn', 'is before openedOn');
}

export async function createSite(tx: Tx, ctx: AppContext, principal: Principal, input: CreateSite): Promise<SiteRow> {
  checkDates(input.openedOn, input.closedOn);
  const organisation = await organisationInScope(tx, principal.scope, input.organisationOdsCode);
  if (!organisation) throw problems.unprocessable('organisationOdsCode', `no organisation has ODS code ${input.organisationOdsCode}`);
  const where = placed(input.postcode ?? null, input.location);
  const now = new Date();
  const { id } = await tx
    .insertInto('site')
    .values({
      organisation_id: organisation.id,
      ods_code: null,
      source: null,
      kind: input.kind,
      name: input.name,
      address: input.address ?? [],
      postcode: where.postcode ?? null,
      latitude: where.latitude ?? null,
      longitude: where.longitude ?? null,
      state: input.state ?? 'active',
      opened_on: input.openedOn ?? null,
      closed_on: input.closedOn ?? null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = (await findSite(tx, { kind: 'network' }, id))!;
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: ENTITY,
    entityId: id,
    organisationId: organisation.id,
    summary: `Site ${input.name} created`,
    changes: changedFields(null, journalView(created), JOURNAL_FIELDS),
  });
  return created;
}

/**
 * Changes a site. A site an ODS import keeps (source set) takes its name, address and dates from
 * the next file again; the journal says who changed what in between.
 */
export async function updateSite(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, patch: UpdateSite): Promise<SiteRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await findSite(tx, principal.scope, id);
    if (!before) throw problems.notFound('site with that id');
    checkDates(patch.openedOn === undefined ? before.opened_on : patch.openedOn, patch.closedOn === undefined ? before.closed_on : patch.closedOn);
    const where = placed(patch.postcode, patch.location);
    const updated = await tx
      .updateTable('site')
      .set((eb) => ({
        kind: patch.kind,
        name: patch.name,
        address: patch.address,
        postcode: where.postcode,
        latitude: where.latitude,
        longitude: where.longitude,
        state: patch.state,
        opened_on: patch.openedOn,
        closed_on: patch.closedOn,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', before.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw problems.preconditionFailed();
    const after = (await findSite(tx, { kind: 'network' }, before.id))!;
    await ctx.journal.recordUpdate(tx, actorOf(principal), {
      entityType: ENTITY,
      entityId: before.id,
      organisationId: before.organisation_id,
      before: journalView(before), after: journalView(after), fields: JOURNAL_FIELDS,
    });
    return after;
  });
}
