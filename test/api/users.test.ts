import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { onPostgres, testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, uniqueCode } from '../helpers/factories.ts';
import type { ApiClient } from '../helpers/api-client.ts';

let env: TestEnv;
let admin: ApiClient;
let auditor: ApiClient;

before(async () => {
  env = await testEnv();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  auditor = (await clientAs(env, { roles: ['auditor'] })).api;
});
after(() => env.close());

describe('users', () => {
  test('an administrator creates a customer scoped to an organisation; the password never comes back', async () => {
    const practice = await makeOrganisation(env);
    const username = `pm${uniqueCode('').toLowerCase()}`;
    const created = await admin.post('/api/v1/users', { username, displayName: 'Practice Manager', roles: ['customer'], organisations: [practice.ods_code], password: 'a-long-password-1' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.organisations, [{ odsCode: practice.ods_code, name: practice.name }]);
    assert.ok(!JSON.stringify(created.body).includes('a-long-password-1'));
    assert.ok(!('passwordHash' in created.body) && !('password_hash' in created.body));
    const listed = await auditor.get(`/api/v1/users?q=${username}`);
    assert.deepEqual(listed.body.items.map((u: { username: string }) => u.username), [username]);
  });

  test('incoherent accounts are refused naming the field: mixed roles, a customer without organisation, an unknown ODS code', async () => {
    const mixed = await admin.post('/api/v1/users', { username: 'mixed1', displayName: 'Mixed', roles: ['auditor', 'customer'], organisations: ['A81001'] });
    assert.equal(mixed.status, 422);
    const noOrg = await admin.post('/api/v1/users', { username: 'noorg1', displayName: 'No Org', roles: ['customer'] });
    assert.equal(noOrg.status, 422);
    assert.equal(noOrg.body.errors[0].field, 'organisations');
    const unknown = await admin.post('/api/v1/users', { username: 'unk1', displayName: 'Unknown', roles: ['customer'], organisations: ['ZZ999'] });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.errors[0].field, 'organisations.0');
    const badRole = await admin.post('/api/v1/users', { username: 'bad1', displayName: 'Bad', roles: ['wizard'] });
    assert.equal(badRole.status, 400);
    assert.equal(badRole.body.errors[0].field, 'roles.0');
    const weak = await admin.post('/api/v1/users', { username: 'weak1', displayName: 'Weak', roles: ['auditor'], password: 'short' });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.errors[0].field, 'password');
    const taken = await admin.post('/api/v1/users', { username: 'mixed1'.replace('mixed1', 'taken1'), displayName: 'T', roles: ['auditor'] });
    assert.equal(taken.status, 201);
    const again = await admin.post('/api/v1/users', { username: 'TAKEN1', displayName: 'T', roles: ['auditor'] });
    assert.equal(again.status, 409);
    assert.equal(again.body.errors[0].field, 'username');
  });

  test('a change needs If-Match, is journalled field by field, and deactivating ends the sign-in', async () => {
    const { user, api: agentApi } = await clientAs(env, { roles: ['service_desk_agent'] });
    const read = await admin.get(`/api/v1/users/${user.id}`);
    const changed = await admin.patch(`/api/v1/users/${user.id}`, { displayName: 'Sam Renamed', roles: ['service_manager'] }, { 'if-match': read.headers.etag as string });
    assert.equal(changed.status, 200);
    const journal = await auditor.get(`/api/v1/users/${user.id}/journal`);
    const fields = journal.body.items[0].changes.map((c: { field: string }) => c.field).sort();
    assert.deepEqual(fields, ['displayName', 'roles']);
    assert.equal((await agentApi.get('/api/v1/organisations')).status, 200);
    const off = await admin.patch(`/api/v1/users/${user.id}`, { active: false }, { 'if-match': changed.headers.etag as string });
    assert.equal(off.status, 200);
    assert.equal((await agentApi.get('/api/v1/organisations')).status, 401, "a deactivated user's token stops working");
  });

  test('the auditor reads users but changes nothing', async () => {
    const { user } = await clientAs(env, { roles: ['programme_manager'] });
    assert.equal((await auditor.get(`/api/v1/users/${user.id}`)).status, 200);
    assert.equal((await auditor.patch(`/api/v1/users/${user.id}`, { displayName: 'x' }, { 'if-match': '"1"' })).status, 403);
    assert.equal((await auditor.post('/api/v1/users', { username: 'aud1', displayName: 'x', roles: ['auditor'] })).status, 403);
  });
});

describe('API description', () => {
  test('the OpenAPI document is generated from the routes and the reference at /docs loads only local files', async () => {
    const doc = await admin.get('/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    for (const route of env.app.routeTable) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      assert.ok(doc.body.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} is missing from the OpenAPI document`);
    }
    const page = await env.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    const external = page.body.match(/(src|href)="(https?:)?\/\/[^"]+"/g) ?? [];
    assert.deepEqual(external, [], 'the reference must not load anything from the internet');
  });

  test('/healthz says the process is up and /readyz that the database answers with every migration applied', async () => {
    const health = await env.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    const ready = await env.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().engine, onPostgres() ? 'postgres' : 'pglite');
    await sql`delete from schema_migration where name = (select max(name) from schema_migration)`.execute(env.rt.db);
    const pending = await env.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(pending.statusCode, 503);
    assert.match(pending.json().detail, /migrations pending/);
  });
});
