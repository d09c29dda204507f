import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import {
  findPrice,
  findSupplier,
  lockSupplier,
  overlappingPrice,
  productByCode,
  regionsByCode,
  replaceRegions,
  type PriceRow,
  type SupplierRow,
} from './queries.ts';
import type { Contact, Contract, CreateContact, CreateContract, CreatePrice, CreateSupplier, Price, Supplier, UpdateSupplier } from './schemas.ts';
import type { SupplierContactTable, SupplierContractTable } from '../../core/db/tables.ts';
import type { Selectable } from 'kysely';

export const ENTITY = 'supplier';

export function presentSupplier(row: SupplierRow): Supplier {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    state: row.state,
    website: row.website,
    regions: row.regions,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export function presentContract(row: Selectable<SupplierContractTable>): Contract {
  return { id: row.id, reference: row.reference, title: row.title, startsOn: row.starts_on, endsOn: row.ends_on, noticeDays: row.notice_days, version: row.version };
}

export function presentContact(row: Selectable<SupplierContactTable>): Contact {
  return { id: row.id, name: row.name, role: row.role, email: row.email, phone: row.phone, version: row.version };
}

export function presentPrice(row: PriceRow): Price {
  return {
    id: row.id,
    product: { code: row.product_code, name: row.product_name },
    region: row.region_ods_code ? { odsCode: row.region_ods_code, name: row.region_name! } : null,
    installCharge: row.install_charge,
    annualRental: row.annual_rental,
    leadTimeDays: row.lead_time_days,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    version: row.version,
  };
}

function journalView(row: SupplierRow) {
  return { code: row.code, name: row.name, kind: row.kind, state: row.state, website: row.website, regions: row.regions.map((r) => r.odsCode) };
}
const JOURNAL_FIELDS = ['code', 'name', 'kind', 'state', 'website', 'regions'] as const;

export async function getSupplier(ctx: AppContext, principal: Principal, id: number): Promise<SupplierRow> {
  const row = await findSupplier(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('supplier with that id');
  return row;
}

async function resolveRegions(tx: Tx, codes: string[] | undefined): Promise<number[] | undefined> {
  if (codes === undefined) return undefined;
  const wanted = codes.map((c) => c.toUpperCase());
  const found = await regionsByCode(tx, wanted);
  const missing = wanted.filter((c) => !found.some((f) => f.ods_code === c));
  if (missing.length) throw problems.unprocessable('regions', `${missing.join(', ')} ${missing.length === 1 ? 'is not a region' : 'are not regions'}`);
  return found.map((f) => f.id);
}

export async function createSupplier(tx: Tx, ctx: AppContext, principal: Principal, input: CreateSupplier): Promise<SupplierRow> {
  const regionIds = await resolveRegions(tx, input.regions);
  const now = new Date();
  const { id } = await tx
    .insertInto('supplier')
    .values({ code: input.code, name: input.name, kind: input.kind, state: input.state ?? 'active', website: input.website ?? null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (regionIds) await replaceRegions(tx, id, regionIds);
  const created = (await findSupplier(tx, { kind: 'network' }, id))!;
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: ENTITY,
    entityId: id,
    supplierId: id,
    summary: `Supplier ${input.code} created`,
    changes: changedFields(null, journalView(created), JOURNAL_FIELDS),
  });
  return created;
}

export async function updateSupplier(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, patch: UpdateSupplier): Promise<SupplierRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await findSupplier(tx, principal.scope, id);
    if (!before) throw problems.notFound('supplier with that id');
    const regionIds = await resolveRegions(tx, patch.regions);
    const updated = await tx
      .updateTable('supplier')
      .set((eb) => ({ name: patch.name, kind: patch.kind, state: patch.state, website: patch.website, updated_at: new Date(), version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw problems.preconditionFailed();
    if (regionIds) await replaceRegions(tx, id, regionIds);
    const after = (await findSupplier(tx, { kind: 'network' }, id))!;
    await ctx.journal.recordUpdate(tx, actorOf(principal), {
      entityType: ENTITY,
      entityId: id,
      supplierId: id,
      before: journalView(before), after: journalView(after), fields: JOURNAL_FIELDS,
    });
    return after;
  });
}

/** The supplier a new contract, contact or price is for: locked, and within the caller's scope. */
async function supplierFor(tx: Tx, principal: Principal, id: number) {
  const supplier = await lockSupplier(tx, principal.scope, id);
  if (!supplier) throw problems.notFound('supplier with that id');
  return supplier;
}

export async function addContract(tx: Tx, ctx: AppContext, principal: Principal, supplierId: number, input: CreateContract): Promise<Contract> {
  const supplier = await supplierFor(tx, principal, supplierId);
  if (input.endsOn && input.endsOn < input.startsOn) throw problems.unprocessable('endsOn', 'is before startsOn');
  const row = await tx
    .insertInto('supplier_contract')
    .values({ supplier_id: supplier.id, reference: input.reference, title: input.title, starts_on: input.startsOn, ends_on: input.endsOn ?? null, notice_days: input.noticeDays })
    .returningAll()
    .executeTakeFirstOrThrow();
  const contract = presentContract(row);
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: 'supplier_contract',
    entityId: row.id,
    supplierId: supplier.id,
    summary: `Contract ${input.reference} with ${supplier.code} recorded`,
    changes: changedFields(null, contract, ['reference', 'title', 'startsOn', 'endsOn', 'noticeDays']),
  });
  return contract;
}

export async function addContact(tx: Tx, ctx: AppContext, principal: Principal, supplierId: number, input: CreateContact): Promise<Contact> {
  const supplier = await supplierFor(tx, principal, supplierId);
  const row = await tx
    .insertInto('supplier_contact')
    .values({ supplier_id: supplier.id, name: input.name, role: input.role, email: input.email ?? null, phone: input.phone ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
  const contact = presentContact(row);
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: 'supplier_contact',
    entityId: row.id,
    supplierId: supplier.id,
    summary: `Contact ${input.name} (${input.role}) at ${supplier.code} recorded`,
    changes: changedFields(null, contact, ['name', 'role', 'email', 'phone']),
  });
  return contact;
}

/**
 * Adds a line to a supplier's price book. The product must be in the catalogue; a region must
 * be one the supplier serves; and no other price of the same product and region may be valid on
 * any of the same days (the supplier row is locked, so two such adds cannot both pass the check).
 */
export async function addPrice(tx: Tx, ctx: AppContext, principal: Principal, supplierId: number, input: CreatePrice): Promise<Price> {
  const supplier = await supplierFor(tx, principal, supplierId);
  if (input.validTo && input.validTo < input.validFrom) throw problems.unprocessable('validTo', 'is before validFrom');
  const product = await productByCode(tx, input.productCode);
  if (!product) throw problems.unprocessable('productCode', `no product in the catalogue has code ${input.productCode}`);
  let regionId: number | null = null;
  if (input.regionOdsCode) {
    const [region] = await regionsByCode(tx, [input.regionOdsCode.toUpperCase()]);
    if (!region) throw problems.unprocessable('regionOdsCode', `${input.regionOdsCode} is not a region`);
    const served = await tx.selectFrom('supplier_region').select('region_id').where('supplier_id', '=', supplier.id).where('region_id', '=', region.id).executeTakeFirst();
    if (!served) throw problems.unprocessable('regionOdsCode', `${supplier.code} does not serve region ${region.ods_code}`);
    regionId = region.id;
  }
  const clash = await overlappingPrice(tx, supplier.id, product.id, regionId, input.validFrom, input.validTo ?? null);
  if (clash) throw problems.conflict('validFrom', `overlaps the price valid from ${clash.valid_from}${clash.valid_to ? ` to ${clash.valid_to}` : ''}`);
  const { id } = await tx
    .insertInto('supplier_price')
    .values({
      supplier_id: supplier.id,
      product_id: product.id,
      region_id: regionId,
      install_charge: input.installCharge,
      annual_rental: input.annualRental,
      lead_time_days: input.leadTimeDays,
      valid_from: input.validFrom,
      valid_to: input.validTo ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const price = presentPrice((await findPrice(tx, id))!);
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: 'supplier_price',
    entityId: id,
    supplierId: supplier.id,
    summary: `Price of ${product.code} from ${supplier.code} recorded`,
    changes: changedFields(null, { ...price, product: price.product.code, region: price.region?.odsCode ?? null }, ['product', 'region', 'installCharge', 'annualRental', 'leadTimeDays', 'validFrom', 'validTo']),
  });
  return price;
}
