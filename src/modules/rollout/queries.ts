import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';

/**
 * The roll-out is the programme's view of the whole network: only staff read it (no customer or
 * supplier role holds rollout:read), so these queries carry no tenancy filter of their own.
 */
function selectTargets(db: Db | Tx) {
  return db
    .selectFrom('rollout_target as t')
    .leftJoin('organisation as region', 'region.id', 't.region_id')
    .leftJoin('supplier', 'supplier.id', 't.supplier_id')
    .selectAll('t')
    .select(['region.ods_code as region_code', 'supplier.code as supplier_code', 't.target_on as targetOn']);
}
export type TargetRow = Awaited<ReturnType<ReturnType<typeof selectTargets>['executeTakeFirstOrThrow']>>;

export const findTarget = (db: Db | Tx, id: number) => selectTargets(db).where('t.id', '=', id).executeTakeFirst();

export function listTargets(db: Db, page: PageRequest) {
  return paginate(selectTargets(db), { columns: { name: 't.name', targetOn: 't.target_on' }, tie: 't.id', tieKey: 'id', defaultSort: 'name' }, page);
}

/** The latest target set for exactly this region and supplier (null: the whole programme). */
export function targetFor(db: Db, regionId: number | null, supplierId: number | null) {
  return selectTargets(db)
    .where(regionId === null ? sql<boolean>`t.region_id is null` : sql<boolean>`t.region_id = ${regionId}`)
    .where(supplierId === null ? sql<boolean>`t.supplier_id is null` : sql<boolean>`t.supplier_id = ${supplierId}`)
    .orderBy('t.id', 'desc')
    .executeTakeFirst();
}

export const regionIdByCode = (db: Db | Tx, code: string) =>
  db.selectFrom('organisation').select('id').where('ods_code', '=', code.toUpperCase()).where('kind', '=', 'region').executeTakeFirst();
export const supplierIdByCode = (db: Db | Tx, code: string) => db.selectFrom('supplier').select('id').where('code', '=', code.toUpperCase()).executeTakeFirst();

export interface Filter {
  regionId: number | null;
  supplierId: number | null;
}

const where = (f: Filter) =>
  sql`(${f.regionId}::bigint is null or c.region_id = ${f.regionId}) and (${f.supplierId}::bigint is null or c.supplier_id = ${f.supplierId})`;

/** Cumulative ordered, installed and live (went live and not yet ceased) at the end of each week. */
export async function burnUp(db: Db, f: Filter, from: string, asOf: string) {
  const result = await sql<{ week: string; ordered: number; installed: number; live: number }>`
    with weeks as (select w::date as week, least(w::date + 7, ${asOf}::date + 1) as ends
                   from generate_series(${from}::date, ${asOf}::date, interval '7 days') w)
    select weeks.week::text as week,
      count(c.id) filter (where c.ordered_on < weeks.ends)::int as ordered,
      count(c.id) filter (where c.installed_on < weeks.ends)::int as installed,
      count(c.id) filter (where c.live_on < weeks.ends and (c.ceased_on is null or c.ceased_on >= weeks.ends))::int as live
    from weeks left join connection c on ${where(f)} and c.ordered_on < weeks.ends
    group by weeks.week order by weeks.week`.execute(db);
  return result.rows;
}

export interface GroupCounts {
  key: string | null;
  name: string | null;
  ordered: number;
  installed: number;
  live: number;
  in_flight: number;
  go_lives: Array<{ on: string; count: number }> | null;
}

/**
 * Counts as of a date, for the whole selection or grouped by region or supplier, with the
 * go-lives per day since `since` (the rate window) for the forecast.
 */
export async function countsBy(db: Db, f: Filter, asOf: string, since: string, group: 'all' | 'region' | 'supplier'): Promise<GroupCounts[]> {
  const key = group === 'region' ? sql`g.ods_code` : group === 'supplier' ? sql`s.code` : sql`null::text`;
  const name = group === 'region' ? sql`g.name` : group === 'supplier' ? sql`s.name` : sql`null::text`;
  const result = await sql<GroupCounts>`
    with c as (
      select c.* from connection c where ${where(f)} and c.requested_on <= ${asOf}::date
    ), lives as (
      select ${group === 'region' ? sql`region_id` : group === 'supplier' ? sql`supplier_id` : sql`0::bigint`} as gid, live_on, count(*)::int as n
      from c where live_on >= ${since}::date and live_on <= ${asOf}::date group by 1, 2
    )
    select ${key} as key, ${name} as name,
      count(*) filter (where c.ordered_on <= ${asOf}::date)::int as ordered,
      count(*) filter (where c.installed_on <= ${asOf}::date)::int as installed,
      count(*) filter (where c.live_on <= ${asOf}::date and (c.ceased_on is null or c.ceased_on > ${asOf}::date))::int as live,
      count(*) filter (where c.ordered_on <= ${asOf}::date and (c.live_on is null or c.live_on > ${asOf}::date)
        and (c.cancelled_on is null or c.cancelled_on > ${asOf}::date))::int as in_flight,
      (select json_agg(json_build_object('on', l.live_on::text, 'count', l.n)) from lives l
        where l.gid is not distinct from ${group === 'region' ? sql`c.region_id` : group === 'supplier' ? sql`c.supplier_id` : sql`0::bigint`}) as go_lives
    from c
    ${group === 'region' ? sql`left join organisation g on g.id = c.region_id` : group === 'supplier' ? sql`left join supplier s on s.id = c.supplier_id` : sql``}
    ${group === 'all' ? sql`` : group === 'region' ? sql`group by c.region_id, g.ods_code, g.name` : sql`group by c.supplier_id, s.code, s.name`}
    order by 1 nulls last`.execute(db);
  return result.rows;
}

/** The earliest ordered or requested date in the selection, to start the burn-up from. */
export async function firstActivity(db: Db, f: Filter): Promise<string | null> {
  const result = await sql<{ first: string | null }>`select min(least(c.requested_on, c.ordered_on))::text as first from connection c where ${where(f)}`.execute(db);
  return result.rows[0]?.first ?? null;
}
