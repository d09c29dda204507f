import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { startRelay, type Relay } from '../helpers/smtp-relay.ts';
import { makeOrganisation } from '../helpers/factories.ts';
import { makeSite } from '../helpers/network-fixtures.ts';
import { makeTeam } from '../helpers/incident-fixtures.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { SYSTEM_ACTOR } from '../../src/core/access/principal.ts';
import { principalFor } from '../../src/core/auth/principals.ts';
import type { Role } from '../../src/core/access/roles.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { createToken } from '../../src/modules/identity/service.ts';
import { emailTables } from '../../src/modules/notifications/tables.ts';
import { londonTime } from '../../src/domain/london-time.ts';

/**
 * Who an incident's e-mail reaches, and how its history reads: a service level breach on an
 * incident nobody holds goes to the service desk, in London time; a customer's incident writes to
 * the customer's own address whatever they post; notes and the journal name people and incidents
 * as readers know them. Mail goes to a relay this test starts on 127.0.0.1.
 */

let env: TestEnv;
let relay: Relay;
let worker: JobWorker;
let practice: { ods_code: string };
let site: { id: number };
let desk: Person;
let manager: Person;

interface Person { id: number; email: string | null; displayName: string; api: ApiClient }

const uid = () => randomBytes(4).toString('hex');

/** A user with a display name unlike their username, an address (unless `email: null`) and an API token. */
async function person(roles: Role[], options: { organisations?: string[]; email?: string | null } = {}): Promise<Person> {
  const username = `p${uid()}`;
  const email = options.email === undefined ? `${username}@nhs.test` : options.email;
  const displayName = `Pat ${username.toUpperCase()} Jones`;
  const user = await createUser(env.rt, SYSTEM_ACTOR, { username, displayName, roles, email: email ?? undefined, organisations: options.organisations, supplierId: null });
  const row = await env.rt.db.selectFrom('app_user').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
  const token = await createToken(env.rt, principalFor({ ...row, organisation_ids: [] }, 'token'), user.id, { name: 'test' });
  return { id: user.id, email, displayName, api: new ApiClient(env.app, { authorization: `Bearer ${token.token}` }) };
}

const breachMail = (incidentId: number) =>
  emailTables(env.rt.db).selectFrom('email_message').selectAll().where('record_type', '=', 'incident').where('record_id', '=', incidentId).where('event', '=', 'breach').execute();

before(async () => {
  relay = await startRelay();
  env = await testEnv({ config: { mail: { smtpUrl: `smtp://127.0.0.1:${relay.port}`, from: 'NHS network service desk <servicedesk@n3sp.test>', replyDomain: 'n3sp.test' } } });
  // The runtime's own worker runs jobs by the real clock; this file drains its own, told the time.
  await env.rt.jobs?.stop();
  worker = new JobWorker(env.rt, { pollMs: 3_600_000, backoffMs: () => 100 });
  practice = await makeOrganisation(env, { name: 'Riverside Surgery' });
  site = await makeSite(env, practice.ods_code, { name: `Riverside ${uid()}` });
  desk = await person(['service_desk_agent']);
  manager = await person(['service_manager']);
});
after(async () => {
  await relay?.close();
  await env?.close();
});

describe('service level alarms', () => {
  test('a breach on an incident nobody holds reaches the service desk’s agents and managers, its time as London reads it', async () => {
    const noAddress = await person(['service_desk_agent'], { email: null });
    const gone = await person(['service_desk_agent']);
    await sql`update app_user set active = false where id = ${gone.id}`.execute(env.rt.db);
    const customer = await person(['customer'], { organisations: [practice.ods_code] });
    const addresslessTeam = await makeTeam(env, { memberIds: [desk.id] });
    const team = await makeTeam(env, { memberIds: [desk.id], email: `resolvers-${uid()}@nhs.test` });

    const log = async (body: Record<string, unknown> = {}) => {
      const created = await desk.api.post('/api/v1/incidents', { title: `Line down ${uid()}`, siteId: site.id, impact: 'high', urgency: 'high', ...body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body as { id: number; number: string };
    };
    const unassigned = await log();
    const teamWithoutAddress = await log({ teamId: addresslessTeam.id });
    const held = await log({ teamId: team.id });

    // A month on, every resolution target has passed: the breach jobs fire, then the e-mail goes.
    const sent = relay.received.length;
    await worker.drain({ now: new Date(Date.now() + 30 * 24 * 3_600_000) });
    await worker.drain();

    const [mail] = await breachMail(unassigned.id);
    assert.ok(mail, 'a breach notification was stored for the unassigned incident');
    assert.equal(mail.state, 'sent', mail.reason ?? '');
    const told = mail.recipients.map((r) => r.address);
    assert.ok(told.includes(desk.email!), 'the desk agent is told');
    assert.ok(told.includes(manager.email!), 'the service manager is told');
    assert.ok(!told.includes(gone.email!), 'not a deactivated agent');
    assert.ok(!told.includes(customer.email!), 'not a customer');
    assert.ok(!told.some((a) => a === noAddress.email), 'an agent without an address is simply not among them');

    const clock = ((await desk.api.get(`/api/v1/incidents/${unassigned.id}`)).body.clocks as Array<{ kind: string; metric: string; breachedAt: string | null }>).find((c) => c.kind === 'sla' && c.metric === 'resolution')!;
    assert.ok(clock.breachedAt);
    // Its response target breached too: one e-mail each; the resolution's is read here.
    const delivered = relay.received.slice(sent).find((r) => r.mail.subject?.startsWith(`[${unassigned.number}] BREACHED`) && r.mail.text?.includes('resolution target'));
    assert.ok(delivered, 'the relay received the breach e-mail');
    assert.ok(delivered.to.includes(desk.email!) && delivered.to.includes(manager.email!));
    assert.match(delivered.mail.text ?? '', new RegExp(`The SLA resolution target \\(.+\\) was breached at ${londonTime(clock.breachedAt)}\\.`));
    assert.match(londonTime(clock.breachedAt), /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
    assert.doesNotMatch(delivered.mail.text ?? '', /\d{4}-\d{2}-\d{2}T\d{2}:/, 'no UTC ISO instants');
    assert.match(delivered.mail.text ?? '', /No one is assigned to it, so the service desk is told\./);

    const [teamMail] = await breachMail(teamWithoutAddress.id);
    assert.ok(teamMail && teamMail.recipients.some((r) => r.address === desk.email), 'a team without an address: the desk is told');
    const [heldMail] = await breachMail(held.id);
    assert.deepEqual(heldMail!.recipients.map((r) => r.address), [team.email!.toString()], 'a team with an address is told, and only it');

    // The journal names the target and keeps the instant; its words are London time.
    const journal = (await desk.api.get(`/api/v1/incidents/${unassigned.id}/journal`)).body.items as Array<{ action: string; summary: string; changes: Array<{ field: string; after: unknown }> }>;
    const breach = journal.find((e) => e.action === 'sla_breached' && e.summary.includes('resolution'))!;
    assert.match(breach.summary, new RegExp(`SLA resolution target \\(.+\\) breached at ${londonTime(clock.breachedAt)}$`));
    assert.deepEqual(breach.changes, [{ field: 'SLA resolution target breached', before: null, after: clock.breachedAt }]);
  });
});

describe('service level alarms on service requests', () => {
  test('a breach on a request nobody holds reaches the service desk too, in London time', async () => {
    const customer = await person(['customer'], { organisations: [practice.ods_code] });
    const raised = await customer.api.post('/api/v1/service-requests', { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'Dr Nia Evans', to: 'the portal' } });
    assert.equal(raised.status, 201, JSON.stringify(raised.body));
    const request = raised.body as { id: number; number: string; clocks: Array<{ kind: string; metric: string; state: string }> };
    assert.ok(request.clocks.some((c) => c.kind === 'sla' && c.state === 'running'), JSON.stringify(request.clocks));

    await worker.drain({ now: new Date(Date.now() + 60 * 24 * 3_600_000) });
    await worker.drain();
    const mails = await emailTables(env.rt.db).selectFrom('email_message').selectAll().where('record_type', '=', 'service_request').where('record_id', '=', request.id).where('event', '=', 'breach').execute();
    assert.ok(mails.length > 0, 'a breach notification was stored');
    for (const mail of mails) {
      assert.equal(mail.state, 'sent', mail.reason ?? '');
      const told = mail.recipients.map((r) => r.address);
      assert.ok(told.includes(desk.email!) && told.includes(manager.email!), JSON.stringify(told));
      assert.ok(!told.includes(customer.email!), 'the requester is not told of the desk’s own breach');
      assert.match(mail.body, /was breached at (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\./);
      assert.doesNotMatch(mail.body, /\d{4}-\d{2}-\d{2}T\d{2}:/);
    }
  });
});

describe('the caller of a customer’s incident', () => {
  test('a customer cannot give another address for their incident’s e-mail; it goes to their own', async () => {
    const practice = await makeOrganisation(env, { name: `Hilltop ${uid()}` });
    const theirSite = await makeSite(env, practice.ods_code, { name: `Hilltop ${uid()}` });
    const customer = await person(['customer'], { organisations: [practice.ods_code] });

    const refused = await customer.api.post('/api/v1/incidents', { title: 'Printer offline', siteId: theirSite.id, callerEmail: 'evil@example.com' });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.match(JSON.stringify(refused.body), /callerEmail/);

    const created = await customer.api.post('/api/v1/incidents', { title: 'Printer offline', siteId: theirSite.id });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.caller, { id: customer.id, name: customer.displayName, email: customer.email });

    const comment = await desk.api.post(`/api/v1/incidents/${created.body.id}/notes`, { body: 'An engineer is on the way.', kind: 'comment' });
    assert.equal(comment.status, 201, JSON.stringify(comment.body));
    const update = await emailTables(env.rt.db).selectFrom('email_message').selectAll().where('record_id', '=', created.body.id).where('event', '=', 'customer_update').executeTakeFirstOrThrow();
    assert.deepEqual(update.recipients.map((r) => r.address), [customer.email]);
  });

  test('the desk may still log an incident for a caller known only by e-mail', async () => {
    const created = await desk.api.post('/api/v1/incidents', { title: 'Phone line noisy', siteId: site.id, impact: 'low', callerName: 'Reception', callerEmail: 'reception@practice.nhs.test' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.caller.email, 'reception@practice.nhs.test');
  });
});

describe('history as people read it', () => {
  test('a note is by its author’s name, not their username', async () => {
    const practice = await makeOrganisation(env, { name: `Lakeside ${uid()}` });
    const theirSite = await makeSite(env, practice.ods_code, { name: `Lakeside ${uid()}` });
    const customer = await person(['customer'], { organisations: [practice.ods_code] });
    const created = await customer.api.post('/api/v1/incidents', { title: 'Wi-Fi down', siteId: theirSite.id });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as number;
    assert.equal((await customer.api.post(`/api/v1/incidents/${id}/notes`, { body: 'Still down this morning.' })).status, 201);
    assert.equal((await desk.api.post(`/api/v1/incidents/${id}/notes`, { body: 'Router replaced.', kind: 'work_note' })).status, 201);
    const notes = (await desk.api.get(`/api/v1/incidents/${id}/notes`)).body as Array<{ body: string; author: string }>;
    assert.deepEqual(
      notes.map((n) => [n.body, n.author]),
      [['Still down this morning.', customer.displayName], ['Router replaced.', desk.displayName]],
    );
    // A work note's words stay out of the journal, and so does its row id: it says what happened.
    const journal = (await desk.api.get(`/api/v1/incidents/${id}/journal`)).body.items as Array<{ action: string; changes: Array<{ field: string; after: unknown }> }>;
    const workNote = journal.find((e) => e.action === 'work_note')!;
    assert.equal(typeof workNote.changes[0]!.after, 'string');
    assert.doesNotMatch(String(workNote.changes[0]!.after), /Router replaced|^\d+$/);
  });

  test('linking incidents under a parent journals the children by number', async () => {
    const log = async () => (await desk.api.post('/api/v1/incidents', { title: `Area outage ${uid()}`, siteId: site.id, impact: 'medium' })).body as { id: number; number: string };
    const parent = await log();
    const [a, b] = [await log(), await log()];
    const linked = await desk.api.post(`/api/v1/incidents/${parent.id}/children`, { incidentIds: [b.id, a.id] });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    const journal = (await desk.api.get(`/api/v1/incidents/${parent.id}/journal`)).body.items as Array<{ action: string; changes: Array<{ field: string; after: unknown }> }>;
    const entry = journal.find((e) => e.action === 'children_linked')!;
    assert.deepEqual(entry.changes, [{ field: 'children', before: null, after: [b.number, a.number] }]);
  });
});
