import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { ciScope } from './queries.ts';

/**
 * The CMDB's graph questions, each one SQL statement. They share one technique: a recursive CTE
 * whose every round is a single row carrying the whole state so far (a jsonb object keyed by CI
 * id, looked up by binary search) and the frontier of the last round. A plain recursive CTE
 * only sees the previous round's rows, which cannot express "all the alternatives have failed"
 * when the alternatives fail in different rounds (a diamond with unequal arms); carrying the
 * state can, and each CI is visited once however many paths lead to it.
 */

/**
 * Runs a graph query with PostgreSQL's JIT compiler off. The planner cannot estimate a recursion,
 * so these queries look expensive enough to compile, and compiling costs 100-400 ms where the
 * query itself takes a few (measured in bench/cmdb-impact.ts). SET LOCAL ends with the transaction.
 */
async function withoutJit<T>(db: Db, query: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`set local jit = off`.execute(tx);
    return query(tx);
  });
}

/**
 * What fails with `origin`: the rule of domain/ci-impact.ts. A dependant becomes a candidate when
 * one of its dependencies fails in the last round; it fails when one of its requirement groups
 * (relations sharing a redundancy group, or a lone relation) has every member failed or retired.
 */
function failedSet(origin: number) {
  return failedWalk(sql`jsonb_build_object(${String(origin)}::text, jsonb_build_array(0, null))`, sql`array[${origin}::bigint]`);
}

/** The same walk from several CIs failing together (planned work on both legs of a resilient pair takes the site down). */
function failedSetOf(origins: readonly number[]) {
  return failedWalk(
    sql`(select jsonb_object_agg(o::text, jsonb_build_array(0, null)) from unnest(${[...origins]}::bigint[]) o)`,
    sql`${[...origins]}::bigint[]`,
  );
}

function failedWalk(seed: ReturnType<typeof sql>, frontier: ReturnType<typeof sql>) {
  return sql`walk (failed, frontier, depth) as (
      select ${seed}, ${frontier}, 0
      union all
      select w.failed || n.added, n.ids, w.depth + 1
      from walk w
      cross join lateral (
        select jsonb_object_agg(c.id::text, jsonb_build_array(w.depth + 1, c.via)) as added, array_agg(c.id) as ids
        from (
          select distinct on (r.source_id) r.source_id as id, r.target_id as via
          from ci_relation r
          where r.kind = 'depends_on' and r.target_id = any (w.frontier)
            and not w.failed ? r.source_id::text
            and not exists (select 1 from configuration_item s where s.id = r.source_id and s.state = 'retired')
            -- A relation with no group is a group of its own, and its target has just failed.
            and (r.redundancy_group is null or exists (
              select 1 from ci_relation g
              where g.source_id = r.source_id and g.kind = 'depends_on'
              group by coalesce(g.redundancy_group, '#' || g.id::text)
              having bool_and(w.failed ? g.target_id::text
                or exists (select 1 from configuration_item t where t.id = g.target_id and t.state = 'retired'))
            ))
          order by r.source_id, r.target_id
        ) c
      ) n
      where n.ids is not null
    ),
    failed as materialized (
      select key::bigint as id, (value ->> 0)::int as depth, (value ->> 1)::bigint as via
      from (select failed from walk order by depth desc limit 1) last, jsonb_each(last.failed)
    )`;
}

export interface ImpactRow {
  total: number;
  counts: Record<string, number> | null;
  shown: Array<{
    id: number;
    kind: string;
    name: string;
    state: string;
    ods_code: string | null;
    organisation_name: string | null;
    site_id: number | null;
    depth: number;
    via: number | null;
    path: number[];
    /** The via CI's name, when the caller may see it. */
    via_name: string | null;
    /** Set when the via relation is one of alternatives: the CI failed because all of them did. */
    via_group: string | null;
  }> | null;
  organisations: Array<{ odsCode: string; name: string; cis: number }> | null;
  organisation_count: number;
  sites: Array<{ siteId: number; cis: number }> | null;
  site_count: number;
  degraded: Array<{ id: number; kind: string; name: string; lost: number[] }> | null;
  degraded_count: number;
}

/**
 * The impact of `origin`, seen by `scope`: counts by kind, up to `limit` CIs of each kind with
 * the path from the origin, the organisations and sites hit, and the CIs that survive only on an
 * alternative. Everything is filtered to what the caller may see.
 */
export async function impactOf(db: Db, scope: Scope, origin: number, limit: number): Promise<ImpactRow> {
  const visible = inScope(scope, ciScope('ci'));
  const result = await withoutJit(db, (tx) => sql<ImpactRow>`with recursive ${failedSet(origin)},
    seen as materialized (
      select f.id, f.depth, f.via, ci.kind, ci.name, ci.state, ci.organisation_id, ci.site_id
      from failed f join configuration_item ci on ci.id = f.id
      where ${visible}
    ),
    shown as (
      select * from (select s.*, row_number() over (partition by s.kind order by s.depth, s.id) as n from seen s) x where n <= ${limit}
    ),
    chain (id, at, step) as (
      select id, id, 0 from shown
      union all
      select c.id, f.via, c.step + 1 from chain c join failed f on f.id = c.at where f.via is not null
    ),
    paths as (
      select c.id, array_agg(c.at order by c.step desc) as path
      from chain c where c.at in (select id from seen) group by c.id
    ),
    hit_organisations as (
      select o.ods_code, o.name, h.cis
      from (select organisation_id, count(*)::int as cis from seen where organisation_id is not null group by organisation_id) h
      join organisation o on o.id = h.organisation_id
    ),
    hit_sites as (
      select site_id, count(*)::int as cis from seen where site_id is not null group by site_id
    ),
    -- Only an alternative can be lost without failing: a CI that survived the loss of an
    -- ungrouped dependency would have to be retired, and retired CIs are not reported.
    degraded as (
      select ci.id, ci.kind, ci.name,
        coalesce(array_agg(r.target_id order by r.target_id) filter (where exists (select 1 from seen x where x.id = r.target_id)), '{}') as lost
      from failed f
      join ci_relation r on r.target_id = f.id and r.kind = 'depends_on' and r.redundancy_group is not null
      join configuration_item ci on ci.id = r.source_id
      where ci.state <> 'retired' and not exists (select 1 from failed x where x.id = r.source_id) and ${visible}
      group by ci.id
    )
    select
      (select count(*)::int from seen) as total,
      (select jsonb_object_agg(kind, n) from (select kind, count(*)::int as n from seen group by kind) k) as counts,
      (select jsonb_agg(jsonb_build_object('id', s.id, 'kind', s.kind, 'name', s.name, 'state', s.state,
          'ods_code', o.ods_code, 'organisation_name', o.name, 'site_id', s.site_id, 'depth', s.depth, 'via', s.via,
          'path', coalesce(p.path, array[s.id]), 'via_name', v.name,
          'via_group', (select r.redundancy_group from ci_relation r where r.source_id = s.id and r.target_id = s.via and r.kind = 'depends_on'))
          order by s.depth, s.id)
        from shown s left join organisation o on o.id = s.organisation_id left join paths p on p.id = s.id
        left join seen v on v.id = s.via) as shown,
      (select jsonb_agg(jsonb_build_object('odsCode', ods_code, 'name', name, 'cis', cis) order by cis desc, ods_code)
        from (select * from hit_organisations order by cis desc, ods_code limit ${limit}) h) as organisations,
      (select count(*)::int from hit_organisations) as organisation_count,
      (select jsonb_agg(jsonb_build_object('siteId', site_id, 'cis', cis) order by site_id)
        from (select * from hit_sites order by site_id limit ${limit}) h) as sites,
      (select count(*)::int from hit_sites) as site_count,
      (select jsonb_agg(jsonb_build_object('id', id, 'kind', kind, 'name', name, 'lost', lost) order by id)
        from (select * from degraded order by id limit ${limit}) d) as degraded,
      (select count(*)::int from degraded) as degraded_count`.execute(tx));
  return result.rows[0]!;
}

/**
 * What fails when all of `origins` fail together, unscoped, inside the caller's transaction (with
 * JIT off for the rest of it): the maintenance module works out what a window takes down with it.
 */
export async function failingWith(tx: Tx, origins: readonly number[]): Promise<Array<{ id: number; depth: number; via: number | null }>> {
  if (origins.length === 0) return [];
  await sql`set local jit = off`.execute(tx);
  const result = await sql<{ id: number; depth: number; via: number | null }>`with recursive ${failedSetOf(origins)}
    select id, depth, via from failed order by depth, id`.execute(tx);
  return result.rows;
}

/** Just the ids of the failing CIs and how they failed, unscoped: for benchmarks and tests. */
export async function failedIds(db: Db, origin: number): Promise<Array<{ id: number; depth: number; via: number | null }>> {
  const result = await withoutJit(db, (tx) =>
    sql<{ id: number; depth: number; via: number | null }>`with recursive ${failedSet(origin)}
    select id, depth, via from failed order by depth, id`.execute(tx),
  );
  return result.rows;
}

export interface RootCauseRow {
  id: number;
  kind: string;
  name: string;
  state: string;
  depth: number;
  via: number;
  redundancy_group: string | null;
}

/**
 * Everything `ci` depends on, directly or not, nearest first: the places to look when it is
 * down. Breadth-first with a visited set, so each upstream CI appears once at its shortest depth.
 */
export async function rootCausesOf(db: Db, scope: Scope, ci: number): Promise<RootCauseRow[]> {
  const result = await withoutJit(db, (tx) => sql<RootCauseRow>`with recursive up (seen, frontier, depth) as (
      select jsonb_build_object(${String(ci)}::text, jsonb_build_array(0, null, null)), array[${ci}::bigint], 0
      union all
      select u.seen || n.added, n.ids, u.depth + 1
      from up u
      cross join lateral (
        select jsonb_object_agg(c.id::text, jsonb_build_array(u.depth + 1, c.via, c.grp)) as added, array_agg(c.id) as ids
        from (
          select distinct on (r.target_id) r.target_id as id, r.source_id as via, r.redundancy_group as grp
          from ci_relation r
          where r.kind = 'depends_on' and r.source_id = any (u.frontier) and not u.seen ? r.target_id::text
          order by r.target_id, r.source_id
        ) c
      ) n
      where n.ids is not null
    ),
    found as (
      select key::bigint as id, (value ->> 0)::int as depth, (value ->> 1)::bigint as via, value ->> 2 as redundancy_group
      from (select seen from up order by depth desc limit 1) last, jsonb_each(last.seen)
    )
    select f.id, ci.kind, ci.name, ci.state, f.depth, f.via, f.redundancy_group
    from found f join configuration_item ci on ci.id = f.id
    where f.depth > 0 and ${inScope(scope, ciScope('ci'))}
    order by f.depth, ci.kind, f.id`.execute(tx));
  return result.rows;
}

export interface GraphRows {
  nodes: Array<{ id: number; kind: string; name: string; state: string; depth: number }> | null;
  edges: Array<{ id: number; source: number; target: number; kind: string; redundancyGroup: string | null }> | null;
  truncated: boolean;
}

/**
 * The neighbourhood of `centre` up to `depth` relations away in either direction, any kind,
 * at most `limit` nodes (nearest first), with the relations among the visible ones.
 */
export async function graphAround(db: Db, scope: Scope, centre: number, depth: number, limit: number): Promise<GraphRows> {
  const result = await withoutJit(db, (tx) => sql<GraphRows>`with recursive near (seen, frontier, depth, size, truncated) as (
      select jsonb_build_object(${String(centre)}::text, 0), array[${centre}::bigint], 0, 1, false
      union all
      select w.seen || n.added, n.ids, w.depth + 1, w.size + n.count, n.count + w.size > ${limit}
      from near w
      cross join lateral (
        select jsonb_object_agg(x.id::text, w.depth + 1) as added, array_agg(x.id) as ids, count(*)::int as count
        from (
          select b.id, row_number() over (order by b.id) as n from (
            select r.target_id as id from ci_relation r where r.source_id = any (w.frontier)
            union
            select r.source_id from ci_relation r where r.target_id = any (w.frontier)
          ) b
          where not w.seen ? b.id::text
        ) x
        where x.n <= ${limit + 1} - w.size
      ) n
      where n.ids is not null and w.depth < ${depth} and w.size <= ${limit}
    ),
    last as (select seen, truncated from near order by depth desc limit 1),
    nodes as (
      select ci.id, ci.kind, ci.name, ci.state, (e.value)::int as depth
      from last, jsonb_each(last.seen) e join configuration_item ci on ci.id = e.key::bigint
      where ${inScope(scope, ciScope('ci'))}
      order by depth, ci.id
      limit ${limit}
    )
    select
      (select jsonb_agg(jsonb_build_object('id', id, 'kind', kind, 'name', name, 'state', state, 'depth', depth) order by depth, id) from nodes) as nodes,
      (select jsonb_agg(jsonb_build_object('id', r.id, 'source', r.source_id, 'target', r.target_id, 'kind', r.kind, 'redundancyGroup', r.redundancy_group) order by r.id)
        from ci_relation r where r.source_id in (select id from nodes) and r.target_id in (select id from nodes)) as edges,
      (select truncated from last) as truncated`.execute(tx));
  return result.rows[0]!;
}
