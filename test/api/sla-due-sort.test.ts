import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { onPostgres, testEnv, type TestEnv } from '../helpers/harness.ts';
import { openDatabase } from '../../src/core/db/database.ts';
import { lockCalendar } from '../../src/modules/service-levels/queries.ts';
import { clientAs, makeOrganisation, uniqueCode } from '../helpers/factories.ts';
import { makeSite } from '../helpers/network-fixtures.ts';
import { makeTeam } from '../helpers/incident-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { migrationFiles } from '../../src/core/db/migrate.ts';

/**
 * Sorting by SLA due (sort=slaDueAt) is by the next customer-facing target the record runs
 * towards, response or resolution: an unanswered P1 whose response falls due in 15 minutes leads
 * incidents whose resolution falls due before its own. `sla_due_at` keeps that instant on the row,
 * a business calendar edited under the clocks moves it too; migration 0017 set it on the rows that
 * existed before.
 */

let env: TestEnv;
let desk: ApiClient;
let approver: ApiClient;
let admin: ApiClient;
let team: { id: number };

before(async () => {
  env = await testEnv();
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  approver = (await clientAs(env, { roles: ['change_approver'] })).api;
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  team = await makeTeam(env);
});
after(() => env.close());

interface Clock {
  kind: string;
  metric: string;
  calendar: string;
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

// ---- a business calendar edited under running clocks ---------------------------------------------

const HOUR = 3_600_000;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'];

/** A calendar of its own, open round the clock until the test edits it. */
async function newCalendar(): Promise<string> {
  const name = `due-${uniqueCode('').toLowerCase()}`;
  const created = await admin.post('/api/v1/business-calendars', { name, hours: '24x7' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return name;
}

/** The organisation's own SLA for a record type: each priority's targets, in minutes, on a calendar. */
async function defineSla(ods: string, recordType: 'incident' | 'service_request', calendar: string, targets: Array<{ priority: string; calendar?: string; responseMinutes?: number | null; resolutionMinutes: number }>) {
  const code = uniqueCode('DUE');
  const created = await admin.post('/api/v1/sla-definitions', { code, name: `Practice SLA ${code}`, kind: 'sla', recordType, organisationOdsCode: ods, calendar, targets });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return code;
}

/** Shuts the calendar from an hour ago for the next two days: its clocks' due times move two days on. */
async function shutForTwoDays(name: string, version: number) {
  const start = new Date(Date.now() - HOUR).toISOString();
  const end = new Date(Date.now() + 48 * HOUR).toISOString();
  const edited = await admin.patch(`/api/v1/business-calendars/${name}`, { closures: [{ kind: 'period', start, end, title: 'Practice closed' }] }, { 'if-match': `"${version}"` });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
}

const clockOf = (record: Ticket, metric: 'response' | 'resolution') => record.clocks.find((c) => c.kind === 'sla' && c.metric === metric)!;

describe('a business calendar edited under running clocks', () => {
  test('the incidents and requests counting in it take their clocks’ new due times at once, and the queue sorts by them', async () => {
    const { ods, site } = await practice();
    const calendar = await newCalendar();
    // P1 counts in the practice's calendar; the other priorities round the clock, and later.
    await defineSla(ods, 'incident', calendar, PRIORITIES.map((priority) => (priority === 'P1' ? { priority, responseMinutes: 60, resolutionMinutes: 600 } : { priority, calendar: '24x7', responseMinutes: 120, resolutionMinutes: 1200 })));
    await defineSla(ods, 'service_request', calendar, PRIORITIES.map((priority) => ({ priority, responseMinutes: 60, resolutionMinutes: 600 })));
    const urgent = await logIncident(site.id);
    const routine = await desk.post('/api/v1/incidents', { title: 'Slow printing', siteId: site.id, impact: 'low', urgency: 'low' });
    assert.equal(routine.status, 201, JSON.stringify(routine.body));
    assert.notEqual(routine.body.priority, 'P1');
    const raised = await raiseRequest(ods);
    assert.equal(clockOf(urgent, 'response').calendar, calendar);
    assert.equal(clockOf(routine.body, 'response').calendar, '24x7');
    assert.equal(urgent.slaDueAt, dueOf(urgent, 'response'));
    assert.equal(raised.slaDueAt, dueOf(raised, 'response'));
    assert.deepEqual(await incidentQueue(ods), [urgent.number, routine.body.number], 'the P1’s hour before the other’s two');

    await shutForTwoDays(calendar, 1);

    const movedIncident = await incident(urgent.id);
    assert.ok(Date.parse(dueOf(movedIncident, 'response')) > Date.parse(dueOf(urgent, 'response')) + 47 * HOUR, 'its response moved past the closure');
    assert.equal(movedIncident.slaDueAt, dueOf(movedIncident, 'response'), 'the row keeps the moved response’s due time');
    assert.equal(movedIncident.version, urgent.version, 'the incident itself did not change');
    assert.equal((await incident(routine.body.id)).slaDueAt, routine.body.slaDueAt, 'one counting round the clock keeps its own');
    assert.deepEqual(await incidentQueue(ods), [routine.body.number, urgent.number], 'the P1 now falls due after the other');

    const movedRequest = await request(raised.id);
    assert.ok(Date.parse(dueOf(movedRequest, 'response')) > Date.parse(dueOf(raised, 'response')) + 47 * HOUR);
    assert.equal(movedRequest.slaDueAt, dueOf(movedRequest, 'response'));
    assert.equal(movedRequest.version, raised.version);
  });

  test('a request whose clocks count in two calendars takes the earlier of them: the one on the calendar not edited, once the other moves past it', async () => {
    const { ods } = await practice();
    const calendar = await newCalendar();
    // No response target at first: the request's only clock is its fulfilment, round the clock.
    const code = await defineSla(ods, 'service_request', '24x7', PRIORITIES.map((priority) => ({ priority, resolutionMinutes: 600 })));
    const raised = await raiseRequest(ods);
    assert.deepEqual(raised.clocks.filter((c) => c.kind === 'sla').map((c) => c.metric), ['resolution']);
    // A response target on the practice's calendar: the request gets its response clock there when it next moves.
    const edited = await admin.patch(`/api/v1/sla-definitions/${code}`, { targets: PRIORITIES.map((priority) => ({ priority, calendar, responseMinutes: 60, resolutionMinutes: 600 })) }, { 'if-match': '"1"' });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    const assigned = await desk.patch(`/api/v1/service-requests/${raised.id}`, { teamId: team.id }, { 'if-match': `"${raised.version}"` });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    const before = await request(raised.id);
    assert.deepEqual([clockOf(before, 'response').calendar, clockOf(before, 'resolution').calendar], [calendar, '24x7']);
    assert.equal(before.slaDueAt, dueOf(before, 'response'), 'its response, an hour off, before its fulfilment');

    await shutForTwoDays(calendar, 1);

    const after = await request(raised.id);
    assert.ok(Date.parse(dueOf(after, 'response')) > Date.parse(dueOf(before, 'response')) + 47 * HOUR, 'its response moved past the closure');
    assert.equal(dueOf(after, 'resolution'), dueOf(before, 'resolution'), 'its fulfilment counts round the clock, as before');
    assert.equal(after.slaDueAt, dueOf(after, 'resolution'), 'the fulfilment is now its next target');
    assert.equal(after.version, before.version);
  });
});

test('an incident logged while a calendar edit is under way waits for it, and its clocks start in the new version', { skip: !onPostgres() && 'needs two connections: set DATABASE_URL' }, async () => {
  const { ods, site } = await practice();
  const calendar = await newCalendar();
  await defineSla(ods, 'incident', calendar, PRIORITIES.map((priority) => ({ priority, responseMinutes: 60, resolutionMinutes: 600 })));
  // The edit, from its own connection, holds the calendar as an edit does and shuts it for two days, not yet committed.
  const editor = await openDatabase({ databaseUrl: env.config.databaseUrl, poolSize: 1 });
  let logging: Promise<Ticket> | undefined;
  let loggedBeforeCommit = false;
  try {
    await editor.db.transaction().execute(async (tx) => {
      assert.ok(await lockCalendar(tx, calendar));
      const closure = { kind: 'period', start: Date.now() - HOUR, end: Date.now() + 48 * HOUR, title: 'Practice closed' };
      await tx.updateTable('business_calendar').set({ closures: JSON.stringify([closure]), version: 2 }).where('name', '=', calendar).execute();
      logging = logIncident(site.id);
      loggedBeforeCommit = await Promise.race([logging.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500))]);
    });
  } finally {
    await editor.close();
  }
  const logged = await logging!;
  assert.equal(loggedBeforeCommit, false, 'the incident waited for the edit to commit');
  assert.ok(Date.parse(dueOf(logged, 'response')) > Date.now() + 46 * HOUR, 'its response counts in the calendar as edited, closed for two days');
  assert.equal(logged.slaDueAt, dueOf(logged, 'response'));
});
