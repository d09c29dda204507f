import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

/**
 * The request form offers the products a request may name. A customer does not read the catalogue
 * itself (GET /products is staff's), so the offer has a route of its own under the requests.
 */
let env: TestEnv;
let customer: ApiClient;
let practice: { ods_code: string };
const made: Record<'offered' | 'withdrawn' | 'service', { code: string; name: string }> = {} as never;

before(async () => {
  env = await testEnv();
  practice = await makeOrganisation(env, { name: `Elm Tree Surgery ${uniqueCode('')}` });
  customer = (await clientAs(env, { roles: ['customer'], organisations: [practice.ods_code] })).api;
  const serviceClass = await makeServiceClass(env);
  made.offered = await makeProduct(env, serviceClass.code, { name: `Aaa fibre ${uniqueCode('')}`, requiresApproval: true });
  made.withdrawn = await makeProduct(env, serviceClass.code, { name: `Aaa copper ${uniqueCode('')}`, state: 'withdrawn' });
  made.service = await makeProduct(env, serviceClass.code, { name: `Aaa managed wifi ${uniqueCode('')}`, kind: 'service', accessTechnology: null, bandwidthDownKbps: null, bandwidthUpKbps: null, resilience: null });
});
after(() => env.close());

async function everything(api: ApiClient) {
  const items: Array<{ code: string; name: string; requiresApproval: boolean }> = [];
  let cursor: string | null = null;
  do {
    const page = await api.get(`/api/v1/request-catalogue?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

describe('the request catalogue', () => {
  test('a customer, who may not read the catalogue, reads what may be asked for: active connection products, by name', async () => {
    assert.equal((await customer.get('/api/v1/products')).status, 403, 'the catalogue itself stays staff-only');
    const items = await everything(customer);
    const codes = items.map((p) => p.code);
    assert.ok(codes.includes(made.offered.code));
    assert.ok(!codes.includes(made.withdrawn.code), 'not a withdrawn product');
    assert.ok(!codes.includes(made.service.code), 'not a product that is no connection');
    assert.deepEqual(items.map((p) => p.name), [...items.map((p) => p.name)].sort(), 'sorted by name');
    assert.deepEqual(Object.keys(items.find((p) => p.code === made.offered.code)!).sort(), ['accessTechnology', 'bandwidthDownKbps', 'bandwidthUpKbps', 'code', 'name', 'requiresApproval', 'resilience']);
    assert.equal(items.find((p) => p.code === made.offered.code)!.requiresApproval, true);
  });

  test('what it offers a new connection may be asked for as; a supplier, who asks for nothing, does not read it', async () => {
    const site = await makeSite(env, practice.ods_code, { name: `Branch ${uniqueCode('')}` });
    const asked = await customer.post('/api/v1/service-requests', { kind: 'new_connection', siteId: site.id, productCode: made.offered.code });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const supplier = await makeSupplier(env, { regions: [] });
    const engineer = (await clientAs(env, { roles: ['supplier'], supplierId: supplier.id })).api;
    assert.equal((await engineer.get('/api/v1/request-catalogue')).status, 403);
  });
});
