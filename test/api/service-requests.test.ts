import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { inTransaction } from '../../src/core/context.ts';
import { addPrice } from '../../src/modules/suppliers/service.ts';
import { emailReplies } from '../../src/modules/notifications/notify.ts';
import { jobHandlers } from '../../src/core/jobs/registry.ts';
import { jobTables } from '../../src/core/jobs/queue.ts';
import { closeJobKind } from '../../src/modules/service-requests/fulfilment.ts';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, SYSTEM, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import { journalSize } from '../helpers/tenancy-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

let env: TestEnv;
let admin: ApiClient;
let desk: ApiClient;
let deskUser: { id: number };
let approver: ApiClient;
let approverUser: { id: number };
let manager: ApiClient;
let customer: ApiClient;
let customerUser: { id: number; email: string | null };
let stranger: ApiClient;
let practice: { id: number; ods_code: string; name: string };
let other: { ods_code: string };
let fttc: string; // 80 Mbit/s, no approval
let fttp: string; // 330 Mbit/s, no approval
let approved: string; // needs approval
let popId: number;

const BASE = '/api/v1/service-requests';

before(async () => {
  env = await testEnv();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  ({ api: desk, user: deskUser } = await clientAs(env, { roles: ['service_desk_agent'] }));
  ({ api: approver, user: approverUser } = await clientAs(env, { roles: ['change_approver'] }));
  manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  const region = uniqueCode('Y').slice(0, 4);
  await makeOrganisation(env, { odsCode: region, name: `Region ${region}`, kind: 'region' });
  practice = await makeOrganisation(env, { region, name: `Elm Tree Surgery ${uniqueCode('')}` });
  other = await makeOrganisation(env, { region });
  ({ api: customer, user: customerUser } = await clientAs(env, { roles: ['customer'], organisations: [practice.ods_code] }));
  stranger = (await clientAs(env, { roles: ['customer'], organisations: [other.ods_code] })).api;
  for (const u of [approverUser, customerUser]) await sql`update app_user set email = ${`user${u.id}@example.nhs.uk`} where id = ${u.id}`.execute(env.rt.db);
  const serviceClass = await makeServiceClass(env);
  fttc = (await makeProduct(env, serviceClass.code, { bandwidthDownKbps: 80_000 })).code;
  fttp = (await makeProduct(env, serviceClass.code, { accessTechnology: 'fttp', bandwidthDownKbps: 330_000, bandwidthUpKbps: 50_000 })).code;
  approved = (await makeProduct(env, serviceClass.code, { accessTechnology: 'ethernet_fibre', bandwidthDownKbps: 1_000_000, bandwidthUpKbps: 1_000_000, requiresApproval: true })).code;
  const supplier = await makeSupplier(env, { regions: [region] });
  await inTransaction(env.rt, async (tx) => {
    for (const product of [fttc, fttp, approved]) {
      await addPrice(tx, env.rt, SYSTEM, supplier.id, { productCode: product, regionOdsCode: region, installCharge: '100.00', annualRental: '500.00', leadTimeDays: 20, validFrom: '2020-01-01' });
    }
  });
  assert.equal((await admin.post('/api/v1/address-blocks', { name: `Block ${uniqueCode('')}`, range: '10.98.0.0/16' })).status, 201);
  popId = (await admin.post('/api/v1/cis', { kind: 'pop', name: `PoP ${uniqueCode('')}` })).body.id;
});
after(() => env.close());

const site = async (name?: string) => makeSite(env, practice.ods_code, { name: name ?? `Branch ${uniqueCode('')}` });

async function raise(api: ApiClient, body: Record<string, unknown>) {
  const created = await api.post(BASE, body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

const read = (id: number, api: ApiClient = desk) => api.get(`${BASE}/${id}`);

async function transition(id: number, body: Record<string, unknown>, api: ApiClient = desk) {
  const current = await read(id, api);
  return api.post(`${BASE}/${id}/transitions`, body, { 'if-match': String(current.headers.etag) });
}

async function connectionStep(id: number, body: Record<string, unknown>) {
  const current = await desk.get(`/api/v1/connections/${id}`);
  const response = await desk.post(`/api/v1/connections/${id}/transitions`, body, { 'if-match': String(current.headers.etag) });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

/** A live connection at a new site of the practice, taken through its lifecycle by the desk. */
async function liveConnection(productCode = fttc) {
  const s = await site();
  const c = await desk.post('/api/v1/connections', { siteId: s.id, productCode });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  await connectionStep(c.body.id, { to: 'ordered', popId });
  await connectionStep(c.body.id, { to: 'surveyed' });
  await connectionStep(c.body.id, { to: 'installed', circuitReference: `CCT-${uniqueCode('')}` });
  await connectionStep(c.body.id, { to: 'live' });
  return { site: s, connection: c.body };
}

const taskStates = (r: { tasks: Array<{ state: string }> }) => r.tasks.map((t) => t.state);

async function work(id: number, taskId: number, action: 'complete' | 'skip', body: Record<string, unknown> = {}, api: ApiClient = desk) {
  return api.post(`${BASE}/${id}/tasks/${taskId}/${action}`, body);
}

describe('service requests', () => {
  test('new connection without approval: the connection is requested at once and its lifecycle fulfils the request', async () => {
    const s = await site();
    const r = await raise(customer, { kind: 'new_connection', siteId: s.id, productCode: fttc, description: 'The branch opens in March.' });
    assert.match(r.number, /^REQ\d{7}$/);
    assert.equal(r.state, 'submitted');
    assert.equal(r.approvalRequired, false);
    assert.equal(r.title, `New connection ${fttc} for ${s.name}`);
    assert.equal(r.organisation.odsCode, practice.ods_code);
    assert.equal(r.requester.id, customerUser.id);
    assert.ok(r.connection, 'the connection is linked at once');
    assert.equal(r.connection.state, 'requested');
    assert.deepEqual(r.tasks.map((t: { step: string }) => t.step), ['quote_and_order', 'survey', 'install', 'go_live']);
    assert.deepEqual(r.tasks.map((t: { completesItself: string }) => t.completesItself), ['ordered', 'surveyed', 'installed', 'live']);
    assert.deepEqual(r.nextStates, ['cancelled'], 'a customer may only cancel now');
    assert.ok(r.slaDueAt, 'the fulfilment clock runs from the start');
    assert.ok(r.clocks.some((c: { kind: string; metric: string; state: string }) => c.kind === 'sla' && c.metric === 'resolution' && c.state === 'running'), JSON.stringify(r.clocks));
    const connection = (await desk.get(`/api/v1/connections/${r.connection.id}`)).body;
    assert.equal(connection.site.id, s.id);

    // Its tasks are not completed by hand.
    const byHand = await work(r.id, r.tasks[0].id, 'complete');
    assert.equal(byHand.status, 422);
    assert.equal(byHand.body.errors[0].field, 'taskId');
    assert.match(byHand.body.detail, new RegExp(`connection ${r.connection.id} is ordered`));

    await connectionStep(r.connection.id, { to: 'ordered', popId });
    let now = (await read(r.id)).body;
    assert.equal(now.state, 'in_fulfilment');
    assert.deepEqual(taskStates(now), ['done', 'open', 'open', 'open']);
    assert.equal(now.tasks[0].notes, `connection ${r.connection.id} ordered`);
    await connectionStep(r.connection.id, { to: 'surveyed' });
    await connectionStep(r.connection.id, { to: 'installed', circuitReference: `CCT-${uniqueCode('')}` });
    now = (await read(r.id)).body;
    assert.deepEqual(taskStates(now), ['done', 'done', 'done', 'open']);
    assert.equal(now.state, 'in_fulfilment');
    await connectionStep(r.connection.id, { to: 'live' });
    now = (await read(r.id, customer)).body;
    assert.equal(now.state, 'fulfilled');
    assert.deepEqual(taskStates(now), ['done', 'done', 'done', 'done']);
    assert.ok(now.fulfilledAt);
    assert.equal(new Date(now.closesAutomaticallyAt).getTime() - new Date(now.fulfilledAt).getTime(), 5 * 86_400_000);
    assert.deepEqual(now.nextStates, ['closed']);
    assert.equal(now.slaDueAt, null, 'no clock runs towards a due time once fulfilled');
    assert.ok(now.clocks.filter((c: { kind: string }) => c.kind === 'sla').every((c: { state: string }) => c.state === 'met'), JSON.stringify(now.clocks));

    const closed = await transition(r.id, { to: 'closed' }, customer);
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.state, 'closed');
    assert.ok(closed.body.closedAt);

    const journal = (await desk.get(`${BASE}/${r.id}/journal?limit=100`)).body.items.reverse();
    assert.deepEqual(
      journal.map((e: { action: string }) => e.action),
      ['created', 'connection_linked', 'task_completed', 'in_fulfilment', 'task_completed', 'task_completed', 'task_completed', 'fulfilled', 'closed'],
    );
    assert.deepEqual(journal.find((e: { action: string }) => e.action === 'fulfilled').changes.find((c: { field: string }) => c.field === 'state'), { field: 'state', before: 'in_fulfilment', after: 'fulfilled' });
    // The closing job is cancelled once the customer confirmed.
    const jobs = await jobTables(env.rt.db).selectFrom('job').select('state').where('dedupe_key', '=', `${closeJobKind}:${r.id}`).execute();
    assert.deepEqual(jobs.map((j) => j.state), ['cancelled']);
  });

  test('new connection whose product needs approval: nothing is ordered until an approver (not the requester, not an agent) approves', async () => {
    const s = await site();
    const r = await raise(customer, { kind: 'new_connection', siteId: s.id, productCode: approved, contractYears: 5 });
    assert.equal(r.state, 'awaiting_approval');
    assert.equal(r.approvalRequired, true);
    assert.equal(r.connection, null, 'no connection before approval');
    assert.deepEqual(r.details, { contractYears: 5 });
    const early = await work(r.id, r.tasks[0].id, 'complete');
    assert.equal(early.status, 422);
    assert.equal(early.body.errors[0].field, 'state');

    const mail = async () =>
      (await sql<{ event: string; subject: string; recipients: Array<{ address: string }> }>`select event, subject, recipients from email_message where record_type = 'service_request' and record_id = ${r.id} order by id`.execute(env.rt.db)).rows;
    const asked = await mail();
    assert.deepEqual(asked.map((m) => [m.event, m.subject, m.recipients.map((x) => x.address)]), [['assignment', `[${r.number}] approval needed: ${r.title}`, [`user${approverUser.id}@example.nhs.uk`]]]);

    const byAgent = await desk.post(`${BASE}/${r.id}/approve`, {});
    assert.equal(byAgent.status, 403);
    assert.equal(byAgent.body.errors[0].field, 'role');
    const byCustomer = await customer.post(`${BASE}/${r.id}/approve`, {});
    assert.equal(byCustomer.status, 403);
    const before = await journalSize(env);
    const ok = await approver.post(`${BASE}/${r.id}/approve`, { reason: 'Within the budget' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.state, 'approved');
    assert.equal(ok.body.approval.decidedBy.id, approverUser.id);
    assert.ok(ok.body.connection, 'approval requests the connection');
    assert.deepEqual((await mail()).map((m) => [m.event, m.subject]).at(-1), ['customer_update', `[${r.number}] approved: ${r.title}`], 'the requester is told');
    const years = await env.rt.db.selectFrom('connection').select('contract_years').where('id', '=', ok.body.connection.id).executeTakeFirstOrThrow();
    assert.equal(years.contract_years, 5, 'the contract length asked for is kept');
    assert.ok((await journalSize(env)) > before);
    const twice = await approver.post(`${BASE}/${r.id}/approve`, {});
    assert.equal(twice.status, 422);
    assert.equal(twice.body.errors[0].field, 'state');

    // The approver's own request is not theirs to approve.
    const own = await raise(approver, { kind: 'new_connection', siteId: (await site()).id, productCode: approved });
    const self = await approver.post(`${BASE}/${own.id}/approve`, {});
    assert.equal(self.status, 403);
    assert.equal(self.body.errors[0].field, 'approver');
    assert.equal((await manager.post(`${BASE}/${own.id}/approve`, {})).status, 200, 'a service manager approves it');

    // A cancelled connection cancels its request.
    await connectionStep(ok.body.connection.id, { to: 'cancelled' });
    const cancelled = (await read(r.id)).body;
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.cancellationReason, `connection ${ok.body.connection.id} was cancelled`);
  });

  test('rejection needs a reason, tells the requester why, and ends the request', async () => {
    const r = await raise(customer, { kind: 'new_connection', siteId: (await site()).id, productCode: approved });
    const bare = await approver.post(`${BASE}/${r.id}/reject`, {});
    assert.equal(bare.status, 400);
    assert.equal(bare.body.errors[0].field, 'reason');
    const rejected = await approver.post(`${BASE}/${r.id}/reject`, { reason: 'The site closes next year' });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal(rejected.body.state, 'rejected');
    assert.equal(rejected.body.approval.rejectionReason, 'The site closes next year');
    assert.equal(rejected.body.connection, null);
    assert.deepEqual(rejected.body.nextStates, []);
    assert.equal(rejected.body.slaDueAt, null);
    const cancel = await transition(r.id, { to: 'cancelled', reason: 'x' });
    assert.equal(cancel.status, 422);
    assert.equal(cancel.body.errors[0].field, 'to');
  });

  test('cancelling a new connection request cancels its connection; past survey it is refused', async () => {
    const r = await raise(customer, { kind: 'new_connection', siteId: (await site()).id, productCode: fttc });
    const noReason = await transition(r.id, { to: 'cancelled' }, customer);
    assert.equal(noReason.status, 422);
    assert.equal(noReason.body.errors[0].field, 'reason');
    const cancelled = await transition(r.id, { to: 'cancelled', reason: 'We found another site' }, customer);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.state, 'cancelled');
    assert.equal(cancelled.body.connection.state, 'cancelled', 'the connection is cancelled through its own lifecycle');
    const connectionJournal = (await desk.get(`/api/v1/connections/${r.connection.id}/journal`)).body.items;
    assert.equal(connectionJournal[0].action, 'cancelled');

    const installed = await raise(customer, { kind: 'new_connection', siteId: (await site()).id, productCode: fttc });
    await connectionStep(installed.connection.id, { to: 'ordered', popId });
    await connectionStep(installed.connection.id, { to: 'surveyed' });
    await connectionStep(installed.connection.id, { to: 'installed', circuitReference: `CCT-${uniqueCode('')}` });
    const late = await transition(installed.id, { to: 'cancelled', reason: 'too late' }, customer);
    assert.equal(late.status, 422);
    assert.match(late.body.detail, /ask for a cease/);
  });

  test('cease: completing "cease the circuit" ceases the connection through its lifecycle; the last task fulfils', async () => {
    const { connection } = await liveConnection();
    const notLive = await customer.post(BASE, { kind: 'cease', connectionId: (await customer.post('/api/v1/connections', { siteId: (await site()).id, productCode: fttc })).body.id });
    assert.equal(notLive.status, 422);
    assert.equal(notLive.body.errors[0].field, 'connectionId');
    assert.match(notLive.body.detail, /cancelled, not ceased/);

    const r = await raise(customer, { kind: 'cease', connectionId: connection.id });
    assert.equal(r.state, 'submitted');
    assert.equal(r.connection.id, connection.id);
    const again = await customer.post(BASE, { kind: 'cease', connectionId: connection.id });
    assert.equal(again.status, 409);
    assert.equal(again.body.errors[0].field, 'connectionId');

    const byCustomer = await work(r.id, r.tasks[0].id, 'complete', {}, customer);
    assert.equal(byCustomer.status, 403);
    const outOfOrder = await work(r.id, r.tasks[1].id, 'skip', { reason: 'left on site' });
    assert.equal(outOfOrder.status, 422);
    assert.match(outOfOrder.body.detail, /task 1 \(Cease the circuit\) comes first/);
    const noSkip = await work(r.id, r.tasks[0].id, 'skip', { reason: 'why not' });
    assert.equal(noSkip.status, 422);
    assert.match(noSkip.body.detail, /cannot be skipped/);

    const ceased = await work(r.id, r.tasks[0].id, 'complete', { notes: 'Supplier confirmed' });
    assert.equal(ceased.status, 200, JSON.stringify(ceased.body));
    assert.equal(ceased.body.state, 'in_fulfilment');
    assert.equal(ceased.body.connection.state, 'ceased');
    const c = (await desk.get(`/api/v1/connections/${connection.id}`)).body;
    assert.equal(c.state, 'ceased');
    assert.equal(c.addressBlock, null, 'its prefix is returned');

    const skipNoReason = await work(r.id, r.tasks[1].id, 'skip', {});
    assert.equal(skipNoReason.status, 400);
    assert.equal(skipNoReason.body.errors[0].field, 'reason');
    const done = await work(r.id, r.tasks[1].id, 'skip', { reason: 'The router belongs to the practice' });
    assert.equal(done.status, 200);
    assert.equal(done.body.state, 'fulfilled');
    assert.equal(done.body.tasks[1].skippedReason, 'The router belongs to the practice');
    assert.equal(done.body.tasks[0].completedBy.id, deskUser.id);
  });

  test('cease: a connection ceased directly completes the cease task by itself', async () => {
    const { connection } = await liveConnection();
    const r = await raise(desk, { kind: 'cease', connectionId: connection.id });
    await connectionStep(connection.id, { to: 'ceased' });
    const now = (await read(r.id)).body;
    assert.deepEqual(taskStates(now), ['done', 'open']);
    assert.equal(now.state, 'in_fulfilment');
    const cancel = await transition(r.id, { to: 'cancelled', reason: 'changed our mind' });
    assert.equal(cancel.status, 422);
    assert.match(cancel.body.detail, /already ceased/);
  });

  test('bandwidth upgrade: the target product is validated and recorded; tasks are worked in order', async () => {
    const { connection } = await liveConnection(fttc);
    const down = await customer.post(BASE, { kind: 'bandwidth_upgrade', connectionId: connection.id, productCode: fttc });
    assert.equal(down.status, 422);
    assert.equal(down.body.errors[0].field, 'productCode');
    const unknown = await customer.post(BASE, { kind: 'bandwidth_upgrade', connectionId: connection.id, productCode: 'NO-SUCH' });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.errors[0].field, 'productCode');
    const missing = await customer.post(BASE, { kind: 'bandwidth_upgrade', connectionId: connection.id });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.errors.map((e: { field: string }) => e.field), ['productCode']);

    const r = await raise(customer, { kind: 'bandwidth_upgrade', connectionId: connection.id, productCode: fttp.toLowerCase() });
    assert.equal(r.title, `Upgrade connection ${connection.id} to ${fttp}`);
    assert.equal(r.product.code, fttp);
    assert.deepEqual(r.details, { fromProduct: { code: fttc, bandwidthDownKbps: 80_000 }, targetProduct: { code: fttp, name: r.details.targetProduct.name, bandwidthDownKbps: 330_000 } });
    const start = await transition(r.id, { to: 'in_fulfilment' });
    assert.equal(start.status, 200);
    assert.equal(start.body.state, 'in_fulfilment');
    assert.equal((await work(r.id, r.tasks[0].id, 'skip', { reason: 'Price agreed in the contract' })).status, 200);
    assert.equal((await work(r.id, r.tasks[1].id, 'skip', { reason: 'x' })).status, 422);
    assert.equal((await work(r.id, r.tasks[1].id, 'complete')).status, 200);
    assert.equal((await work(r.id, r.tasks[1].id, 'complete')).body.errors[0].field, 'taskId', 'a done task is not done twice');
    assert.equal((await work(r.id, r.tasks[2].id, 'complete')).status, 200);
    const last = await work(r.id, r.tasks[3].id, 'complete', { notes: 'Speed test 320 Mbit/s' });
    assert.equal(last.body.state, 'fulfilled');
    assert.deepEqual(taskStates(last.body), ['skipped', 'done', 'done', 'done']);
  });

  test('move: the target site must be another active site of the same organisation', async () => {
    const { connection, site: from } = await liveConnection();
    const foreign = await makeSite(env, other.ods_code);
    const elsewhere = await desk.post(BASE, { kind: 'move', connectionId: connection.id, targetSiteId: foreign.id });
    assert.equal(elsewhere.status, 422);
    assert.equal(elsewhere.body.errors[0].field, 'targetSiteId');
    const invisible = await customer.post(BASE, { kind: 'move', connectionId: connection.id, targetSiteId: foreign.id });
    assert.equal(invisible.status, 422, 'a customer cannot even name a site of another organisation');
    const same = await desk.post(BASE, { kind: 'move', connectionId: connection.id, targetSiteId: from.id });
    assert.equal(same.status, 422);
    assert.match(same.body.detail, /already/);
    const to = await site('New Health Centre');
    const r = await raise(customer, { kind: 'move', connectionId: connection.id, targetSiteId: to.id });
    assert.deepEqual(r.details, { fromSite: { id: from.id, name: from.name }, targetSite: { id: to.id, name: 'New Health Centre' } });
    for (const t of r.tasks) assert.equal((await work(r.id, t.id, 'complete')).status, 200);
    assert.equal((await read(r.id)).body.state, 'fulfilled');
  });

  test('access: always approved first, even with no product; granted, fulfilled and closed by the desk', async () => {
    const r = await raise(customer, { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'Dr Amir Shah', email: 'amir.shah@example.nhs.uk', to: 'the n3sp portal' } });
    assert.equal(r.state, 'awaiting_approval');
    assert.equal(r.title, 'Access to the n3sp portal for Dr Amir Shah');
    assert.deepEqual(r.details.access, { name: 'Dr Amir Shah', email: 'amir.shah@example.nhs.uk', to: 'the n3sp portal' });
    assert.equal(r.site, null);
    assert.equal((await approver.post(`${BASE}/${r.id}/approve`, {})).status, 200);
    const granted = await work(r.id, r.tasks[0].id, 'complete', { notes: 'Account created' });
    assert.equal(granted.body.state, 'fulfilled');
    const closed = await transition(r.id, { to: 'closed' });
    assert.equal(closed.body.state, 'closed');
    assert.deepEqual(closed.body.nextStates, []);

    const missing = await customer.post(BASE, { kind: 'access', access: { name: 'X', to: 'Y' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].field, 'organisationOdsCode');
  });

  test('customers see only their organisation: 404 on everything of another, lists and searches never show it', async () => {
    const r = await raise(customer, { kind: 'access', organisationOdsCode: practice.ods_code, title: `Portal for the locum ${uniqueCode('')}`, access: { name: 'Locum', to: 'the portal' } });
    for (const [method, path, body] of [
      ['GET', `${BASE}/${r.id}`, undefined],
      ['GET', `${BASE}/${r.id}/journal`, undefined],
      ['POST', `${BASE}/${r.id}/notes`, { body: 'hello' }],
      ['POST', `${BASE}/${r.id}/transitions`, { to: 'cancelled', reason: 'x' }],
    ] as const) {
      const response = await stranger.request(method, path, body, { 'if-match': '"1"' });
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    const list = await stranger.get(`${BASE}?limit=200`);
    assert.equal(list.status, 200);
    assert.ok(!list.body.items.some((i: { id: number }) => i.id === r.id));
    const forOthers = await stranger.post(BASE, { kind: 'new_connection', siteId: (await site()).id, productCode: fttc });
    assert.equal(forOthers.status, 422);
    assert.equal(forOthers.body.errors[0].field, 'siteId');
    const supplier = (await clientAs(env, { roles: ['supplier'], supplierId: 1 })).api;
    assert.equal((await supplier.get(BASE)).status, 403);
  });

  test('notes: a customer never sees an internal note, not in the request, a search or the journal', async () => {
    const word = `zebra${uniqueCode('').toLowerCase()}`;
    const visibleWord = `giraffe${uniqueCode('').toLowerCase()}`;
    const r = await raise(customer, { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'Nurse', to: 'the portal' } });
    const internal = await desk.post(`${BASE}/${r.id}/notes`, { body: `Check the ${word} account first` });
    assert.equal(internal.status, 201);
    assert.equal(internal.body.customerVisible, false);
    const visible = await desk.post(`${BASE}/${r.id}/notes`, { body: `We are on it: ${visibleWord}`, customerVisible: true });
    assert.equal(visible.body.customerVisible, true);
    const reply = await customer.post(`${BASE}/${r.id}/notes`, { body: 'Thank you' });
    assert.equal(reply.body.customerVisible, true);
    const hidden = await customer.post(`${BASE}/${r.id}/notes`, { body: 'secret', customerVisible: false });
    assert.equal(hidden.status, 422);
    assert.equal(hidden.body.errors[0].field, 'customerVisible');

    const asCustomer = (await read(r.id, customer)).body;
    assert.deepEqual(asCustomer.notes.map((n: { body: string }) => n.body), [`We are on it: ${visibleWord}`, 'Thank you']);
    assert.equal((await read(r.id)).body.notes.length, 3);
    assert.ok(!JSON.stringify((await customer.get(`${BASE}/${r.id}/journal`)).body).includes(word), "the journal keeps an internal note's words from a customer");

    const staffSearch = await desk.get(`${BASE}?q=${word}`);
    assert.deepEqual(staffSearch.body.items.map((i: { id: number }) => i.id), [r.id]);
    assert.deepEqual((await customer.get(`${BASE}?q=${word}`)).body.items, [], 'an internal note does not match for a customer');
    assert.deepEqual((await customer.get(`${BASE}?q=${visibleWord}`)).body.items.map((i: { id: number }) => i.id), [r.id]);
  });

  test('full-text search over number, title and description, with filters and keyset pages by created and SLA due', async () => {
    const tag = `kestrel${uniqueCode('').toLowerCase()}`;
    const a = await raise(desk, { kind: 'access', organisationOdsCode: practice.ods_code, title: `Portal access ${tag}`, access: { name: 'A', to: 'the portal' } });
    const b = await raise(desk, { kind: 'access', organisationOdsCode: other.ods_code, description: `Needed for the ${tag} clinic`, access: { name: 'B', to: 'the portal' } });
    const c = await raise(desk, { kind: 'new_connection', siteId: (await site()).id, productCode: fttc, title: `Clinic link ${tag}` });
    const ids = (body: { items: Array<{ id: number }> }) => body.items.map((i) => i.id);
    assert.deepEqual(ids((await desk.get(`${BASE}?q=${tag}`)).body), [c.id, b.id, a.id]);
    assert.deepEqual(ids((await desk.get(`${BASE}?q=${tag}&kind=access`)).body), [b.id, a.id]);
    assert.deepEqual(ids((await desk.get(`${BASE}?q=${tag}&organisation=${other.ods_code}`)).body), [b.id]);
    assert.deepEqual(ids((await desk.get(`${BASE}?q=${tag}&state=awaiting_approval`)).body), [b.id, a.id]);
    assert.deepEqual(ids((await desk.get(`${BASE}?q=${tag}&state=open,submitted`)).body), [c.id, b.id, a.id]);
    assert.deepEqual(ids((await desk.get(`${BASE}?q=${a.number}`)).body), [a.id], 'the number finds it');
    assert.deepEqual(ids((await customer.get(`${BASE}?q=${tag}`)).body), [c.id, a.id], "a customer's search stays in their organisation");
    const badState = await desk.get(`${BASE}?state=lost`);
    assert.equal(badState.status, 400);
    assert.equal(badState.body.errors[0].field, 'query.state');

    // Sorted by when the next SLA target falls due, soonest first; a request with none sorts last.
    await sql`update service_request set sla_due_at = now() - interval '1 hour' where id = ${b.id}`.execute(env.rt.db);
    await sql`update service_request set sla_due_at = 'infinity' where id = ${a.id}`.execute(env.rt.db);
    const due = await desk.get(`${BASE}?q=${tag}&sort=slaDueAt`);
    assert.deepEqual(ids(due.body), [b.id, c.id, a.id]);
    assert.equal(due.body.items[2].slaDueAt, null);
    for (const sort of ['createdAt', '-createdAt', 'slaDueAt', '-slaDueAt']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: Array<{ id: number }>; nextCursor: string | null } } = await desk.get(`${BASE}?q=${tag}&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        seen.push(...ids(page.body));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual([...seen].sort(), [a.id, b.id, c.id].sort(), sort);
    }
  });

  test('assignment: to an active team and one of its members; the queue filters by team', async () => {
    const code = `prov-${uniqueCode('').toLowerCase()}`;
    const team = await sql<{ id: number }>`insert into team (code, name) values (${code}, 'Provisioning') returning id`.execute(env.rt.db);
    const teamId = Number(team.rows[0]!.id);
    const member = await makeUser(env, { roles: ['service_desk_agent'] });
    const outsider = await makeUser(env, { roles: ['service_desk_agent'] });
    await sql`insert into team_member (team_id, user_id) values (${teamId}, ${member.id})`.execute(env.rt.db);
    const r = await raise(customer, { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'C', to: 'the portal' } });
    const etag = String((await read(r.id)).headers.etag);
    const notMember = await desk.patch(`${BASE}/${r.id}`, { teamId, assigneeId: outsider.id }, { 'if-match': etag });
    assert.equal(notMember.status, 422);
    assert.equal(notMember.body.errors[0].field, 'assigneeId');
    const noTeam = await desk.patch(`${BASE}/${r.id}`, { teamId: 999_999 }, { 'if-match': etag });
    assert.equal(noTeam.body.errors[0].field, 'teamId');
    const assigned = await desk.patch(`${BASE}/${r.id}`, { teamId, assigneeId: member.id, priority: 'P2' }, { 'if-match': etag });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.deepEqual([assigned.body.team.code, assigned.body.assignee.id, assigned.body.priority], [code, member.id, 'P2']);
    const stale = await desk.patch(`${BASE}/${r.id}`, { title: 'x' }, { 'if-match': etag });
    assert.equal(stale.status, 412);
    const noMatch = await desk.patch(`${BASE}/${r.id}`, { title: 'x' });
    assert.equal(noMatch.status, 428);
    assert.equal((await customer.patch(`${BASE}/${r.id}`, { title: 'mine' }, { 'if-match': String(assigned.headers.etag) })).status, 403);
    assert.deepEqual((await desk.get(`${BASE}?team=${code}`)).body.items.map((i: { id: number }) => i.id), [r.id]);

    const task = await desk.patch(`${BASE}/${r.id}/tasks/${r.tasks[0].id}`, { teamId, assigneeId: member.id });
    assert.equal(task.status, 200, JSON.stringify(task.body));
    assert.equal(task.body.tasks[0].assignee.id, member.id);
    const journal = (await desk.get(`${BASE}/${r.id}/journal`)).body.items;
    assert.equal(journal[0].action, 'task_assigned');
    assert.deepEqual(journal[1].changes.map((c: { field: string }) => c.field).sort(), ['assignee', 'priority', 'team']);
    const byField = Object.fromEntries(journal[1].changes.map((c: { field: string; after: unknown }) => [c.field, c.after]));
    assert.deepEqual([byField.team, byField.assignee], ['Provisioning', member.displayName], 'the history names the team and the person, not their ids');
  });

  test("the history names the task's team and assignee, says states in words and keeps no note ids", async () => {
    const code = `prov-${uniqueCode('').toLowerCase()}`;
    const team = await sql<{ id: number }>`insert into team (code, name) values (${code}, 'Provisioning') returning id`.execute(env.rt.db);
    const teamId = Number(team.rows[0]!.id);
    const member = await makeUser(env, { roles: ['service_desk_agent'] });
    await sql`insert into team_member (team_id, user_id) values (${teamId}, ${member.id})`.execute(env.rt.db);
    const r = await raise(customer, { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'Practice nurse', to: 'the portal' } });
    assert.equal((await approver.post(`${BASE}/${r.id}/approve`, {})).status, 200);
    assert.equal((await desk.post(`${BASE}/${r.id}/notes`, { body: 'Account being set up', customerVisible: true })).status, 201);
    assert.equal((await desk.post(`${BASE}/${r.id}/notes`, { body: 'Check the licence count' })).status, 201);
    assert.equal((await desk.patch(`${BASE}/${r.id}/tasks/${r.tasks[0].id}`, { teamId, assigneeId: member.id })).status, 200);
    assert.equal((await work(r.id, r.tasks[0].id, 'complete', { notes: 'Account created' })).body.state, 'fulfilled');

    for (const api of [desk, customer]) {
      const entries = (await api.get(`${BASE}/${r.id}/journal?limit=50`)).body.items as Array<{ action: string; summary: string; changes: Array<{ field: string; before: unknown; after: unknown }> }>;
      const assigned = entries.find((e) => e.action === 'task_assigned')!;
      const byField = Object.fromEntries(assigned.changes.map((c) => [c.field, c.after]));
      assert.deepEqual(byField, { 'task 1 team': 'Provisioning', 'task 1 assignee': member.displayName }, 'the team and the person by name, not by code or id');
      for (const e of entries.filter((e) => e.action === 'note_added' || e.action === 'internal_note_added')) {
        assert.equal(typeof e.changes[0]!.after, 'string', `${e.action} records words, not ${JSON.stringify(e.changes[0]!.after)}`);
      }
      assert.ok(entries.some((e) => e.action === 'note_added' && e.changes[0]!.after === 'Account being set up'));
      assert.ok(!JSON.stringify(entries).includes('Check the licence count'), "an internal note's words stay out of the journal");
      for (const e of entries) assert.doesNotMatch(e.summary, /\b[a-z]+_[a-z_]+\b/, `"${e.summary}" says no state code`);
      assert.ok(entries.some((e) => e.action === 'in_fulfilment'));
    }
  });

  test('bad input is refused naming the field, and writes nothing', async () => {
    const siteNew = await site();
    const before = await journalSize(env);
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ kind: 'teleport' }, 400, 'kind'],
      [{ kind: 'new_connection', siteId: 1, productCode: fttc, colour: 'red' }, 400, 'colour'],
      [{ kind: 'new_connection', productCode: fttc }, 400, 'siteId'],
      [{ kind: 'new_connection', siteId: 1, productCode: fttc, connectionId: 3 }, 400, 'connectionId'],
      [{ kind: 'new_connection', siteId: 999_999_999, productCode: fttc }, 422, 'siteId'],
      [{ kind: 'cease', connectionId: 999_999_999 }, 422, 'connectionId'],
      [{ kind: 'access', organisationOdsCode: practice.ods_code, access: { name: '', to: 'x' } }, 400, 'access.name'],
      [{ kind: 'access', organisationOdsCode: 'ZZZ999', access: { name: 'a', to: 'x' } }, 422, 'organisationOdsCode'],
    ];
    for (const [body, status, field] of cases) {
      const response = await desk.post(BASE, body);
      assert.equal(response.status, status, `${JSON.stringify(body)} → ${JSON.stringify(response.body)}`);
      assert.ok(response.body.errors.some((e: { field: string }) => e.field === field || e.field === `body.${field}` || e.field.endsWith(field)), `${field} named in ${JSON.stringify(response.body.errors)}`);
    }
    const withdrawn = (await admin.patch(`/api/v1/products/${fttp}`, { state: 'withdrawn' }, { 'if-match': String((await admin.get(`/api/v1/products/${fttp}`)).headers.etag) })).body;
    const refused = await desk.post(BASE, { kind: 'new_connection', siteId: siteNew.id, productCode: fttp });
    assert.equal(refused.status, 422);
    assert.match(refused.body.detail, /withdrawn/);
    await admin.patch(`/api/v1/products/${fttp}`, { state: 'active' }, { 'if-match': `"${withdrawn.version}"` });
    assert.equal(await journalSize(env), before + 2, 'only the two catalogue changes were journaled');
    const r = await raise(desk, { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'D', to: 'x' } });
    assert.equal((await desk.post(`${BASE}/${r.id}/transitions`, { to: 'cancelled', reason: 'x' })).status, 428);
    assert.equal((await transition(r.id, { to: 'flying' })).status, 400);
    assert.equal((await desk.post(`${BASE}/${r.id}/tasks/999999999/complete`, {})).status, 404);
    assert.equal((await desk.get(`${BASE}/999999999`)).status, 404);
  });

  test('the priority is the desk’s: a customer asking with one is refused naming it and nothing is written; theirs start at P4', async () => {
    const before = await journalSize(env);
    const access = { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'Priya Shah', to: 'the clinical system' } };
    for (const priority of ['P1', 'P4']) {
      const refused = await customer.post(BASE, { ...access, priority });
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.deepEqual(refused.body.errors, [{ field: 'priority', message: 'is set by the service desk' }]);
    }
    assert.equal(await journalSize(env), before, 'nothing was written');
    const theirs = await raise(customer, access);
    assert.equal(theirs.priority, 'P4');
    const desks = await raise(desk, { ...access, priority: 'P2' });
    assert.equal(desks.priority, 'P2', 'the desk sets it as it raises one');
  });

  test('an auditor reads a request but is offered no move, since they may make none', async () => {
    const auditor = (await clientAs(env, { roles: ['auditor'] })).api;
    const raised = await raise(desk, { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'Priya Shah', to: 'the clinical system' } });
    assert.ok(raised.nextStates.includes('cancelled'), 'the desk may cancel it');
    const read = await auditor.get(`${BASE}/${raised.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.nextStates, []);
  });

  test('a fulfilled request nobody confirms closes by itself five days on', async () => {
    const r = await raise(desk, { kind: 'cease', connectionId: (await liveConnection()).connection.id });
    for (const t of r.tasks) await work(r.id, t.id, 'complete');
    const fulfilled = (await read(r.id)).body;
    assert.equal(fulfilled.state, 'fulfilled');
    const job = await jobTables(env.rt.db).selectFrom('job').selectAll().where('dedupe_key', '=', `${closeJobKind}:${r.id}`).executeTakeFirstOrThrow();
    assert.equal(job.run_at.getTime(), new Date(fulfilled.fulfilledAt).getTime() + 5 * 86_400_000);
    const handler = jobHandlers.handlerFor(closeJobKind)!;
    await inTransaction(env.rt, (tx) => handler(tx, { id: job.id, kind: job.kind, payload: { requestId: r.id }, runAt: job.run_at, attempt: 1, maxAttempts: 5, dedupeKey: job.dedupe_key }, env.rt));
    const closed = (await read(r.id)).body;
    assert.equal(closed.state, 'closed');
    const journal = (await desk.get(`${BASE}/${r.id}/journal`)).body.items;
    assert.equal(journal[0].actor, 'n3sp');
    assert.match(journal[0].summary, /5 days after fulfilment/);
  });

  test('an e-mail reply from the requester becomes a visible note, one from staff an internal note; a stranger or a finished request takes nothing', async () => {
    const withEmail = await makeUser(env, { roles: ['customer'], organisations: [practice.ods_code] });
    await sql`update app_user set email = ${`${withEmail.username}@example.nhs.uk`} where id = ${withEmail.id}`.execute(env.rt.db);
    const r = await inTransaction(env.rt, async (tx) => {
      const { createRequest } = await import('../../src/modules/service-requests/service.ts');
      const { principalFor } = await import('../../src/core/auth/principals.ts');
      return createRequest(tx, env.rt, principalFor({ ...withEmail, organisation_ids: [practice.id] }, 'token'), { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'E', to: 'the portal' } });
    });
    const handler = emailReplies.handlerFor('service_request')!;
    await inTransaction(env.rt, (tx) => handler(tx, env.rt, { recordType: 'service_request', recordId: r.id, from: `${withEmail.username}@EXAMPLE.nhs.uk`, fromUserId: null, text: 'Any news?' }));
    const before = await journalSize(env);
    await assert.rejects(
      inTransaction(env.rt, (tx) => handler(tx, env.rt, { recordType: 'service_request', recordId: r.id, from: 'someone@example.com', fromUserId: null, text: 'spam' })),
      /may not add/,
    );
    assert.equal(await journalSize(env), before);
    await inTransaction(env.rt, (tx) => handler(tx, env.rt, { recordType: 'service_request', recordId: r.id, from: 'desk@example.nhs.uk', fromUserId: deskUser.id, text: 'Approver away until Monday' }));
    const shape = (n: { body: string; source: string; customerVisible: boolean }) => [n.body, n.source, n.customerVisible];
    assert.deepEqual((await read(r.id, customer)).body.notes.map(shape), [['Any news?', 'email', true]], "staff replies are internal");
    assert.deepEqual((await read(r.id)).body.notes.map(shape), [['Any news?', 'email', true], ['Approver away until Monday', 'email', false]]);
    assert.equal((await transition(r.id, { to: 'cancelled', reason: 'Not needed' }, customer)).status, 200);
    await assert.rejects(
      inTransaction(env.rt, (tx) => handler(tx, env.rt, { recordType: 'service_request', recordId: r.id, from: `${withEmail.username}@example.nhs.uk`, fromUserId: withEmail.id, text: 'Too late?' })),
      /is cancelled; raise a new request/,
    );
  });
});
