import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import fc from 'fast-check';
import { inTransaction } from '../../src/core/context.ts';
import { jobHandlers } from '../../src/core/jobs/registry.ts';
import { jobTables } from '../../src/core/jobs/queue.ts';
import { closeJobKind } from '../../src/modules/service-requests/fulfilment.ts';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { journalSize } from '../helpers/tenancy-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

/**
 * The auto-close window of service requests is a setting: what a service manager changes, who may
 * read and change it, and that it governs requests fulfilled after the change only (this file has
 * a database of its own, so the changed window touches no other test).
 */

const SETTINGS = '/api/v1/request-settings';
const REQUESTS = '/api/v1/service-requests';
const DAY = 86_400_000;

let env: TestEnv;
let manager: ApiClient;
let admin: ApiClient;
let desk: ApiClient;
let approver: ApiClient;
let auditor: ApiClient;
let customer: ApiClient;
let supplier: ApiClient;
let practice: { ods_code: string };

before(async () => {
  env = await testEnv();
  manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  approver = (await clientAs(env, { roles: ['change_approver'] })).api;
  auditor = (await clientAs(env, { roles: ['auditor'] })).api;
  practice = await makeOrganisation(env, { name: 'Willow Lane Surgery' });
  const made = await clientAs(env, { roles: ['customer'], organisations: [practice.ods_code] });
  customer = made.api;
  await sql`update app_user set email = ${`user${made.user.id}@example.nhs.uk`} where id = ${made.user.id}`.execute(env.rt.db);
  supplier = (await clientAs(env, { roles: ['supplier'], supplierId: 1 })).api;
});
after(() => env.close());

const put = (api: ApiClient, body: unknown, etag?: string) => api.request('PUT', SETTINGS, body, etag === undefined ? {} : { 'if-match': etag });
const current = async () => {
  const read = await manager.get(SETTINGS);
  assert.equal(read.status, 200);
  return { settings: read.body, etag: String(read.headers.etag) };
};

/** An access request the customer raises, approved and granted: fulfilled now. */
async function fulfilled() {
  const raised = await customer.post(REQUESTS, { kind: 'access', organisationOdsCode: practice.ods_code, access: { name: 'Dr Nia Evans', to: 'the portal' } });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  assert.equal((await approver.post(`${REQUESTS}/${raised.body.id}/approve`, {})).status, 200);
  const done = await desk.post(`${REQUESTS}/${raised.body.id}/tasks/${raised.body.tasks[0].id}/complete`, {});
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.state, 'fulfilled');
  return done.body as { id: number; number: string; fulfilledAt: string; closesAutomaticallyAt: string };
}

const closeJob = (id: number) => jobTables(env.rt.db).selectFrom('job').selectAll().where('dedupe_key', '=', `${closeJobKind}:${id}`).where('state', '=', 'queued').executeTakeFirstOrThrow();

async function fulfilmentMail(id: number) {
  const rows = await sql<{ body: string }>`select body from email_message where record_type = 'service_request' and record_id = ${id} and event = 'resolution'`.execute(env.rt.db);
  assert.equal(rows.rows.length, 1, 'the requester is told once');
  return rows.rows[0]!.body;
}

describe('request settings: the auto-close window', () => {
  test('staff read the window (5 days until someone changes it); a customer or supplier may not', async () => {
    for (const api of [manager, desk, approver, auditor]) {
      const read = await api.get(SETTINGS);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, { autoCloseDays: 5 });
      assert.equal(read.headers.etag, '"0"', 'never saved: version 0, as If-Match expects');
    }
    for (const api of [customer, supplier]) assert.equal((await api.get(SETTINGS)).status, 403);
  });

  test('only a service manager or administrator changes it, and only against the version they read (428, 412)', async () => {
    const { etag } = await current();
    const journal = await journalSize(env);
    for (const api of [customer, supplier, desk, approver, auditor]) assert.equal((await put(api, { autoCloseDays: 9 }, etag)).status, 403);
    const unconditional = await put(manager, { autoCloseDays: 9 });
    assert.equal(unconditional.status, 428);
    assert.equal(unconditional.body.errors[0].field, 'header.if-match');
    assert.equal((await put(manager, { autoCloseDays: 9 }, '"41"')).status, 412);
    assert.equal((await put(manager, { autoCloseDays: 9 }, 'W/"x"')).status, 412);
    assert.equal(await journalSize(env), journal, 'nothing refused was written');
    assert.deepEqual((await current()).settings, { autoCloseDays: 5 });
  });

  test('a window outside whole days 1..60 is refused, naming the field', async () => {
    const { etag } = await current();
    const journal = await journalSize(env);
    for (const bad of [0, -3, 61, 365, 2.5, 'seven', null, { days: 5 }]) {
      const refused = await put(manager, { autoCloseDays: bad }, etag);
      assert.equal(refused.status, 400, `${JSON.stringify(bad)}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.ok(refused.body.errors.some((e: { field: string }) => e.field === 'autoCloseDays'), JSON.stringify(refused.body));
    }
    const missing = await put(manager, {}, etag);
    assert.equal(missing.status, 400);
    assert.ok(missing.body.errors.some((e: { field: string }) => e.field === 'autoCloseDays'), JSON.stringify(missing.body));
    const unknown = await put(manager, { autoCloseDays: 7, reopenWindowHours: 1 }, etag);
    assert.equal(unknown.status, 400);
    assert.ok(unknown.body.errors.some((e: { field: string }) => e.field === 'reopenWindowHours'), JSON.stringify(unknown.body));
    assert.equal(await journalSize(env), journal);
  });

  test('any JSON body is a 4xx or a 200, never a 5xx, and a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ autoCloseDays: fc.jsonValue({ maxDepth: 1 }) })), async (body) => {
        const { etag } = await current();
        const before = await journalSize(env);
        const response = await manager.request('PUT', SETTINGS, JSON.stringify(body), { 'content-type': 'application/json', 'if-match': etag });
        assert.ok(response.status < 500, `${response.status} for ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`);
        if (response.status >= 400) assert.equal(await journalSize(env), before);
      }),
      { numRuns: 60 },
    );
    // Whatever the property saved, start the next test from the default window.
    const { etag } = await current();
    assert.equal((await put(admin, { autoCloseDays: 5 }, etag)).status, 200);
  });

  test('a request fulfilled after a change closes after the new window; one fulfilled before keeps its close time', async () => {
    const earlier = await fulfilled();
    const earlierDue = new Date(earlier.fulfilledAt).getTime() + 5 * DAY;
    assert.equal(new Date(earlier.closesAutomaticallyAt).getTime(), earlierDue);

    const { etag } = await current();
    const saved = await put(manager, { autoCloseDays: 12 }, etag);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(saved.body, { autoCloseDays: 12 });
    assert.equal(saved.headers.etag, `"${Number(JSON.parse(etag)) + 1}"`);
    const entry = await sql<{ actor_name: string; changes: Array<{ field: string; before: unknown; after: unknown }> }>`
      select actor_name, changes from journal where entity_type = 'service_setting' and entity_id = 'service_requests' order by id desc limit 1`.execute(env.rt.db);
    assert.deepEqual(entry.rows[0]!.changes, [{ field: 'autoCloseDays', before: 5, after: 12 }], 'the change is journalled, before and after');
    assert.equal((await desk.get(SETTINGS)).body.autoCloseDays, 12, 'read back at once');

    const later = await fulfilled();
    const laterDue = new Date(later.fulfilledAt).getTime() + 12 * DAY;
    assert.equal(new Date(later.closesAutomaticallyAt).getTime(), laterDue, 'the request shows the new window');
    assert.equal(new Date((await customer.get(`${REQUESTS}/${later.id}`)).body.closesAutomaticallyAt).getTime(), laterDue, 'the customer sees it too');
    assert.equal((await closeJob(later.id)).run_at.getTime(), laterDue, 'and its close job is due then');
    assert.match(await fulfilmentMail(later.id), /closes by itself in 12 days otherwise/);

    const unchanged = (await desk.get(`${REQUESTS}/${earlier.id}`)).body;
    assert.equal(new Date(unchanged.closesAutomaticallyAt).getTime(), earlierDue, 'a request already fulfilled keeps its close time');
    assert.equal((await closeJob(earlier.id)).run_at.getTime(), earlierDue, 'and its job');
    assert.match(await fulfilmentMail(earlier.id), /closes by itself in 5 days otherwise/);

    for (const [request, days] of [[later, 12], [earlier, 5]] as const) {
      const job = await closeJob(request.id);
      const handler = jobHandlers.handlerFor(closeJobKind)!;
      await inTransaction(env.rt, (tx) => handler(tx, { id: job.id, kind: job.kind, payload: job.payload as { requestId: number }, runAt: job.run_at, attempt: 1, maxAttempts: 5, dedupeKey: job.dedupe_key }, env.rt));
      const closed = await desk.get(`${REQUESTS}/${request.id}`);
      assert.equal(closed.body.state, 'closed');
      assert.equal(closed.body.closesAutomaticallyAt, null);
      const journal = (await desk.get(`${REQUESTS}/${request.id}/journal`)).body.items;
      assert.equal(journal[0].summary, `Closed by itself ${days} days after fulfilment, unconfirmed`);
    }
  });

  test('a one-day window reads as one day in the e-mail', async () => {
    const { etag } = await current();
    assert.equal((await put(admin, { autoCloseDays: 1 }, etag)).status, 200, 'an administrator may change it too');
    const r = await fulfilled();
    assert.equal(new Date(r.closesAutomaticallyAt).getTime(), new Date(r.fulfilledAt).getTime() + DAY);
    assert.match(await fulfilmentMail(r.id), /closes by itself in 1 day otherwise/);
  });
});
