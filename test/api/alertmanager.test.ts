import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { journalSize } from '../helpers/tenancy-fixtures.ts';
import { machineClient, makeMonitoredNetwork, type MonitoredNetwork } from '../helpers/monitoring-fixtures.ts';
import { ALERTMANAGER_BINARY, startAlertmanager, type RunningAlertmanager } from '../helpers/alertmanager.ts';
import type { ApiClient } from '../helpers/api-client.ts';

/**
 * n3sp behind a real Prometheus Alertmanager: alerts posted to Alertmanager's own API (v2), as
 * Prometheus does, reach n3sp through Alertmanager's webhook; n3sp's answer is checked in its
 * database and API. A second, unclustered Alertmanager fed the same alerts stands for the
 * duplicate deliveries of a highly available pair.
 */
// Skipped only on a machine without the package; in CI (which installs it) a missing binary fails.
const skip = !ALERTMANAGER_BINARY && !process.env.CI && 'prometheus-alertmanager is not installed here (apt-get install prometheus-alertmanager); .ci/run installs it, so CI runs this test';

describe('a real Alertmanager', { skip }, () => {
  let env: TestEnv;
  let desk: ApiClient;
  let primary: RunningAlertmanager;
  let secondary: RunningAlertmanager;
  let storm: MonitoredNetwork;
  let lone: MonitoredNetwork;
  const startsAt = new Date(Date.now() - 120_000).toISOString();

  before(async () => {
    env = await testEnv({ listen: true });
    await makeOrganisation(env, { name: 'N3SP Network Provider', kind: 'network_provider' });
    desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
    const manager = (await clientAs(env, { roles: ['service_manager'] })).api;
    const settings = await manager.get('/api/v1/monitoring/settings');
    const saved = await manager.request('PUT', '/api/v1/monitoring/settings', { ...settings.body, settleSeconds: 1 }, { 'if-match': settings.headers.etag as string });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const { token } = await machineClient(env);
    const webhook = { webhookUrl: `${env.url}/api/v1/integrations/alertmanager`, token };
    primary = await startAlertmanager(webhook);
    secondary = await startAlertmanager(webhook);
    storm = await makeMonitoredNetwork(env, { sites: 10 });
    lone = await makeMonitoredNetwork(env, { sites: 1 });
  });

  after(async () => {
    await primary?.stop();
    await secondary?.stop();
    await env?.close();
  });

  const stormAlerts = () => [
    { labels: { alertname: 'PopDown', pop: storm.pop.name, severity: 'critical' }, annotations: { summary: `${storm.pop.name} unreachable` }, startsAt },
    ...storm.sites.map((s) => ({ labels: { alertname: 'SiteDown', site: s.odsCode, severity: 'critical' }, annotations: { summary: `${s.name} unreachable` }, startsAt })),
    { labels: { alertname: 'SiteDown', site: lone.sites[0]!.odsCode, severity: 'critical' }, annotations: { summary: 'lone site unreachable' }, startsAt },
  ];

  async function ours() {
    const codes = [...storm.sites, ...lone.sites].map((s) => s.odsCode);
    const result = await sql<{ id: number; fingerprint: string; status: string; pending: boolean; group_id: number | null; disposition: string | null; site_id: number | null; ci_id: number | null }>`
      select id, fingerprint, status, pending, group_id, disposition, site_id, ci_id from alert
      where labels ->> 'site' = any(${codes}::text[]) or labels ->> 'pop' = ${storm.pop.name} order by id`.execute(env.rt.db);
    return result.rows;
  }

  async function incidents() {
    const result = await sql<{ id: number; major: boolean; parent_id: number | null; site_id: number | null; state: string }>`
      select distinct i.id, i.major, i.parent_id, i.site_id, i.state from incident i left join incident_ci ic on ic.incident_id = i.id
      where i.site_id = any(${[...storm.sites, ...lone.sites].map((s) => s.id)}::bigint[]) or ic.ci_id = ${storm.pop.id} order by i.id`.execute(env.rt.db);
    return result.rows;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- alertmanager:\n${primary.log().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  test('a PoP failure storm through Alertmanager ends as exactly one major incident with every affected site linked', async () => {
    await primary.postAlerts(stormAlerts());
    const alerts = await until('the 12 alerts, correlated', async () => {
      const rows = await ours();
      return rows.length === 12 && rows.every((r) => !r.pending && r.disposition !== null) && rows;
    });
    assert.ok(alerts.every((a) => a.ci_id !== null), 'every alert mapped to its CI');
    const all = await incidents();
    const majors = all.filter((i) => i.major);
    assert.equal(majors.length, 1, JSON.stringify(all));
    const stormAlertRows = alerts.filter((a) => a.site_id !== lone.sites[0]!.id);
    assert.equal(new Set(stormAlertRows.map((a) => a.group_id)).size, 1, 'the PoP and its ten sites in one correlation');
    const group = await desk.get(`/api/v1/monitoring/correlations/${stormAlertRows[0]!.group_id}`);
    assert.deepEqual({ kind: group.body.kind, sites: group.body.siteCount, alerts: group.body.alertCount, incident: group.body.incident.id, ci: group.body.ci.id }, { kind: 'major', sites: 10, alerts: 11, incident: majors[0]!.id, ci: storm.pop.id });
    const loneIncidents = all.filter((i) => i.site_id === lone.sites[0]!.id);
    assert.equal(loneIncidents.length, 1, 'the isolated site has its own incident');
    assert.equal(loneIncidents[0]!.major, false);
    assert.equal(loneIncidents[0]!.parent_id, null);
  });

  test('the same alerts delivered again by a second Alertmanager change nothing', async () => {
    const before = { alerts: await ours(), incidents: await incidents(), journal: await journalSize(env) };
    const payloads = async () => (await sql<{ n: number }>`select count(*)::int as n from alert_payload where accepted`.execute(env.rt.db)).rows[0]!.n;
    const delivered = await payloads();
    await secondary.postAlerts(stormAlerts());
    await until('the second Alertmanager to deliver both groups', async () => (await payloads()) >= delivered + 2);
    // Give a correlation run time to happen, had anything been scheduled.
    await new Promise((r) => setTimeout(r, 3000));
    const repeats = await sql<{ changed: number }>`select changed_count as changed from alert_payload where accepted order by id desc limit 2`.execute(env.rt.db);
    assert.deepEqual(repeats.rows.map((r) => r.changed), [0, 0]);
    assert.deepEqual(await ours(), before.alerts);
    assert.deepEqual(await incidents(), before.incidents);
    assert.equal(await journalSize(env), before.journal);
  });

  test('resolutions sent by Alertmanager resolve the alerts, and n3sp proposes resolving the incidents', async () => {
    const endsAt = new Date().toISOString();
    await primary.postAlerts(stormAlerts().map((a) => ({ ...a, endsAt })));
    await secondary.postAlerts(stormAlerts().map((a) => ({ ...a, endsAt })));
    const alerts = await until('every alert resolved and correlated', async () => {
      const rows = await ours();
      return rows.length === 12 && rows.every((r) => r.status === 'resolved' && !r.pending) && rows;
    });
    const groups = [...new Set(alerts.map((a) => a.group_id))];
    assert.equal(groups.length, 2);
    for (const id of groups) {
      const group = await until(`correlation ${id} clearing`, async () => {
        const read = await desk.get(`/api/v1/monitoring/correlations/${id}`);
        return read.body.state === 'clearing' && read.body;
      });
      assert.equal(group.firingCount, 0);
      assert.ok(group.resolveDueAt, 'resolution is due after the configured delay');
      const notes = await desk.get(`/api/v1/incidents/${group.incident.id}/notes`);
      assert.ok(notes.body.some((n: { body: string }) => n.body.includes('proposes resolving')));
    }
  });
});
