import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inTransaction } from '../../src/core/context.ts';
import { addPrice } from '../../src/modules/suppliers/service.ts';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, SYSTEM, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import { journalSize } from '../helpers/tenancy-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

/**
 * A fulfilled bandwidth upgrade or move changes the connection itself: what the desk, the
 * customer and an auditor read afterwards (the connection, its CI, its prefix, both journals).
 */

let env: TestEnv;
let admin: ApiClient;
let desk: ApiClient;
let customer: ApiClient;
let stranger: ApiClient;
let supplierEngineer: ApiClient;
let practice: { ods_code: string };
let region: string;
let fttc: string; // 80 Mbit/s single
let fttp: string; // 330 Mbit/s single
let unpriced: string; // 500 Mbit/s single, no supplier prices it
let resilient40: string; // 40 Mbit/s resilient
let resilient100: string; // 100 Mbit/s resilient
let supplier: { id: number; code: string };
let popId: number;

const REQUESTS = '/api/v1/service-requests';
const CONNECTIONS = '/api/v1/connections';

before(async () => {
  env = await testEnv();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  region = uniqueCode('Y').slice(0, 4);
  await makeOrganisation(env, { odsCode: region, name: `Region ${region}`, kind: 'region' });
  practice = await makeOrganisation(env, { region, name: `Oak Lane Practice ${uniqueCode('')}` });
  const other = await makeOrganisation(env, { region });
  customer = (await clientAs(env, { roles: ['customer'], organisations: [practice.ods_code] })).api;
  stranger = (await clientAs(env, { roles: ['customer'], organisations: [other.ods_code] })).api;
  const serviceClass = await makeServiceClass(env);
  fttc = (await makeProduct(env, serviceClass.code, { bandwidthDownKbps: 80_000 })).code;
  fttp = (await makeProduct(env, serviceClass.code, { accessTechnology: 'fttp', bandwidthDownKbps: 330_000, bandwidthUpKbps: 50_000 })).code;
  unpriced = (await makeProduct(env, serviceClass.code, { accessTechnology: 'fttp', bandwidthDownKbps: 500_000, bandwidthUpKbps: 100_000 })).code;
  const fibre = { resilience: 'resilient' as const, accessTechnology: 'ethernet_fibre' as const };
  resilient40 = (await makeProduct(env, serviceClass.code, { ...fibre, bandwidthDownKbps: 40_000, bandwidthUpKbps: 40_000 })).code;
  resilient100 = (await makeProduct(env, serviceClass.code, { ...fibre, bandwidthDownKbps: 100_000, bandwidthUpKbps: 100_000 })).code;
  supplier = await makeSupplier(env, { regions: [region] });
  supplierEngineer = (await clientAs(env, { roles: ['supplier'], supplierId: supplier.id })).api;
  await inTransaction(env.rt, async (tx) => {
    const rentals: Record<string, string> = { [fttc]: '500.00', [fttp]: '740.00', [resilient40]: '900.00', [resilient100]: '1300.00' };
    for (const [product, annualRental] of Object.entries(rentals)) {
      await addPrice(tx, env.rt, SYSTEM, supplier.id, { productCode: product, regionOdsCode: region, installCharge: '100.00', annualRental, leadTimeDays: 20, validFrom: '2020-01-01' });
    }
  });
  assert.equal((await admin.post('/api/v1/address-blocks', { name: `Block ${uniqueCode('')}`, range: '10.97.0.0/16' })).status, 201);
  popId = (await admin.post('/api/v1/cis', { kind: 'pop', name: `PoP ${uniqueCode('')}` })).body.id;
});
after(() => env.close());

const newSite = (name?: string) => makeSite(env, practice.ods_code, { name: name ?? `Branch ${uniqueCode('')}` });

async function connectionStep(id: number, body: Record<string, unknown>) {
  const current = await desk.get(`${CONNECTIONS}/${id}`);
  const response = await desk.post(`${CONNECTIONS}/${id}/transitions`, body, { 'if-match': String(current.headers.etag) });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

/** A live connection at a new site of the practice (or the site given), taken there by the desk. */
async function liveConnection(productCode = fttc, siteId?: number) {
  const site = siteId ?? (await newSite()).id;
  const c = await desk.post(CONNECTIONS, { siteId: site, productCode });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  await connectionStep(c.body.id, { to: 'ordered', popId });
  await connectionStep(c.body.id, { to: 'surveyed' });
  await connectionStep(c.body.id, { to: 'installed', circuitReference: `CCT-${uniqueCode('')}` });
  return connectionStep(c.body.id, { to: 'live' });
}

async function raise(body: Record<string, unknown>) {
  const created = await customer.post(REQUESTS, body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

const work = (id: number, taskId: number, action: 'complete' | 'skip', body: Record<string, unknown> = {}, api: ApiClient = desk) =>
  api.post(`${REQUESTS}/${id}/tasks/${taskId}/${action}`, body);

async function workUpTo(r: { id: number; tasks: Array<{ id: number; step: string }> }, step: string) {
  for (const t of r.tasks) {
    if (t.step === step) return t;
    const done = await work(r.id, t.id, 'complete');
    assert.equal(done.status, 200, JSON.stringify(done.body));
  }
  throw new Error(`no task ${step}`);
}

const journalOf = async (url: string, api: ApiClient = desk) => {
  const response = await api.get(`${url}/journal?limit=200`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.items as Array<{ action: string; summary: string; changes: Array<{ field: string; before: unknown; after: unknown }> }>;
};
const changeOf = (entry: { changes: Array<{ field: string; before: unknown; after: unknown }> }, field: string) => entry.changes.find((c) => c.field === field);

async function routerDependingOn(ciId: number) {
  const relations = await desk.get(`/api/v1/cis/${ciId}/relations?direction=incoming&kind=depends_on`);
  assert.equal(relations.status, 200, JSON.stringify(relations.body));
  return relations.body.items.filter((r: { source: { kind: string } }) => r.source.kind === 'site_router');
}

describe('a fulfilled upgrade or move changes the connection', () => {
  test('upgrade: "change the bandwidth" puts the connection on the new product at its supplier\'s price, journaled on both; the customer reads it', async () => {
    const connection = await liveConnection(fttc);
    const r = await raise({ kind: 'bandwidth_upgrade', connectionId: connection.id, productCode: fttp });
    const change = await workUpTo(r, 'change_bandwidth');
    assert.equal((await desk.get(`${CONNECTIONS}/${connection.id}`)).body.product.code, fttc, 'nothing changes before the circuit does');

    const done = await work(r.id, change.id, 'complete', { notes: 'Profile changed on the exchange' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.state, 'in_fulfilment', 'confirming with the customer is still to do');
    const upgraded = await customer.get(`${CONNECTIONS}/${connection.id}`);
    assert.equal(upgraded.status, 200);
    assert.equal(upgraded.body.product.code, fttp);
    assert.equal(upgraded.body.price.annualRental, '740.00', "the supplier's rental for the new product");
    assert.equal(upgraded.body.price.installCharge, connection.price.installCharge, 'the one-off charge stays as agreed');
    assert.equal(upgraded.body.addressBlock.prefix, connection.addressBlock.prefix, 'no renumbering for a bandwidth change');
    assert.equal(upgraded.body.state, 'live');
    assert.equal(upgraded.body.version, connection.version + 1);
    assert.equal(upgraded.headers.etag, `"${connection.version + 1}"`);

    const [entry] = await journalOf(`${CONNECTIONS}/${connection.id}`);
    assert.equal(entry!.action, 'upgraded');
    assert.match(entry!.summary, new RegExp(`from ${fttc} \\(80 Mbit/s\\) to ${fttp} \\(330 Mbit/s\\): £740.00 a year from ${supplier.code}`));
    assert.deepEqual(changeOf(entry!, 'product'), { field: 'product', before: fttc, after: fttp });
    assert.deepEqual(changeOf(entry!, 'annualRental'), { field: 'annualRental', before: '500.00', after: '740.00' });
    const ci = (await desk.get(`/api/v1/cis/${connection.ciId}`)).body;
    assert.equal(ci.attributes.product, fttp);

    const requestJournal = await journalOf(`${REQUESTS}/${r.id}`, customer);
    const applied = requestJournal.find((e) => e.action === 'connection_upgraded')!;
    assert.ok(applied, JSON.stringify(requestJournal.map((e) => e.action)));
    assert.deepEqual(applied.changes, [{ field: 'connection.product', before: fttc, after: fttp }]);

    const cancel = await desk.post(`${REQUESTS}/${r.id}/transitions`, { to: 'cancelled', reason: 'too late' }, { 'if-match': String((await desk.get(`${REQUESTS}/${r.id}`)).headers.etag) });
    assert.equal(cancel.status, 422, 'an upgrade already made is finished, not cancelled');
    assert.match(cancel.body.detail, /already on its new product/);
    const last = await work(r.id, r.tasks[3].id, 'skip', { reason: 'Customer confirmed by phone' });
    assert.equal(last.body.state, 'fulfilled');
    assert.equal((await desk.get(`${CONNECTIONS}/${connection.id}`)).body.version, connection.version + 1, 'the last task changes the connection no further');
  });

  test('move: "move the service" takes the connection, its prefix and its CI to the new site, journaled on both', async () => {
    const connection = await liveConnection(fttc);
    const from = connection.site;
    const to = await newSite('Riverside Health Centre');
    const r = await raise({ kind: 'move', connectionId: connection.id, targetSiteId: to.id });
    const oldRouter = (await routerDependingOn(connection.ciId))[0];
    assert.ok(oldRouter, 'ordering hung the connection from the old site router');
    const switchOver = await workUpTo(r, 'switch_over');
    const done = await work(r.id, switchOver.id, 'complete');
    assert.equal(done.status, 200, JSON.stringify(done.body));

    const moved = (await customer.get(`${CONNECTIONS}/${connection.id}`)).body;
    assert.deepEqual(moved.site, { id: to.id, name: 'Riverside Health Centre' });
    assert.equal(moved.leg, 1);
    assert.equal(moved.product.code, fttc);
    assert.equal(moved.circuitReference, connection.circuitReference);
    assert.deepEqual(moved.pop, connection.pop);
    assert.equal(moved.version, connection.version + 1);
    // The address plan says which site the live prefix addresses; the old one is returned.
    const newAllocation = (await desk.get(`/api/v1/address-allocations/${moved.addressBlock.allocationId}`)).body;
    assert.equal(newAllocation.siteId, to.id);
    assert.equal(newAllocation.live, true);
    assert.equal(newAllocation.holder, `connection:${connection.id}`);
    const oldAllocation = (await desk.get(`/api/v1/address-allocations/${connection.addressBlock.allocationId}`)).body;
    assert.equal(oldAllocation.siteId, from.id);
    assert.equal(oldAllocation.live, false);
    // The CI is at the new site, and it is the new site's router that depends on it.
    const ci = (await desk.get(`/api/v1/cis/${connection.ciId}`)).body;
    assert.equal(ci.siteId, to.id);
    assert.equal(ci.name, `Connection ${connection.id} Riverside Health Centre`);
    assert.equal(ci.attributes.prefix, moved.addressBlock.prefix);
    const routers = await routerDependingOn(connection.ciId);
    assert.equal(routers.length, 1);
    assert.notEqual(routers[0].source.id, oldRouter.source.id);
    const newRouter = (await desk.get(`/api/v1/cis/${routers[0].source.id}`)).body;
    assert.equal(newRouter.siteId, to.id);
    assert.equal(newRouter.state, 'live', 'the router a live connection moves under is in service, not planned');

    const [entry] = await journalOf(`${CONNECTIONS}/${connection.id}`);
    assert.equal(entry!.action, 'moved');
    assert.equal(entry!.summary, `Moved from ${from.name} to Riverside Health Centre (leg 1)`);
    assert.deepEqual(changeOf(entry!, 'site'), { field: 'site', before: from.id, after: to.id });
    const prefixChange = moved.addressBlock.prefix === connection.addressBlock.prefix ? undefined : { field: 'prefix', before: connection.addressBlock.prefix, after: moved.addressBlock.prefix };
    assert.deepEqual(changeOf(entry!, 'prefix'), prefixChange, 'a prefix that changed is journaled as it changed');
    const applied = (await journalOf(`${REQUESTS}/${r.id}`)).find((e) => e.action === 'connection_moved')!;
    assert.deepEqual(applied.changes, [{ field: 'connection.site', before: { id: from.id, name: from.name }, after: { id: to.id, name: 'Riverside Health Centre' } }]);
    const ciJournal = await journalOf(`/api/v1/cis/${connection.ciId}`);
    assert.deepEqual(changeOf(ciJournal[0]!, 'siteId'), { field: 'siteId', before: from.id, after: to.id });

    const last = await work(r.id, r.tasks[3].id, 'complete', { notes: 'Router collected' });
    assert.equal(last.body.state, 'fulfilled');
    assert.equal((await desk.get(`${CONNECTIONS}/${connection.id}`)).body.site.id, to.id);
  });

  test('refused at fulfilment: the connection ceased, the product withdrawn, the site closed or taken; the task stays open and nothing is written', async () => {
    // Ceased meanwhile.
    const ceasing = await liveConnection(fttc);
    const upgrade = await raise({ kind: 'bandwidth_upgrade', connectionId: ceasing.id, productCode: fttp });
    const change = await workUpTo(upgrade, 'change_bandwidth');
    await connectionStep(ceasing.id, { to: 'ceased' });
    await refusedTask(upgrade.id, change.id, 422, 'connectionId', new RegExp(`connection ${ceasing.id} is ceased; a bandwidth_upgrade needs a live connection`));

    // The product withdrawn from the catalogue meanwhile.
    const target = (await makeProduct(env, (await makeServiceClass(env)).code, { accessTechnology: 'fttp', bandwidthDownKbps: 160_000, bandwidthUpKbps: 30_000 })).code;
    await inTransaction(env.rt, (tx) => addPrice(tx, env.rt, SYSTEM, supplier.id, { productCode: target, regionOdsCode: region, installCharge: '0.00', annualRental: '600.00', leadTimeDays: 5, validFrom: '2020-01-01' }));
    const withdrawing = await liveConnection(fttc);
    const upgrade2 = await raise({ kind: 'bandwidth_upgrade', connectionId: withdrawing.id, productCode: target });
    const change2 = await workUpTo(upgrade2, 'change_bandwidth');
    const product = await admin.get(`/api/v1/products/${target}`);
    assert.equal((await admin.patch(`/api/v1/products/${target}`, { state: 'withdrawn' }, { 'if-match': String(product.headers.etag) })).status, 200);
    await refusedTask(upgrade2.id, change2.id, 422, 'productCode', /is withdrawn/);
    assert.equal((await desk.get(`${CONNECTIONS}/${withdrawing.id}`)).body.product.code, fttc);

    // The target site closed meanwhile.
    const moving = await liveConnection(fttc);
    const closing = await newSite();
    const move = await raise({ kind: 'move', connectionId: moving.id, targetSiteId: closing.id });
    const switchOver = await workUpTo(move, 'switch_over');
    const site = await admin.get(`/api/v1/sites/${closing.id}`);
    assert.equal((await admin.patch(`/api/v1/sites/${closing.id}`, { state: 'closed' }, { 'if-match': String(site.headers.etag) })).status, 200);
    await refusedTask(move.id, switchOver.id, 422, 'targetSiteId', /the site is closed/);

    // The target site took a connection of its own meanwhile: a site holds one (or a resilient pair).
    const moving2 = await liveConnection(fttc);
    const taken = await newSite();
    const move2 = await raise({ kind: 'move', connectionId: moving2.id, targetSiteId: taken.id });
    const switchOver2 = await workUpTo(move2, 'switch_over');
    const occupant = await desk.post(CONNECTIONS, { siteId: taken.id, productCode: fttc });
    assert.equal(occupant.status, 201);
    await refusedTask(move2.id, switchOver2.id, 409, 'targetSiteId', new RegExp(`already has connection ${occupant.body.id}`));
    const still = (await desk.get(`${CONNECTIONS}/${moving2.id}`)).body;
    assert.equal(still.site.id, moving2.site.id);
    assert.equal(still.version, moving2.version);
  });

  test('refused when asked: an upgrade its supplier does not price, or that changes resilience', async () => {
    const connection = await liveConnection(fttc);
    const before = await journalSize(env);
    const notPriced = await customer.post(REQUESTS, { kind: 'bandwidth_upgrade', connectionId: connection.id, productCode: unpriced });
    assert.equal(notPriced.status, 422);
    assert.equal(notPriced.body.errors[0].field, 'productCode');
    assert.match(notPriced.body.detail, new RegExp(`${supplier.code} has no price for ${unpriced} in region ${region}`));
    const toResilient = await customer.post(REQUESTS, { kind: 'bandwidth_upgrade', connectionId: connection.id, productCode: resilient100 });
    assert.equal(toResilient.status, 422);
    assert.match(toResilient.body.detail, /keeps the circuits as they are/);
    assert.equal(await journalSize(env), before, 'nothing is written');
  });

  test('the desk upgrades or moves directly with If-Match; a customer or supplier may not; a resilient leg moves beside its partner', async () => {
    const connection = await liveConnection(resilient40);
    const url = `${CONNECTIONS}/${connection.id}`;
    const etag = `"${connection.version}"`;
    const asCustomer = await customer.post(`${url}/upgrade`, { productCode: resilient100 }, { 'if-match': etag });
    assert.equal(asCustomer.status, 403);
    assert.match(asCustomer.body.detail, /service request/);
    assert.equal((await supplierEngineer.post(`${url}/upgrade`, { productCode: resilient100 }, { 'if-match': etag })).status, 403);
    assert.equal((await desk.post(`${url}/upgrade`, { productCode: resilient100 })).status, 428);
    assert.equal((await desk.post(`${url}/upgrade`, { productCode: resilient100 }, { 'if-match': '"999"' })).status, 412);
    const unknownField = await desk.post(`${url}/upgrade`, { productCode: resilient100, bandwidth: 1 }, { 'if-match': etag });
    assert.equal(unknownField.status, 400);
    const downgrade = await desk.post(`${url}/upgrade`, { productCode: fttc }, { 'if-match': etag });
    assert.equal(downgrade.status, 422);
    assert.equal(downgrade.body.errors[0].field, 'productCode');

    const upgraded = await desk.post(`${url}/upgrade`, { productCode: resilient100 }, { 'if-match': etag });
    assert.equal(upgraded.status, 200, JSON.stringify(upgraded.body));
    assert.equal(upgraded.body.product.code, resilient100);
    assert.equal(upgraded.headers.etag, `"${connection.version + 1}"`);

    // A resilient leg moves to a site whose other leg is resilient: it takes the free leg, in the pair's group.
    const partnerSite = await newSite();
    const partner = await liveConnection(resilient40, partnerSite.id);
    assert.equal(partner.leg, 1);
    const moved = await desk.post(`${url}/move`, { targetSiteId: partnerSite.id }, { 'if-match': upgraded.headers.etag as string });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.site.id, partnerSite.id);
    assert.equal(moved.body.leg, 2);
    const [link] = await routerDependingOn(connection.ciId);
    assert.equal(link.redundancyGroup, `site-${partnerSite.id}-access`);
    const [partnerLink] = await routerDependingOn(partner.ciId);
    assert.equal(link.source.id, partnerLink.source.id, 'both legs hang from the one router of the site');

    // A single connection cannot join them; a connection not live cannot move.
    const single = await liveConnection(fttc);
    const full = await desk.post(`${CONNECTIONS}/${single.id}/move`, { targetSiteId: partnerSite.id }, { 'if-match': `"${single.version}"` });
    assert.equal(full.status, 409);
    assert.equal(full.body.errors[0].field, 'targetSiteId');
    const requested = await desk.post(CONNECTIONS, { siteId: (await newSite()).id, productCode: fttc });
    const early = await desk.post(`${CONNECTIONS}/${requested.body.id}/move`, { targetSiteId: (await newSite()).id }, { 'if-match': `"${requested.body.version}"` });
    assert.equal(early.status, 422);
    assert.equal(early.body.errors[0].field, 'state');
  });

  test('tenancy: a customer of another organisation can neither see nor drive the request or the connection', async () => {
    const connection = await liveConnection(fttc);
    const r = await raise({ kind: 'bandwidth_upgrade', connectionId: connection.id, productCode: fttp });
    const site = await newSite();
    const before = await journalSize(env);
    assert.equal((await stranger.get(`${REQUESTS}/${r.id}`)).status, 404);
    assert.equal((await stranger.get(`${CONNECTIONS}/${connection.id}`)).status, 404);
    assert.ok(!JSON.stringify((await stranger.get(REQUESTS)).body).includes(r.number));
    assert.ok([403, 404].includes((await work(r.id, r.tasks[0].id, 'complete', {}, stranger)).status));
    assert.equal((await stranger.post(`${CONNECTIONS}/${connection.id}/upgrade`, { productCode: fttp }, { 'if-match': `"${connection.version}"` })).status, 404);
    assert.equal((await stranger.post(`${CONNECTIONS}/${connection.id}/move`, { targetSiteId: site.id }, { 'if-match': `"${connection.version}"` })).status, 404);
    // Their own customer cannot work the tasks either: the desk changes the circuit.
    assert.equal((await work(r.id, r.tasks[0].id, 'complete', {}, customer)).status, 403);
    assert.equal(await journalSize(env), before, 'nothing was written');
    assert.equal((await desk.get(`${CONNECTIONS}/${connection.id}`)).body.product.code, fttc);
  });
});

/** The task's completion is refused naming the field; the task stays open and the journal is as it was. */
async function refusedTask(requestId: number, taskId: number, status: number, field: string, detail: RegExp) {
  const before = await journalSize(env);
  const refused = await work(requestId, taskId, 'complete');
  assert.equal(refused.status, status, JSON.stringify(refused.body));
  assert.equal(refused.body.errors[0].field, field);
  assert.match(refused.body.detail, detail);
  assert.equal(await journalSize(env), before, 'a refused task writes nothing');
  const task = (await desk.get(`${REQUESTS}/${requestId}`)).body.tasks.find((t: { id: number }) => t.id === taskId);
  assert.equal(task.state, 'open');
}
