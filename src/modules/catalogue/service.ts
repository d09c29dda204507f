import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { findProduct, findServiceClass, serviceClassId, type ProductRow, type ServiceClassRow } from './queries.ts';
import type { CreateProduct, CreateServiceClass, Product, ServiceClass, UpdateProduct, UpdateServiceClass } from './schemas.ts';

export function presentServiceClass(row: ServiceClassRow): ServiceClass {
  return {
    code: row.code,
    name: row.name,
    availabilityTarget: Number(row.availability_target),
    fixMinutes: row.fix_minutes,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export function presentProduct(row: ProductRow): Product {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    accessTechnology: row.access_technology,
    bandwidthDownKbps: row.bandwidth_down_kbps,
    bandwidthUpKbps: row.bandwidth_up_kbps,
    resilience: row.resilience,
    serviceClass: { code: row.class_code, name: row.class_name, availabilityTarget: Number(row.class_availability) },
    description: row.description,
    requiresApproval: row.requires_approval,
    state: row.state,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

const CLASS_FIELDS = ['code', 'name', 'availabilityTarget', 'fixMinutes'] as const;
const PRODUCT_FIELDS = ['code', 'name', 'kind', 'accessTechnology', 'bandwidthDownKbps', 'bandwidthUpKbps', 'resilience', 'serviceClass', 'description', 'requiresApproval', 'state'] as const;
const productView = (p: Product) => ({ ...p, serviceClass: p.serviceClass.code });

export async function getServiceClass(ctx: AppContext, principal: Principal, code: string): Promise<ServiceClassRow> {
  const row = await findServiceClass(ctx.db, principal.scope, code);
  if (!row) throw problems.notFound('service class with that code');
  return row;
}

export async function getProduct(ctx: AppContext, principal: Principal, code: string): Promise<ProductRow> {
  const row = await findProduct(ctx.db, principal.scope, code);
  if (!row) throw problems.notFound('product with that code');
  return row;
}

export async function createServiceClass(tx: Tx, ctx: AppContext, principal: Principal, input: CreateServiceClass): Promise<ServiceClassRow> {
  const { id } = await tx
    .insertInto('service_class')
    .values({ code: input.code, name: input.name, availability_target: input.availabilityTarget, fix_minutes: input.fixMinutes })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = (await findServiceClass(tx, { kind: 'network' }, input.code))!;
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: 'service_class',
    entityId: id,
    summary: `Service class ${input.code} created`,
    changes: changedFields(null, presentServiceClass(created), CLASS_FIELDS),
  });
  return created;
}

export async function updateServiceClass(ctx: AppContext, principal: Principal, code: string, expectedVersion: number, patch: UpdateServiceClass): Promise<ServiceClassRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await findServiceClass(tx, principal.scope, code);
    if (!before) throw problems.notFound('service class with that code');
    const updated = await tx
      .updateTable('service_class')
      .set((eb) => ({ name: patch.name, availability_target: patch.availabilityTarget, fix_minutes: patch.fixMinutes, updated_at: new Date(), version: eb('version', '+', 1) }))
      .where('id', '=', before.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw problems.preconditionFailed();
    const after = (await findServiceClass(tx, { kind: 'network' }, code))!;
    await ctx.journal.recordUpdate(tx, actorOf(principal), { entityType: 'service_class', entityId: before.id, before: presentServiceClass(before), after: presentServiceClass(after), fields: CLASS_FIELDS });
    return after;
  });
}

type ConnectionFields = Pick<Product, 'kind' | 'accessTechnology' | 'bandwidthDownKbps' | 'bandwidthUpKbps' | 'resilience'>;

/** A connection names its access technology, bandwidths and resilience; any other service names none. */
function checkConnection(p: ConnectionFields): void {
  const fields = ['accessTechnology', 'bandwidthDownKbps', 'bandwidthUpKbps', 'resilience'] as const;
  for (const field of fields) {
    if (p.kind === 'connection' && p[field] == null) throw problems.unprocessable(field, 'is required for a connection product');
    if (p.kind !== 'connection' && p[field] != null) throw problems.unprocessable(field, 'applies only to connection products');
  }
}

async function resolveClass(tx: Tx, code: string | undefined): Promise<number | undefined> {
  if (code === undefined) return undefined;
  const found = await serviceClassId(tx, code);
  if (!found) throw problems.unprocessable('serviceClassCode', `no service class has code ${code}`);
  return found.id;
}

export async function createProduct(tx: Tx, ctx: AppContext, principal: Principal, input: CreateProduct): Promise<ProductRow> {
  const p = { kind: input.kind, accessTechnology: input.accessTechnology ?? null, bandwidthDownKbps: input.bandwidthDownKbps ?? null, bandwidthUpKbps: input.bandwidthUpKbps ?? null, resilience: input.resilience ?? null };
  checkConnection(p);
  const classId = (await resolveClass(tx, input.serviceClassCode))!;
  const { id } = await tx
    .insertInto('product')
    .values({
      code: input.code,
      name: input.name,
      kind: input.kind,
      access_technology: p.accessTechnology,
      bandwidth_down_kbps: p.bandwidthDownKbps,
      bandwidth_up_kbps: p.bandwidthUpKbps,
      resilience: p.resilience,
      service_class_id: classId,
      description: input.description ?? null,
      requires_approval: input.requiresApproval ?? false,
      state: input.state ?? 'active',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = (await findProduct(tx, { kind: 'network' }, input.code))!;
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: 'product',
    entityId: id,
    summary: `Product ${input.code} added to the catalogue`,
    changes: changedFields(null, productView(presentProduct(created)), PRODUCT_FIELDS),
  });
  return created;
}

export async function updateProduct(ctx: AppContext, principal: Principal, code: string, expectedVersion: number, patch: UpdateProduct): Promise<ProductRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await findProduct(tx, principal.scope, code);
    if (!before) throw problems.notFound('product with that code');
    const was = presentProduct(before);
    checkConnection({
      kind: was.kind,
      accessTechnology: patch.accessTechnology === undefined ? was.accessTechnology : patch.accessTechnology,
      bandwidthDownKbps: patch.bandwidthDownKbps === undefined ? was.bandwidthDownKbps : patch.bandwidthDownKbps,
      bandwidthUpKbps: patch.bandwidthUpKbps === undefined ? was.bandwidthUpKbps : patch.bandwidthUpKbps,
      resilience: patch.resilience === undefined ? was.resilience : patch.resilience,
    });
    const classId = await resolveClass(tx, patch.serviceClassCode);
    const updated = await tx
      .updateTable('product')
      .set((eb) => ({
        name: patch.name,
        access_technology: patch.accessTechnology,
        bandwidth_down_kbps: patch.bandwidthDownKbps,
        bandwidth_up_kbps: patch.bandwidthUpKbps,
        resilience: patch.resilience,
        service_class_id: classId,
        description: patch.description,
        requires_approval: patch.requiresApproval,
        state: patch.state,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', before.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw problems.preconditionFailed();
    const after = (await findProduct(tx, { kind: 'network' }, code))!;
    await ctx.journal.recordUpdate(tx, actorOf(principal), { entityType: 'product', entityId: before.id, before: productView(was), after: productView(presentProduct(after)), fields: PRODUCT_FIELDS });
    return after;
  });
}
