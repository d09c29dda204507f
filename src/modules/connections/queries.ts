import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { DeliveryRecord } from '../../domain/best-value.ts';
import type { ConnectionListRequest } from './schemas.ts';

/**
 * A connection belongs to its site's organisation (copied onto the row when it is requested)
 * and is handed to its supplier: a customer sees their organisations' connections, a supplier's
 * engineer only those ordered from their company.
 */
export const CONNECTION_SCOPE = { organisation: 'connection.organisation_id', supplier: 'connection.supplier_id' };

export const holderOf = (id: number) => `connection:${id}`;

function selectConnections(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('connection')
    .innerJoin('site', 'site.id', 'connection.site_id')
    .innerJoin('organisation as org', 'org.id', 'connection.organisation_id')
    .innerJoin('product', 'product.id', 'connection.product_id')
    .leftJoin('organisation as region', 'region.id', 'connection.region_id')
    .leftJoin('supplier', 'supplier.id', 'connection.supplier_id')
    .leftJoin('configuration_item as pop', 'pop.id', 'connection.pop_ci_id')
    .leftJoin('address_allocation as alloc', (join) =>
      join.on(sql<boolean>`alloc.holder = 'connection:' || connection.id and alloc.released_at is null and alloc.purpose = 'site_lan'`),
    )
    .selectAll('connection')
    .select([
      'site.name as site_name',
      'org.ods_code as organisation_ods_code',
      'org.name as organisation_name',
      'region.ods_code as region_ods_code',
      'product.code as product_code',
      'product.name as product_name',
      'product.resilience as product_resilience',
      'product.bandwidth_down_kbps as product_bandwidth_kbps',
      'supplier.code as supplier_code',
      'supplier.name as supplier_name',
      'pop.name as pop_name',
      'alloc.id as allocation_id',
      sql<string | null>`alloc.prefix::text`.as('prefix'),
      'connection.updated_at as updatedAt',
    ])
    .where(inScope(scope, CONNECTION_SCOPE));
}

export type ConnectionRow = Awaited<ReturnType<ReturnType<typeof selectConnections>['executeTakeFirstOrThrow']>>;

export function findConnection(db: Db | Tx, scope: Scope, id: number): Promise<ConnectionRow | undefined> {
  return selectConnections(db, scope).where('connection.id', '=', id).executeTakeFirst();
}

/** Locks the connection row for a transition, so two steps on one connection queue. */
export async function lockConnection(tx: Tx, scope: Scope, id: number): Promise<ConnectionRow | undefined> {
  const locked = await tx.selectFrom('connection').select('id').where('id', '=', id).where(inScope(scope, CONNECTION_SCOPE)).forUpdate().executeTakeFirst();
  return locked ? findConnection(tx, scope, id) : undefined;
}

export function listConnections(db: Db, scope: Scope, request: ConnectionListRequest & PageRequest) {
  let query = selectConnections(db, scope);
  if (request.state) query = query.where('connection.state', '=', request.state);
  if (request.supplier) query = query.where('supplier.code', '=', request.supplier.toUpperCase());
  if (request.region) query = query.where('region.ods_code', '=', request.region.toUpperCase());
  if (request.siteId) query = query.where('connection.site_id', '=', request.siteId);
  if (request.organisation) {
    const code = request.organisation.toUpperCase();
    query = query.where(
      sql<boolean>`connection.organisation_id in (with recursive below (id) as (
          select id from organisation where ods_code = ${code}
          union select o.id from organisation o join below b on o.parent_id = b.id) select id from below)`,
    );
  }
  return paginate(
    query,
    { columns: { id: 'connection.id', updatedAt: 'connection.updated_at' }, tie: 'connection.id', tieKey: 'id', defaultSort: '-id' },
    request,
  );
}

/** The site a connection is requested for, within the caller's scope, with its region. */
export function siteForRequest(tx: Tx, scope: Scope, siteId: number) {
  return tx
    .selectFrom('site')
    .innerJoin('organisation as org', 'org.id', 'site.organisation_id')
    .leftJoin('organisation as region', (join) => join.onRef('region.ods_code', '=', 'org.region').on('region.kind', '=', 'region'))
    .select(['site.id', 'site.name', 'site.state', 'site.organisation_id', 'org.ods_code as organisation_ods_code', 'region.id as region_id'])
    .where('site.id', '=', siteId)
    .where(inScope(scope, { organisation: 'site.organisation_id' }))
    .executeTakeFirst();
}

/** The site's open connections (their legs and products), locked so two requests for one site queue. */
export async function openConnectionsOfSite(tx: Tx, siteId: number) {
  await sql`select id from site where id = ${siteId} for update`.execute(tx);
  return tx
    .selectFrom('connection')
    .innerJoin('product', 'product.id', 'connection.product_id')
    .select(['connection.id', 'connection.leg', 'product.resilience'])
    .where('connection.site_id', '=', siteId)
    .where('connection.state', 'not in', ['ceased', 'cancelled'])
    .execute();
}

export function connectionProduct(tx: Tx, code: string) {
  return tx
    .selectFrom('product')
    .select(['id', 'code', 'name', 'kind', 'state', 'resilience', 'bandwidth_down_kbps'])
    .where('code', '=', code.toUpperCase())
    .executeTakeFirst();
}

/**
 * Every price a supplier serving the region offers for the product on the date: the regional
 * price where there is one, else the supplier's national price. Only active suppliers quote.
 */
export async function pricesFor(db: Db | Tx, productId: number, regionId: number | null, on: string) {
  const result = await sql<{ price_id: number; supplier_id: number; supplier_code: string; supplier_name: string; install_charge: string; annual_rental: string; lead_time_days: number }>`
    select distinct on (p.supplier_id) p.id as price_id, p.supplier_id, s.code as supplier_code, s.name as supplier_name,
      p.install_charge::text as install_charge, p.annual_rental::text as annual_rental, p.lead_time_days
    from supplier_price p
    join supplier s on s.id = p.supplier_id and s.state = 'active'
    where p.product_id = ${productId}
      and p.valid_from <= ${on}::date and (p.valid_to is null or p.valid_to >= ${on}::date)
      and ((p.region_id is not null and p.region_id = ${regionId})
        or (p.region_id is null and (not exists (select 1 from supplier_region sr where sr.supplier_id = p.supplier_id)
          or exists (select 1 from supplier_region sr where sr.supplier_id = p.supplier_id and sr.region_id = ${regionId}))))
    order by p.supplier_id, (p.region_id is null), p.valid_from desc`.execute(db);
  return result.rows;
}

/** Each supplier's delivery record: connections installed, and how many within the quoted lead time. */
export async function deliveryRecords(db: Db | Tx, supplierIds: number[]): Promise<Map<number, DeliveryRecord>> {
  if (supplierIds.length === 0) return new Map();
  const result = await sql<{ supplier_id: number; delivered: number; on_time: number }>`
    select supplier_id, count(*)::int as delivered,
      count(*) filter (where installed_on <= ordered_on + lead_time_days)::int as on_time
    from connection
    where supplier_id = any(${supplierIds}::bigint[]) and installed_on is not null and ordered_on is not null and lead_time_days is not null
    group by supplier_id`.execute(db);
  return new Map(result.rows.map((r) => [r.supplier_id, { delivered: r.delivered, onTime: r.on_time }]));
}

export function storedQuotes(db: Db | Tx, connectionId: number) {
  return db
    .selectFrom('connection_quote as q')
    .innerJoin('supplier', 'supplier.id', 'q.supplier_id')
    .selectAll('q')
    .select(['supplier.code as supplier_code', 'supplier.name as supplier_name'])
    .where('q.connection_id', '=', connectionId)
    .orderBy('q.rank')
    .execute();
}
export type StoredQuoteRow = Awaited<ReturnType<typeof storedQuotes>>[number];

/** The site router CI of a site, if the CMDB has one. */
export function siteRouterOf(tx: Tx, siteId: number) {
  return tx.selectFrom('configuration_item').select(['id', 'name']).where('kind', '=', 'site_router').where('site_id', '=', siteId).orderBy('id').executeTakeFirst();
}

export function popCi(tx: Tx, id: number) {
  return tx.selectFrom('configuration_item').select(['id', 'name', 'kind']).where('id', '=', id).executeTakeFirst();
}

/** The site routers that depend on the connection's CI: the links a move carries to the new site. */
export function routerLinksOf(tx: Tx, ciId: number) {
  return tx
    .selectFrom('ci_relation as rel')
    .innerJoin('configuration_item as router', 'router.id', 'rel.source_id')
    .select(['rel.id', 'rel.kind', 'rel.source_id', 'rel.target_id', 'rel.redundancy_group', 'router.name as router_name'])
    .where('rel.target_id', '=', ciId)
    .where('rel.kind', '=', 'depends_on')
    .where('router.kind', '=', 'site_router')
    .orderBy('rel.id')
    .execute();
}

/** The price the connection's own supplier asks for a product in the connection's region on a date. */
export async function supplierPriceFor(tx: Tx, supplierId: number, productId: number, regionId: number | null, on: string) {
  return (await pricesFor(tx, productId, regionId, on)).find((p) => p.supplier_id === supplierId);
}
