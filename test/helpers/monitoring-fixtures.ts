import { sql } from 'kysely';
import { inTransaction } from '../../src/core/context.ts';
import { createToken } from '../../src/modules/identity/service.ts';
import { principalFor } from '../../src/core/auth/principals.ts';
import { receivePayload } from '../../src/modules/monitoring/intake.ts';
import type { TestEnv } from './harness.ts';
import { makeOrganisation, makeUser, SYSTEM, uniqueCode } from './factories.ts';
import { makeCi, makeRelation } from './cmdb-fixtures.ts';
import { makeSite } from './network-fixtures.ts';
import { makeIncident } from './incident-fixtures.ts';
import { ApiClient } from './api-client.ts';
import type { TenancyFixture } from './tenancy-fixtures.ts';

export interface MonitoredSite {
  id: number;
  name: string;
  odsCode: string;
  routerId: number;
  connectionCiId: number;
}

export interface MonitoredNetwork {
  organisation: { id: number; ods_code: string };
  core: { id: number; name: string };
  pop: { id: number; name: string; externalRef: string };
  sites: MonitoredSite[];
}

/**
 * A core node, a PoP on it and `sites` single-homed sites on the PoP: each site with an ODS code
 * (the `site` label), a connection CI on the PoP and a router depending on it.
 */
export async function makeMonitoredNetwork(env: TestEnv, options: { sites: number; organisationOdsCode?: string } = { sites: 5 }): Promise<MonitoredNetwork> {
  const organisation = options.organisationOdsCode
    ? (await env.rt.db.selectFrom('organisation').select(['id', 'ods_code']).where('ods_code', '=', options.organisationOdsCode).executeTakeFirstOrThrow())
    : await makeOrganisation(env, { name: `Monitored Practice ${uniqueCode('')}` });
  const code = uniqueCode('');
  const core = await makeCi(env, { kind: 'core_node', name: `Core ${code}`, state: 'live' });
  const popRef = `POP-${code}`;
  const pop = await makeCi(env, { kind: 'pop', name: `PoP ${code}`, externalRef: popRef, state: 'live' });
  await makeRelation(env, pop.id, core.id);
  const sites: MonitoredSite[] = [];
  for (let i = 0; i < options.sites; i++) {
    const site = await makeSite(env, organisation.ods_code, { name: `Surgery ${code}-${i}` });
    const odsCode = `M${code}${i}`.slice(0, 12);
    await sql`update site set ods_code = ${odsCode} where id = ${site.id}`.execute(env.rt.db);
    const connection = await makeCi(env, { kind: 'connection', name: `Circuit ${code}-${i}`, organisationOdsCode: organisation.ods_code, siteId: site.id, state: 'live' });
    const router = await makeCi(env, { kind: 'site_router', name: `Router ${code}-${i}`, organisationOdsCode: organisation.ods_code, siteId: site.id, externalRef: `rtr-${code}-${i}`.toLowerCase(), state: 'live' });
    await makeRelation(env, connection.id, pop.id);
    await makeRelation(env, router.id, connection.id);
    sites.push({ id: site.id, name: site.name, odsCode, routerId: router.id, connectionCiId: connection.id });
  }
  return { organisation, core: { id: core.id, name: core.name }, pop: { id: pop.id, name: pop.name, externalRef: popRef }, sites };
}

export interface AmAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** An alert as Alertmanager puts it in a webhook payload. */
export function amAlert(labels: Record<string, string>, options: { status?: 'firing' | 'resolved'; startsAt?: Date; endsAt?: Date; fingerprint?: string } = {}): AmAlert {
  const status = options.status ?? 'firing';
  return {
    status,
    labels,
    annotations: { summary: `${labels.alertname ?? 'Alert'} on ${Object.values(labels).join(' ')}` },
    startsAt: (options.startsAt ?? new Date(Date.now() - 60_000)).toISOString(),
    endsAt: status === 'resolved' ? (options.endsAt ?? new Date()).toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example/graph',
    fingerprint: options.fingerprint ?? Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(',').slice(0, 200),
  };
}

export function amPayload(alerts: AmAlert[], groupKey = '{}:{alertname="SiteDown"}') {
  return {
    receiver: 'n3sp',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example',
    version: '4',
    groupKey,
    truncatedAlerts: 0,
  };
}

/** A machine's API client: an administrator's token narrowed to monitoring:write, as the docs tell. */
export async function machineClient(env: TestEnv) {
  const user = await makeUser(env, { roles: ['administrator'], username: `alertmanager-${uniqueCode('').toLowerCase()}` });
  const owner = principalFor({ ...user, organisation_ids: [] }, 'token');
  const token = await createToken(env.rt, owner, user.id, { name: 'alertmanager', scopes: ['monitoring:write'] });
  return { user, token: token.token, api: new ApiClient(env.app, { authorization: `Bearer ${token.token}` }) };
}

/** Runs every job due by `minutes` from now (correlation after its settle window, auto-resolution). */
export async function runJobs(env: TestEnv, minutes = 1) {
  await env.rt.jobs!.drain({ now: new Date(Date.now() + minutes * 60_000) });
}

/** Tenancy fixtures for monitoring: alerts, correlations, payloads, mapping rules and settings. */
export const MONITORING_TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  alert: {
    async create(env, owner) {
      const network = await makeMonitoredNetwork(env, { sites: 1, organisationOdsCode: owner.organisation.ods_code });
      const site = network.sites[0]!;
      const fingerprint = `foreign-${uniqueCode('')}`;
      await receivePayload(env.rt, SYSTEM, 'alertmanager', JSON.stringify(amPayload([amAlert({ alertname: 'SiteDown', site: site.odsCode }, { fingerprint })])));
      // Correlate now: a run left for later would journal in the middle of someone else's test.
      await runJobs(env);
      const alert = (await sql<{ id: number }>`select id from alert where fingerprint = ${fingerprint}`.execute(env.rt.db)).rows[0]!;
      return {
        params: { id: alert.id },
        marker: fingerprint,
        createBody: amPayload([amAlert({ alertname: 'Intruder', site: site.odsCode })]),
      };
    },
  },
  alert_group: {
    async create(env, owner) {
      const { site, incident } = await makeIncident(env, owner.organisation.ods_code);
      const ci = await makeCi(env, { kind: 'site_router', name: `Foreign router ${uniqueCode('')}`, organisationOdsCode: owner.organisation.ods_code, siteId: site.id });
      const group = await inTransaction(env.rt, (tx) =>
        sql<{ id: number }>`insert into alert_group (kind, ci_id, site_id, incident_id, opened_incident, organisation_id)
          values ('site', ${ci.id}, ${site.id}, ${incident.id}, true, ${owner.organisation.id}) returning id`.execute(tx),
      );
      return { params: { id: group.rows[0]!.id }, marker: ci.name, createBody: {} };
    },
  },
  alert_payload: {
    async create(env) {
      const marker = `foreign-payload-${uniqueCode('')}`;
      const result = await receivePayload(env.rt, SYSTEM, 'events', JSON.stringify({ source: 'nagios', events: [{ fingerprint: marker, status: 'firing', startsAt: new Date().toISOString(), labels: { host: marker } }] }));
      await runJobs(env);
      return { params: { id: result.payloadId }, marker, createBody: {} };
    },
  },
  alert_mapping_rule: {
    async create(env) {
      const label = `foreign_${uniqueCode('').toLowerCase()}`;
      const rule = await inTransaction(env.rt, (tx) =>
        sql<{ id: number }>`insert into alert_mapping_rule (position, label, lookup) values (${100_000 + Math.floor(Math.random() * 800_000)}, ${label}, 'ci') returning id`.execute(tx),
      );
      return {
        params: { id: rule.rows[0]!.id },
        marker: label,
        createBody: { position: 999_999, label: 'intruder', lookup: 'ci' },
        updateBody: { active: false },
      };
    },
  },
  // The correlation settings are the network's: an outsider neither reads nor changes them.
  monitoring_settings: {
    async create() {
      return { params: {}, marker: 'inferredRootMinShare', createBody: {}, actionBodies: {} };
    },
  },
};
