import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { foreignOwner, journalSize, TENANCY_FIXTURES, type ForeignRecord } from '../helpers/tenancy-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import type { RouteAccess } from '../../src/core/http/route-access.ts';

/**
 * Generated from the application's own route table: every route that is not public is called
 * by a customer of another organisation and by an engineer of another supplier, pointed at a
 * record that belongs to somebody else. A single record must answer 403 or 404, a list must not
 * contain it, and a refused write must leave the journal (and so the database) as it was.
 * A new route is covered the moment it is registered.
 */

let env: TestEnv;
let outsiders: Array<{ who: string; api: ApiClient }>;
const foreign = new Map<string, ForeignRecord>();

/** Routes that act only on the caller's own session; nothing of anyone else's is reachable. */
const SELF_ONLY = new Set(['GET /api/v1/session', 'DELETE /api/v1/session']);

before(async () => {
  env = await testEnv();
  const own = await makeOrganisation(env, { name: 'Outsider Own Practice' });
  outsiders = [
    { who: 'customer of another organisation', api: (await clientAs(env, { roles: ['customer'], organisations: [own.ods_code] })).api },
    { who: 'engineer of another supplier', api: (await clientAs(env, { roles: ['supplier'], supplierId: 1 })).api },
  ];
  const owner = await foreignOwner(env);
  for (const resource of Object.keys(TENANCY_FIXTURES)) foreign.set(resource, await TENANCY_FIXTURES[resource]!.create(env, owner));
});
after(() => env.close());

function resourceOf(access: RouteAccess): string | undefined {
  return 'resource' in access ? access.resource : undefined;
}

function fill(url: string, params: Record<string, string | number>): string {
  return url.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`fixture gives no value for :${name} in ${url}`);
    return encodeURIComponent(String(params[name]));
  });
}

describe('tenancy on every route', () => {
  test('the route table is not empty and every scoped route names a record type with a fixture', () => {
    const routes = env.app.routeTable.filter((r) => !('public' in r.access));
    assert.ok(routes.length >= 10, `only ${routes.length} routes found`);
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      if (SELF_ONLY.has(key)) continue;
      const resource = resourceOf(route.access);
      assert.ok(resource, `${key} declares no resource, so tenancy cannot be tested on it`);
      assert.ok(TENANCY_FIXTURES[resource], `${key} names resource "${resource}" but test/helpers/tenancy-fixtures.ts has no fixture for it`);
    }
  });

  test('no outsider reads, lists, changes or creates anything of another organisation or supplier', async (t) => {
    for (const route of env.app.routeTable) {
      const key = `${route.method} ${route.url}`;
      if ('public' in route.access || SELF_ONLY.has(key)) continue;
      const fixture = TENANCY_FIXTURES[resourceOf(route.access)!]!;
      const record = foreign.get(resourceOf(route.access)!)!;
      const hasParams = route.url.includes(':');
      const url = fill(route.url, record.params);
      for (const { who, api } of outsiders) {
        await t.test(`${key} as ${who}`, async () => {
          const journalBefore = await journalSize(env);
          if (route.method === 'POST' && !hasParams && fixture.createdForCaller) return;
          const body =
            route.method === 'GET' || route.method === 'DELETE'
              ? undefined
              : (record.actionBodies?.[key] ?? (route.method === 'PATCH' ? record.updateBody : hasParams ? {} : record.createBody));
          const response = await api.request(route.method, url, body, { 'if-match': '"1"' });
          // The problem's `instance` echoes the caller's own request URL; the rest must not reveal the record.
          const text = JSON.stringify({ ...response.body, instance: undefined });
          if (route.method === 'GET' && !hasParams) {
            assert.ok([200, 403].includes(response.status), `list answered ${response.status}: ${text}`);
            assert.ok(!text.includes(record.marker), `list shows a record it must not: ${record.marker}`);
          } else if (route.method === 'GET') {
            assert.ok([403, 404].includes(response.status), `read answered ${response.status}: ${text}`);
            assert.ok(!text.includes(record.marker), 'the refusal reveals the record');
          } else {
            assert.ok([403, 404, 422].includes(response.status), `write answered ${response.status}: ${text}`);
            assert.equal(await journalSize(env), journalBefore, 'a refused write changed something');
          }
        });
      }
    }
  });

  test('control: the owning customer does read their own organisation through the same routes', async () => {
    const record = foreign.get('organisation')!;
    const owner = (await clientAs(env, { roles: ['customer'], organisations: [String(record.params.odsCode)] })).api;
    const read = await owner.get(fill('/api/v1/organisations/:odsCode', record.params));
    assert.equal(read.status, 200);
    const list = await owner.get('/api/v1/organisations');
    assert.ok(JSON.stringify(list.body).includes(record.marker));
  });
});
