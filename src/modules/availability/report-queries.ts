import { sql, type RawBuilder } from 'kysely';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { CONNECTION_SCOPE } from '../connections/queries.ts';

/**
 * The availability report as one SQL statement: the same rule as src/domain/availability.ts (the
 * reference it is property-tested against), over every connection at once.
 *
 * 1. `conn`: the connections in scope and filters that were live at some time, each with its
 *    target (its product's service class) and its service period: from the local midnight of its
 *    live date to that of its ceased date, and never past `asOf`.
 * 2. `span`: each connection's service period cut to each bucket (a month, or the whole period).
 *    Bucket boundaries come from the caller, worked out in Europe/London with luxon, so a month
 *    boundary cuts an outage exactly where the domain code cuts it.
 * 3. `piece`: its outages (not voided; an open one up to the span's end) cut to each span;
 *    `win`: the maintenance windows covering its CI (not cancelled), cut the same way.
 * 4. `edge` → `level`: a sweep over each connection and bucket. Each outage piece raises the
 *    "down" level at its start and lowers it at its end, each window piece the "covered" level;
 *    between consecutive instants the levels are constant. Time with down > 0 is the union of
 *    the outages (overlapping outages count once); time with both > 0 is the planned downtime.
 *    One sort and window functions: an earlier form unioned outages and windows separately and
 *    joined the two, and the planner, unable to estimate either, chose a nested loop (16 s on
 *    50,000 connections, bench/availability-report.ts).
 * 5. `figure`: per connection and bucket, milliseconds: period, down, planned (summed from the
 *    span and the levels in one GROUP BY, no join); and whether the connection met its target,
 *    decided in whole numbers as `meetsTarget` decides it.
 */

export const GROUP_BYS = ['network', 'connection', 'site', 'organisation', 'supplier', 'product', 'region'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface Bucket {
  label: string;
  start: Date;
  end: Date;
}

export interface ReportFilters {
  /** ODS code; its child organisations too. */
  organisation?: string;
  /** Supplier code. */
  supplier?: string;
  /** Product code. */
  product?: string;
  /** Region ODS code. */
  region?: string;
  siteId?: number;
  connectionId?: number;
}

export interface ReportParams {
  buckets: Bucket[];
  asOf: Date;
  scope: Scope;
  filters: ReportFilters;
}

const ms = (from: RawBuilder<unknown>, to: RawBuilder<unknown>) => sql`((extract(epoch from ${to}) - extract(epoch from ${from})) * 1000)::bigint`;

function filtersSql(f: ReportFilters) {
  const parts = [sql`connection.live_on is not null`];
  if (f.organisation) {
    parts.push(sql`connection.organisation_id in (with recursive below (id) as (
        select id from organisation where ods_code = ${f.organisation.toUpperCase()}
        union select o.id from organisation o join below b on o.parent_id = b.id) select id from below)`);
  }
  if (f.supplier) parts.push(sql`connection.supplier_id = (select id from supplier where code = ${f.supplier.toUpperCase()})`);
  if (f.product) parts.push(sql`connection.product_id = (select id from product where code = ${f.product.toUpperCase()})`);
  if (f.region) parts.push(sql`connection.region_id = (select id from organisation where ods_code = ${f.region.toUpperCase()} and kind = 'region')`);
  if (f.siteId !== undefined) parts.push(sql`connection.site_id = ${f.siteId}`);
  if (f.connectionId !== undefined) parts.push(sql`connection.id = ${f.connectionId}`);
  return sql.join(parts, sql` and `);
}

/** The CTEs up to `figure`: per connection (`id`, with its site, organisation, supplier, product, region, leg, target) and bucket, period_ms, down_ms, planned_ms, met. */
export function figuresSql(p: ReportParams) {
  const from = p.buckets[0]!.start;
  const to = p.buckets[p.buckets.length - 1]!.end;
  const londonMidnight = (column: string) => sql`(${sql.ref(column)}::timestamp at time zone 'Europe/London')`;
  return sql`bucket as (
      select label, bs, be from unnest(${p.buckets.map((b) => b.label)}::text[], ${p.buckets.map((b) => b.start.toISOString())}::timestamptz[], ${p.buckets.map((b) => b.end.toISOString())}::timestamptz[]) as b(label, bs, be)
    ),
    conn as materialized (
      select connection.id, connection.ci_id, connection.site_id, connection.organisation_id, connection.supplier_id, connection.product_id, connection.region_id, connection.leg,
        sc.availability_target as target,
        ${londonMidnight('connection.live_on')} as svc_start,
        least(coalesce(${londonMidnight('connection.ceased_on')}, 'infinity'::timestamptz), ${p.asOf.toISOString()}::timestamptz) as svc_end
      from connection
      join product p on p.id = connection.product_id
      join service_class sc on sc.id = p.service_class_id
      where ${filtersSql(p.filters)} and ${inScope(p.scope, CONNECTION_SCOPE)}
        and ${londonMidnight('connection.live_on')} < least(${to.toISOString()}::timestamptz, ${p.asOf.toISOString()}::timestamptz)
        and (connection.ceased_on is null or ${londonMidnight('connection.ceased_on')} > ${from.toISOString()}::timestamptz)
    ),
    span as materialized (
      select c.id, c.ci_id, c.site_id, c.organisation_id, c.supplier_id, c.product_id, c.region_id, c.leg, c.target,
        b.label as bucket, greatest(c.svc_start, b.bs) as s, least(c.svc_end, b.be) as e
      from conn c join bucket b on b.bs < c.svc_end and b.be > c.svc_start
    ),
    piece as (
      select sp.id as connection_id, sp.bucket, greatest(o.started_at, sp.s) as s, least(coalesce(o.ended_at, 'infinity'::timestamptz), sp.e) as e
      from outage o
      join span sp on sp.id = o.connection_id and o.started_at < sp.e and (o.ended_at is null or o.ended_at > sp.s)
      where o.voided_at is null and tstzrange(o.started_at, o.ended_at) && tstzrange(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz)
    ),
    win as (
      select sp.id as connection_id, sp.bucket, greatest(w.starts_at, sp.s) as s, least(w.ends_at, sp.e) as e
      from maintenance_window w
      join maintenance_window_cover mc on mc.window_id = w.id
      join span sp on sp.ci_id = mc.ci_id and w.starts_at < sp.e and w.ends_at > sp.s
      where w.state <> 'cancelled' and tstzrange(w.starts_at, w.ends_at) && tstzrange(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz)
    ),
    -- A sweep over each (connection, bucket): every outage piece adds one to "down" from its start
    -- and takes it away at its end, every window piece the same for "covered"; between two
    -- consecutive instants the levels are constant, so the time with down > 0 is the union of the
    -- outages and the time with both > 0 its intersection with the windows. One sort, no join
    -- between estimates the planner cannot make.
    edge as (
      select connection_id, bucket, t, sum(dd) as dd, sum(dw) as dw from (
        select connection_id, bucket, s as t, 1 as dd, 0 as dw from piece where e > s
        union all select connection_id, bucket, e, -1, 0 from piece where e > s
        union all select connection_id, bucket, s, 0, 1 from win where e > s
        union all select connection_id, bucket, e, 0, -1 from win where e > s
      ) x
      group by connection_id, bucket, t
    ),
    level as (
      select connection_id, bucket, t, sum(dd) over w as down, sum(dw) over w as covered, lead(t) over w as next_t
      from edge
      window w as (partition by connection_id, bucket order by t rows between unbounded preceding and current row)
    ),
    -- Each connection's span gives its period (and what it is grouped by); the levels its downtime.
    figure0 as (
      select connection_id as id, bucket, max(site_id) as site_id, max(organisation_id) as organisation_id, max(supplier_id) as supplier_id,
        max(product_id) as product_id, max(region_id) as region_id, max(leg) as leg, max(target) as target,
        sum(period_ms)::bigint as period_ms, sum(down_ms)::bigint as down_ms, sum(planned_ms)::bigint as planned_ms
      from (
        select id as connection_id, bucket, site_id, organisation_id, supplier_id, product_id, region_id, leg, target,
          ${ms(sql`s`, sql`e`)} as period_ms, 0::bigint as down_ms, 0::bigint as planned_ms
        from span
        union all
        select connection_id, bucket, null, null, null, null, null, null, null,
          0, ${ms(sql`t`, sql`next_t`)}, case when covered > 0 then ${ms(sql`t`, sql`next_t`)} else 0 end
        from level where down > 0 and next_t is not null
      ) contribution
      group by connection_id, bucket
    ),
    figure as (
      select f.*,
        (f.period_ms - f.planned_ms <= 0
          or (f.down_ms - f.planned_ms) * 100000 <= (100000 - round(f.target * 1000)) * (f.period_ms - f.planned_ms)) as met
      from figure0 f
    )`;
}

/** What a group is keyed and named by, and the joins that name it. */
function groupKey(groupBy: GroupBy) {
  switch (groupBy) {
    case 'network':
      return { key: sql`'network'`, name: sql`'All connections'`, joins: sql`` };
    case 'connection':
      return {
        key: sql`c.id::text`,
        name: sql`site.name || case when c.leg > 1 then ' (leg ' || c.leg || ')' else '' end`,
        joins: sql`join site on site.id = c.site_id`,
      };
    case 'site':
      return { key: sql`c.site_id::text`, name: sql`site.name`, joins: sql`join site on site.id = c.site_id` };
    case 'organisation':
      return { key: sql`org.ods_code`, name: sql`org.name`, joins: sql`join organisation org on org.id = c.organisation_id` };
    case 'supplier':
      return { key: sql`coalesce(s.code, '-')`, name: sql`coalesce(s.name, 'No supplier')`, joins: sql`left join supplier s on s.id = c.supplier_id` };
    case 'product':
      return { key: sql`pr.code`, name: sql`pr.name`, joins: sql`join product pr on pr.id = c.product_id` };
    case 'region':
      return { key: sql`coalesce(rg.ods_code, '-')`, name: sql`coalesce(rg.name, 'No region')`, joins: sql`left join organisation rg on rg.id = c.region_id` };
  }
}

export interface GroupRow {
  key: string;
  name: string;
  bucket: string;
  connections: number;
  met: number;
  period_ms: string;
  down_ms: string;
  planned_ms: string;
  target_min: string | null;
  target_max: string | null;
  /** Sort value: availability to nine places, 1 when nothing was measured. */
  availability: string;
  unplanned: string;
  total_connections: number;
  total_met: number;
  total_period_ms: string;
  total_down_ms: string;
  total_planned_ms: string;
  total_target_min: string | null;
  total_target_max: string | null;
}

/**
 * Per group and bucket: the sums, how many connections met their own target, the range of
 * targets, and (over each bucket) the totals of all groups, as a derived table to paginate.
 */
export function groupsSql(p: ReportParams, groupBy: GroupBy) {
  const g = groupKey(groupBy);
  return sql<GroupRow>`(with ${figuresSql(p)},
    grouped as (
      select ${g.key} as key, ${g.name} as name, c.bucket,
        count(*)::int as connections, (count(*) filter (where c.met))::int as met,
        sum(c.period_ms)::bigint as period_ms, sum(c.down_ms)::bigint as down_ms, sum(c.planned_ms)::bigint as planned_ms,
        min(c.target) as target_min, max(c.target) as target_max
      from figure c ${g.joins}
      group by 1, 2, 3
    )
    select key, name, bucket, connections, met, period_ms, down_ms, planned_ms, target_min, target_max,
      coalesce(round(1 - (down_ms - planned_ms)::numeric / nullif(period_ms - planned_ms, 0), 9), 1) as availability,
      (down_ms - planned_ms) as unplanned,
      (sum(connections) over (partition by bucket))::int as total_connections, (sum(met) over (partition by bucket))::int as total_met,
      sum(period_ms) over (partition by bucket) as total_period_ms, sum(down_ms) over (partition by bucket) as total_down_ms,
      sum(planned_ms) over (partition by bucket) as total_planned_ms,
      min(target_min) over (partition by bucket) as total_target_min, max(target_max) over (partition by bucket) as total_target_max
    from grouped)`;
}

export interface MissedRow {
  id: number;
  site_id: number;
  site_name: string;
  leg: number;
  ods_code: string;
  organisation_name: string;
  supplier_code: string | null;
  supplier_name: string | null;
  product_code: string;
  product_name: string;
  target: string;
  period_ms: string;
  down_ms: string;
  planned_ms: string;
  availability: string;
  unplanned: string;
}

/** The connections that missed their target in the (single) bucket, as a derived table to paginate. */
export function missedSql(p: ReportParams) {
  return sql<MissedRow>`(with ${figuresSql(p)}
    select c.id, c.site_id, site.name as site_name, c.leg, org.ods_code, org.name as organisation_name, s.code as supplier_code, s.name as supplier_name,
      pr.code as product_code, pr.name as product_name, c.target, c.period_ms, c.down_ms, c.planned_ms,
      coalesce(round(1 - (c.down_ms - c.planned_ms)::numeric / nullif(c.period_ms - c.planned_ms, 0), 9), 1) as availability,
      (c.down_ms - c.planned_ms) as unplanned
    from figure c
    join site on site.id = c.site_id
    join organisation org on org.id = c.organisation_id
    left join supplier s on s.id = c.supplier_id
    join product pr on pr.id = c.product_id
    where not c.met)`;
}

/** Per connection and bucket, unscoped by group: what the property test compares with the domain code. */
export function connectionFiguresSql(p: ReportParams) {
  return sql<{ connection_id: number; bucket: string; period_ms: string; down_ms: string; planned_ms: string; met: boolean }>`with ${figuresSql(p)}
    select id as connection_id, bucket, period_ms, down_ms, planned_ms, met from figure order by id, bucket`;
}
