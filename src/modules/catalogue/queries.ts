import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { ProductListRequest } from './schemas.ts';

/**
 * The catalogue is the network provider's own offer, owned by no organisation or supplier:
 * staff read it; customers and suppliers do not (empty scope columns: fail closed). A customer
 * meets products through their own connections and quotes.
 */
const SCOPE = {};

function selectClasses(db: Db | Tx, scope: Scope) {
  return db.selectFrom('service_class').selectAll().where(inScope(scope, SCOPE));
}
export type ServiceClassRow = Awaited<ReturnType<ReturnType<typeof selectClasses>['executeTakeFirstOrThrow']>>;

export function findServiceClass(db: Db | Tx, scope: Scope, code: string) {
  return selectClasses(db, scope).where('code', '=', code.toUpperCase()).executeTakeFirst();
}

export function listServiceClasses(db: Db, scope: Scope, page: PageRequest) {
  return paginate(selectClasses(db, scope), { columns: { code: 'code' }, tie: 'id', tieKey: 'id', defaultSort: 'code' }, page);
}

function selectProducts(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('product')
    .innerJoin('service_class as sc', 'sc.id', 'product.service_class_id')
    .selectAll('product')
    .select(['sc.code as class_code', 'sc.name as class_name', 'sc.availability_target as class_availability'])
    .where(inScope(scope, SCOPE));
}
export type ProductRow = Awaited<ReturnType<ReturnType<typeof selectProducts>['executeTakeFirstOrThrow']>>;

export function findProduct(db: Db | Tx, scope: Scope, code: string) {
  return selectProducts(db, scope).where('product.code', '=', code.toUpperCase()).executeTakeFirst();
}

export function listProducts(db: Db, scope: Scope, request: ProductListRequest & PageRequest) {
  let query = selectProducts(db, scope);
  if (request.q) {
    const q = request.q.trim();
    query = query.where((eb) => eb.or([eb('product.code', '=', q.toUpperCase()), eb(sql`lower(product.name)`, 'like', `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)]));
  }
  if (request.kind) query = query.where('product.kind', '=', request.kind);
  if (request.accessTechnology) query = query.where('product.access_technology', '=', request.accessTechnology);
  if (request.resilience) query = query.where('product.resilience', '=', request.resilience);
  if (request.state) query = query.where('product.state', '=', request.state);
  if (request.minDownKbps) query = query.where('product.bandwidth_down_kbps', '>=', request.minDownKbps);
  if (request.serviceClass) query = query.where('sc.code', '=', request.serviceClass.toUpperCase());
  return paginate(query, { columns: { code: 'product.code', name: 'product.name' }, tie: 'product.id', tieKey: 'id', defaultSort: 'code' }, request);
}

export function serviceClassId(tx: Tx, code: string) {
  return tx.selectFrom('service_class').select('id').where('code', '=', code.toUpperCase()).executeTakeFirst();
}
