import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEnv, onPostgres, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { journalSize } from '../helpers/tenancy-fixtures.ts';
import { makeIncident } from '../helpers/incident-fixtures.ts';
import { makeLiveConnection, planWindow } from '../helpers/availability-fixtures.ts';
import { makeCi, makeRelation } from '../helpers/cmdb-fixtures.ts';
import { amAlert, amPayload, machineClient, makeMonitoredNetwork, runJobs, type MonitoredNetwork } from '../helpers/monitoring-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { openRuntime } from '../../src/core/runtime.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';

/**
 * Monitoring intake and correlation, through the API as Alertmanager and the service desk use
 * it: deliveries repeated and out of order, a PoP failure storm ending as one major incident,
 * isolated sites, flapping, and resolution once the alerts clear.
 */
let env: TestEnv;
let machine: ApiClient;
let desk: ApiClient;
let manager: ApiClient;

before(async () => {
  env = await testEnv();
  machine = (await machineClient(env)).api;
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  // Logged under the network provider, as in production.
  await makeOrganisation(env, { name: 'N3SP Network Provider', kind: 'network_provider' });
});
after(() => env.close());

const post = (payload: unknown) => machine.post('/api/v1/integrations/alertmanager', payload);
const siteDown = (network: MonitoredNetwork, i: number, options: Parameters<typeof amAlert>[1] = {}) => amAlert({ alertname: 'SiteDown', site: network.sites[i]!.odsCode, severity: 'critical' }, options);
const popDown = (network: MonitoredNetwork, options: Parameters<typeof amAlert>[1] = {}) => amAlert({ alertname: 'PopDown', pop: network.pop.name }, options);

async function incidentsAt(network: MonitoredNetwork) {
  const result = await sql<{ id: number; number: string; state: string; major: boolean; parent_id: number | null; site_id: number | null; source: string }>`
    select distinct i.id, i.number, i.state, i.major, i.parent_id, i.site_id, i.source from incident i
    left join incident_ci ic on ic.incident_id = i.id
    where i.site_id = any(${network.sites.map((s) => s.id)}::bigint[]) or ic.ci_id in (${network.pop.id}, ${network.core.id})
    order by i.id`.execute(env.rt.db);
  return result.rows;
}

async function alertsOf(fingerprints: string[]) {
  const result = await sql<{ id: number; status: string; group_id: number | null; disposition: string | null; ci_id: number | null }>`
    select id, status, group_id, disposition, ci_id from alert where fingerprint = any(${fingerprints}::text[]) order by id`.execute(env.rt.db);
  return result.rows;
}

describe('intake', () => {
  test('only a caller holding monitoring:write posts alerts; staff read them', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    const body = amPayload([siteDown(network, 0)]);
    assert.equal((await desk.post('/api/v1/integrations/alertmanager', body)).status, 403);
    assert.equal((await env.app.inject({ method: 'POST', url: '/api/v1/integrations/alertmanager', payload: body })).statusCode, 401);
    const accepted = await post(body);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.deepEqual({ alerts: accepted.body.alerts, changed: accepted.body.changed }, { alerts: 1, changed: 1 });
    const listed = await desk.get(`/api/v1/monitoring/alerts?siteId=${network.sites[0]!.id}`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.items[0].ci.id, network.sites[0]!.routerId, 'the site label named the site router');
    assert.equal(listed.body.items[0].mappedBy, 'site');
    const customer = (await clientAs(env, { roles: ['customer'], organisations: [network.organisation.ods_code] })).api;
    assert.equal((await customer.get('/api/v1/monitoring/alerts')).status, 403);
  });

  test('the same payload posted ten times changes nothing after the first', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 2 });
    const body = amPayload([siteDown(network, 0), siteDown(network, 1)]);
    const first = await post(body);
    assert.equal(first.body.changed, 2);
    await runJobs(env);
    const incidents = await incidentsAt(network);
    assert.equal(incidents.length, 2, 'two isolated sites, two incidents');
    const journal = await journalSize(env);
    const alerts = await alertsOf(body.alerts.map((a) => a.fingerprint));
    for (let i = 0; i < 9; i++) {
      const again = await post(body);
      assert.equal(again.status, 200);
      assert.equal(again.body.changed, 0);
    }
    await runJobs(env);
    assert.deepEqual(await alertsOf(body.alerts.map((a) => a.fingerprint)), alerts);
    assert.deepEqual(await incidentsAt(network), incidents);
    assert.equal(await journalSize(env), journal, 'no journal entry: nothing changed');
    const payloads = await desk.get('/api/v1/monitoring/payloads?limit=10');
    assert.equal(payloads.body.items.filter((p: { changedCount: number }) => p.changedCount === 0).length >= 9, true, 'each delivery is logged');
  });

  test('a payload n3sp cannot read is answered 400 with the reason, and kept for inspection', async () => {
    const broken = '{"version": "4", "alerts": [';
    const response = await machine.request('POST', '/api/v1/integrations/alertmanager', broken, { 'content-type': 'application/json' });
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'body');
    const wrongVersion = await post({ version: '3', alerts: [] });
    assert.equal(wrongVersion.status, 400);
    assert.equal(wrongVersion.body.errors[0].field, 'version');
    const badAlert = await post(amPayload([{ ...amAlert({ alertname: 'X' }), startsAt: 'soon' }]));
    assert.equal(badAlert.body.errors[0].field, 'alerts.0.startsAt');
    const refused = await desk.get('/api/v1/monitoring/payloads?accepted=false&limit=3');
    assert.equal(refused.body.items.length, 3);
    assert.match(refused.body.items[0].reason, /^alerts\.0\.startsAt: /);
    const kept = await desk.get(`/api/v1/monitoring/payloads/${refused.body.items[2].id}`);
    assert.equal(kept.body.body, broken);
  });

  test('unknown fields are ignored, in the payload and in each alert', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    const response = await post({ ...amPayload([Object.assign(siteDown(network, 0), { newField: { nested: true } })]), somethingAlertmanagerAddsLater: 1 });
    assert.equal(response.status, 200);
    assert.equal(response.body.changed, 1);
  });

  test('a generic event endpoint for other monitoring systems, idempotent in the same way', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    const event = { source: 'nagios', events: [{ fingerprint: `nagios-${network.sites[0]!.odsCode}`, status: 'firing', startsAt: new Date(Date.now() - 30_000).toISOString(), labels: { instance: `${`rtr-${network.sites[0]!.name.split(' ')[1]}`.toLowerCase()}:9100` }, alertname: 'HostDown', summary: 'No ping' }] };
    const first = await machine.post('/api/v1/integrations/events', event);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.changed, 1);
    assert.equal((await machine.post('/api/v1/integrations/events', event)).body.changed, 0);
    const listed = await desk.get('/api/v1/monitoring/alerts?source=nagios');
    const alert = listed.body.items.find((a: { fingerprint: string }) => a.fingerprint === event.events[0]!.fingerprint);
    assert.equal(alert.ci.id, network.sites[0]!.routerId, 'the instance label, port stripped by the rule pattern, named the router');
    assert.equal(alert.mappedBy, 'instance');
    assert.equal((await machine.post('/api/v1/integrations/events', { events: [] })).body.errors[0].field, 'source');
  });
});

describe('out-of-order deliveries', () => {
  test('a resolution arriving before its firing opens nothing, and the late firing does not reopen it', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    const startsAt = new Date(Date.now() - 120_000);
    const resolved = siteDown(network, 0, { status: 'resolved', startsAt, endsAt: new Date(Date.now() - 30_000) });
    const firing = siteDown(network, 0, { startsAt });
    assert.equal((await post(amPayload([resolved]))).body.changed, 1);
    assert.equal((await post(amPayload([firing]))).body.changed, 0, 'firing after resolved changes nothing');
    await runJobs(env);
    const [alert] = await alertsOf([firing.fingerprint]);
    assert.equal(alert!.status, 'resolved');
    assert.equal(alert!.group_id, null);
    assert.deepEqual(await incidentsAt(network), []);
  });

  test('a firing after its resolution (same startsAt) does not reopen the incident the alert opened', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    const startsAt = new Date(Date.now() - 120_000);
    await post(amPayload([siteDown(network, 0, { startsAt })]));
    await runJobs(env);
    await post(amPayload([siteDown(network, 0, { startsAt, status: 'resolved' })]));
    await runJobs(env);
    assert.equal((await post(amPayload([siteDown(network, 0, { startsAt })]))).body.changed, 0);
    await runJobs(env);
    const [alert] = await alertsOf([siteDown(network, 0).fingerprint]);
    assert.equal(alert!.status, 'resolved');
    const group = await desk.get(`/api/v1/monitoring/correlations/${alert!.group_id}`);
    assert.equal(group.body.state, 'clearing', 'still proposing resolution: the stale firing did not count');
    assert.equal(group.body.firingCount, 0);
  });

  test('both orders within one payload: resolved wins', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    const startsAt = new Date(Date.now() - 60_000);
    const response = await post(amPayload([siteDown(network, 0, { startsAt, status: 'resolved' }), siteDown(network, 0, { startsAt })]));
    assert.deepEqual({ alerts: response.body.alerts, changed: response.body.changed }, { alerts: 1, changed: 1 });
    assert.equal((await alertsOf([siteDown(network, 0).fingerprint]))[0]!.status, 'resolved');
  });
});

describe('correlation', () => {
  test('an isolated site opens its own incident; its next alert updates that incident', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 3 });
    await post(amPayload([siteDown(network, 0)]));
    await runJobs(env);
    const [incident] = await incidentsAt(network);
    assert.ok(incident);
    assert.deepEqual({ source: incident.source, major: incident.major, site: incident.site_id }, { source: 'monitoring', major: false, site: network.sites[0]!.id });
    const read = await desk.get(`/api/v1/incidents/${incident.id}`);
    assert.deepEqual(read.body.cis.map((c: { id: number }) => c.id), [network.sites[0]!.routerId]);
    await post(amPayload([amAlert({ alertname: 'HighLatency', site: network.sites[0]!.odsCode })]));
    await runJobs(env);
    assert.equal((await incidentsAt(network)).length, 1, 'the same incident was updated');
    const notes = await desk.get(`/api/v1/incidents/${incident.id}/notes`);
    assert.ok(notes.body.some((n: { kind: string; body: string }) => n.kind === 'work_note' && n.body.includes('HighLatency')), JSON.stringify(notes.body));
  });

  test('a PoP failure storm ends as exactly one major incident with every affected site linked', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 8 });
    // Two sites alert first, alone: each gets its own incident.
    await post(amPayload([siteDown(network, 0), siteDown(network, 1)]));
    await runJobs(env);
    assert.equal((await incidentsAt(network)).length, 2);
    // Then the storm, in several deliveries and correlation runs, the PoP's own alert last.
    await post(amPayload([2, 3, 4].map((i) => siteDown(network, i))));
    await runJobs(env);
    await post(amPayload([5, 6].map((i) => siteDown(network, i))));
    await post(amPayload([popDown(network)], '{}:{alertname="PopDown"}'));
    await runJobs(env);
    await post(amPayload([siteDown(network, 7)]));
    await runJobs(env);
    const incidents = await incidentsAt(network);
    const majors = incidents.filter((i) => i.major);
    assert.equal(majors.length, 1, JSON.stringify(incidents));
    const major = await desk.get(`/api/v1/incidents/${majors[0]!.id}`);
    assert.deepEqual(major.body.cis.map((c: { id: number }) => c.id), [network.pop.id], 'on the PoP');
    assert.equal(major.body.organisation.name, 'N3SP Network Provider');
    assert.deepEqual(major.body.children.map((c: { id: number }) => c.id).sort(), incidents.filter((i) => !i.major).map((i) => i.id).sort(), 'the earlier site incidents are linked to it');
    const fingerprints = [...network.sites.map((_, i) => siteDown(network, i).fingerprint), popDown(network).fingerprint];
    const alerts = await alertsOf(fingerprints);
    assert.equal(alerts.length, 9);
    const groups = new Set(alerts.map((a) => a.group_id));
    assert.equal(groups.size, 1, 'every alert of the storm is in the major incident');
    const correlation = await desk.get(`/api/v1/monitoring/correlations/${[...groups][0]}`);
    assert.equal(correlation.body.kind, 'major');
    assert.equal(correlation.body.siteCount, 8);
    assert.equal(correlation.body.incident.id, majors[0]!.id);
    const byIncident = await desk.get(`/api/v1/monitoring/alerts?incidentId=${majors[0]!.id}&limit=50`);
    assert.equal(byIncident.body.items.length, 9);
  });

  test('sites alone, their PoP silent but their only shared dependency: a major incident on the PoP', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 4 });
    await post(amPayload([0, 1, 2, 3].map((i) => siteDown(network, i))));
    await runJobs(env);
    const incidents = await incidentsAt(network);
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0]!.major, true);
    const group = (await desk.get(`/api/v1/monitoring/correlations?kind=major&ciId=${network.pop.id}`)).body.items[0];
    assert.equal(group.reason, 'only shared dependency');
  });

  test('when the alerts clear, n3sp proposes resolving, then resolves what it opened after the delay', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 3 });
    const alerts = [popDown(network), ...[0, 1, 2].map((i) => siteDown(network, i))];
    await post(amPayload(alerts));
    await runJobs(env);
    const [major] = (await incidentsAt(network)).filter((i) => i.major);
    await post(amPayload(alerts.slice(0, 3).map((a) => ({ ...a, status: 'resolved', endsAt: new Date().toISOString() }))));
    await runJobs(env);
    let group = (await desk.get(`/api/v1/monitoring/correlations?ciId=${network.pop.id}`)).body.items[0];
    assert.equal(group.state, 'open', 'one alert still firing');
    await post(amPayload([{ ...alerts[3]!, status: 'resolved', endsAt: new Date().toISOString() }]));
    await runJobs(env);
    group = (await desk.get(`/api/v1/monitoring/correlations/${group.id}`)).body;
    assert.equal(group.state, 'clearing');
    assert.ok(group.resolveDueAt);
    const notes = await desk.get(`/api/v1/incidents/${major!.id}/notes`);
    assert.ok(notes.body.some((n: { body: string }) => n.body.includes('proposes resolving')));
    assert.equal((await desk.get(`/api/v1/incidents/${major!.id}`)).body.state, 'new', 'not yet');
    await runJobs(env, 20);
    const resolved = await desk.get(`/api/v1/incidents/${major!.id}`);
    assert.equal(resolved.body.state, 'resolved');
    assert.equal(resolved.body.resolutionCode, 'no_fault_found');
    assert.equal((await desk.get(`/api/v1/monitoring/correlations/${group.id}`)).body.state, 'cleared');
  });

  test('flapping: an alert that resolves and fires again within the damping window reuses its incident', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    const first = new Date(Date.now() - 300_000);
    await post(amPayload([siteDown(network, 0, { startsAt: first })]));
    await runJobs(env);
    await post(amPayload([siteDown(network, 0, { startsAt: first, status: 'resolved', endsAt: new Date(Date.now() - 200_000) })]));
    await runJobs(env);
    // Fires again 2 minutes after it resolved: a new occurrence (new startsAt), the same fault.
    await post(amPayload([siteDown(network, 0, { startsAt: new Date(Date.now() - 80_000) })]));
    await runJobs(env);
    const incidents = await incidentsAt(network);
    assert.equal(incidents.length, 1, 'no second incident');
    const group = (await desk.get(`/api/v1/monitoring/correlations?kind=site&ciId=${network.sites[0]!.routerId}`)).body.items[0];
    assert.equal(group.state, 'open', 'no longer proposing resolution');
    assert.equal(group.alertCount, 2);
  });

  test('flapping after n3sp resolved the incident reopens it rather than opening another', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    await manager.request('PUT', '/api/v1/monitoring/settings', { ...(await manager.get('/api/v1/monitoring/settings')).body, autoResolveMinutes: 10, dampingMinutes: 10 }, { 'if-match': (await manager.get('/api/v1/monitoring/settings')).headers.etag as string });
    try {
      const startsAt = new Date(Date.now() - 60_000);
      await post(amPayload([siteDown(network, 0, { startsAt })]));
      await runJobs(env);
      await post(amPayload([siteDown(network, 0, { startsAt, status: 'resolved', endsAt: new Date() })]));
      await runJobs(env);
      await runJobs(env, 11);
      const [incident] = await incidentsAt(network);
      assert.equal(incident!.state, 'resolved');
      // Fires again within ten minutes of its resolution.
      await post(amPayload([siteDown(network, 0, { startsAt: new Date(Date.now() + 5 * 60_000) })]));
      await runJobs(env, 12);
      const after = await incidentsAt(network);
      assert.equal(after.length, 1);
      assert.equal(after[0]!.state, 'in_progress', 'reopened');
    } finally {
      const current = await manager.get('/api/v1/monitoring/settings');
      await manager.request('PUT', '/api/v1/monitoring/settings', { ...current.body, autoResolveMinutes: 15 }, { 'if-match': current.headers.etag as string });
    }
  });

  test('an alert with no CI found is listed as unmapped and opens nothing', async () => {
    const response = await post(amPayload([amAlert({ alertname: 'Mystery', site: 'NOWHERE1' })]));
    assert.equal(response.status, 200);
    await runJobs(env);
    const unmapped = await desk.get('/api/v1/monitoring/alerts?mapped=false&q=Mystery');
    assert.match(unmapped.body.items[0].disposition, /^unmapped/);
    assert.equal(unmapped.body.items[0].incident, null);
  });

  test('a site already with an open incident logged by the desk: monitoring updates it and only proposes resolving it', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    const logged = await makeIncident(env, network.organisation.ods_code);
    await sql`update incident set site_id = ${network.sites[0]!.id} where id = ${logged.incident.id}`.execute(env.rt.db);
    const startsAt = new Date(Date.now() - 60_000);
    await post(amPayload([siteDown(network, 0, { startsAt })]));
    await runJobs(env);
    const incidents = await incidentsAt(network);
    assert.deepEqual(incidents.map((i) => i.id), [logged.incident.id]);
    const group = (await desk.get(`/api/v1/monitoring/correlations?kind=site&ciId=${network.sites[0]!.routerId}`)).body.items[0];
    assert.equal(group.openedIncident, false);
    await post(amPayload([siteDown(network, 0, { startsAt, status: 'resolved' })]));
    await runJobs(env);
    assert.equal((await desk.get(`/api/v1/monitoring/correlations/${group.id}`)).body.state, 'clearing');
    await runJobs(env, 30);
    assert.equal((await desk.get(`/api/v1/incidents/${logged.incident.id}`)).body.state, 'new', 'left to the desk');
  });
});

describe('outages and maintenance', () => {
  async function circuitOnPop() {
    const organisation = await makeOrganisation(env);
    const connection = await makeLiveConnection(env, organisation.ods_code);
    const pop = await makeCi(env, { kind: 'pop', name: `PoP for ${connection.site.name}`, state: 'live' });
    await makeRelation(env, connection.ciId, pop.id);
    const { circuit_reference } = await env.rt.db.selectFrom('connection').select('circuit_reference').where('id', '=', connection.id).executeTakeFirstOrThrow();
    return { connection, pop, circuit: circuit_reference! };
  }
  const outagesOf = async (connectionId: number) =>
    (await sql<{ alert_id: number; planned: boolean; started_at: Date; ended_at: Date | null }>`select alert_id, planned, started_at, ended_at from outage where connection_id = ${connectionId} order by id`.execute(env.rt.db)).rows;

  test("an alert on a connection's circuit opens its outage at the alert's start and ends it at the alert's end", async () => {
    const { connection, circuit } = await circuitOnPop();
    const startsAt = new Date(Date.now() - 600_000);
    const endsAt = new Date(Date.now() - 60_000);
    await post(amPayload([amAlert({ alertname: 'CircuitDown', circuit }, { startsAt })]));
    await runJobs(env);
    const [opened] = await outagesOf(connection.id);
    assert.deepEqual({ planned: opened!.planned, started: new Date(opened!.started_at).toISOString(), ended: opened!.ended_at }, { planned: false, started: startsAt.toISOString(), ended: null });
    const [incident] = (await sql<{ connection_id: number; site_id: number }>`select connection_id, site_id from incident where connection_id = ${connection.id}`.execute(env.rt.db)).rows;
    assert.equal(incident!.site_id, connection.site.id, "the site's incident names the connection");
    await post(amPayload([amAlert({ alertname: 'CircuitDown', circuit }, { startsAt, status: 'resolved', endsAt })]));
    await runJobs(env);
    assert.equal(new Date((await outagesOf(connection.id))[0]!.ended_at!).toISOString(), endsAt.toISOString());
  });

  test('alerts under a maintenance window open no incident, and their outage is planned', async () => {
    const { connection, pop, circuit } = await circuitOnPop();
    await planWindow(env, { ciIds: [pop.id], startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString(), title: 'PoP line card swap' });
    await post(amPayload([amAlert({ alertname: 'CircuitDown', circuit }), amAlert({ alertname: 'PopDown', pop: pop.name })]));
    await runJobs(env);
    const alerts = await desk.get(`/api/v1/monitoring/alerts?q=Down&ciId=${connection.ciId}`);
    assert.equal(alerts.body.items[0].disposition, 'maintenance: PoP line card swap');
    assert.equal(alerts.body.items[0].incident, null);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from incident where site_id = ${connection.site.id}`.execute(env.rt.db)).rows[0]!.n, 0);
    assert.equal((await outagesOf(connection.id))[0]!.planned, true);
  });
});

describe('configuration', () => {
  test('mapping rules: a service manager adds one, and alerts carrying its label map by it', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 1 });
    const rules = await desk.get('/api/v1/monitoring/mapping-rules');
    assert.deepEqual(rules.body.items.map((r: { label: string }) => r.label), ['n3sp_ci', 'circuit', 'site', 'pop', 'instance']);
    assert.equal((await desk.post('/api/v1/monitoring/mapping-rules', { position: 60, label: 'router', lookup: 'ci' })).status, 403);
    assert.equal((await manager.post('/api/v1/monitoring/mapping-rules', { position: 61, label: 'router', lookup: 'ci', pattern: '(' })).body.errors[0].field, 'pattern');
    const created = await manager.post('/api/v1/monitoring/mapping-rules', { position: 60, label: 'router', lookup: 'ci', ciKind: 'site_router' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await manager.post('/api/v1/monitoring/mapping-rules', { position: 60, label: 'other', lookup: 'ci' })).status, 409);
    const routerName = `Router ${network.sites[0]!.name.split(' ')[1]}`;
    await post(amPayload([amAlert({ alertname: 'RouterCpu', router: routerName })]));
    const listed = await desk.get('/api/v1/monitoring/alerts?q=RouterCpu');
    assert.equal(listed.body.items[0].mappedBy, 'router');
    assert.equal(listed.body.items[0].ci.id, network.sites[0]!.routerId);
    const changed = await manager.patch(`/api/v1/monitoring/mapping-rules/${created.body.id}`, { active: false }, { 'if-match': created.headers.etag as string });
    assert.equal(changed.status, 200);
    assert.equal((await manager.delete(`/api/v1/monitoring/mapping-rules/${created.body.id}`, { 'if-match': changed.headers.etag as string })).status, 204);
  });

  test('settings: read by staff, changed by a service manager with If-Match, refused field by field', async () => {
    const read = await desk.get('/api/v1/monitoring/settings');
    assert.equal(read.status, 200);
    assert.equal(read.body.minSites, 3);
    assert.equal((await desk.request('PUT', '/api/v1/monitoring/settings', read.body, { 'if-match': read.headers.etag as string })).status, 403);
    const bad = await manager.request('PUT', '/api/v1/monitoring/settings', { ...read.body, majorImpact: 'apocalyptic', autoResolveMinutes: 1 }, { 'if-match': read.headers.etag as string });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['autoResolveMinutes', 'majorImpact']);
    const stale = await manager.request('PUT', '/api/v1/monitoring/settings', read.body, { 'if-match': '"999"' });
    assert.equal(stale.status, 412);
  });
});

describe('two n3sp processes', { skip: !onPostgres() && 'needs a PostgreSQL server' }, () => {
  test('a storm correlated by two processes at once still makes exactly one major incident', async () => {
    const network = await makeMonitoredNetwork(env, { sites: 6 });
    const other = await openRuntime(env.config, { migrate: false, chainer: false, jobs: false });
    try {
      // Deliveries land while both workers poll: each takes what it can, the advisory lock orders them.
      const a = new JobWorker(env.rt, { pollMs: 5, concurrency: 4 });
      const b = new JobWorker(other, { pollMs: 5, concurrency: 4 });
      await Promise.all(network.sites.map((_, i) => post(amPayload([siteDown(network, i)]))));
      await post(amPayload([popDown(network)]));
      const later = { now: new Date(Date.now() + 60_000) };
      await Promise.all([a.drain(later), b.drain(later), a.drain(later), b.drain(later)]);
      const majors = (await incidentsAt(network)).filter((i) => i.major);
      assert.equal(majors.length, 1);
      const alerts = await alertsOf([...network.sites.map((_, i) => siteDown(network, i).fingerprint), popDown(network).fingerprint]);
      assert.equal(new Set(alerts.map((x) => x.group_id)).size, 1);
    } finally {
      await other.close();
    }
  });
});
