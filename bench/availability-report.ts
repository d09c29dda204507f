// availability-report: the monthly availability report for 50,000 connections over a year of
// outages, through n3sp's HTTP API, beside the same SQL statement sent straight to the same
// database (pg for PostgreSQL, the same PGlite instance for PGlite), alternately. See
// docs/availability.md and docs/performance.md.
import { sql, type CompiledQuery, type RawBuilder } from 'kysely';
import pg from 'pg';
import { DateTime } from 'luxon';
import type { Benchmark, BenchContext, BenchResult, Figure } from './lib/benchmark.ts';
import { scratchDatabase } from './lib/databases.ts';
import { httpClient } from './lib/http.ts';
import { percentile } from './lib/stats.ts';
import { openDatabase, type Db } from '../src/core/db/database.ts';
import { migrate } from '../src/core/db/migrate.ts';
import { loadConfig } from '../src/core/config.ts';
import { openRuntime } from '../src/core/runtime.ts';
import { buildApp } from '../src/core/http/app.ts';
import { SYSTEM_ACTOR } from '../src/core/access/principal.ts';
import { principalFor } from '../src/core/auth/principals.ts';
import { createUser } from '../src/modules/users/service.ts';
import { createToken } from '../src/modules/identity/service.ts';
import { recomputeCover } from '../src/modules/maintenance/windows.ts';
import { groupsSql, missedSql, type ReportParams } from '../src/modules/availability/report-queries.ts';
import { addMonths, monthPeriod, monthsBetween } from '../src/domain/availability.ts';

const ORGANISATIONS = 10_000;
const REGIONS = 7;
const SUPPLIERS = 8;
const POPS = 200;
const WINDOWS = 100;

/**
 * The network: 10,000 practices in 7 regions, one site per connection, each connection live since
 * before the year on a PoP, one in five resilient (99.5%) and the rest single (99.0%). A year of
 * outages: four per connection at random times lasting from a minute to twelve hours (log-uniform), one
 * in five also recorded by a second cause overlapping it (an alert and an incident over one
 * fault), a few still open; and 100 night-time maintenance windows on PoPs, during which half of
 * the PoP's connections go down for an hour or three.
 */
export async function generate(db: Db, connections: number, yearFrom: Date, yearTo: Date): Promise<{ outages: number; windows: number; covered: number }> {
  const run = (text: string) => sql.raw(text).execute(db);
  const from = yearFrom.toISOString();
  const span = (yearTo.getTime() - yearFrom.getTime()) / 1000;
  await run(`select setseed(0.42)`);
  await run(`insert into organisation (ods_code, name, kind) select 'BR' || g, 'Bench region ' || g, 'region' from generate_series(1, ${REGIONS}) g`);
  await run(`insert into organisation (ods_code, name, kind, parent_id)
    select 'B' || lpad(g::text, 7, '0'), 'Bench practice ' || g, 'gp_practice', null from generate_series(1, ${ORGANISATIONS}) g`);
  await run(`insert into service_class (code, name, availability_target, fix_minutes) values ('BRES', 'Resilient', 99.5, '{300}'), ('BSGL', 'Single', 99.0, '{300}')`);
  await run(`insert into product (code, name, kind, access_technology, bandwidth_down_kbps, bandwidth_up_kbps, resilience, service_class_id)
    select 'BP-RES', 'Bench resilient', 'connection', 'ethernet_fibre', 100000, 100000, 'resilient', id from service_class where code = 'BRES'
    union all select 'BP-SGL', 'Bench single', 'connection', 'fttc', 80000, 20000, 'single', id from service_class where code = 'BSGL'`);
  await run(`insert into supplier (code, name, kind) select 'BS' || g, 'Bench supplier ' || g, 'access' from generate_series(1, ${SUPPLIERS}) g`);
  await run(`create temporary table bench_ids as select
      (select min(id) from organisation where ods_code like 'BR%') - 1 as region0,
      (select min(id) from organisation where ods_code like 'B0%') - 1 as org0,
      (select min(id) from supplier where code like 'BS%') - 1 as supplier0,
      (select id from product where code = 'BP-RES') as res, (select id from product where code = 'BP-SGL') as sgl`);
  await run(`insert into site (organisation_id, kind, name) select b.org0 + 1 + (i % ${ORGANISATIONS}), 'main', 'Bench site ' || i from bench_ids b, generate_series(1, ${connections}) i`);
  await run(`insert into configuration_item (kind, name) select 'pop', 'Bench PoP ' || p from generate_series(1, ${POPS}) p`);
  await run(`insert into configuration_item (kind, name, organisation_id, supplier_id, site_id)
    select 'connection', 'Bench circuit ' || s.id, s.organisation_id, b.supplier0 + 1 + (s.id % ${SUPPLIERS}), s.id
    from site s, bench_ids b where s.name like 'Bench site %'`);
  await run(`insert into ci_relation (source_id, target_id, kind)
    select c.id, p.id, 'depends_on' from configuration_item c
    join configuration_item p on p.kind = 'pop' and p.name = 'Bench PoP ' || (1 + c.site_id % ${POPS})
    where c.kind = 'connection' and c.name like 'Bench circuit %'`);
  await run(`insert into connection (site_id, organisation_id, region_id, product_id, supplier_id, state, circuit_reference, requested_on, ordered_on, installed_on, live_on, ci_id)
    select c.site_id, c.organisation_id, b.region0 + 1 + (c.site_id % ${REGIONS}), case when c.site_id % 5 = 0 then b.res else b.sgl end, c.supplier_id,
      'live', 'BC' || c.site_id, '2024-01-01', '2024-02-01', '2024-03-01', '2024-03-15', c.id
    from configuration_item c, bench_ids b where c.kind = 'connection' and c.name like 'Bench circuit %'`);
  // Four outages a connection, log-uniform from a minute to twelve hours; a fifth of them also recorded
  // by a second cause starting up to an hour later; 200 still open.
  await run(`insert into outage (connection_id, organisation_id, supplier_id, started_at, ended_at, cause_kind, alert_id)
    select o.id, o.organisation_id, o.supplier_id, o.s, o.s + exp(random() * ln(720)) * interval '1 minute', 'alert', o.id * 10 + k
    from (select c.id, c.organisation_id, c.supplier_id, k, '${from}'::timestamptz + random() * ${span} * interval '1 second' as s
      from connection c, generate_series(1, 4) k) o`);
  await run(`insert into outage (connection_id, organisation_id, supplier_id, started_at, ended_at, cause_kind, alert_id)
    select connection_id, organisation_id, supplier_id, s, greatest(s, ended_at) + random() * interval '2 hours', 'alert', alert_id + 5
    from (select *, started_at + random() * interval '1 hour' as s from outage where alert_id % 10 = 1 and connection_id % 5 = 0) o`);
  await run(`insert into outage (connection_id, organisation_id, supplier_id, started_at, cause_kind, alert_id)
    select id, organisation_id, supplier_id, '${yearTo.toISOString()}'::timestamptz - random() * interval '5 days', 'alert', id * 10 + 9
    from connection where id % ${Math.max(1, Math.floor(connections / 200))} = 0`);
  // Maintenance: 100 four-hour windows at night on PoPs, through the service's own cover.
  await run(`insert into maintenance_window (title, starts_at, ends_at, created_by_name)
    select 'Bench works ' || w, d, d + interval '4 hours', 'bench'
    from (select w, date_trunc('day', '${from}'::timestamptz + random() * ${span} * interval '1 second') + interval '1 hour' as d from generate_series(1, ${WINDOWS}) w) x`);
  const windows = await sql<{ id: number; pop: number }>`select w.id, p.id as pop from maintenance_window w
    join configuration_item p on p.kind = 'pop' and p.name = 'Bench PoP ' || (1 + (w.id * 7) % ${POPS}) where w.title like 'Bench works %'`.execute(db);
  let covered = 0;
  for (const w of windows.rows) {
    await sql`insert into maintenance_window_ci (window_id, ci_id) values (${w.id}, ${w.pop})`.execute(db);
    covered += await recomputeCover(db, w.id, [w.pop]);
  }
  await run(`insert into outage (connection_id, organisation_id, supplier_id, started_at, ended_at, cause_kind, alert_id, planned, maintenance_window_id)
    select c.id, c.organisation_id, c.supplier_id, w.starts_at + random() * interval '1 hour', w.starts_at + interval '1 hour' + random() * interval '2 hours', 'alert', 900000000 + c.id * 1000 + w.id, true, w.id
    from maintenance_window w join maintenance_window_cover mc on mc.window_id = w.id join connection c on c.ci_id = mc.ci_id
    where c.id % 2 = 0`);
  await run('vacuum analyze');
  const n = await sql<{ n: number }>`select count(*)::int as n from outage`.execute(db);
  return { outages: n.rows[0]!.n, windows: windows.rows.length, covered };
}

interface Workload {
  label: string;
  path: string;
  baseline: CompiledQuery;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const connections = Number(process.env.N3SP_BENCH_CONNECTIONS ?? 50_000);
  const london = DateTime.now().setZone('Europe/London');
  const month = london.minus({ months: 1 }).toFormat('yyyy-MM');
  const firstMonth = addMonths(month, -11);
  const yearFrom = new Date(monthPeriod(firstMonth).start);
  const yearTo = new Date(monthPeriod(month).end);

  const scratch = await scratchDatabase(ctx.engine, ctx.postgresUrl, 'availability');
  ctx.onCleanup(scratch.drop);
  const t0 = performance.now();
  const seeding = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir, poolSize: 1 });
  await migrate(seeding.db);
  const made = await generate(seeding.db, connections, yearFrom, yearTo);
  await seeding.close();
  const generateS = (performance.now() - t0) / 1000;
  ctx.log(`generated ${connections.toLocaleString('en-GB')} connections, ${made.outages.toLocaleString('en-GB')} outages and ${made.windows} windows (covering ${made.covered.toLocaleString('en-GB')} CIs) in ${generateS.toFixed(0)} s`);

  // The n3sp server as `n3sp serve` runs it, in this process (PGlite serves one process: the
  // baseline uses the same instance), on 127.0.0.1.
  const config = loadConfig({ ...process.env, DATABASE_URL: scratch.databaseUrl ?? '', N3SP_DATA_DIR: scratch.dataDir ?? '/nonexistent', N3SP_AUDIT_KEY: 'bench-audit-key-0123456789abcdef', N3SP_LOG_LEVEL: 'warn' });
  const rt = await openRuntime(config, { jobs: false, poolSize: 2 });
  ctx.onCleanup(() => rt.close());
  const user = await createUser(rt, SYSTEM_ACTOR, { username: 'bench', displayName: 'Benchmark', roles: ['administrator'] });
  const token = await createToken(rt, principalFor({ ...user, organisation_ids: [] }, 'token'), user.id, { name: 'bench' });
  const app = await buildApp(rt, { logger: { level: 'warn' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  ctx.onCleanup(() => app.close());
  const address = app.server.address();
  const client = httpClient(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, 1, { authorization: `Bearer ${token.token}` });
  ctx.onCleanup(async () => client.close());

  // The baseline: the statement the service builds, compiled once, sent through the driver in a
  // transaction with JIT off, as the service sends it.
  let execute: (q: CompiledQuery) => Promise<number>;
  if (scratch.databaseUrl) {
    const pool = new pg.Pool({ connectionString: scratch.databaseUrl, max: 1 });
    ctx.onCleanup(() => pool.end());
    execute = async (q) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('set local jit = off');
        const result = await client.query(q.sql, q.parameters as unknown[]);
        await client.query('commit');
        return result.rowCount ?? 0;
      } finally {
        client.release();
      }
    };
  } else {
    execute = (q) =>
      rt.db.transaction().execute(async (tx) => {
        await sql`set local jit = off`.execute(tx);
        return (await tx.executeQuery(q)).rows.length;
      });
  }
  const params = (buckets: string[]): ReportParams => ({
    buckets: buckets.map((m) => ({ label: m, start: new Date(monthPeriod(m).start), end: new Date(monthPeriod(m).end) })),
    asOf: new Date(),
    scope: { kind: 'network' },
    filters: {},
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- either report's derived table
  const page = (q: RawBuilder<any>, alias: string, sortKey: string, tie: string) =>
    rt.db.selectFrom(q.as(alias)).selectAll().orderBy(sql.ref(`${alias}.${sortKey}`), 'asc').orderBy(sql.ref(`${alias}.${tie}`), 'asc').limit(51).compile();
  const year = monthsBetween(firstMonth, month);
  const workloads: Workload[] = [
    { label: 'monthly report by organisation (first 50)', path: `/api/v1/availability?period=${month}&groupBy=organisation&limit=50`, baseline: page(groupsSql(params([month]), 'organisation'), 'g', 'availability', 'key') },
    { label: 'monthly report, network figure', path: `/api/v1/availability?period=${month}&groupBy=network`, baseline: page(groupsSql(params([month]), 'network'), 'g', 'availability', 'key') },
    { label: 'missed-target list (first 50)', path: `/api/v1/availability/missed?period=${month}&limit=50`, baseline: page(missedSql(params([month])), 'm', 'availability', 'id') },
    {
      label: 'a year month by month, by region',
      path: `/api/v1/availability/months?from=${firstMonth}&to=${month}&groupBy=region`,
      baseline: rt.db.selectFrom(groupsSql(params(year), 'region').as('g')).selectAll().orderBy('g.bucket').orderBy('g.key').compile(),
    },
  ];

  const first = JSON.parse((await client.expect(200, 'GET', workloads[0]!.path)).body) as { total: { connections: number; missed: number; availability: number; plannedMs: number; unplannedMs: number } };
  ctx.log(`${month}: ${first.total.connections.toLocaleString('en-GB')} connections, ${first.total.availability.toFixed(3)}% available, ${first.total.missed.toLocaleString('en-GB')} missed their target, planned ${(first.total.plannedMs / 3_600_000).toFixed(0)} h, unplanned ${(first.total.unplannedMs / 3_600_000).toFixed(0)} h`);

  const figures: Figure[] = [];
  const details: Record<string, unknown> = { connections, made, generateS, month, total: first.total };
  for (const w of workloads) {
    const time = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      await work();
      return performance.now() - start;
    };
    await client.expect(200, 'GET', w.path);
    await execute(w.baseline);
    const ours: number[] = [];
    const theirs: number[] = [];
    const until = performance.now() + ctx.durationS * 1000;
    while (ours.length < 5 || (performance.now() < until && ours.length < 1000)) {
      ours.push(await time(() => client.expect(200, 'GET', w.path)));
      theirs.push(await time(() => execute(w.baseline)));
    }
    ours.sort((a, b) => a - b);
    theirs.sort((a, b) => a - b);
    const m = { runs: ours.length, p50: percentile(ours, 0.5), p99: percentile(ours, 0.99), baseP50: percentile(theirs, 0.5), baseP99: percentile(theirs, 0.99) };
    ctx.log(`${w.label}: ${m.runs} runs, p50 ${m.p50.toFixed(0)} ms (baseline ${m.baseP50.toFixed(0)}), p99 ${m.p99.toFixed(0)} ms (baseline ${m.baseP99.toFixed(0)})`);
    figures.push({ label: `${w.label}, p50`, unit: 'ms', value: m.p50, baseline: m.baseP50, better: 'lower' });
    figures.push({ label: `${w.label}, p99`, unit: 'ms', value: m.p99, baseline: m.baseP99, better: 'lower' });
    details[w.label] = m;
  }
  return {
    baseline: 'the same SQL statement the service builds (compiled once), sent straight to the same database in a transaction with JIT off as the service sends it: through pg on PostgreSQL, through the same PGlite instance on PGlite; alternating with n3sp, one request at a time',
    figures,
    notes: [
      `${connections.toLocaleString('en-GB')} connections live all year, ${made.outages.toLocaleString('en-GB')} outages over the 12 months to ${month}, ${made.windows} maintenance windows covering ${made.covered.toLocaleString('en-GB')} CIs; generated in ${generateS.toFixed(0)} s.`,
      `${month}: ${first.total.availability.toFixed(3)}% across the network; ${first.total.missed.toLocaleString('en-GB')} connections missed their target.`,
      'n3sp = HTTP request with an API token, access check, validation, the report statement, shaping the JSON. One request at a time (--concurrency is not used).',
    ],
    details,
  };
}

const benchmark: Benchmark = {
  name: 'availability-report',
  description: 'monthly availability report for 50,000 connections over a year of outages, API beside raw SQL (N3SP_BENCH_CONNECTIONS to change)',
  run,
};
export default benchmark;
