import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { PriceListRequest, SupplierListRequest } from './schemas.ts';

/**
 * A supplier engineer sees their own company's record, contracts, contacts and price book; no
 * customer sees any supplier (no organisation column: fail closed). Contracts, contacts and
 * prices are reached through their supplier, which is checked first.
 */
const SCOPE = { supplier: 'supplier.id' };

function selectSuppliers(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('supplier')
    .selectAll('supplier')
    .select([
      sql<Array<{ odsCode: string; name: string }>>`coalesce((select json_agg(json_build_object('odsCode', r.ods_code, 'name', r.name) order by r.ods_code)
        from supplier_region sr join organisation r on r.id = sr.region_id where sr.supplier_id = supplier.id), '[]'::json)`.as('regions'),
    ])
    .where(inScope(scope, SCOPE));
}

export type SupplierRow = Awaited<ReturnType<ReturnType<typeof selectSuppliers>['executeTakeFirstOrThrow']>>;

export function findSupplier(db: Db | Tx, scope: Scope, id: number): Promise<SupplierRow | undefined> {
  return selectSuppliers(db, scope).where('supplier.id', '=', id).executeTakeFirst();
}

/** The supplier row locked for a change that spans several rows (its regions, its prices). */
export function lockSupplier(tx: Tx, scope: Scope, id: number) {
  return tx.selectFrom('supplier').select(['id', 'code']).where('id', '=', id).where(inScope(scope, SCOPE)).forUpdate().executeTakeFirst();
}

export function listSuppliers(db: Db, scope: Scope, request: SupplierListRequest & PageRequest) {
  let query = selectSuppliers(db, scope);
  if (request.q) {
    const q = request.q.trim();
    query = query.where((eb) => eb.or([eb('supplier.code', '=', q.toUpperCase()), eb(sql`lower(supplier.name)`, 'like', `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)]));
  }
  if (request.kind) query = query.where('supplier.kind', '=', request.kind);
  if (request.state) query = query.where('supplier.state', '=', request.state);
  if (request.region) {
    const region = request.region.toUpperCase();
    query = query.where(sql<boolean>`exists (select 1 from supplier_region sr join organisation r on r.id = sr.region_id where sr.supplier_id = supplier.id and r.ods_code = ${region})`);
  }
  return paginate(query, { columns: { name: 'supplier.name', code: 'supplier.code' }, tie: 'supplier.id', tieKey: 'id', defaultSort: 'name' }, request);
}

/** Region organisations by ODS code; the caller reports the codes that are missing. */
export function regionsByCode(tx: Tx, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([] as Array<{ id: number; ods_code: string }>);
  return tx.selectFrom('organisation').select(['id', 'ods_code']).where('kind', '=', 'region').where('ods_code', 'in', codes).execute();
}

export async function replaceRegions(tx: Tx, supplierId: number, regionIds: number[]): Promise<void> {
  await tx.deleteFrom('supplier_region').where('supplier_id', '=', supplierId).execute();
  if (regionIds.length) await tx.insertInto('supplier_region').values(regionIds.map((region_id) => ({ supplier_id: supplierId, region_id }))).execute();
}

export function listContracts(db: Db, supplierId: number, page: PageRequest) {
  const query = db.selectFrom('supplier_contract').selectAll().where('supplier_id', '=', supplierId);
  return paginate(query, { columns: { id: 'id' }, tie: 'id', tieKey: 'id', defaultSort: 'id' }, page);
}

export function listContacts(db: Db, supplierId: number, page: PageRequest) {
  const query = db.selectFrom('supplier_contact').selectAll().where('supplier_id', '=', supplierId);
  return paginate(query, { columns: { id: 'id' }, tie: 'id', tieKey: 'id', defaultSort: 'id' }, page);
}

function selectPrices(db: Db | Tx) {
  return db
    .selectFrom('supplier_price as p')
    .innerJoin('product', 'product.id', 'p.product_id')
    .leftJoin('organisation as region', 'region.id', 'p.region_id')
    .selectAll('p')
    .select(['product.code as product_code', 'product.name as product_name', 'region.ods_code as region_ods_code', 'region.name as region_name', 'p.valid_from as validFrom']);
}

export type PriceRow = Awaited<ReturnType<ReturnType<typeof selectPrices>['executeTakeFirstOrThrow']>>;

export function findPrice(db: Db | Tx, id: number) {
  return selectPrices(db).where('p.id', '=', id).executeTakeFirst();
}

export function listPrices(db: Db, supplierId: number, request: PriceListRequest & PageRequest) {
  let query = selectPrices(db).where('p.supplier_id', '=', supplierId);
  if (request.product) query = query.where('product.code', '=', request.product.toUpperCase());
  if (request.region) query = query.where('region.ods_code', '=', request.region.toUpperCase());
  if (request.on) query = query.where('p.valid_from', '<=', request.on).where((eb) => eb.or([eb('p.valid_to', 'is', null), eb('p.valid_to', '>=', request.on!)]));
  return paginate(query, { columns: { validFrom: 'p.valid_from' }, tie: 'p.id', tieKey: 'id', defaultSort: 'validFrom' }, request);
}

/** A price of the same product and region whose validity overlaps [from, to]. */
export function overlappingPrice(tx: Tx, supplierId: number, productId: number, regionId: number | null, from: string, to: string | null) {
  return tx
    .selectFrom('supplier_price')
    .select(['id', 'valid_from', 'valid_to'])
    .where('supplier_id', '=', supplierId)
    .where('product_id', '=', productId)
    .where(regionId === null ? sql<boolean>`region_id is null` : sql<boolean>`region_id = ${regionId}`)
    .where(sql<boolean>`daterange(valid_from, valid_to, '[]') && daterange(${from}::date, ${to}::date, '[]')`)
    .executeTakeFirst();
}

export function productByCode(tx: Tx, code: string) {
  return tx.selectFrom('product').select(['id', 'code', 'kind', 'state']).where('code', '=', code.toUpperCase()).executeTakeFirst();
}
