import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSupplier } from '../helpers/network-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

let env: TestEnv;
let admin: ApiClient;
let agent: ApiClient;
let region: { ods_code: string };
let otherRegion: { ods_code: string };

before(async () => {
  env = await testEnv();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  region = await makeOrganisation(env, { kind: 'region', name: 'Test region north' });
  otherRegion = await makeOrganisation(env, { kind: 'region', name: 'Test region south' });
});
after(() => env.close());

describe('the service catalogue', () => {
  test('a service class and a connection product; the desk reads them', async () => {
    const code = uniqueCode('C');
    const created = await admin.post('/api/v1/service-classes', { code, name: 'Resilient access', availabilityTarget: 99.5, fixMinutes: [300, 480] });
    assert.equal(created.status, 201);
    assert.equal(created.body.availabilityTarget, 99.5);
    const product = await admin.post('/api/v1/products', { code: uniqueCode('P'), name: 'Ethernet 100', kind: 'connection', accessTechnology: 'ethernet_fibre', bandwidthDownKbps: 100000, bandwidthUpKbps: 100000, resilience: 'resilient', serviceClassCode: code });
    assert.equal(product.status, 201);
    assert.deepEqual(product.body.serviceClass, { code, name: 'Resilient access', availabilityTarget: 99.5 });
    const list = await agent.get(`/api/v1/products?serviceClass=${code}`);
    assert.deepEqual(list.body.items.map((p: { code: string }) => p.code), [product.body.code]);
  });

  test('a connection needs its access fields, a service has none; an unknown class names serviceClassCode', async () => {
    const serviceClass = await makeServiceClass(env);
    const missing = await admin.post('/api/v1/products', { code: uniqueCode('P'), name: 'Half a product', kind: 'connection', accessTechnology: 'fttc', serviceClassCode: serviceClass.code });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.errors[0].field, 'bandwidthDownKbps');
    const extra = await admin.post('/api/v1/products', { code: uniqueCode('P'), name: 'Wi-Fi', kind: 'service', resilience: 'single', serviceClassCode: serviceClass.code });
    assert.equal(extra.status, 422);
    assert.equal(extra.body.errors[0].field, 'resilience');
    const unknown = await admin.post('/api/v1/products', { code: uniqueCode('P'), name: 'Wi-Fi', kind: 'service', serviceClassCode: 'NOPE' });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.errors[0].field, 'serviceClassCode');
    const bad = await admin.post('/api/v1/service-classes', { code: uniqueCode('C'), name: 'x', availabilityTarget: 101, fixMinutes: [] });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['availabilityTarget', 'fixMinutes']);
  });

  test('changes need If-Match and are journalled; customers and suppliers do not read the catalogue', async () => {
    const serviceClass = await makeServiceClass(env);
    const product = await makeProduct(env, serviceClass.code);
    const url = `/api/v1/products/${product.code}`;
    assert.equal((await admin.patch(url, { state: 'withdrawn' })).status, 428);
    const ok = await admin.patch(url, { state: 'withdrawn' }, { 'if-match': '"1"' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.state, 'withdrawn');
    assert.equal((await admin.patch(url, { state: 'active' }, { 'if-match': '"1"' })).status, 412);
    const customer = (await clientAs(env, { roles: ['customer'], organisations: [region.ods_code] })).api;
    assert.equal((await customer.get('/api/v1/products')).status, 403);
  });
});

describe('suppliers', () => {
  test('a supplier with regions, a contract, contacts and a price book', async () => {
    const created = await admin.post('/api/v1/suppliers', { code: uniqueCode('S'), name: 'Pennine Access', kind: 'access', regions: [region.ods_code], website: 'https://pennine.example' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.regions.map((r: { odsCode: string }) => r.odsCode), [region.ods_code]);
    const id = created.body.id;
    const contract = await admin.post(`/api/v1/suppliers/${id}/contracts`, { reference: 'UC-1', title: 'Access', startsOn: '2024-04-01', endsOn: '2027-03-31', noticeDays: 180 });
    assert.equal(contract.status, 201);
    assert.equal((await admin.post(`/api/v1/suppliers/${id}/contracts`, { reference: 'UC-1', title: 'Again', startsOn: '2024-04-01', noticeDays: 1 })).body.errors[0].field, 'reference');
    const backwards = await admin.post(`/api/v1/suppliers/${id}/contracts`, { reference: 'UC-2', title: 'Backwards', startsOn: '2024-04-01', endsOn: '2023-01-01', noticeDays: 1 });
    assert.equal(backwards.status, 422);
    assert.equal(backwards.body.errors[0].field, 'endsOn');
    assert.equal((await admin.post(`/api/v1/suppliers/${id}/contacts`, { name: 'Dana', role: 'account manager', email: 'dana@pennine.example' })).status, 201);
    const product = await makeProduct(env, (await makeServiceClass(env)).code);
    const price = { productCode: product.code, regionOdsCode: region.ods_code, installCharge: '150', annualRental: '540.50', leadTimeDays: 14, validFrom: '2024-04-01', validTo: '2025-03-31' };
    const added = await admin.post(`/api/v1/suppliers/${id}/prices`, price);
    assert.equal(added.status, 201);
    assert.equal(added.body.installCharge, '150.00');
    const overlap = await admin.post(`/api/v1/suppliers/${id}/prices`, { ...price, validFrom: '2025-01-01', validTo: null });
    assert.equal(overlap.status, 409);
    assert.equal(overlap.body.errors[0].field, 'validFrom');
    const next = await admin.post(`/api/v1/suppliers/${id}/prices`, { ...price, annualRental: '500', validFrom: '2025-04-01', validTo: null });
    assert.equal(next.status, 201);
    const notServed = await admin.post(`/api/v1/suppliers/${id}/prices`, { ...price, regionOdsCode: otherRegion.ods_code });
    assert.equal(notServed.status, 422);
    assert.equal(notServed.body.errors[0].field, 'regionOdsCode');
    const onDate = await agent.get(`/api/v1/suppliers/${id}/prices?on=2025-06-01`);
    assert.deepEqual(onDate.body.items.map((p: { annualRental: string }) => p.annualRental), ['500.00']);
    assert.equal((await agent.get(`/api/v1/suppliers/${id}/contracts`)).body.items[0].noticeDays, 180);
    assert.equal((await agent.get(`/api/v1/suppliers?region=${region.ods_code}`)).body.items.length >= 1, true);
  });

  test('regions must be regions; updates need If-Match and replace the regions served', async () => {
    const practice = await makeOrganisation(env);
    const bad = await admin.post('/api/v1/suppliers', { code: uniqueCode('S'), name: 'Wrong', kind: 'access', regions: [practice.ods_code] });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].field, 'regions');
    const supplier = await makeSupplier(env, { regions: [region.ods_code] });
    const changed = await admin.patch(`/api/v1/suppliers/${supplier.id}`, { regions: [otherRegion.ods_code] }, { 'if-match': '"1"' });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.regions.map((r: { odsCode: string }) => r.odsCode), [otherRegion.ods_code]);
    const journal = await admin.get(`/api/v1/suppliers/${supplier.id}/journal`);
    assert.deepEqual(journal.body.items[0].changes, [{ field: 'regions', before: [region.ods_code], after: [otherRegion.ods_code] }]);
  });

  test("a supplier engineer reads their own company's record and price book, and no other's", async () => {
    const mine = await makeSupplier(env);
    const theirs = await makeSupplier(env);
    const engineer = (await clientAs(env, { roles: ['supplier'], supplierId: mine.id })).api;
    assert.equal((await engineer.get(`/api/v1/suppliers/${mine.id}`)).status, 200);
    assert.equal((await engineer.get(`/api/v1/suppliers/${mine.id}/prices`)).status, 200);
    assert.equal((await engineer.get(`/api/v1/suppliers/${theirs.id}`)).status, 404);
    assert.equal((await engineer.get(`/api/v1/suppliers/${theirs.id}/contracts`)).status, 404);
    assert.deepEqual((await engineer.get('/api/v1/suppliers')).body.items.map((s: { id: number }) => s.id), [mine.id]);
    assert.equal((await engineer.post(`/api/v1/suppliers/${mine.id}/contacts`, { name: 'Me', role: 'engineer' })).status, 403);
  });
});

describe('sites kept by hand', () => {
  test('a site is located from its postcode district, and changes need If-Match', async () => {
    const organisation = await makeOrganisation(env, { kind: 'trust' });
    const created = await admin.post('/api/v1/sites', { organisationOdsCode: organisation.ods_code, kind: 'hospital', name: 'North Tees Hospital', postcode: 'ts19 8pe', address: ['Hardwick Road'] });
    assert.equal(created.status, 201);
    assert.equal(created.body.postcode, 'TS19 8PE');
    assert.ok(created.body.location, 'located from TS19');
    const url = `/api/v1/sites/${created.body.id}`;
    assert.equal((await admin.patch(url, { name: 'University Hospital of North Tees' })).status, 428);
    const moved = await admin.patch(url, { location: { latitude: 54.58, longitude: -1.34 } }, { 'if-match': '"1"' });
    assert.equal(moved.status, 200);
    assert.deepEqual(moved.body.location, { latitude: 54.58, longitude: -1.34 });
    const backwards = await admin.patch(url, { openedOn: '2020-01-01', closedOn: '2019-01-01' }, { 'if-match': '"2"' });
    assert.equal(backwards.status, 422);
    assert.equal(backwards.body.errors[0].field, 'closedOn');
    const unknown = await admin.post('/api/v1/sites', { organisationOdsCode: 'ZZZ999', kind: 'office', name: 'Nowhere' });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.errors[0].field, 'organisationOdsCode');
  });
});
