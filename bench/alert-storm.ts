// alert-storm: a core node failure as Alertmanager reports it — the core node, its 20 PoPs and
// the 20,000 sites behind them (N3SP_BENCH_STORM_SITES to change), plus a few isolated sites
// elsewhere — posted over HTTP to POST /api/v1/integrations/alertmanager in groups of up to 1,000
// alerts, as Alertmanager sends a group (group_by alertname and pop), several at once. Reports
// alerts taken per second by the intake beside the same rows inserted directly into the alert
// table in the same run (one multi-row INSERT per group, same concurrency), and the time from the
// last delivery's answer until correlation has made the incidents (one major incident on the core
// node, one incident per isolated site), beside the settle window it waits first. See docs/monitoring.md.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Benchmark, BenchContext, BenchResult } from './lib/benchmark.ts';
import { scratchDatabase } from './lib/databases.ts';
import { httpClient } from './lib/http.ts';
import { loadConfig } from '../src/core/config.ts';
import type { Db } from '../src/core/db/database.ts';
import { openRuntime } from '../src/core/runtime.ts';
import { buildApp } from '../src/core/http/app.ts';
import { inTransaction } from '../src/core/context.ts';
import { SYSTEM_ACTOR, SYSTEM_PRINCIPAL } from '../src/core/access/principal.ts';
import { createToken } from '../src/modules/identity/service.ts';
import { createUser } from '../src/modules/users/service.ts';
import { principalFor } from '../src/core/auth/principals.ts';
import { saveMonitoringSettings, monitoringSettings } from '../src/modules/monitoring/settings.ts';

const POPS = 20;
const GROUP = 1000;
const ISOLATED = 20;
const SETTLE_S = 2;

interface AmAlert {
  status: 'firing';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** The network: core node A with POPS PoPs of `perPop` single-homed sites; core node B with one PoP of ISOLATED * 10 sites. */
async function buildNetwork(db: Db, perPop: number) {
  await sql`insert into organisation (ods_code, name, kind, created_at, updated_at) values ('N3SP', 'N3SP NETWORK PROVIDER', 'network_provider', now(), now()), ('BENCH1', 'Bench practices', 'gp_practice', now(), now())`.execute(db);
  await sql`insert into configuration_item (kind, name, external_ref, state, attributes, created_at, updated_at)
    select 'core_node', 'Core ' || c, 'core-' || c, 'live', '{}', now(), now() from unnest(array['A', 'B']) c`.execute(db);
  await sql`insert into configuration_item (kind, name, external_ref, state, attributes, created_at, updated_at)
    select 'pop', 'PoP ' || p, 'pop-' || p, 'live', '{}', now(), now() from generate_series(0, ${POPS}) p`.execute(db);
  // PoPs 0..POPS-1 on core A, PoP POPS on core B.
  await sql`insert into ci_relation (source_id, target_id, kind, created_at, updated_at)
    select p.id, c.id, 'depends_on', now(), now() from configuration_item p
    join configuration_item c on c.external_ref = case when p.external_ref = ${`pop-${POPS}`} then 'core-B' else 'core-A' end
    where p.kind = 'pop'`.execute(db);
  const total = POPS * perPop + ISOLATED * 10;
  await sql`insert into site (organisation_id, ods_code, kind, name, created_at, updated_at)
    select (select id from organisation where ods_code = 'BENCH1'), 'S' || lpad(g::text, 7, '0'), 'other', 'Site ' || g, now(), now() from generate_series(0, ${total - 1}) g`.execute(db);
  await sql`insert into configuration_item (kind, name, site_id, organisation_id, state, attributes, created_at, updated_at)
    select k, initcap(replace(k, '_', ' ')) || ' ' || s.ods_code, s.id, s.organisation_id, 'live', '{}', now(), now()
    from site s cross join unnest(array['connection', 'site_router']) k`.execute(db);
  await sql`insert into ci_relation (source_id, target_id, kind, created_at, updated_at)
    select c.id, p.id, 'depends_on', now(), now() from configuration_item c join site s on s.id = c.site_id
    join configuration_item p on p.external_ref = 'pop-' || least(substr(s.ods_code, 2)::int / ${perPop}, ${POPS})
    where c.kind = 'connection'`.execute(db);
  await sql`insert into ci_relation (source_id, target_id, kind, created_at, updated_at)
    select r.id, c.id, 'depends_on', now(), now() from configuration_item r join configuration_item c on c.site_id = r.site_id and c.kind = 'connection'
    where r.kind = 'site_router'`.execute(db);
  await sql`analyze`.execute(db);
  return total;
}

function alert(labels: Record<string, string>, startsAt: string): AmAlert {
  return {
    status: 'firing',
    labels,
    annotations: { summary: `${labels.alertname} ${labels.site ?? labels.pop ?? labels.instance}` },
    startsAt,
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.bench/graph',
    fingerprint: randomBytes(8).toString('hex'),
  };
}

/** The deliveries Alertmanager would make: the core node's group, each PoP's group of PoP and site alerts in groups of up to GROUP. */
function storm(perPop: number, tag: string) {
  const startsAt = new Date().toISOString();
  const groups: AmAlert[][] = [[alert({ alertname: 'CoreDown', instance: 'core-A:9100', run: tag }, startsAt)]];
  for (let p = 0; p < POPS; p++) {
    const alerts = [alert({ alertname: 'PopDown', pop: `PoP ${p}`, run: tag }, startsAt)];
    for (let i = 0; i < perPop; i++) alerts.push(alert({ alertname: 'SiteDown', pop: `PoP ${p}`, site: `S${String(p * perPop + i).padStart(7, '0')}`, run: tag }, startsAt));
    for (let i = 0; i < alerts.length; i += GROUP) groups.push(alerts.slice(i, i + GROUP));
  }
  // A few isolated sites on the other core node, far apart: each its own incident.
  groups.push(Array.from({ length: ISOLATED }, (_, i) => alert({ alertname: 'SiteDown', pop: `PoP ${POPS}`, site: `S${String(POPS * perPop + i * 10).padStart(7, '0')}`, run: tag }, startsAt)));
  return groups;
}

const payload = (alerts: AmAlert[]) => ({ version: '4', receiver: 'n3sp', status: 'firing', groupKey: `{}:{alertname="${alerts[0]!.labels.alertname}", pop="${alerts[0]!.labels.pop ?? ''}"}`, groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager.bench', truncatedAlerts: 0, alerts });

async function inParallel<T>(items: T[], lanes: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!);
  }));
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const sites = Number(process.env.N3SP_BENCH_STORM_SITES ?? 20_000);
  const perPop = Math.ceil(sites / POPS);
  const lanes = Math.min(ctx.concurrency, 4);
  const scratch = await scratchDatabase(ctx.engine, ctx.postgresUrl, 'alertstorm');
  ctx.onCleanup(scratch.drop);
  const config = { ...loadConfig({ ...process.env, N3SP_AUDIT_KEY: randomBytes(16).toString('hex'), N3SP_SMTP_URL: '' }), databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir ?? 'memory://' };
  const rt = await openRuntime(config, { chainer: false, jobs: { pollMs: 100, concurrency: 2 }, poolSize: lanes + 4 });
  ctx.onCleanup(() => rt.close());
  const app = await buildApp(rt);
  await app.listen({ port: 0, host: '127.0.0.1' });
  ctx.onCleanup(() => app.close());
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const t0 = performance.now();
  const siteCount = await buildNetwork(rt.db, perPop);
  ctx.log(`network: ${siteCount} sites, ${POPS + 1} PoPs, 2 core nodes (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const user = await createUser(rt, SYSTEM_ACTOR, { username: 'alertmanager', displayName: 'Alertmanager', roles: ['administrator'], password: randomBytes(12).toString('hex') });
  const token = await createToken(rt, principalFor({ ...user, organisation_ids: [] }, 'token'), user.id, { name: 'bench', scopes: ['monitoring:write'] });
  const { settings, version } = await monitoringSettings(rt.db);
  await inTransaction(rt, (tx) => saveMonitoringSettings(tx, rt, SYSTEM_PRINCIPAL, version, { ...settings, settleSeconds: SETTLE_S }));
  const client = httpClient(`http://127.0.0.1:${port}`, lanes, { authorization: `Bearer ${token.token}` });

  // The baseline: the same rows (mapped CIs included, looked up once beforehand) inserted directly, one INSERT per group.
  const direct = storm(perPop, 'direct');
  const ciOfSite = new Map((await sql<{ ods_code: string; id: number; site_id: number; organisation_id: number }>`
    select s.ods_code, c.id, c.site_id, c.organisation_id from site s join configuration_item c on c.site_id = s.id and c.kind = 'site_router'`.execute(rt.db)).rows.map((r) => [r.ods_code, r]));
  await sql`insert into alert_payload (source, endpoint, accepted, body) values ('bench', 'alertmanager', true, '')`.execute(rt.db);
  const directCount = direct.reduce((n, g) => n + g.length, 0);
  const d0 = performance.now();
  await inParallel(direct, lanes, async (group) => {
    const rows = group.map((a) => {
      const ci = a.labels.site ? ciOfSite.get(a.labels.site) : undefined;
      return { fingerprint: a.fingerprint, starts_at: a.startsAt, status: a.status, alertname: a.labels.alertname, summary: a.annotations.summary, labels: a.labels, annotations: a.annotations, ci_id: ci?.id ?? null, site_id: ci?.site_id ?? null, organisation_id: ci?.organisation_id ?? null };
    });
    await rt.db.transaction().execute((tx) =>
      sql`insert into alert (source, fingerprint, starts_at, status, alertname, summary, labels, annotations, ci_id, site_id, organisation_id, first_payload_id, last_payload_id, pending)
        select 'bench-direct', x.fingerprint, x.starts_at, x.status, x.alertname, x.summary, x.labels, x.annotations, x.ci_id, x.site_id, x.organisation_id, 1, 1, false
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(fingerprint text, starts_at timestamptz, status text, alertname text, summary text, labels jsonb, annotations jsonb, ci_id bigint, site_id bigint, organisation_id bigint)`.execute(tx),
    );
  });
  const directRate = directCount / ((performance.now() - d0) / 1000);
  ctx.log(`direct: ${directCount} rows at ${directRate.toFixed(0)}/s`);

  // The storm through the intake.
  const groups = storm(perPop, 'intake');
  const count = groups.reduce((n, g) => n + g.length, 0);
  const i0 = performance.now();
  await inParallel(groups, lanes, async (group) => {
    await client.expect(200, 'POST', '/api/v1/integrations/alertmanager', payload(group));
  });
  const lastAnswer = performance.now();
  const intakeRate = count / ((lastAnswer - i0) / 1000);
  ctx.log(`intake: ${count} alerts in ${groups.length} deliveries at ${intakeRate.toFixed(0)}/s`);

  // Correlation: done when nothing is pending and the incidents are there.
  let correlatedAt = 0;
  for (;;) {
    const { rows } = await sql<{ pending: number; majors: number; sites: number }>`select
        (select count(*)::int from alert where pending) as pending,
        (select count(*)::int from alert_group where kind = 'major') as majors,
        (select count(*)::int from alert_group where kind = 'site') as sites`.execute(rt.db);
    if (rows[0]!.pending === 0 && rows[0]!.majors > 0) {
      correlatedAt = performance.now();
      break;
    }
    if (performance.now() - lastAnswer > 600_000) throw new Error(`correlation did not finish: ${JSON.stringify(rows[0])}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const latencyS = (correlatedAt - lastAnswer) / 1000;
  const { rows: outcome } = await sql<{ kind: string; groups: number; alerts: number; incidents: number }>`
    select g.kind, count(distinct g.id)::int as groups, count(a.id)::int as alerts, count(distinct g.incident_id)::int as incidents
    from alert_group g left join alert a on a.group_id = g.id group by g.kind order by g.kind`.execute(rt.db);
  // Each correlation run: how long after it was due it started (finished_at is the handler transaction's now(): its start).
  const { rows: runList } = await sql<{ due: Date; finished: Date }>`select run_at as due, finished_at as finished from job where kind = 'monitoring.correlate' and state = 'done' order by id`.execute(rt.db);
  const runs = [{ n: runList.length }];
  const runTimes = runList.map((r) => `${((new Date(r.finished).getTime() - new Date(r.due).getTime()) / 1000).toFixed(1)} s`).join(', ');
  ctx.log(`correlated ${latencyS.toFixed(2)} s after the last answer: ${JSON.stringify(outcome)}`);
  return {
    baseline: `the same ${directCount} alert rows inserted directly into the alert table, one INSERT per group of up to ${GROUP}, ${lanes} at a time; for correlation, the settle window it waits before starting`,
    figures: [
      { label: `alerts taken (${count} alerts, ${groups.length} deliveries, ${lanes} at a time)`, unit: 'per s', value: intakeRate, baseline: directRate, better: 'higher' },
      { label: 'last answer to correlated incidents', unit: 's', value: latencyS, baseline: SETTLE_S, better: 'lower' },
    ],
    notes: [
      `Outcome: ${outcome.map((o) => `${o.groups} ${o.kind} group(s) holding ${o.alerts} alerts`).join('; ')}.`,
      `Correlation runs: ${runs[0]!.n} (each started this long after it was due: ${runTimes}). Network: ${siteCount} sites, ${POPS + 1} PoPs, 2 core nodes.`,
    ],
    details: { sites: siteCount, count, deliveries: groups.length, lanes, intakeRate, directRate, latencyS, outcome, settleS: SETTLE_S },
  };
}

const benchmark: Benchmark = {
  name: 'alert-storm',
  description: 'an alert storm through the Alertmanager intake and correlation, beside direct inserts',
  run,
};
export default benchmark;
