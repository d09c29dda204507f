import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, sessionAs } from '../helpers/factories.ts';
import { makeConnection } from '../helpers/connection-fixtures.ts';
import { makeTeam } from '../helpers/incident-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

/**
 * The journal names people and things as their readers know them: a person by their display name
 * (not their sign-in name), a connection by its product and circuit reference (not its id).
 */
let env: TestEnv;
let desk: ApiClient;
let deskUser: { id: number; username: string; display_name: string };
let practice: { ods_code: string };

const journalOf = async (api: ApiClient, id: number) => (await api.get(`/api/v1/incidents/${id}/journal`)).body.items as Array<{ action: string; actor: string; changes: Array<{ field: string; before: unknown; after: unknown }> }>;

before(async () => {
  env = await testEnv();
  const d = await clientAs(env, { roles: ['service_desk_agent'] });
  desk = d.api;
  deskUser = d.user;
  practice = await makeOrganisation(env, { name: 'Densham Surgery' });
});
after(() => env.close());

describe('names in the incident journal', () => {
  test('the desk and the customer are named by their display names, token or session alike; the entry still leads to the account', async () => {
    assert.notEqual(deskUser.display_name, deskUser.username);
    const { site } = await makeConnection(env, practice.ods_code);
    const logged = await desk.post('/api/v1/incidents', { title: 'Router down', siteId: site.id, impact: 'medium', urgency: 'high' });
    assert.equal(logged.status, 201, JSON.stringify(logged.body));
    const team = await makeTeam(env, { memberIds: [deskUser.id] });
    const assigned = await desk.post(`/api/v1/incidents/${logged.body.id}/assignment`, { teamId: team.id }, { 'if-match': `"${logged.body.version}"` });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    const customer = await sessionAs(env, { roles: ['customer'], organisations: [practice.ods_code] });
    assert.equal((await customer.api.post(`/api/v1/incidents/${logged.body.id}/notes`, { body: 'Still down here.' })).status, 201);

    const entries = await journalOf(desk, logged.body.id);
    const by = (action: string) => entries.find((e) => e.action === action)?.actor;
    assert.equal(by('logged'), deskUser.display_name);
    assert.equal(by('assigned'), deskUser.display_name, 'not the sign-in name');
    assert.equal(by('note'), customer.user.display_name, 'a signed-in customer too');
    const row = await env.rt.db.selectFrom('journal').select(['actor_id', 'actor_name']).where('entity_type', '=', 'incident').where('entity_id', '=', String(logged.body.id)).where('action', '=', 'assigned').executeTakeFirstOrThrow();
    assert.deepEqual([Number(row.actor_id), row.actor_name], [deskUser.id, deskUser.display_name], 'the id leads to the account and its sign-in name');
  });

  test("an incident on a connection journals the connection by its product and circuit reference, not its id", async () => {
    const { site, connection } = await makeConnection(env, practice.ods_code);
    const product = await env.rt.db.selectFrom('product').select('name').where('id', '=', connection.product_id).executeTakeFirstOrThrow();
    await env.rt.db.updateTable('connection').set({ circuit_reference: 'NLK-0042' }).where('id', '=', connection.id).execute();
    const logged = await desk.post('/api/v1/incidents', { title: 'Circuit down', siteId: site.id, connectionId: connection.id, impact: 'high', urgency: 'high' });
    assert.equal(logged.status, 201, JSON.stringify(logged.body));
    const change = (await journalOf(desk, logged.body.id)).find((e) => e.action === 'logged')!.changes.find((c) => c.field === 'connection');
    assert.deepEqual(change, { field: 'connection', before: null, after: `${product.name}, NLK-0042` });

    // Before it is installed it has no circuit reference: its product names it.
    const { site: other, connection: uninstalled } = await makeConnection(env, practice.ods_code);
    const first = await desk.post('/api/v1/incidents', { title: 'Survey visit missed', siteId: other.id, connectionId: uninstalled.id, impact: 'low', urgency: 'low' });
    const named = (await journalOf(desk, first.body.id)).find((e) => e.action === 'logged')!.changes.find((c) => c.field === 'connection');
    const its = await env.rt.db.selectFrom('product').select('name').where('id', '=', uninstalled.product_id).executeTakeFirstOrThrow();
    assert.equal(named?.after, its.name);
  });
});
