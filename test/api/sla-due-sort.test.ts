import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { makeSite } from '../helpers/network-fixtures.ts';
import { makeTeam } from '../helpers/incident-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { migrationFiles } from '../../src/core/db/migrate.ts';

/**
 * Sorting by SLA due (sort=slaDueAt) is by the next customer-facing target the record runs
 * towards, response or resolution: an unanswered P1 whose response falls due in 15 minutes leads
 * incidents whose resolution falls due before its own. `sla_due_at` keeps that instant on the row;
 * migration 0017 set it on the rows that existed before.
 */

let env: TestEnv;
let desk: ApiClient;
let approver: ApiClient;
let team: { id: number };

before(async () => {
  env = await testEnv();
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  approver = (await clientAs(env, { roles: ['change_approver'] })).api;
  team = await makeTeam(env);
});
after(() => env.close());

interface Clock {
  kind: string;
  metric: string;
  dueAt: string | null;
}
/** An incident or a service request, as far as these tests read it. */
interface Ticket {
  id: number;
  number: string;
  version: number;
  slaDueAt: string | null;
  clocks: Clock[];
}

/** When the record's SLA target of that metric falls due, as its clocks say. */
const dueOf = (record: Ticket, metric: 'response' | 'resolution') => record.clocks.find((c) => c.kind === 'sla' && c.metric === metric)!.dueAt!;

/** A place of its own for each test, so that its queue holds only its own records. */
async function practice() {
  const organisation = await makeOrganisation(env);
  return { ods: organisation.ods_code, site: await makeSite(env, organisation.ods_code) };
}

async function logIncident(siteId: number, extra: object = {}): Promise<Ticket> {
  const created = await desk.post('/api/v1/incidents', { title: 'No connection at reception', siteId, impact: 'high', urgency: 'high', ...extra });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.priority, 'P1');
  return created.body;
}
const incident = async (id: number): Promise<Ticket> => (await desk.get(`/api/v1/incidents/${id}`)).body;
const incidentQueue = async (ods: string) => (await desk.get(`/api/v1/incidents?state=open&organisation=${ods}&sort=slaDueAt&limit=200`)).body.items.map((i: Ticket) => i.number);

async function raiseRequest(ods: string): Promise<Ticket> {
  const created = await desk.post('/api/v1/service-requests', { kind: 'access', organisationOdsCode: ods, access: { name: 'Dr Amir Shah', to: 'the n3sp portal' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}
const request = async (id: number): Promise<Ticket> => (await desk.get(`/api/v1/service-requests/${id}`)).body;
const requestList = async (ods: string) => (await desk.get(`/api/v1/service-requests?organisation=${ods}&sort=slaDueAt&limit=200`)).body.items.map((r: Ticket) => r.number);

describe('incidents sorted by SLA due', () => {
  test('an unanswered P1 whose response falls due first leads an answered one whose resolution falls due before its own; assigned, it falls back to its resolution', async () => {
    const { ods, site } = await practice();
    // Logged straight to a team it is answered at once: its response clock starts stopped.
    const answered = await logIncident(site.id, { teamId: team.id });
    const waiting = await logIncident(site.id);
    assert.equal(answered.slaDueAt, dueOf(answered, 'resolution'), 'answered as it is logged: its resolution is its next target');
    assert.equal(waiting.slaDueAt, dueOf(waiting, 'response'), 'unanswered: its 15-minute response is its next target');
    assert.ok(Date.parse(dueOf(waiting, 'resolution')) >= Date.parse(dueOf(answered, 'resolution')), 'by resolution alone the answered one would lead');
    assert.deepEqual(await incidentQueue(ods), [waiting.number, answered.number]);

    const assigned = await desk.post(`/api/v1/incidents/${waiting.id}/assignment`, { teamId: team.id }, { 'if-match': `"${waiting.version}"` });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.equal(assigned.body.slaDueAt, dueOf(waiting, 'resolution'), 'answered: its resolution is next');
    assert.deepEqual(await incidentQueue(ods), [answered.number, waiting.number]);
  });

  test('the desk’s first word to the customer answers it, a work note does not; waiting on the customer, nothing is due', async () => {
    const { site } = await practice();
    const logged = await logIncident(site.id);
    assert.equal((await desk.post(`/api/v1/incidents/${logged.id}/notes`, { kind: 'work_note', body: 'Checking the line.' })).status, 201);
    assert.equal((await incident(logged.id)).slaDueAt, dueOf(logged, 'response'), 'a work note is no response');
    assert.equal((await desk.post(`/api/v1/incidents/${logged.id}/notes`, { kind: 'comment', body: 'We are looking at it now.' })).status, 201);
    assert.equal((await incident(logged.id)).slaDueAt, dueOf(logged, 'resolution'), 'answered: its resolution is next');
    assert.equal((await desk.post(`/api/v1/incidents/${logged.id}/notes`, { kind: 'question', body: 'Is the router showing a red light?' })).status, 201);
    assert.equal((await incident(logged.id)).slaDueAt, null, 'paused while the customer is asked');
  });
});

test('service requests sorted by SLA due: an unanswered request’s response leads an approved one’s fulfilment; approved, it falls back to its fulfilment', async () => {
  const { ods } = await practice();
  const first = await raiseRequest(ods);
  assert.equal((await approver.post(`/api/v1/service-requests/${first.id}/approve`, {})).status, 200);
  const approved = await request(first.id);
  const waiting = await raiseRequest(ods);
  assert.equal(approved.slaDueAt, dueOf(approved, 'resolution'), 'approved, it is answered: its fulfilment is next');
  assert.equal(waiting.slaDueAt, dueOf(waiting, 'response'), 'awaiting approval, it is unanswered: its response is next');
  assert.ok(Date.parse(dueOf(waiting, 'resolution')) >= Date.parse(dueOf(approved, 'resolution')), 'by fulfilment alone the approved one would lead');
  assert.deepEqual(await requestList(ods), [waiting.number, approved.number]);

  assert.equal((await approver.post(`/api/v1/service-requests/${waiting.id}/approve`, {})).status, 200);
  assert.equal((await request(waiting.id)).slaDueAt, dueOf(waiting, 'resolution'));
  assert.deepEqual(await requestList(ods), [approved.number, waiting.number]);
});

test('migration 0017 sets each open record’s sla_due_at to its next running SLA target, written before as its resolution’s', async () => {
  const { ods, site } = await practice();
  const answered = await logIncident(site.id, { teamId: team.id });
  const waiting = await logIncident(site.id);
  const paused = await logIncident(site.id);
  assert.equal((await desk.post(`/api/v1/incidents/${paused.id}/notes`, { kind: 'question', body: 'Which rooms have lost the network?' })).status, 201);
  const raised = await raiseRequest(ods);
  // The rows as the code before it wrote them: the resolution's due time, whatever the response's.
  await sql`update incident set sla_due_at = ${dueOf(waiting, 'resolution')} where id = ${waiting.id}`.execute(env.rt.db);
  await sql`update incident set sla_due_at = ${dueOf(paused, 'resolution')} where id = ${paused.id}`.execute(env.rt.db);
  await sql`update service_request set sla_due_at = ${dueOf(raised, 'resolution')} where id = ${raised.id}`.execute(env.rt.db);
  // The paused one's resolution was breached before the customer was asked: its paused clock keeps the due time it passed.
  await sql`update sla_clock set due_at = now() - interval '1 hour', state = 'breached'
    where record_type = 'incident' and record_id = ${paused.id} and kind = 'sla' and metric = 'resolution'`.execute(env.rt.db);
  assert.deepEqual(await incidentQueue(ods), [answered.number, waiting.number, paused.number], 'sorted by resolution');

  const migration = migrationFiles().find((f) => f.name === '0017_sla_due_next_target.sql');
  assert.ok(migration, 'the migration is one of the files every database applies');
  await env.rt.db.transaction().execute((tx) => sql.raw(migration.text).execute(tx));

  assert.equal((await incident(waiting.id)).slaDueAt, dueOf(waiting, 'response'), 'unanswered: its response');
  assert.equal((await incident(answered.id)).slaDueAt, dueOf(answered, 'resolution'), 'answered: its resolution, as before');
  assert.equal((await incident(paused.id)).slaDueAt, null, 'waiting on the customer: none runs, breached or not');
  assert.equal((await request(raised.id)).slaDueAt, dueOf(raised, 'response'));
  assert.deepEqual(await incidentQueue(ods), [waiting.number, answered.number, paused.number]);
});
