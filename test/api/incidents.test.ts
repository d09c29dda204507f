import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, sessionAs } from '../helpers/factories.ts';
import { makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import { makeTeam } from '../helpers/incident-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

let env: TestEnv;
let desk: ApiClient;
let deskUser: { id: number };
let manager: ApiClient;
let practice: { ods_code: string; name: string };
let site: { id: number; name: string };
let customer: ApiClient;
let otherCustomer: ApiClient;
let supplier: { id: number; code: string };
let engineer: ApiClient;
let otherEngineer: ApiClient;
let team: { id: number; code: string };

const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

before(async () => {
  env = await testEnv();
  const d = await clientAs(env, { roles: ['service_desk_agent'] });
  desk = d.api;
  deskUser = d.user;
  manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  practice = await makeOrganisation(env, { name: 'Riverside Surgery' });
  site = await makeSite(env, practice.ods_code, { name: 'Riverside Main Surgery' });
  customer = (await clientAs(env, { roles: ['customer'], organisations: [practice.ods_code] })).api;
  const elsewhere = await makeOrganisation(env, { name: 'Hilltop Practice' });
  otherCustomer = (await clientAs(env, { roles: ['customer'], organisations: [elsewhere.ods_code] })).api;
  supplier = await makeSupplier(env, { regions: [] });
  const rival = await makeSupplier(env, { regions: [] });
  engineer = (await clientAs(env, { roles: ['supplier'], supplierId: supplier.id })).api;
  otherEngineer = (await clientAs(env, { roles: ['supplier'], supplierId: rival.id })).api;
  team = await makeTeam(env, { memberIds: [deskUser.id] });
});
after(() => env.close());

async function logIncident(api: ApiClient = desk, body: Record<string, unknown> = {}) {
  const asDesk = api === desk ? { impact: 'medium' } : {};
  const created = await api.post('/api/v1/incidents', { title: 'No connectivity at reception', siteId: site.id, urgency: 'high', ...asDesk, ...body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

async function move(id: number, to: string, api: ApiClient = desk, extra: Record<string, unknown> = {}) {
  const current = await api.get(`/api/v1/incidents/${id}`);
  return api.post(`/api/v1/incidents/${id}/transitions`, { to, ...extra }, ifMatch(current.body.version));
}

describe('logging an incident', () => {
  test('the desk logs one: numbered INC0000001 style, priority from impact × urgency, the organisation from the site', async () => {
    const incident = await logIncident();
    assert.match(incident.number, /^INC\d{7}$/);
    assert.equal(incident.priority, 'P2', 'medium impact × high urgency is P2 in the default matrix');
    assert.equal(incident.state, 'new');
    assert.equal(incident.organisation.odsCode, practice.ods_code);
    assert.deepEqual(incident.site, { id: site.id, name: site.name });
    assert.equal(incident.source, 'agent');
    const next = await logIncident();
    assert.equal(Number(next.number.slice(3)), Number(incident.number.slice(3)) + 1, 'numbers follow one another');
  });

  /** A team of the desk user's, held to an OLA of its own. */
  async function teamWithOla() {
    const held = await makeTeam(env, { memberIds: [deskUser.id] });
    const targets = ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, responseMinutes: 30, resolutionMinutes: 240 }));
    const ola = await manager.post('/api/v1/sla-definitions', { code: `OLA-${held.id}`, name: `${held.code} OLA`, kind: 'ola', recordType: 'incident', teamCode: held.code, calendar: '24x7', targets });
    assert.equal(ola.status, 201, JSON.stringify(ola.body));
    return held;
  }

  test('logged with a team, it starts assigned and counts as responded', async () => {
    const team = await teamWithOla();
    const incident = await logIncident(desk, { teamId: team.id, assigneeId: deskUser.id });
    assert.equal(incident.state, 'assigned');
    assert.equal(incident.team.code, team.code);
    assert.equal(incident.assignee.id, deskUser.id);
    assert.ok(incident.respondedAt);
    // Its response clocks (the SLA's and the team's OLA) are met as it is logged and wait on
    // nothing; its resolution clocks run, each with its warning and breach waiting.
    const clocks = incident.clocks as Array<{ id: number; kind: string; metric: string; state: string; stoppedAt: string | null; elapsedBusinessMs: number }>;
    assert.deepEqual(clocks.map((c) => `${c.kind} ${c.metric}`).sort(), ['ola resolution', 'ola response', 'sla resolution', 'sla response']);
    const waiting = await sql<{ key: string }>`select dedupe_key as key from job where state = 'queued' and dedupe_key like 'sla.%'
      and (payload->>'clockId')::bigint = any(${clocks.map((c) => c.id)}::bigint[])`.execute(env.rt.db);
    for (const clock of clocks) {
      const timers = waiting.rows.filter((r) => r.key.endsWith(`:${clock.id}`)).map((r) => r.key.split(':')[0]).sort();
      if (clock.metric === 'response') {
        assert.equal(clock.state, 'met', `${clock.kind} response`);
        assert.equal(clock.stoppedAt, incident.respondedAt, `${clock.kind} response stopped as it was logged`);
        assert.deepEqual(timers, [], `${clock.kind} response has no timers`);
      } else {
        assert.equal(clock.state, 'running', `${clock.kind} resolution`);
        assert.equal(clock.stoppedAt, null);
        assert.deepEqual(timers, ['sla.breach', 'sla.warning'], `${clock.kind} resolution waits to warn and to breach`);
      }
    }
  });

  test('the answer to a create is the record as its page reads it: names, CIs, clocks', async () => {
    const ci = await sql<{ id: number }>`insert into configuration_item (kind, name) values ('site_router', ${`Edge router ${Date.now()}`}) returning id`.execute(env.rt.db);
    const ciId = Number(ci.rows[0]!.id);
    const created = await logIncident(desk, { teamId: (await teamWithOla()).id, ciIds: [ciId], description: 'Reception PCs cannot reach the clinical system' });
    assert.deepEqual(created.cis.map((c: { id: number }) => c.id), [ciId]);
    assert.equal(created.clocks.length, 4);
    const read = await desk.get(`/api/v1/incidents/${created.id}`);
    assert.equal(read.status, 200);
    // Clocks read later have counted on: compare what does not move with time.
    const still = (incident: Record<string, unknown>) => ({
      ...incident,
      clocks: (incident.clocks as Array<Record<string, unknown>>).map(({ id, kind, metric, state, dueAt, warnAt, stoppedAt, definition }) => ({ id, kind, metric, state, dueAt, warnAt, stoppedAt, definition })),
    });
    assert.deepEqual(still(created), still(read.body));
  });

  test('bad input names the field and writes nothing', async () => {
    const before = await env.rt.db.selectFrom('incident').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ siteId: site.id }, 'title'],
      [{ title: 'x', siteId: site.id, impact: 'catastrophic' }, 'impact'],
      [{ title: 'x', siteId: site.id, urgency: 'whenever' }, 'urgency'],
      [{ title: 'x' }, 'siteId'],
      [{ title: 'x', siteId: 99_999_999 }, 'siteId'],
      [{ title: 'x', organisationOdsCode: 'ZZZ999' }, 'organisationOdsCode'],
      [{ title: 'x', siteId: site.id, assigneeId: deskUser.id }, 'assigneeId'],
      [{ title: 'x', siteId: site.id, teamId: 99_999 }, 'teamId'],
      [{ title: 'x', siteId: site.id, ciIds: [99_999_999] }, 'ciIds'],
      [{ title: 'x', siteId: site.id, category: 'weather' }, 'category'],
      [{ title: '   ', siteId: site.id }, 'title'],
    ];
    for (const [body, field] of cases) {
      const response = await desk.post('/api/v1/incidents', body);
      assert.ok([400, 422].includes(response.status), `${JSON.stringify(body)} → ${response.status}`);
      assert.ok(response.body.errors.some((e: { field: string }) => e.field.endsWith(field)), `${JSON.stringify(body)} should name ${field}: ${JSON.stringify(response.body)}`);
    }
    const placeless = await desk.post('/api/v1/incidents', { title: 'x' });
    assert.deepEqual(placeless.body.errors, [{ field: 'siteId', message: "choose the site with the fault, or give the organisation's ODS code" }], 'in the words of the form, not of the API');
    const blank = await desk.post('/api/v1/incidents', { title: ' \t ', siteId: site.id });
    assert.deepEqual(blank.body.errors, [{ field: 'title', message: 'must not be blank' }]);
    const afterCount = await env.rt.db.selectFrom('incident').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    assert.equal(afterCount.n, before.n);
  });

  test('the priority matrix is configurable: a service manager changes it and new incidents follow it', async () => {
    const current = await manager.get('/api/v1/incident-settings');
    assert.equal(current.status, 200);
    const settings = structuredClone(current.body);
    settings.matrix.cells.medium.high = 'P1';
    assert.equal((await desk.request('PUT', '/api/v1/incident-settings', settings, { 'if-match': current.headers.etag as string })).status, 403, 'an agent cannot change it');
    const inconsistent = structuredClone(current.body);
    inconsistent.matrix.cells.low.high = 'P1';
    const refused = await manager.request('PUT', '/api/v1/incident-settings', inconsistent, { 'if-match': current.headers.etag as string });
    assert.equal(refused.status, 400);
    assert.ok(refused.body.errors.some((e: { field: string }) => e.field === 'matrix.cells.low.high'), JSON.stringify(refused.body));
    const saved = await manager.request('PUT', '/api/v1/incident-settings', settings, { 'if-match': current.headers.etag as string });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal((await manager.request('PUT', '/api/v1/incident-settings', settings, { 'if-match': current.headers.etag as string })).status, 412, 'a stale version is refused');
    assert.equal((await logIncident()).priority, 'P1');
    const restored = await manager.request('PUT', '/api/v1/incident-settings', current.body, { 'if-match': saved.headers.etag as string });
    assert.equal(restored.status, 200);
    assert.equal((await logIncident()).priority, 'P2');
  });

  test('the affected CIs are replaced by the list given, and an empty list unlinks them all', async () => {
    const ci = await sql<{ id: number }>`insert into configuration_item (kind, name) values ('site_router', ${`Edge router ${Date.now()}`}) returning id`.execute(env.rt.db);
    const ciId = Number(ci.rows[0]!.id);
    const incident = await logIncident();
    const linked = await desk.patch(`/api/v1/incidents/${incident.id}`, { ciIds: [ciId] }, ifMatch(incident.version));
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.deepEqual(linked.body.cis.map((c: { id: number }) => c.id), [ciId]);
    const unlinked = await desk.patch(`/api/v1/incidents/${incident.id}`, { ciIds: [] }, ifMatch(linked.body.version));
    assert.equal(unlinked.status, 200, JSON.stringify(unlinked.body));
    assert.deepEqual(unlinked.body.cis, []);
  });

  test('a priority is given to cells only once every active service level definition has targets for it', async () => {
    const current = await manager.get('/api/v1/incident-settings');
    const withP6 = structuredClone(current.body);
    withP6.matrix.priorities = [...withP6.matrix.priorities, 'P6'];
    withP6.matrix.cells.low.low = 'P6';
    const refused = await manager.request('PUT', '/api/v1/incident-settings', withP6, { 'if-match': current.headers.etag as string });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.errors[0].field, 'matrix.cells.low.low');
    assert.match(refused.body.errors[0].message, /P6 has no targets in .*INCIDENT-STANDARD/);
    assert.equal((await logIncident(desk, { impact: 'low', urgency: 'low' })).priority, 'P5', 'nothing changed');
    // Listed but given to no cell yet: allowed, so that definitions can then be given its targets.
    const listed = structuredClone(current.body);
    listed.matrix.priorities = [...listed.matrix.priorities, 'P6'];
    const saved = await manager.request('PUT', '/api/v1/incident-settings', listed, { 'if-match': current.headers.etag as string });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const restored = await manager.request('PUT', '/api/v1/incident-settings', current.body, { 'if-match': saved.headers.etag as string });
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
  });

  test('waiting on the customer needs the question they are to answer, which the portal then shows', async () => {
    const incident = await logIncident();
    const bare = await move(incident.id, 'pending_customer');
    assert.equal(bare.status, 422, JSON.stringify(bare.body));
    assert.equal(bare.body.errors[0].field, 'note');
    const unchanged = await desk.get(`/api/v1/incidents/${incident.id}`);
    assert.equal(unchanged.body.state, 'new', 'the clock did not stop');
    const asked = await move(incident.id, 'pending_customer', desk, { note: 'Which rooms have lost the network?' });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.equal(asked.body.state, 'pending_customer');
    const notes = await customer.get(`/api/v1/incidents/${incident.id}/notes`);
    assert.deepEqual(notes.body.filter((n: { kind: string }) => n.kind === 'question').map((n: { body: string }) => n.body), ['Which rooms have lost the network?']);
    const journal = await desk.get(`/api/v1/incidents/${incident.id}/journal?limit=50`);
    assert.ok(journal.body.items.some((e: { summary: string }) => e.summary === 'New → Waiting on the customer'), 'the journal names the states as the desk does');
  });

  test('a note written in the web application (a signed-in session) says so; one sent with a token says api', async () => {
    const incident = await logIncident();
    const signedIn = (await sessionAs(env, { roles: ['service_desk_agent'] })).api;
    const note = await signedIn.post(`/api/v1/incidents/${incident.id}/notes`, { kind: 'work_note', body: 'Checked the line from the web application' });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    assert.equal(note.body.source, 'web');
  });

  test('changing impact re-prioritises and is journalled', async () => {
    const incident = await logIncident();
    const changed = await desk.patch(`/api/v1/incidents/${incident.id}`, { impact: 'high' }, ifMatch(incident.version));
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.priority, 'P1');
    assert.equal((await desk.patch(`/api/v1/incidents/${incident.id}`, { impact: 'low' }, ifMatch(incident.version))).status, 412);
    assert.equal((await desk.patch(`/api/v1/incidents/${incident.id}`, { impact: 'low' })).status, 428);
    const journal = await desk.get(`/api/v1/incidents/${incident.id}/journal`);
    const entry = journal.body.items.find((e: { action: string }) => e.action === 'updated');
    assert.deepEqual(entry.changes.find((c: { field: string }) => c.field === 'priority'), { field: 'priority', before: 'P2', after: 'P1' });
  });
});

describe('the lifecycle', () => {
  test('assign, work, ask the customer (paused), the answer resumes it, resolve, the customer confirms: every step journalled', async () => {
    const incident = await logIncident();
    const assigned = await desk.post(`/api/v1/incidents/${incident.id}/assignment`, { teamId: team.id }, ifMatch(incident.version));
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.equal(assigned.body.state, 'assigned');
    assert.equal((await move(incident.id, 'in_progress')).body.state, 'in_progress');
    const question = await desk.post(`/api/v1/incidents/${incident.id}/notes`, { kind: 'question', body: 'Is the router showing a red light?' });
    assert.equal(question.status, 201);
    assert.equal(question.body.source, 'api', 'written with a token');
    assert.equal((await desk.get(`/api/v1/incidents/${incident.id}`)).body.state, 'pending_customer');
    const answer = await customer.post(`/api/v1/incidents/${incident.id}/notes`, { body: 'Yes, the DSL light is red.' });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.kind, 'answer');
    assert.equal((await desk.get(`/api/v1/incidents/${incident.id}`)).body.state, 'assigned', 'back in the team’s queue: no one of it is named');
    assert.equal((await move(incident.id, 'in_progress')).body.state, 'in_progress');
    const resolved = await move(incident.id, 'resolved', desk, { resolutionCode: 'hardware_replaced', resolutionNotes: 'Replaced the router.' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.ok(resolved.body.reopenUntil, 'a resolved incident says until when it may be reopened');
    const confirmed = await move(incident.id, 'closed', customer);
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.state, 'closed');
    const actions = (await desk.get(`/api/v1/incidents/${incident.id}/journal?limit=50`)).body.items.map((e: { action: string }) => e.action).reverse();
    assert.deepEqual(actions, ['logged', 'assigned', 'in_progress', 'question', 'answered', 'in_progress', 'resolved', 'confirmed']);
  });

  test('the customer’s answer returns the incident to whoever holds it, and its SLA clocks run again', async () => {
    const member = await makeUser(env, { roles: ['service_desk_agent'] });
    const held = await makeTeam(env, { memberIds: [member.id] });
    const sla = (body: { clocks: Array<{ kind: string; metric: string; state: string; dueAt: string | null }> }) => body.clocks.find((c) => c.kind === 'sla' && c.metric === 'resolution')!;
    // The portal reads them "Received", "Being looked at" and "Being worked on".
    const cases: Array<{ holder: string; assign?: Record<string, unknown>; expected: string }> = [
      { holder: 'nobody', expected: 'new' },
      { holder: 'a team', assign: { teamId: held.id }, expected: 'assigned' },
      { holder: 'a named member of a team', assign: { teamId: held.id, assigneeId: member.id }, expected: 'in_progress' },
    ];
    for (const { holder, assign, expected } of cases) {
      let incident = await logIncident(customer);
      if (assign) {
        const assigned = await desk.post(`/api/v1/incidents/${incident.id}/assignment`, assign, ifMatch(incident.version));
        assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
        incident = assigned.body;
      }
      const asked = await move(incident.id, 'pending_customer', desk, { note: 'Is the router’s DSL light red or off?' });
      assert.equal(asked.status, 200, JSON.stringify(asked.body));
      assert.equal(sla(asked.body).state, 'paused', `${holder}: waiting on the customer pauses their clock`);
      assert.equal(asked.body.slaDueAt, null);
      const answer = await customer.post(`/api/v1/incidents/${incident.id}/notes`, { body: 'Red.' });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      const answered = (await desk.get(`/api/v1/incidents/${incident.id}`)).body;
      assert.equal(answered.state, expected, `held by ${holder}, the answer returns it to ${expected}`);
      assert.equal((await customer.get(`/api/v1/incidents/${incident.id}`)).body.state, expected);
      assert.equal(sla(answered).state, 'running', `${holder}: the clock runs again`);
      assert.ok(sla(answered).dueAt, `${holder}: its due time is set again`);
      assert.ok(answered.slaDueAt, 'due again, so the queue sorts it');
      assert.ok(answered.respondedAt, 'the question was the response');
      const entry = (await desk.get(`/api/v1/incidents/${incident.id}/journal`)).body.items[0];
      assert.equal(entry.action, 'answered');
      assert.deepEqual(entry.changes.find((c: { field: string }) => c.field === 'state'), { field: 'state', before: 'pending_customer', after: expected });
    }
  });

  test('every move the lifecycle forbids is refused with the field named, and changes nothing', async () => {
    const incident = await logIncident();
    const refused = await move(incident.id, 'closed');
    assert.equal(refused.status, 422);
    assert.equal(refused.body.errors[0].field, 'to');
    const bare = await move(incident.id, 'resolved');
    assert.equal(bare.status, 422);
    assert.deepEqual(bare.body.errors, [
      { field: 'resolutionCode', message: 'say how the incident was resolved' },
      { field: 'resolutionNotes', message: 'say what was done to resolve it' },
    ], 'a resolution with neither names both');
    const noCode = await move(incident.id, 'resolved', desk, { resolutionNotes: 'Restarted the router.' });
    assert.deepEqual([noCode.status, noCode.body.errors], [422, [{ field: 'resolutionCode', message: 'say how the incident was resolved' }]]);
    const noNotes = await move(incident.id, 'resolved', desk, { resolutionCode: 'fixed_by_desk' });
    assert.equal(noNotes.status, 422);
    assert.deepEqual(noNotes.body.errors, [{ field: 'resolutionNotes', message: 'say what was done to resolve it' }]);
    const noTeam = await move(incident.id, 'assigned');
    assert.equal(noTeam.body.errors[0].field, 'teamId');
    assert.equal((await desk.get(`/api/v1/incidents/${incident.id}`)).body.version, incident.version);
    const noReason = await move(incident.id, 'cancelled');
    assert.deepEqual([noReason.status, noReason.body.errors[0].field], [422, 'note'], 'a cancellation says why');
    assert.equal((await desk.get(`/api/v1/incidents/${incident.id}`)).body.version, incident.version);
    assert.equal((await move(incident.id, 'cancelled', desk, { note: 'Logged twice by mistake.' })).body.state, 'cancelled');
    const dead = await move(incident.id, 'in_progress');
    assert.equal(dead.status, 422);
    assert.match(dead.body.detail, /does not change/);
  });

  test('a customer may only confirm or reopen, within the reopen window', async () => {
    const incident = await logIncident(customer);
    assert.equal(incident.source, 'portal');
    assert.equal((await move(incident.id, 'resolved', customer, { resolutionCode: 'no_fault_found' })).status, 422);
    await move(incident.id, 'resolved', desk, { resolutionCode: 'no_fault_found', resolutionNotes: 'Tested end to end: no fault found.' });
    const reopened = await move(incident.id, 'in_progress', customer, { note: 'Still no connection at reception.' });
    assert.equal(reopened.status, 200, JSON.stringify(reopened.body));
    assert.equal(reopened.body.reopenCount, 1);
    assert.equal(reopened.body.resolutionCode, null);
    await move(incident.id, 'resolved', desk, { resolutionCode: 'fixed_by_desk', resolutionNotes: 'Restarted the router.' });
    // Pretend it was resolved six days ago: past the five-day window.
    await env.rt.db.updateTable('incident').set({ resolved_at: new Date(Date.now() - 6 * 86_400_000) }).where('id', '=', incident.id).execute();
    const late = await move(incident.id, 'in_progress', customer);
    assert.equal(late.status, 422);
    assert.match(late.body.detail, /reopen window closed/);
  });

  test('a resolved incident closes by itself when its reopen window ends (a durable job)', async () => {
    const incident = await logIncident();
    await move(incident.id, 'resolved', desk, { resolutionCode: 'fixed_by_desk', resolutionNotes: 'Restarted the router.' });
    const job = await sql<{ run_at: Date }>`select run_at from job where kind = 'incident.auto-close' and payload->>'incidentId' = ${String(incident.id)} and state = 'queued'`.execute(env.rt.db);
    assert.equal(job.rows.length, 1, 'one timer is set');
    await env.rt.jobs!.drain({ now: new Date(Date.now() + 4 * 86_400_000) });
    assert.equal((await desk.get(`/api/v1/incidents/${incident.id}`)).body.state, 'resolved', 'not before the window ends');
    await env.rt.jobs!.drain({ now: new Date(Date.now() + 6 * 86_400_000) });
    const closed = await desk.get(`/api/v1/incidents/${incident.id}`);
    assert.equal(closed.body.state, 'closed');
    const entry = (await desk.get(`/api/v1/incidents/${incident.id}/journal`)).body.items[0];
    assert.equal(entry.actor, 'n3sp');
    assert.match(entry.summary, /reopen window passed/);
  });

  test('a shorter reopen window closes the incidents already resolved when their new window ends', async () => {
    const incident = await logIncident();
    await move(incident.id, 'resolved', desk, { resolutionCode: 'fixed_by_desk', resolutionNotes: 'Restarted the router.' });
    const settings = await manager.get('/api/v1/incident-settings');
    const shorter = await manager.request('PUT', '/api/v1/incident-settings', { ...settings.body, reopenWindowHours: 12 }, { 'if-match': String(settings.headers.etag) });
    assert.equal(shorter.status, 200, JSON.stringify(shorter.body));
    try {
      await env.rt.jobs!.drain({ now: new Date(Date.now() + 13 * 3_600_000) });
      assert.equal((await desk.get(`/api/v1/incidents/${incident.id}`)).body.state, 'closed', 'closed 12 hours after its resolution, not 120');
    } finally {
      await manager.request('PUT', '/api/v1/incident-settings', settings.body, { 'if-match': String(shorter.headers.etag) });
    }
  });
});

describe('supplier hand-off', () => {
  test('handed to a supplier: their engineer sees, accepts and resolves it; another supplier sees nothing; the customer confirms', async () => {
    const incident = await logIncident(customer);
    assert.equal((await engineer.get(`/api/v1/incidents/${incident.id}`)).status, 404, 'not theirs until it is handed to them');
    const handed = await desk.post(`/api/v1/incidents/${incident.id}/hand-off`, { supplierId: supplier.id, note: 'Line fault suspected on the tail circuit' }, ifMatch(incident.version));
    assert.equal(handed.status, 200, JSON.stringify(handed.body));
    assert.equal(handed.body.state, 'pending_supplier');
    assert.equal(handed.body.supplier.id, supplier.id);
    const handedEntry = (await desk.get(`/api/v1/incidents/${incident.id}/journal`)).body.items[0];
    assert.deepEqual(handedEntry.changes.find((c: { field: string }) => c.field === 'supplier'), { field: 'supplier', before: null, after: handed.body.supplier.name }, 'the history names the supplier');

    const seen = await engineer.get(`/api/v1/incidents/${incident.id}`);
    assert.equal(seen.status, 200);
    const queue = await engineer.get('/api/v1/incidents?state=pending_supplier');
    assert.ok(queue.body.items.some((i: { id: number }) => i.id === incident.id));
    assert.ok((await engineer.get(`/api/v1/incidents/${incident.id}/notes`)).body.some((n: { body: string }) => n.body.includes('tail circuit')), 'the supplier reads the hand-off note');
    assert.equal((await otherEngineer.get(`/api/v1/incidents/${incident.id}`)).status, 404);
    assert.ok(!(await otherEngineer.get('/api/v1/incidents')).body.items.some((i: { id: number }) => i.id === incident.id));
    assert.ok(!(await customer.get(`/api/v1/incidents/${incident.id}/notes`)).body.some((n: { body: string }) => n.body.includes('tail circuit')), 'the customer does not read work notes');

    const accepted = await engineer.post(`/api/v1/incidents/${incident.id}/acceptance`, { supplierReference: 'OR-12345' }, ifMatch(seen.body.version));
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.ok(accepted.body.supplierAcceptedAt);
    assert.equal(accepted.body.supplierReference, 'OR-12345');
    assert.equal((await engineer.post(`/api/v1/incidents/${incident.id}/acceptance`, {}, ifMatch(accepted.body.version))).status, 409, 'accepted once');
    assert.equal((await engineer.patch(`/api/v1/incidents/${incident.id}`, { title: 'Renamed' }, ifMatch(accepted.body.version))).status, 422, 'a supplier changes only their reference');
    assert.equal((await engineer.post(`/api/v1/incidents/${incident.id}/notes`, { kind: 'work_note', body: 'Engineer on site at 14:00' })).status, 201);
    assert.equal((await move(incident.id, 'cancelled', engineer)).status, 422);
    const resolved = await move(incident.id, 'resolved', engineer, { resolutionCode: 'fixed_by_supplier', resolutionNotes: 'Joint replaced in the footway box.' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal((await move(incident.id, 'closed', engineer)).status, 422, 'the supplier cannot close it');
    assert.equal((await otherCustomer.post(`/api/v1/incidents/${incident.id}/transitions`, { to: 'closed' }, ifMatch(resolved.body.version))).status, 404);
    const confirmed = await move(incident.id, 'closed', customer);
    assert.equal(confirmed.body.state, 'closed');
  });

  test('hand-off is the desk’s: neither the customer nor a supplier can hand an incident on', async () => {
    const incident = await logIncident(customer);
    assert.equal((await customer.post(`/api/v1/incidents/${incident.id}/hand-off`, { supplierId: supplier.id, note: 'x' }, ifMatch(incident.version))).status, 403);
    const bad = await desk.post(`/api/v1/incidents/${incident.id}/hand-off`, { supplierId: 99_999_999, note: 'x' }, ifMatch(incident.version));
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].field, 'supplierId');
  });
});

describe('the customer portal', () => {
  test('a customer reports a fault only on their own sites and sees only their organisation', async () => {
    const foreignSite = await makeSite(env, (await makeOrganisation(env)).ods_code);
    const refused = await customer.post('/api/v1/incidents', { title: 'Not mine', siteId: foreignSite.id });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.errors[0].field, 'siteId');
    assert.equal((await customer.post('/api/v1/incidents', { title: 'No site' })).body.errors[0].field, 'siteId');
    assert.equal((await customer.post('/api/v1/incidents', { title: 'x', siteId: site.id, impact: 'high' })).body.errors[0].field, 'impact');
    const mine = await logIncident(customer, { urgency: 'high' });
    const callerUser = (await customer.get('/api/v1/session')).body;
    assert.equal(mine.caller.id, callerUser.user?.id ?? mine.caller.id);
    const list = await customer.get('/api/v1/incidents?limit=200');
    assert.ok(list.body.items.every((i: { organisation: { odsCode: string } }) => i.organisation.odsCode === practice.ods_code));
    assert.equal((await otherCustomer.get(`/api/v1/incidents/${mine.id}`)).status, 404);
    assert.equal((await otherCustomer.post(`/api/v1/incidents/${mine.id}/notes`, { body: 'hello' })).status, 404);
  });
});

describe('major incidents and linked incidents', () => {
  test('a major incident links many; its updates fan out to each; its resolution resolves them', async () => {
    const major = await logIncident(desk, { title: 'PoP Leeds down', organisationOdsCode: practice.ods_code, siteId: undefined, impact: 'high', urgency: 'high' });
    const children = [await logIncident(customer), await logIncident(customer), await logIncident()];
    const declared = await desk.post(`/api/v1/incidents/${major.id}/major`, undefined, ifMatch(major.version));
    assert.equal(declared.status, 200, JSON.stringify(declared.body));
    assert.equal(declared.body.major, true);
    const linked = await desk.post(`/api/v1/incidents/${major.id}/children`, { incidentIds: children.map((c) => c.id) });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.deepEqual(linked.body.children.map((c: { id: number }) => c.id), children.map((c) => c.id));
    const loop = await desk.post(`/api/v1/incidents/${children[0].id}/children`, { incidentIds: [major.id] });
    assert.equal(loop.status, 422, 'a major incident cannot be linked below its own child');

    const update = await desk.post(`/api/v1/incidents/${major.id}/major-updates`, { body: 'Engineers are at the PoP; power supply failed.' });
    assert.equal(update.status, 201, JSON.stringify(update.body));
    assert.equal(update.body.fannedOutTo, 3);
    for (const child of children) {
      const notes = await customer.get(`/api/v1/incidents/${child.id}/notes`);
      assert.ok(notes.body.some((n: { body: string; kind: string }) => n.kind === 'major_update' && n.body.includes('power supply failed')), `child ${child.number} got the update`);
    }
    assert.equal((await desk.get(`/api/v1/incidents?parentId=${major.id}`)).body.items.length, 3);
    assert.equal((await desk.get('/api/v1/incidents?major=true')).body.items.some((i: { id: number }) => i.id === major.id), true);

    const resolved = await move(major.id, 'resolved', desk, { resolutionCode: 'power_restored', resolutionNotes: 'Power restored at the PoP.' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    for (const child of children) {
      const read = await desk.get(`/api/v1/incidents/${child.id}`);
      assert.equal(read.body.state, 'resolved');
      assert.equal(read.body.resolutionCode, 'resolved_with_parent');
    }
  });
});

describe('a major incident update answers the callers', () => {
  type Clock = { kind: string; metric: string; state: string; stoppedAt: string | null; dueAt: string | null };
  const clockOf = (body: { clocks: Clock[] }, kind: string, metric: string) => body.clocks.find((c) => c.kind === kind && c.metric === metric)!;

  test('each unanswered linked incident, and the parent, is responded to by the update; an answered one is left as it was', async () => {
    const major = await logIncident(desk, { title: 'Core switch down', organisationOdsCode: practice.ods_code, siteId: undefined, impact: 'high', urgency: 'high' });
    const waiting = [await logIncident(customer), await logIncident(customer)];
    const answered = await logIncident(customer);
    assert.equal((await desk.post(`/api/v1/incidents/${answered.id}/notes`, { kind: 'comment', body: 'We are looking into it.' })).status, 201);
    const answeredBefore = (await desk.get(`/api/v1/incidents/${answered.id}`)).body;
    assert.ok(answeredBefore.respondedAt);
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/major`, undefined, ifMatch(major.version))).status, 200);
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/children`, { incidentIds: [...waiting, answered].map((c) => c.id) })).status, 200);
    for (const c of [major, ...waiting]) {
      const read = (await desk.get(`/api/v1/incidents/${c.id}`)).body;
      assert.equal(read.respondedAt, null, `${read.number} is not answered before the update`);
      assert.equal(clockOf(read, 'sla', 'response').state, 'running');
    }

    const update = await desk.post(`/api/v1/incidents/${major.id}/major-updates`, { body: 'The core switch is being replaced.' });
    assert.equal(update.status, 201, JSON.stringify(update.body));

    for (const c of [major, ...waiting]) {
      const read = (await desk.get(`/api/v1/incidents/${c.id}`)).body;
      assert.ok(read.respondedAt, `${read.number} is answered by the update`);
      const response = clockOf(read, 'sla', 'response');
      assert.equal(response.state, 'met', `${read.number}: its SLA response clock stopped within its target`);
      assert.equal(response.stoppedAt, read.respondedAt);
      assert.equal(read.slaDueAt, clockOf(read, 'sla', 'resolution').dueAt, `${read.number}: the row's due time moved on to the resolution`);
      const row = (await desk.get(`/api/v1/incidents?number=${read.number}`)).body.items[0];
      assert.equal(row.responseDueAt, null, `${read.number}: the queue no longer says a response is due`);
    }
    const answeredAfter = (await desk.get(`/api/v1/incidents/${answered.id}`)).body;
    assert.equal(answeredAfter.respondedAt, answeredBefore.respondedAt, 'an incident already answered keeps its response');
    const { state, stoppedAt } = clockOf(answeredBefore, 'sla', 'response');
    assert.deepEqual({ state: clockOf(answeredAfter, 'sla', 'response').state, stoppedAt: clockOf(answeredAfter, 'sla', 'response').stoppedAt }, { state, stoppedAt });
    assert.equal(answeredAfter.slaDueAt, answeredBefore.slaDueAt);
    assert.equal(answeredAfter.version, answeredBefore.version + 2, 'linked, then told of the update');
  });

  test('the summaries count in English', async () => {
    const major = await logIncident(desk, { title: 'Leased line down', organisationOdsCode: practice.ods_code, siteId: undefined, impact: 'high', urgency: 'high' });
    const one = await logIncident(customer);
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/major`, undefined, ifMatch(major.version))).status, 200);
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/children`, { incidentIds: [one.id] })).status, 200);
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/major-updates`, { body: 'On it.' })).status, 201);
    const two = [await logIncident(customer), await logIncident(customer)];
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/children`, { incidentIds: two.map((c) => c.id) })).status, 200);
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/major-updates`, { body: 'Still on it.' })).status, 201);
    const summaries = (await desk.get(`/api/v1/incidents/${major.id}/journal?limit=50`)).body.items.map((e: { summary: string }) => e.summary);
    for (const said of ['Linked 1 incident', 'Linked 2 incidents', 'Major incident update, told to 1 linked incident', 'Major incident update, told to 3 linked incidents']) {
      assert.ok(summaries.includes(said), `"${said}" in ${JSON.stringify(summaries)}`);
    }
    assert.ok(!summaries.some((s: string) => s.includes('(s)')));
  });
});

describe('search', () => {
  test('full-text search over title, description and notes; a customer never matches on a work note', async () => {
    const word = `zq${Date.now().toString(36)}`;
    const byTitle = await logIncident(desk, { title: `Intermittent ${word}flap on circuit` });
    const byDescription = await logIncident(customer, { description: `The ${word}router keeps rebooting` });
    const byNote = await logIncident(customer);
    await desk.post(`/api/v1/incidents/${byNote.id}/notes`, { kind: 'work_note', body: `Suspect ${word}secret configuration` });
    const found = async (api: ApiClient, q: string) => (await api.get(`/api/v1/incidents?q=${encodeURIComponent(q)}`)).body.items.map((i: { id: number }) => i.id);
    assert.deepEqual(await found(desk, `${word}flap`), [byTitle.id]);
    assert.deepEqual(await found(desk, `${word}router`), [byDescription.id]);
    assert.deepEqual(await found(desk, `${word}secret`), [byNote.id]);
    assert.deepEqual(await found(customer, `${word}secret`), [], 'the work note stays internal');
    assert.deepEqual(await found(desk, byTitle.number), [byTitle.id], 'the number finds the incident');
    assert.deepEqual(await found(desk, ` ${byTitle.number.toLowerCase()} `), [byTitle.id], 'typed in lower case, with spaces');
    assert.ok((await found(desk, String(Number(byTitle.number.slice(3))))).includes(byTitle.id), 'its digits alone find it too');
    assert.deepEqual((await desk.get(`/api/v1/incidents?number=${byTitle.number}`)).body.items.map((i: { id: number }) => i.id), [byTitle.id]);
  });

  test('the queue sorts by SLA due and filters combine', async () => {
    const page = await desk.get('/api/v1/incidents?state=open&sort=slaDueAt&limit=200');
    assert.equal(page.status, 200);
    const dues = page.body.items.map((i: { slaDueAt: string | null }) => (i.slaDueAt ? Date.parse(i.slaDueAt) : Infinity));
    assert.deepEqual(dues, [...dues].sort((a: number, b: number) => a - b));
    const mine = await desk.get('/api/v1/incidents?assignee=me&state=open');
    assert.ok(mine.body.items.every((i: { assignee: { id: number } | null }) => i.assignee?.id === deskUser.id));
    const unknown = await desk.get('/api/v1/incidents?state=open,all');
    assert.equal(unknown.status, 400, 'a state incidents do not have is refused, not answered with an empty queue');
    assert.deepEqual(unknown.body.errors, [{ field: 'query.state', message: 'all is not an incident state; use new, assigned, in_progress, pending_customer, pending_supplier, resolved, closed, cancelled or open' }]);
    assert.equal((await desk.get('/api/v1/incidents?sort=title')).status, 400);
  });

  test('every incident is reached page by page in SLA due order, those with no due time too', async () => {
    const word = `zd${Date.now().toString(36)}`;
    const logged = [];
    for (let n = 0; n < 4; n++) logged.push(await logIncident(desk, { title: `Due order ${word} ${n}` }));
    // Two have no due time ('infinity', as when no clock runs towards one): they sort last.
    await sql`update incident set sla_due_at = 'infinity' where id in (${logged[1]!.id}, ${logged[3]!.id})`.execute(env.rt.db);
    for (const sort of ['slaDueAt', '-slaDueAt']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: Array<{ id: number }>; nextCursor: string | null } } = await desk.get(`/api/v1/incidents?q=${word}&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual([...seen].sort((a, b) => a - b), logged.map((i) => i.id).sort((a, b) => a - b), `${sort}: every incident once`);
    }
  });
});

describe('clocks by side', () => {
  test('the desk sees every clock; the customer only the SLA made to them, not the team’s OLA', async () => {
    const olaTeam = await makeTeam(env);
    const targets = ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, responseMinutes: 30, resolutionMinutes: 240 }));
    const ola = await manager.post('/api/v1/sla-definitions', { code: `OLA-${olaTeam.id}`, name: 'Network operations OLA', kind: 'ola', recordType: 'incident', teamCode: olaTeam.code, calendar: '24x7', targets });
    assert.equal(ola.status, 201, JSON.stringify(ola.body));
    const incident = await logIncident(customer);
    const assigned = await desk.post(`/api/v1/incidents/${incident.id}/assignment`, { teamId: olaTeam.id }, ifMatch(incident.version));
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    const kinds = (body: { clocks: Array<{ kind: string }> }) => [...new Set(body.clocks.map((c) => c.kind))].sort();
    assert.deepEqual(kinds(assigned.body), ['ola', 'sla']);
    assert.deepEqual(kinds((await customer.get(`/api/v1/incidents/${incident.id}`)).body), ['sla']);
    assert.ok(assigned.body.slaDueAt, 'the queue sorts by the SLA resolution due time');
  });
});

describe('the journal by side', () => {
  test("a customer reads their incident's journal but not the desk's internal targets nor the supplier's contract", async () => {
    const incident = await logIncident(customer);
    for (const action of ['ola_breached', 'underpinning_warning', 'sla_warning']) {
      await env.rt.journal.record(env.rt.db, { id: null, name: 'n3sp' }, { action, entityType: 'incident', entityId: incident.id, organisationId: null, summary: action, changes: [] });
    }
    const actions = async (api: ApiClient) => (await api.get(`/api/v1/incidents/${incident.id}/journal`)).body.items.map((e: { action: string }) => e.action);
    assert.deepEqual((await actions(desk)).slice(0, 3).sort(), ['ola_breached', 'sla_warning', 'underpinning_warning']);
    const seen = await actions(customer);
    assert.ok(seen.includes('sla_warning') && seen.includes('logged'), JSON.stringify(seen));
    assert.ok(!seen.includes('ola_breached') && !seen.includes('underpinning_warning'), JSON.stringify(seen));
  });
});

describe('roles', () => {
  test('an auditor reads but changes nothing; a customer cannot see the teams', async () => {
    const auditor = (await clientAs(env, { roles: ['auditor'] })).api;
    const incident = await logIncident();
    const read = await auditor.get(`/api/v1/incidents/${incident.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.nextStates, [], 'no move offered to one who may make none');
    assert.ok((await desk.get(`/api/v1/incidents/${incident.id}`)).body.nextStates.length > 0, 'the desk’s are');
    assert.equal((await auditor.post(`/api/v1/incidents/${incident.id}/notes`, { body: 'x' })).status, 403);
    assert.equal((await customer.get('/api/v1/teams')).status, 403);
    const user = await makeUser(env, { roles: ['customer'], organisations: [practice.ods_code] });
    const refused = await manager.post('/api/v1/teams', { code: `t-${user.id}`, name: 'Mixed', memberIds: [user.id] });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.errors[0].field, 'memberIds');
  });
});
