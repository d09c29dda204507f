import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { loadDemonstration } from '../../src/modules/demo/demonstration.ts';
import { chainAll, verifyChain } from '../../src/core/journal/chain.ts';

/** The demonstration network that `npm start` loads into an empty database, as a newcomer meets it. */
let env: TestEnv;
let notes: string[];
const PASSWORD = 'demonstration-password';

before(async () => {
  env = await testEnv();
  process.env.N3SP_DEMO_PASSWORD = PASSWORD;
  notes = await loadDemonstration(env.rt);
});
after(() => env.close());

test('the shipped NHS ODS files are loaded: practices, branch surgeries and their commissioners', async () => {
  const counts = await sql<{ kind: string; n: number }>`select kind, count(*)::int as n from organisation group by kind`.execute(env.rt.db);
  const byKind = Object.fromEntries(counts.rows.map((r) => [r.kind, r.n]));
  // epraccur.csv has 14,357 rows, of which 8,204 are GP practices (prescribing setting 4).
  assert.equal(byKind.gp_practice, 8_204);
  const fromOds = await sql<{ n: number }>`select count(*)::int as n from organisation where kind not in ('network_provider', 'region', 'commissioner')`.execute(env.rt.db);
  assert.equal(fromOds.rows[0]!.n, 14_357);
  assert.ok(byKind.commissioner > 100);
  const branches = await sql<{ n: number }>`select count(*)::int as n from site where kind = 'branch_surgery'`.execute(env.rt.db);
  assert.ok(branches.rows[0]!.n > 2_000);
  assert.ok(notes.some((n) => /Imported \d+ practices/.test(n)), notes.join('\n'));
});

test('connections stand at every stage of the roll-out, against a programme target', async () => {
  const states = await sql<{ state: string }>`select distinct state from connection`.execute(env.rt.db);
  const present = new Set(states.rows.map((r) => r.state));
  for (const stage of ['requested', 'quoted', 'ordered', 'surveyed', 'installed', 'live', 'ceased', 'cancelled']) assert.ok(present.has(stage), `no ${stage} connection`);
  const targets = await sql<{ n: number }>`select count(*)::int as n from rollout_target`.execute(env.rt.db);
  assert.equal(targets.rows[0]!.n, 1);
});

test('the demonstration practice manager signs in and sees only their own practice', async () => {
  const anonymous = new ApiClient(env.app);
  const login = await anonymous.post('/api/v1/session', { username: 'practice', password: PASSWORD });
  assert.equal(login.status, 200);
  assert.deepEqual(login.body.organisations.map((o: { odsCode: string }) => o.odsCode), ['A81001']);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const list = await new ApiClient(env.app, { cookie }).get('/api/v1/organisations?limit=200');
  assert.deepEqual(list.body.items.map((o: { odsCode: string }) => o.odsCode), ['A81001']);
  // A live connection of their own, so that they can ask to upgrade, move or cease it.
  const connections = await new ApiClient(env.app, { cookie }).get('/api/v1/connections?limit=200');
  assert.ok(connections.body.items.some((c: { state: string }) => c.state === 'live'), JSON.stringify(connections.body.items.map((c: { state: string }) => c.state)));
});

test('incidents stand at every state, worked by the demonstration teams, users and suppliers', async () => {
  const states = await sql<{ state: string; n: number }>`select state, count(*)::int as n from incident group by state`.execute(env.rt.db);
  const byState = Object.fromEntries(states.rows.map((r) => [r.state, r.n]));
  for (const state of ['new', 'assigned', 'in_progress', 'pending_customer', 'pending_supplier', 'resolved', 'closed', 'cancelled']) assert.ok(byState[state] > 0, `no ${state} incident`);
  const total = Object.values(byState).reduce((a, b) => a + b, 0);
  assert.ok(total >= 55 && total <= 70, `${total} incidents`);
  const teams = await sql<{ code: string; members: number }>`select t.code, count(m.user_id)::int as members from team t left join team_member m on m.team_id = t.id group by t.code order by t.code`.execute(env.rt.db);
  assert.deepEqual(teams.rows.map((t) => t.code), ['network-operations', 'provisioning', 'service-desk']);
  assert.ok(teams.rows.every((t) => t.members > 0));
  const facts = await sql<{ portal: number; accepted: number; questions: number; answers: number; reopened: number; with_connection: number; clocks: number }>`select
      (select count(*)::int from incident where source = 'portal') as portal,
      (select count(*)::int from incident i join app_user u on u.supplier_id = i.supplier_id and u.username = 'engineer' where i.supplier_accepted_at is not null) as accepted,
      (select count(*)::int from incident_note where kind = 'question') as questions,
      (select count(*)::int from incident_note where kind = 'answer') as answers,
      (select count(*)::int from incident where reopen_count > 0) as reopened,
      (select count(*)::int from incident where connection_id is not null) as with_connection,
      (select count(distinct record_id)::int from sla_clock where record_type = 'incident') as clocks`.execute(env.rt.db);
  const f = facts.rows[0]!;
  assert.ok(f.portal > 0 && f.accepted > 0 && f.questions > 0 && f.answers > 0 && f.reopened > 0 && f.with_connection > 0, JSON.stringify(f));
  assert.equal(f.clocks, total, 'every incident has its service level clocks');
  // The teams' OLAs and the suppliers' underpinning contracts run beside the SLA: every incident a
  // resolver team took has its team's clock, every one handed to Pennine their contract's.
  const supporting = await sql<{ kind: string; without: number }>`select d.kind,
      count(*) filter (where not exists (select from sla_clock c where c.record_type = 'incident' and c.record_id = i.id and c.definition_id = d.id))::int as without
    from incident i join sla_definition d on (d.kind = 'ola' and d.team_id = i.team_id) or (d.kind = 'underpinning' and d.supplier_id = i.supplier_id)
    where i.state <> 'cancelled' group by d.kind order by d.kind`.execute(env.rt.db);
  assert.deepEqual(supporting.rows.map((r) => r.kind), ['ola', 'underpinning'], 'the demonstration holds teams and suppliers to their agreements');
  assert.ok(supporting.rows.every((r) => r.without === 0), JSON.stringify(supporting.rows));
  const logged = await sql<{ n: number }>`select count(*)::int as n from journal where entity_type = 'incident' and action = 'logged'`.execute(env.rt.db);
  assert.equal(logged.rows[0]!.n, total, 'each incident is journalled from its logging');

  const anonymous = new ApiClient(env.app);
  const signIn = async (username: string) => {
    const login = await anonymous.post('/api/v1/session', { username, password: PASSWORD });
    return new ApiClient(env.app, { cookie: String(login.headers['set-cookie']).split(';')[0]! });
  };
  const agent = await signIn('agent');
  const majors = await agent.get('/api/v1/incidents?major=true&state=open');
  assert.equal(majors.body.items.length, 1);
  const major = await agent.get(`/api/v1/incidents/${majors.body.items[0].id}`);
  assert.ok(major.body.children.length >= 3, 'the major incident has linked incidents');
  const updates = (await agent.get(`/api/v1/incidents/${major.body.id}/notes`)).body.filter((n: { kind: string }) => n.kind === 'major_update');
  // Posted in turn, hourly once the power is being restored (and never two at once).
  assert.ok(updates.length >= 2, `${updates.length} major updates`);
  assert.equal(new Set(updates.map((u: { createdAt: string }) => u.createdAt)).size, updates.length);
  const practice = await signIn('practice');
  const theirs = await practice.get('/api/v1/incidents?limit=200');
  assert.ok(theirs.body.items.length > 0);
  assert.ok(theirs.body.items.every((i: { organisation: { odsCode: string } }) => i.organisation.odsCode === 'A81001'));
  const engineer = await signIn('engineer');
  assert.equal((await engineer.get('/api/v1/session')).body.supplierName, 'Pennine Access Networks Ltd', 'the engineer is told which company they act for, by name');
  const handed = await engineer.get('/api/v1/incidents?state=pending_supplier&limit=200');
  assert.ok(handed.body.items.length > 0 && handed.body.items.every((i: { supplier: { code: string } }) => i.supplier.code === 'PENNINE'));
});

test('the incidents happened over the last working days, each step journalled at its own time', async () => {
  const spread = await sql<{ n: number; late: number; days: number }>`select count(*)::int as n,
      count(*) filter (where created_at > now() or updated_at > now())::int as late,
      count(distinct (created_at at time zone 'Europe/London')::date)::int as days
    from incident`.execute(env.rt.db);
  const { n, late, days } = spread.rows[0]!;
  assert.ok(n > 0);
  assert.equal(late, 0, 'nothing is stamped after the demonstration loaded');
  assert.ok(days >= 3, `logged on ${days} different days`);
  // The journal and the records agree: the entry of each step is at the record's own time for it.
  const disagree = await sql<{ number: string; action: string; record: Date; journal: Date }>`
    select i.number, j.action, i.created_at as record, j.at as journal from incident i join journal j on j.entity_type = 'incident' and j.entity_id = i.id::text and j.action = 'logged' where j.at <> i.created_at
    union all
    select i.number, 'resolved', i.resolved_at, (select max(j.at) from journal j where j.entity_type = 'incident' and j.entity_id = i.id::text and j.action = 'resolved')
      from incident i where i.resolved_at is not null and i.resolved_at is distinct from (select max(j.at) from journal j where j.entity_type = 'incident' and j.entity_id = i.id::text and j.action = 'resolved')
    union all
    select i.number, 'closed', i.closed_at, (select max(j.at) from journal j where j.entity_type = 'incident' and j.entity_id = i.id::text and j.action in ('closed', 'confirmed'))
      from incident i where i.closed_at is not null and i.closed_at is distinct from (select max(j.at) from journal j where j.entity_type = 'incident' and j.entity_id = i.id::text and j.action in ('closed', 'confirmed'))
    union all
    -- The last thing a person did to each incident is when it was last updated (the clocks' own alarms come later, from the job worker).
    select i.number, 'last change', i.updated_at, (select max(j.at) from journal j where j.entity_type = 'incident' and j.entity_id = i.id::text and j.action not like '%warning' and j.action not like '%breached')
      from incident i where i.updated_at is distinct from (select max(j.at) from journal j where j.entity_type = 'incident' and j.entity_id = i.id::text and j.action not like '%warning' and j.action not like '%breached')
    union all
    select i.number, 'note', n.created_at, null from incident_note n join incident i on i.id = n.incident_id where n.created_at < i.created_at or n.created_at > i.updated_at
    union all
    select i.number, 'clock', c.started_at, null from sla_clock c join incident i on i.id = c.record_id where c.record_type = 'incident' and (c.started_at < i.created_at or c.started_at > i.updated_at or c.created_at <> c.started_at)`.execute(env.rt.db);
  assert.deepEqual(disagree.rows, []);
});

test('the clocks have run: open incidents have used business time, some are past their warning, some breached', async () => {
  // The job worker fires, on the real time, the warnings and breaches that fell due in that history.
  await env.rt.jobs!.holding(() => env.rt.jobs!.drain());
  const clocks = await sql<{ warned: number; breached: number; breach_entries: number }>`select
      (select count(*)::int from sla_clock where record_type = 'incident' and kind = 'sla' and warned_at is not null) as warned,
      (select count(*)::int from sla_clock where record_type = 'incident' and kind = 'sla' and breached_at is not null) as breached,
      (select count(*)::int from journal where entity_type = 'incident' and action = 'sla_breached') as breach_entries`.execute(env.rt.db);
  const c = clocks.rows[0]!;
  assert.ok(c.warned >= 1 && c.breached >= 1 && c.breach_entries >= 1, JSON.stringify(c));

  const anonymous = new ApiClient(env.app);
  const login = await anonymous.post('/api/v1/session', { username: 'agent', password: PASSWORD });
  const agent = new ApiClient(env.app, { cookie: String(login.headers['set-cookie']).split(';')[0]! });
  const open = await agent.get('/api/v1/incidents?state=open&limit=200');
  assert.ok(open.body.items.some((i: { slaBreached: boolean }) => i.slaBreached), 'the queue shows breaches');
  assert.ok(open.body.items.some((i: { slaBreached: boolean }) => !i.slaBreached), 'and incidents within their targets');
  const states = new Set<string>();
  let counted = 0;
  for (const item of open.body.items) {
    const incident = await agent.get(`/api/v1/incidents/${item.id}`);
    for (const clock of incident.body.clocks as Array<{ kind: string; metric: string; state: string; elapsedBusinessMs: number }>) {
      if (clock.kind !== 'sla' || clock.metric !== 'resolution') continue;
      states.add(clock.state);
      if (clock.elapsedBusinessMs > 0) counted++;
    }
  }
  assert.ok(counted >= 10, `${counted} open incidents' SLA clocks have counted business time`);
  assert.ok(states.has('warning') && states.has('breached'), [...states].join(', '));
});

test('the journal chain runs in time order through the incidents and requests', async () => {
  await chainAll(env.rt.db);
  // Along the chain, the entries of the incidents and requests never go back in time.
  const backwards = await sql<{ chain_seq: string; entity_type: string; entity_id: string; action: string; at: Date; before: Date }>`select * from (
      select chain_seq, entity_type, entity_id, action, at, lag(at) over (order by chain_seq) as before
      from journal where entity_type in ('incident', 'service_request')) t
    where at < before`.execute(env.rt.db);
  assert.equal(backwards.rows.length, 0, `${backwards.rows.length} chain entries earlier than the one before them: ${JSON.stringify(backwards.rows.slice(0, 3))}`);
});

test('incident and request numbers are given in the order the records were made', async () => {
  for (const table of ['incident', 'service_request'] as const) {
    const disordered = await sql<{ number: string; created_at: Date; before: Date }>`select * from (
        select number, created_at, lag(created_at) over (order by number) as before from ${sql.table(table)}) t
      where created_at < before`.execute(env.rt.db);
    assert.deepEqual(disordered.rows, [], `${table} numbers out of time order`);
  }
});

test('every warning and breach is journalled when it fell due, and a breached clock was warned first', async () => {
  const db = env.rt.db;
  // At the instant it reports: a warning at its warning instant, a breach at the first instant past due (within the millisecond).
  const alarms = await sql<{ entity_id: string; action: string; at: Date; reported: Date; summary: string }>`select j.entity_id, j.action, j.at, ((j.changes::jsonb)->0->>'after')::timestamptz as reported, j.summary
    from journal j where j.entity_type in ('incident', 'service_request') and j.action ~ '_(warning|breached)$'`.execute(db);
  assert.ok(alarms.rows.some((r) => r.action.endsWith('_warning')) && alarms.rows.some((r) => r.action.endsWith('_breached')), 'the history has warnings and breaches');
  const late = (r: { action: string; at: Date; reported: Date }) => r.at.getTime() - r.reported.getTime();
  const misdated = alarms.rows.filter((r) => !(r.action.endsWith('_warning') ? late(r) === 0 : late(r) >= 0 && late(r) <= 1));
  assert.deepEqual(misdated.slice(0, 3), [], `${misdated.length} alarms journalled at another time than they fell due`);
  // The clock's own mark and its journal entry agree.
  const unjournalled = await sql<{ id: number; alarm: string; at: Date }>`select c.id, a.alarm, a.at from sla_clock c
      cross join lateral (values ('warning', c.warned_at), ('breached', c.breached_at)) as a(alarm, at)
    where a.at is not null and not exists (select from journal j where j.entity_type = c.record_type and j.entity_id = c.record_id::text
      and j.action = c.kind || '_' || a.alarm and j.at between a.at and a.at + interval '1 millisecond')`.execute(db);
  assert.deepEqual(unjournalled.rows.slice(0, 3), [], `${unjournalled.rows.length} clocks warned or breached without their journal entry at that instant`);
  // A clock is warned on its way to its breach, however long ago that was.
  const unwarned = await sql<{ id: number }>`select id from sla_clock where breached_at is not null and warned_at is null`.execute(db);
  assert.deepEqual(unwarned.rows, [], 'a breached clock without its warning');
});

test('no two steps of one incident happen at the same instant', async () => {
  // What people did: each step at an instant of its own (an incident's steps never pile up at the end of the history).
  const together = await sql<{ number: string; at: Date; actions: string }>`select i.number, j.at, string_agg(j.action, ', ' order by j.id) as actions
    from journal j join incident i on j.entity_type = 'incident' and j.entity_id = i.id::text
    where j.actor_id is not null
    group by i.number, j.at having count(*) > 1`.execute(env.rt.db);
  assert.deepEqual(together.rows, []);
  const notes = await sql<{ number: string; at: Date }>`select i.number, n.created_at as at from incident_note n join incident i on i.id = n.incident_id
    group by i.number, n.created_at having count(*) > 1`.execute(env.rt.db);
  assert.deepEqual(notes.rows, []);
});

test('the demonstration reads plausibly: what the major incident links, priorities, who holds incidents', async () => {
  const db = env.rt.db;
  // Linked under the PoP's power loss: only faults it can cause, at sites on connections that hang from that PoP.
  const children = await sql<{ number: string; title: string; category: string; on_pop: boolean }>`select c.number, c.title, c.category,
      exists (select from connection k join incident_ci ic on ic.ci_id = k.pop_ci_id and ic.incident_id = m.id where k.id = c.connection_id) as on_pop
    from incident m join incident c on c.parent_id = m.id where m.major`.execute(db);
  assert.ok(children.rows.length >= 3, 'the major incident has linked incidents');
  assert.deepEqual(children.rows.filter((c) => !['connectivity', 'performance'].includes(c.category) || !c.on_pop), []);
  // A P1 is for the PoP going down, not a slow smartcard log-in.
  const p1 = await sql<{ number: string; title: string }>`select number, title from incident where priority = 'P1' and not major`.execute(db);
  assert.deepEqual(p1.rows, []);
  // Incidents are held by resolver teams and their own members: not the managers, not provisioning.
  const held = await sql<{ number: string; team: string | null; assignee: string | null }>`select i.number, t.code as team, u.username as assignee from incident i
      left join team t on t.id = i.team_id left join app_user u on u.id = i.assignee_id
    where t.code = 'provisioning' or u.username in ('manager', 'programme')
      or (i.assignee_id is not null and not exists (select from team_member m where m.team_id = i.team_id and m.user_id = i.assignee_id))`.execute(db);
  assert.deepEqual(held.rows, []);
});

test('the load summary counts requests by state, and their titles read naturally', async () => {
  const byState = Object.fromEntries((await sql<{ state: string; n: number }>`select state, count(*)::int as n from service_request group by state`.execute(env.rt.db)).rows.map((r) => [r.state, r.n]));
  const summary = notes.find((n) => /service requests over the last working days/.test(n)) ?? '';
  assert.match(summary, new RegExp(`${byState.in_fulfilment} being fulfilled`), summary);
  assert.match(summary, new RegExp(`${byState.submitted} submitted`), summary);
  // "Access to <what> for <whom>", and "<whom> to <what>" on the request's page: the person's name alone.
  const access = (await sql<{ title: string; name: string }>`select title, details->'access'->>'name' as name from service_request where kind = 'access'`.execute(env.rt.db)).rows;
  assert.ok(access.length >= 4);
  assert.deepEqual(access.filter((r) => / for .* for /.test(r.title) || r.name.includes(',') || / on (his|her|their) /.test(r.title)), []);
});

test('service requests of every kind stand in several states, approved, rejected and worked through their tasks', async () => {
  const byState = Object.fromEntries((await sql<{ state: string; n: number }>`select state, count(*)::int as n from service_request group by state`.execute(env.rt.db)).rows.map((r) => [r.state, r.n]));
  for (const state of ['awaiting_approval', 'approved', 'rejected', 'submitted', 'in_fulfilment', 'fulfilled', 'cancelled']) assert.ok(byState[state] > 0, `no ${state} request: ${JSON.stringify(byState)}`);
  const kinds = (await sql<{ kind: string }>`select distinct kind from service_request order by kind`.execute(env.rt.db)).rows.map((r) => r.kind);
  assert.deepEqual(kinds, ['access', 'bandwidth_upgrade', 'cease', 'move', 'new_connection']);
  const facts = (await sql<{ decided: number; done: number; open_assigned: number; clocks: number; late: number; journal_disagrees: number; customer: number }>`select
      (select count(*)::int from service_request where approved_by is not null and approved_at is not null) as decided,
      (select count(*)::int from request_task where state = 'done' and completed_at is not null) as done,
      (select count(*)::int from request_task where state = 'open' and team_id is not null) as open_assigned,
      (select count(distinct record_id)::int from sla_clock where record_type = 'service_request') as clocks,
      (select count(*)::int from service_request where created_at > now() or updated_at > now()) as late,
      (select count(*)::int from service_request r join journal j on j.entity_type = 'service_request' and j.entity_id = r.id::text and j.action = 'created' where j.at <> r.created_at) as journal_disagrees,
      (select count(*)::int from service_request r join app_user u on u.id = r.requester_id and u.username = 'practice') as customer`.execute(env.rt.db)).rows[0]!;
  assert.ok(facts.decided >= 3 && facts.done >= 3 && facts.open_assigned >= 2 && facts.customer >= 3, JSON.stringify(facts));
  assert.equal(facts.clocks, Object.values(byState).reduce((a, b) => a + b, 0), 'every request has its service level clocks');
  assert.equal(facts.late, 0);
  assert.equal(facts.journal_disagrees, 0);
  // Fulfilled, it closes by itself only days after the demonstration starts.
  const fulfilled = await sql<{ closes_at: Date }>`select closes_at from service_request where state = 'fulfilled'`.execute(env.rt.db);
  assert.ok(fulfilled.rows.every((r) => r.closes_at.getTime() > Date.now()));

  const anonymous = new ApiClient(env.app);
  const login = await anonymous.post('/api/v1/session', { username: 'practice', password: PASSWORD });
  const practice = new ApiClient(env.app, { cookie: String(login.headers['set-cookie']).split(';')[0]! });
  const theirs = await practice.get('/api/v1/service-requests?limit=200');
  assert.equal(theirs.status, 200);
  assert.ok(theirs.body.items.length >= 3 && theirs.body.items.every((r: { organisation: { odsCode: string } }) => r.organisation.odsCode === 'A81001'));
});

test('everything the demonstration wrote is in an intact audit chain', async () => {
  await chainAll(env.rt.db);
  const verdict = await verifyChain(env.rt.db, env.config.auditKey);
  assert.equal(verdict.ok, true, JSON.stringify(verdict.firstBreak));
  assert.ok(verdict.checked > 15_000);
});
