import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, uniqueCode } from '../helpers/factories.ts';
import type { ApiClient } from '../helpers/api-client.ts';

let env: TestEnv;
let admin: ApiClient;
let agent: ApiClient;

before(async () => {
  env = await testEnv();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
});
after(() => env.close());

describe('organisations', () => {
  test('an administrator creates an organisation under a parent, and anyone on the desk reads it by ODS code', async () => {
    const parent = await makeOrganisation(env, { kind: 'commissioner' });
    const code = uniqueCode('A');
    const created = await admin.post('/api/v1/organisations', { odsCode: code, name: 'The Densham Surgery', kind: 'gp_practice', parentOdsCode: parent.ods_code, postcode: 'TS18 1HU', openedOn: '1974-04-01' });
    assert.equal(created.status, 201);
    assert.equal(created.headers.location, `/api/v1/organisations/${code}`);
    assert.equal(created.headers.etag, '"1"');
    const read = await agent.get(`/api/v1/organisations/${code}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.parent, { odsCode: parent.ods_code, name: parent.name });
    assert.equal(read.body.openedOn, '1974-04-01');
    const children = await agent.get(`/api/v1/organisations?parent=${parent.ods_code}`);
    assert.deepEqual(children.body.items.map((o: { odsCode: string }) => o.odsCode), [code]);
  });

  test('bad input is refused with problem details naming each field, and nothing is written', async () => {
    const code = uniqueCode('B');
    const response = await admin.post('/api/v1/organisations', { odsCode: code, name: '', kind: 'castle', colour: 'red' });
    assert.equal(response.status, 400);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(response.body.type, 'urn:n3sp:problem:validation');
    const fields = response.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['colour', 'kind', 'name']);
    assert.equal((await agent.get(`/api/v1/organisations/${code}`)).status, 404);
  });

  test('a duplicate ODS code is a 409 naming odsCode; an unknown parent is a 422 naming parentOdsCode', async () => {
    const existing = await makeOrganisation(env);
    const duplicate = await admin.post('/api/v1/organisations', { odsCode: existing.ods_code, name: 'Again', kind: 'gp_practice' });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.errors[0].field, 'odsCode');
    const orphan = await admin.post('/api/v1/organisations', { odsCode: uniqueCode('C'), name: 'Orphan', kind: 'gp_practice', parentOdsCode: 'ZZZ999' });
    assert.equal(orphan.status, 422);
    assert.equal(orphan.body.errors[0].field, 'parentOdsCode');
  });

  test('updates need the current ETag: none is 428, a stale one 412, and the journal records before and after', async () => {
    const org = await makeOrganisation(env, { name: 'Old Name Surgery' });
    const url = `/api/v1/organisations/${org.ods_code}`;
    assert.equal((await admin.patch(url, { name: 'New Name Surgery' })).status, 428);
    const ok = await admin.patch(url, { name: 'New Name Surgery' }, { 'if-match': '"1"' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.etag, '"2"');
    const stale = await admin.patch(url, { name: 'Lost Update' }, { 'if-match': '"1"' });
    assert.equal(stale.status, 412);
    assert.equal((await agent.get(url)).body.name, 'New Name Surgery');
    const journal = await agent.get(`${url}/journal`);
    assert.equal(journal.status, 200);
    const [latest, creation] = journal.body.items;
    assert.equal(latest.action, 'updated');
    assert.deepEqual(latest.changes, [{ field: 'name', before: 'Old Name Surgery', after: 'New Name Surgery' }]);
    assert.equal(creation.action, 'created');
  });

  test('an organisation cannot become its own ancestor', async () => {
    const top = await makeOrganisation(env, { kind: 'commissioner' });
    const child = await makeOrganisation(env, { parentOdsCode: top.ods_code });
    const response = await admin.patch(`/api/v1/organisations/${top.ods_code}`, { parentOdsCode: child.ods_code }, { 'if-match': '"1"' });
    assert.equal(response.status, 422);
    assert.equal(response.body.errors[0].field, 'parentOdsCode');
  });

  test('a create retried with the same Idempotency-Key returns the first result and creates one record', async () => {
    const code = uniqueCode('I');
    const body = { odsCode: code, name: 'Retried Surgery', kind: 'gp_practice' };
    const headers = { 'idempotency-key': `key-${code}` };
    const results = await Promise.all([admin.post('/api/v1/organisations', body, headers), admin.post('/api/v1/organisations', body, headers)]);
    assert.deepEqual(results.map((r) => r.status), [201, 201]);
    assert.equal(results[0]!.body.odsCode, code);
    assert.deepEqual(results[0]!.body, results[1]!.body);
    const again = await admin.post('/api/v1/organisations', body, headers);
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    const journal = await agent.get(`/api/v1/organisations/${code}/journal`);
    assert.equal(journal.body.items.length, 1, 'one creation, not two');
    const reused = await admin.post('/api/v1/organisations', { ...body, name: 'Something else' }, headers);
    assert.equal(reused.status, 422);
    assert.equal(reused.body.errors[0].field, 'header.idempotency-key');
  });

  test('search finds by ODS code or part of the name', async () => {
    const org = await makeOrganisation(env, { name: 'Quayside Medical Practice' });
    const byName = await agent.get('/api/v1/organisations?q=quayside');
    assert.ok(byName.body.items.some((o: { odsCode: string }) => o.odsCode === org.ods_code));
    const byCode = await agent.get(`/api/v1/organisations?q=${org.ods_code.toLowerCase()}`);
    assert.deepEqual(byCode.body.items.map((o: { odsCode: string }) => o.odsCode), [org.ods_code]);
  });
});
