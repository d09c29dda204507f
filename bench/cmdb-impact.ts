// cmdb-impact: impact analysis and root-cause candidates on a generated network of (by default)
// 1,000,000 configuration items, each beside the plain recursive walk over the same relations
// without the resilience rule, measured alternately on the same origins. See docs/cmdb.md.
import { sql } from 'kysely';
import type { Benchmark, BenchContext, BenchResult, Figure } from './lib/benchmark.ts';
import { scratchDatabase } from './lib/databases.ts';
import { percentile } from './lib/stats.ts';
import { openDatabase, type Db } from '../src/core/db/database.ts';
import { migrate } from '../src/core/db/migrate.ts';
import { failedIds, impactOf, rootCausesOf } from '../src/modules/cmdb/impact-queries.ts';

const NETWORK = { kind: 'network' } as const;
const CORE_NODES = 20;
const POPS = 400;
const ORGANISATIONS = 50_000;
/** Ids by kind, so relations are arithmetic: site i has router R+i, connection C+i, and so on. */
/** One site in five is dual-homed, spread evenly over the PoPs (site i's PoP is i mod 400). */
const DUAL = `(i / ${POPS}) % 5 = 0`;
const ID = { pop: 1000, router: 10_000_000, connection: 20_000_000, second: 30_000_000, service: 40_000_000 };

/**
 * The network: 20 core nodes in a ring (connects_to); 400 PoPs, three in four on two core nodes
 * (alternatives), one in four on one; per site a router, a connection to a PoP, one site in five
 * a second connection on the PoP half-way round (alternatives), and a customer-facing service.
 * About 3.2 CIs per site, so `total` CIs need (total - 420) / 3.2 sites.
 */
export async function generate(db: Db, total: number): Promise<{ sites: number; cis: number; relations: number }> {
  const sites = Math.max(10, Math.ceil((total - CORE_NODES - POPS) / 3.2));
  const run = (text: string) => sql.raw(text).execute(db);
  await run(`insert into organisation (ods_code, name, kind) select 'B' || lpad(g::text, 7, '0'), 'Bench practice ' || g, 'gp_practice' from generate_series(1, ${ORGANISATIONS}) g`);
  const orgBase = (await sql<{ base: number }>`select min(id)::int - 1 as base from organisation where ods_code like 'B%'`.execute(db)).rows[0]!.base;
  await run(`insert into configuration_item (id, kind, name) overriding system value
    select c, 'core_node', 'core ' || c from generate_series(1, ${CORE_NODES}) c
    union all select ${ID.pop} + p, 'pop', 'pop ' || p from generate_series(1, ${POPS}) p`);
  for (const [base, kind, name, where] of [
    [ID.router, 'site_router', 'router', 'true'],
    [ID.connection, 'connection', 'circuit', 'true'],
    [ID.second, 'connection', 'second circuit', DUAL],
    [ID.service, 'service', 'HSCN access', 'true'],
  ] as const) {
    await run(`insert into configuration_item (id, kind, name, organisation_id, site_id) overriding system value
      select ${base} + i, '${kind}', '${name} ' || i, ${orgBase} + 1 + i % ${ORGANISATIONS}, i
      from generate_series(1, ${sites}) i where ${where}`);
  }
  await run(`insert into ci_relation (source_id, target_id, kind, redundancy_group)
    select c, c % ${CORE_NODES} + 1, 'connects_to', null from generate_series(1, ${CORE_NODES}) c
    union all select ${ID.pop} + p, 1 + p % ${CORE_NODES}, 'depends_on', case when p % 4 <> 0 then 'core' end from generate_series(1, ${POPS}) p
    union all select ${ID.pop} + p, 1 + (p + 10) % ${CORE_NODES}, 'depends_on', 'core' from generate_series(1, ${POPS}) p where p % 4 <> 0`);
  await run(`insert into ci_relation (source_id, target_id, kind, redundancy_group)
    select ${ID.connection} + i, ${ID.pop} + 1 + i % ${POPS}, 'depends_on', null from generate_series(1, ${sites}) i
    union all select ${ID.second} + i, ${ID.pop} + 1 + (i + ${POPS / 2}) % ${POPS}, 'depends_on', null from generate_series(1, ${sites}) i where ${DUAL}`);
  await run(`insert into ci_relation (source_id, target_id, kind, redundancy_group)
    select ${ID.router} + i, ${ID.connection} + i, 'depends_on', case when ${DUAL} then 'access' end from generate_series(1, ${sites}) i
    union all select ${ID.router} + i, ${ID.second} + i, 'depends_on', 'access' from generate_series(1, ${sites}) i where ${DUAL}
    union all select ${ID.service} + i, ${ID.router} + i, 'depends_on', null from generate_series(1, ${sites}) i`);
  // Index-only scans need the visibility map; the planner needs statistics.
  await run('vacuum analyze configuration_item, ci_relation, organisation');
  const counts = await sql<{ cis: number; relations: number }>`select (select count(*)::int from configuration_item) as cis, (select count(*)::int from ci_relation) as relations`.execute(db);
  return { sites, ...counts.rows[0]! };
}

/** The baselines run as n3sp's queries do: in a transaction with JIT compilation off. */
function withoutJit<T>(db: Db, query: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`set local jit = off`.execute(tx);
    return query(tx as unknown as Db);
  });
}

/** The plain walk: everything that transitively depends on the origin, with no resilience rule. */
async function reachable(db: Db, origin: number): Promise<number> {
  const result = await withoutJit(db, (tx) => sql<{ n: number }>`with recursive up (id) as (
      select ${origin}::bigint
      union
      select r.source_id from ci_relation r join up u on r.target_id = u.id where r.kind = 'depends_on'
    ) select count(*)::int as n from up`.execute(tx));
  return result.rows[0]!.n;
}

/** The plain walk the other way: everything the CI depends on, with names, nearest not computed. */
async function upstream(db: Db, ci: number): Promise<number> {
  const result = await withoutJit(db, (tx) => sql<{ n: number }>`with recursive down (id) as (
      select ${ci}::bigint
      union
      select r.target_id from ci_relation r join down d on r.source_id = d.id where r.kind = 'depends_on'
    ) select count(*)::int as n from down d join configuration_item c on c.id = d.id`.execute(tx));
  return result.rows[0]!.n;
}

interface Workload {
  label: string;
  origins: () => number;
  n3sp: (db: Db, origin: number) => Promise<unknown>;
  baseline: (db: Db, origin: number) => Promise<unknown>;
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

/** Alternates n3sp and baseline on the same origin, for the phase's duration after a warm-up. */
async function measure(ctx: BenchContext, db: Db, w: Workload) {
  const warmUntil = performance.now() + Math.min(2000, ctx.durationS * 200);
  while (performance.now() < warmUntil) {
    const origin = w.origins();
    await w.n3sp(db, origin);
    await w.baseline(db, origin);
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  const until = performance.now() + ctx.durationS * 1000;
  while (performance.now() < until && ours.length < 20_000) {
    const origin = w.origins();
    ours.push(await time(() => w.n3sp(db, origin)));
    theirs.push(await time(() => w.baseline(db, origin)));
  }
  ours.sort((a, b) => a - b);
  theirs.sort((a, b) => a - b);
  const q = (values: number[], p: number) => percentile(values, p);
  return { runs: ours.length, p50: q(ours, 0.5), p99: q(ours, 0.99), baseP50: q(theirs, 0.5), baseP99: q(theirs, 0.99) };
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const target = Number(process.env.N3SP_BENCH_CIS ?? 1_000_000);
  const scratch = await scratchDatabase(ctx.engine, ctx.postgresUrl, 'cmdb');
  ctx.onCleanup(scratch.drop);
  const database = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir, poolSize: 1 });
  ctx.onCleanup(() => database.close());
  const db = database.db;
  await migrate(db);
  let t0 = performance.now();
  const graph = await generate(db, target);
  const generateS = (performance.now() - t0) / 1000;
  ctx.log(`generated ${graph.cis.toLocaleString('en-GB')} CIs and ${graph.relations.toLocaleString('en-GB')} relations (${graph.sites.toLocaleString('en-GB')} sites) in ${generateS.toFixed(1)} s`);

  const pick = (base: number, count: number) => () => base + 1 + Math.floor(Math.random() * count);
  const workloads: Workload[] = [
    { label: 'impact of a PoP', origins: pick(ID.pop, POPS), n3sp: (d, o) => impactOf(d, NETWORK, o, 100), baseline: reachable },
    { label: 'impact of a PoP, failing set only', origins: pick(ID.pop, POPS), n3sp: failedIds, baseline: reachable },
    // The core nodes some PoPs hang from alone (1, 5, 9, 13, 17): the others take nothing down.
    { label: 'impact of a core node', origins: () => 1 + 4 * Math.floor(Math.random() * 5), n3sp: (d, o) => impactOf(d, NETWORK, o, 100), baseline: reachable },
    { label: 'impact of a connection', origins: pick(ID.connection, graph.sites), n3sp: (d, o) => impactOf(d, NETWORK, o, 100), baseline: reachable },
    { label: 'root causes of a site router', origins: pick(ID.router, graph.sites), n3sp: (d, o) => rootCausesOf(d, NETWORK, o), baseline: upstream },
  ];

  // What the figures are about: the sizes of typical results.
  const popImpact = await impactOf(db, NETWORK, ID.pop + 1, 100);
  const coreImpact = await impactOf(db, NETWORK, 5, 100);
  const notes = [
    `${graph.cis.toLocaleString('en-GB')} CIs, ${graph.relations.toLocaleString('en-GB')} relations; generated in ${generateS.toFixed(0)} s.`,
    `A PoP takes down ${popImpact.total.toLocaleString('en-GB')} CIs (reachable: ${(await reachable(db, ID.pop + 1)).toLocaleString('en-GB')}) and leaves ${popImpact.degraded_count.toLocaleString('en-GB')} degraded; a core node with single-homed PoPs ${coreImpact.total.toLocaleString('en-GB')} (reachable: ${(await reachable(db, 5)).toLocaleString('en-GB')}).`,
    'One query at a time on one connection; n3sp and baseline alternate on the same random origin.',
  ];
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { graph, generateS };
  for (const w of workloads) {
    t0 = performance.now();
    const m = await measure(ctx, db, w);
    ctx.log(`${w.label}: ${m.runs} runs, p50 ${m.p50.toFixed(2)} ms (baseline ${m.baseP50.toFixed(2)}), p99 ${m.p99.toFixed(2)} ms (baseline ${m.baseP99.toFixed(2)})`);
    figures.push({ label: `${w.label}, p50`, unit: 'ms', value: m.p50, baseline: m.baseP50, better: 'lower' });
    figures.push({ label: `${w.label}, p99`, unit: 'ms', value: m.p99, baseline: m.baseP99, better: 'lower' });
    details[w.label] = m;
  }
  return {
    baseline: 'the plain recursive walk over the same depends_on relations (no resilience rule, no paths, no grouping), same origins, same connection',
    figures,
    notes,
    details,
  };
}

const benchmark: Benchmark = {
  name: 'cmdb-impact',
  description: 'impact analysis and root causes on a generated 1,000,000-CI network (N3SP_BENCH_CIS to change)',
  run,
};
export default benchmark;
