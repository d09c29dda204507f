import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inTransaction } from '../../src/core/context.ts';
import { addPrice } from '../../src/modules/suppliers/service.ts';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, SYSTEM, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

let env: TestEnv;
let desk: ApiClient;
let admin: ApiClient;
let region: string;
let practice: { ods_code: string };
let single: string;
let resilient: string;
let cheap: { id: number; code: string };
let dear: { id: number; code: string };
let popId: number;

const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

before(async () => {
  env = await testEnv();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  region = uniqueCode('Y').slice(0, 4);
  await makeOrganisation(env, { odsCode: region, name: `Region ${region}`, kind: 'region' });
  practice = await makeOrganisation(env, { region });
  const serviceClass = await makeServiceClass(env);
  single = (await makeProduct(env, serviceClass.code, { bandwidthDownKbps: 80_000 })).code;
  resilient = (await makeProduct(env, serviceClass.code, { resilience: 'resilient', accessTechnology: 'ethernet_fibre', bandwidthDownKbps: 100_000, bandwidthUpKbps: 100_000 })).code;
  cheap = await makeSupplier(env, { regions: [region] });
  dear = await makeSupplier(env, { regions: [region] });
  const elsewhere = await makeSupplier(env, { regions: [] });
  await inTransaction(env.rt, async (tx) => {
    for (const product of [single, resilient]) {
      // cheap: 100 + 700×3 + 10×10 = 2300; dear: 400 + 550×3 + 30×10 = 2350.
      await addPrice(tx, env.rt, SYSTEM, cheap.id, { productCode: product, regionOdsCode: region, installCharge: '100.00', annualRental: '700.00', leadTimeDays: 10, validFrom: '2020-01-01' });
      await addPrice(tx, env.rt, SYSTEM, dear.id, { productCode: product, regionOdsCode: region, installCharge: '400.00', annualRental: '550.00', leadTimeDays: 30, validFrom: '2020-01-01' });
      // A national supplier that serves no listed region quotes everywhere with its national price.
      await addPrice(tx, env.rt, SYSTEM, elsewhere.id, { productCode: product, installCharge: '5000.00', annualRental: '5000.00', leadTimeDays: 90, validFrom: '2020-01-01' });
    }
  });
  assert.equal((await admin.post('/api/v1/address-blocks', { name: `Block ${uniqueCode('')}`, range: '10.99.0.0/16' })).status, 201);
  const pop = await admin.post('/api/v1/cis', { kind: 'pop', name: `PoP ${uniqueCode('')}` });
  assert.equal(pop.status, 201, JSON.stringify(pop.body));
  popId = pop.body.id;
});
after(() => env.close());

async function request(api: ApiClient, productCode = single, siteId?: number) {
  const id = siteId ?? (await makeSite(env, practice.ods_code)).id;
  const created = await api.post('/api/v1/connections', { siteId: id, productCode, requestedOn: daysAgo(60) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

async function step(id: number, body: Record<string, unknown>, api: ApiClient = desk) {
  const current = await api.get(`/api/v1/connections/${id}`);
  return api.post(`/api/v1/connections/${id}/transitions`, body, { 'if-match': String(current.headers.etag) });
}

describe('connections', () => {
  test('the whole lifecycle: quoted, ordered with the best value, surveyed, installed, live, ceased; dated, journaled, prefix and CI kept in step', async () => {
    const c = await request(desk);
    assert.equal(c.state, 'requested');
    assert.equal(c.dates.requestedOn, daysAgo(60));
    assert.deepEqual(c.nextStates, ['quoted', 'ordered', 'cancelled']);

    const preview = await desk.get(`/api/v1/connections/${c.id}/quotes`);
    assert.equal(preview.body.stored, false);
    assert.equal(preview.body.quotes.length, 3);

    const quoted = await step(c.id, { to: 'quoted', at: daysAgo(50) });
    assert.equal(quoted.status, 200, JSON.stringify(quoted.body));
    assert.equal(quoted.body.dates.quotedOn, daysAgo(50));
    assert.equal(quoted.body.price.totalOverTerm, '2200.00');

    const read = await desk.get(`/api/v1/connections/${c.id}`);
    const ordered = await desk.post(`/api/v1/connections/${c.id}/order`, { at: daysAgo(40), popId }, { 'if-match': String(read.headers.etag) });
    assert.equal(ordered.status, 200, JSON.stringify(ordered.body));
    assert.equal(ordered.body.state, 'ordered');
    assert.equal(ordered.body.supplier.code, cheap.code);
    assert.equal(ordered.body.dates.orderedOn, daysAgo(40));
    assert.equal(ordered.body.expectedLiveOn, daysAgo(30));
    assert.deepEqual(ordered.body.price, { installCharge: '100.00', annualRental: '700.00', contractYears: 3, totalOverTerm: '2200.00' });
    assert.match(ordered.body.addressBlock.prefix, /^10\.99\./);
    assert.ok(ordered.body.ciId);
    assert.match(ordered.body.choiceReason, new RegExp(`^${cheap.code} wins with a score of £2,300\\.00 .* beats ${dear.code} .* by £50\\.00\\.$`));

    const quotes = await desk.get(`/api/v1/connections/${c.id}/quotes`);
    assert.equal(quotes.body.stored, true);
    assert.deepEqual(quotes.body.quotes.map((q: any) => [q.supplier.code, q.score, q.chosen, q.rank]), [
      [cheap.code, '2300.00', true, 1],
      [dear.code, '2350.00', false, 2],
      [quotes.body.quotes[2].supplier.code, '20900.00', false, 3],
    ]);
    assert.equal(quotes.body.winner.totalCost, '2200.00');
    assert.equal(quotes.body.winner.leadTimePenalty, '100.00');

    const ci = await desk.get(`/api/v1/cis/${ordered.body.ciId}`);
    assert.equal(ci.body.state, 'planned');
    assert.equal(ci.body.kind, 'connection');
    const causes = await desk.get(`/api/v1/cis/${ordered.body.ciId}/graph`);
    assert.equal(causes.status, 200);
    const edges = JSON.stringify(causes.body.edges);
    assert.ok(edges.includes(String(popId)), 'the connection depends on its PoP');

    // Installing without a circuit reference is refused naming the field, and writes nothing.
    const surveyed = await step(c.id, { to: 'surveyed', at: daysAgo(35) });
    assert.equal(surveyed.body.dates.surveyedOn, daysAgo(35));
    const noCircuit = await step(c.id, { to: 'installed', at: daysAgo(31) });
    assert.equal(noCircuit.status, 400);
    assert.equal(noCircuit.body.errors[0].field, 'circuitReference');
    const circuit = `CCT-${uniqueCode('')}`;
    const installed = await step(c.id, { to: 'installed', at: daysAgo(31), circuitReference: circuit });
    assert.equal(installed.status, 200, JSON.stringify(installed.body));
    assert.equal(installed.body.circuitReference, circuit);
    assert.equal((await desk.get(`/api/v1/cis/${ordered.body.ciId}`)).body.externalRef, circuit);

    const live = await step(c.id, { to: 'live', at: daysAgo(30) });
    assert.equal(live.status, 200, JSON.stringify(live.body));
    assert.equal((await desk.get(`/api/v1/cis/${ordered.body.ciId}`)).body.state, 'live');

    const prefixId = ordered.body.addressBlock.allocationId;
    const ceased = await step(c.id, { to: 'ceased', at: today });
    assert.equal(ceased.status, 200, JSON.stringify(ceased.body));
    assert.equal(ceased.body.addressBlock, null);
    assert.deepEqual(ceased.body.nextStates, []);
    assert.ok((await desk.get(`/api/v1/address-allocations/${prefixId}`)).body.releasedAt, 'the prefix is returned on cease');
    assert.equal((await desk.get(`/api/v1/cis/${ordered.body.ciId}`)).body.state, 'retired');

    const journal = await desk.get(`/api/v1/connections/${c.id}/journal`);
    assert.deepEqual(journal.body.items.map((e: any) => e.action).reverse(), ['requested', 'quoted', 'ordered', 'surveyed', 'installed', 'live', 'ceased']);
    const liveEntry = journal.body.items.find((e: any) => e.action === 'live');
    assert.deepEqual(liveEntry.changes.find((ch: any) => ch.field === 'liveOn'), { field: 'liveOn', before: null, after: daysAgo(30) });
  });

  test('refused transitions name the field: wrong step, future date, date before the last step, missing PoP', async () => {
    const c = await request(desk);
    const skip = await step(c.id, { to: 'live' });
    assert.equal(skip.status, 400);
    assert.equal(skip.body.errors[0].field, 'to');
    assert.match(skip.body.errors[0].message, /requested connection cannot become live; it can go to quoted or ordered or cancelled/);
    const future = await step(c.id, { to: 'quoted', at: '2999-01-01' });
    assert.equal(future.body.errors[0].field, 'at');
    const early = await step(c.id, { to: 'quoted', at: daysAgo(61) });
    assert.equal(early.body.errors[0].field, 'at');
    const order = await step(c.id, { to: 'ordered', supplierId: dear.id, at: daysAgo(20) });
    assert.equal(order.status, 200, JSON.stringify(order.body));
    assert.equal(order.body.supplier.code, dear.code);
    assert.match(order.body.choiceReason, new RegExp(`^Ordered from ${dear.code} as asked .* the best value was: ${cheap.code} wins`));
    await step(c.id, { to: 'surveyed', at: daysAgo(15) });
    await step(c.id, { to: 'installed', at: daysAgo(10), circuitReference: `CCT-${uniqueCode('')}` });
    const noPop = await step(c.id, { to: 'live' });
    assert.equal(noPop.status, 400);
    assert.equal(noPop.body.errors[0].field, 'popId');
    const stale = await desk.post(`/api/v1/connections/${c.id}/transitions`, { to: 'live', popId }, { 'if-match': '"1"' });
    assert.equal(stale.status, 412);
    const missing = await desk.post(`/api/v1/connections/${c.id}/transitions`, { to: 'live', popId });
    assert.equal(missing.status, 428);
    const cancelLive = await step(c.id, { to: 'cancelled' });
    assert.equal(cancelLive.body.errors[0].field, 'to');
    const unknownSupplier = await step((await request(desk)).id, { to: 'ordered', supplierId: 999_999 });
    assert.equal(unknownSupplier.status, 422);
    assert.equal(unknownSupplier.body.errors[0].field, 'supplierId');
  });

  test('cancelling an ordered connection returns its prefix and retires its CI', async () => {
    const c = await request(desk);
    const ordered = await step(c.id, { to: 'ordered' });
    assert.equal(ordered.status, 200, JSON.stringify(ordered.body));
    const cancelled = await step(c.id, { to: 'cancelled' });
    assert.equal(cancelled.body.state, 'cancelled');
    assert.equal(cancelled.body.dates.cancelledOn, today);
    assert.ok((await desk.get(`/api/v1/address-allocations/${ordered.body.addressBlock.allocationId}`)).body.releasedAt);
    assert.equal((await desk.get(`/api/v1/cis/${ordered.body.ciId}`)).body.state, 'retired');
  });

  test('one connection per site, or two of a resilient product', async () => {
    const site = await makeSite(env, practice.ods_code);
    await request(desk, single, site.id);
    const second = await desk.post('/api/v1/connections', { siteId: site.id, productCode: single });
    assert.equal(second.status, 409);
    assert.equal(second.body.errors[0].field, 'siteId');
    const pair = await makeSite(env, practice.ods_code);
    const a = await request(desk, resilient, pair.id);
    const b = await request(desk, resilient, pair.id);
    assert.deepEqual([a.leg, b.leg], [1, 2]);
    assert.equal((await desk.post('/api/v1/connections', { siteId: pair.id, productCode: resilient })).status, 409);
    const unknown = await desk.post('/api/v1/connections', { siteId: pair.id, productCode: 'NOPE' });
    assert.equal(unknown.body.errors[0].field, 'productCode');
  });

  test('a customer requests for their own site and sees their price and date, never another organisation’s; a supplier records only survey and install on its own', async () => {
    const mine = await makeOrganisation(env, { region });
    const customer = (await clientAs(env, { roles: ['customer'], organisations: [mine.ods_code] })).api;
    const other = await request(desk);
    const site = await makeSite(env, mine.ods_code);
    const own = await customer.post('/api/v1/connections', { siteId: site.id, productCode: single });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    assert.equal((await customer.post('/api/v1/connections', { siteId: other.site.id, productCode: single })).status, 422);
    const refused = await step(own.body.id, { to: 'ordered' }, customer);
    assert.equal(refused.status, 403);
    const ordered = await step(own.body.id, { to: 'ordered' });
    assert.equal(ordered.status, 200);
    const seen = await customer.get(`/api/v1/connections/${own.body.id}`);
    assert.deepEqual(seen.body.price, { installCharge: '100.00', annualRental: '700.00', contractYears: 3, totalOverTerm: '2200.00' });
    assert.equal(seen.body.expectedLiveOn, ordered.body.expectedLiveOn);
    assert.deepEqual(seen.body.nextStates, [], 'no step offered to a customer, who may take none');
    assert.deepEqual(ordered.body.nextStates, ['surveyed', 'cancelled'], 'the desk may take any');
    const quotes = await customer.get(`/api/v1/connections/${own.body.id}/quotes`);
    assert.equal(quotes.body.quotes.length, 1, 'only the chosen quote: other suppliers’ prices are commercial');
    assert.match(quotes.body.reason, /£2200\.00 in all/);
    assert.equal((await customer.get(`/api/v1/connections/${other.id}`)).status, 404);
    assert.equal((await customer.get(`/api/v1/connections/${other.id}/quotes`)).status, 404);
    const list = await customer.get('/api/v1/connections');
    assert.deepEqual(list.body.items.map((i: any) => i.id), [own.body.id]);

    const engineer = (await clientAs(env, { roles: ['supplier'], supplierId: cheap.id })).api;
    const rival = (await clientAs(env, { roles: ['supplier'], supplierId: dear.id })).api;
    assert.equal((await rival.get(`/api/v1/connections/${own.body.id}`)).status, 404);
    const engineerSees = await engineer.get(`/api/v1/connections/${own.body.id}`);
    assert.equal(engineerSees.status, 200);
    assert.deepEqual(engineerSees.body.nextStates, ['surveyed'], 'only the steps a supplier records');
    assert.equal((await step(own.body.id, { to: 'cancelled' }, engineer)).status, 403);
    const surveyed = await step(own.body.id, { to: 'surveyed' }, engineer);
    assert.equal(surveyed.status, 200, JSON.stringify(surveyed.body));
    const listed = await engineer.get(`/api/v1/connections?supplier=${cheap.code}`);
    assert.ok(listed.body.items.every((i: any) => i.supplier.code === cheap.code));
  });

  test('lists filter by state, supplier, region and organisation', async () => {
    const byState = await desk.get('/api/v1/connections?state=ceased');
    assert.ok(byState.body.items.length >= 1);
    assert.ok(byState.body.items.every((i: any) => i.state === 'ceased'));
    const byRegion = await desk.get(`/api/v1/connections?region=${region}&organisation=${practice.ods_code}&supplier=${cheap.code}`);
    assert.ok(byRegion.body.items.length >= 1);
    assert.ok(byRegion.body.items.every((i: any) => i.region === region && i.organisation.odsCode === practice.ods_code && i.supplier.code === cheap.code));
  });
});
