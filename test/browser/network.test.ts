// The network inventory and the CMDB in a real Chromium against a real n3sp process: an agent
// walks the map of sites, a site, a supplier, the catalogue and a CI's graph with what fails with
// it; a customer's map holds their own sites and no other. Screenshots go to docs/screenshots/ with N3SP_UPDATE_SCREENSHOTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { SCREENSHOTS } from '../helpers/screenshots.ts';
import { assertAccessible, h1, launchBrowser, nav, openPage, signIn } from '../helpers/browser.ts';

let env: TestEnv;
let browser: Browser;
let admin: ApiClient;
const requested: string[] = [];
const pageErrors: string[] = [];
const ids = { densham: 0, queens: 0, supplier: 0, pop: 0 };

async function created(response: Promise<{ status: number; body: any }>) {
  const r = await response;
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  env = await testEnv({ web: true, listen: true });
  browser = await launchBrowser();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;

  await makeOrganisation(env, { odsCode: 'Y63', name: 'North East and Yorkshire', kind: 'region' });
  const practice = (odsCode: string, name: string, postcode: string, extra: object = {}) =>
    makeOrganisation(env, { odsCode, name, kind: 'gp_practice', parentOdsCode: 'Y63', region: 'North East and Yorkshire', postcode, openedOn: '1974-04-01', ...extra });
  await practice('A81001', 'The Densham Surgery', 'TS18 1HU');
  await practice('A81002', 'Queens Park Medical Centre', 'TS18 2AW');
  await practice('A81004', 'Bluebell Medical Centre', 'TS5 8SB');
  await makeOrganisation(env, { odsCode: 'RTR', name: 'South Tees Hospitals NHS Foundation Trust', kind: 'trust', postcode: 'TS4 3BW' });

  const site = (body: object) => created(admin.post('/api/v1/sites', body));
  ids.densham = (await site({ organisationOdsCode: 'A81001', kind: 'main', name: 'The Densham Surgery', address: ['2 Hume Street', 'Stockton-on-Tees'], postcode: 'TS18 1HU', location: { latitude: 54.5641, longitude: -1.3187 } })).id;
  ids.queens = (await site({ organisationOdsCode: 'A81002', kind: 'main', name: 'Queens Park Medical Centre', address: ['Farrer Street', 'Stockton-on-Tees'], location: { latitude: 54.5702, longitude: -1.3141 } })).id;
  await site({ organisationOdsCode: 'A81004', kind: 'main', name: 'Bluebell Medical Centre', location: { latitude: 54.5408, longitude: -1.2546 }, state: 'proposed' });
  await site({ organisationOdsCode: 'A81004', kind: 'branch_surgery', name: 'Acklam Road branch', location: { latitude: 54.5461, longitude: -1.2627 }, state: 'closed', closedOn: '2020-03-31' });
  await site({ organisationOdsCode: 'RTR', kind: 'hospital', name: 'James Cook University Hospital', address: ['Marton Road', 'Middlesbrough'], location: { latitude: 54.5512, longitude: -1.2155 } });

  await created(admin.post('/api/v1/service-classes', { code: 'RESILIENT', name: 'Resilient access', availabilityTarget: 99.5, fixMinutes: [300, 480, 1440] }));
  await created(admin.post('/api/v1/service-classes', { code: 'SINGLE', name: 'Single access', availabilityTarget: 99, fixMinutes: [300, 720, 2880] }));
  await created(admin.post('/api/v1/products', { code: 'ETH-100-R', name: 'Ethernet 100 Mbit/s, resilient', kind: 'connection', accessTechnology: 'ethernet_fibre', bandwidthDownKbps: 100_000, bandwidthUpKbps: 100_000, resilience: 'resilient', serviceClassCode: 'RESILIENT' }));
  await created(admin.post('/api/v1/products', { code: 'FTTC-80', name: 'FTTC 80/20', kind: 'connection', accessTechnology: 'fttc', bandwidthDownKbps: 80_000, bandwidthUpKbps: 20_000, resilience: 'single', serviceClassCode: 'SINGLE' }));

  const supplier = await created(admin.post('/api/v1/suppliers', { code: 'NORTHLINK', name: 'Northlink Access Ltd', kind: 'access', website: 'https://northlink.example', regions: ['Y63'] }));
  ids.supplier = supplier.id;
  await created(admin.post(`/api/v1/suppliers/${supplier.id}/contracts`, { reference: 'UC-2024-017', title: 'Access circuits, North East', startsOn: '2024-04-01', endsOn: '2029-03-31', noticeDays: 180 }));
  await created(admin.post(`/api/v1/suppliers/${supplier.id}/contacts`, { name: 'Dana Hargreaves', role: 'Escalation', email: 'dana.hargreaves@northlink.example', phone: '0191 496 0000' }));
  await created(admin.post(`/api/v1/suppliers/${supplier.id}/prices`, { productCode: 'FTTC-80', regionOdsCode: 'Y63', installCharge: '250.00', annualRental: '420.00', leadTimeDays: 30, validFrom: '2024-04-01' }));

  // core ── pop ─┬─ circuit 1 ── Densham router ── clinical service
  //              └─ circuit 2 ─┐ (with circuit 3 via another PoP: the hospital is resilient)
  const ci = (body: object) => created(admin.post('/api/v1/cis', body));
  const relate = (sourceId: number, targetId: number, extra: object = {}) => created(admin.post('/api/v1/relations', { sourceId, targetId, kind: 'depends_on', ...extra }));
  const core = await ci({ kind: 'core_node', name: 'Core Leeds 1', state: 'live' });
  const pop = await ci({ kind: 'pop', name: 'PoP Teesside', state: 'live' });
  const popB = await ci({ kind: 'pop', name: 'PoP Durham', state: 'live' });
  const c1 = await ci({ kind: 'connection', name: 'Circuit NL-40211', externalRef: 'NL-40211', organisationOdsCode: 'A81001', siteId: ids.densham, supplierId: supplier.id, state: 'live' });
  const c2 = await ci({ kind: 'connection', name: 'Circuit NL-40377', organisationOdsCode: 'RTR', state: 'live' });
  const c3 = await ci({ kind: 'connection', name: 'Circuit NL-51002', organisationOdsCode: 'RTR', state: 'live' });
  const router = await ci({ kind: 'site_router', name: 'Densham router', organisationOdsCode: 'A81001', siteId: ids.densham, attributes: { model: 'C1111-8P' }, state: 'live' });
  const hospital = await ci({ kind: 'site_router', name: 'James Cook router', organisationOdsCode: 'RTR', state: 'live' });
  const service = await ci({ kind: 'service', name: 'Densham clinical system', organisationOdsCode: 'A81001', state: 'live' });
  await relate(pop.id, core.id);
  await relate(popB.id, core.id);
  await relate(c1.id, pop.id);
  await relate(c2.id, pop.id);
  await relate(c3.id, popB.id);
  await relate(router.id, c1.id);
  await relate(hospital.id, c2.id, { redundancyGroup: 'access' });
  await relate(hospital.id, c3.id, { redundancyGroup: 'access' });
  await relate(service.id, router.id);
  ids.pop = pop.id;

  await makeUser(env, { username: 'sam.okafor', roles: ['service_desk_agent'], password: TEST_PASSWORD });
  await makeUser(env, { username: 'priya.shah', roles: ['customer'], organisations: ['A81001'], password: TEST_PASSWORD });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await env?.close();
});

const freshPage = () => openPage(browser, requested, pageErrors);

const signInAs = (page: Page, username: string) => signIn(page, env.url!, username);

const map = (page: Page) => page.getByRole('group', { name: /^Map of \d+ sites/ });

describe('the network inventory and the CMDB', () => {
  test('an agent walks the map, a site, a supplier, the catalogue and a CI graph with its impact', async () => {
    const page = await freshPage();
    await signInAs(page, 'sam.okafor');

    await nav(page).getByRole('link', { name: 'Sites' }).click();
    await h1(page).filter({ hasText: /^Sites$/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Showing 5 sites.' }).waitFor();
    assert.equal(await map(page).getByRole('link').count(), 5);
    const key = page.getByRole('list', { name: 'Key to the map' });
    // Sites are coloured by how far their connection has got; none of these has one yet.
    await key.filter({ hasText: /No connection\s+\(5\)/ }).waitFor();
    assert.match(await key.innerText(), /Live\s+\(0\)[\s\S]*No connection\s+\(5\)/);
    // The list beneath the map is its text alternative: the same five sites.
    assert.equal(await page.getByRole('region', { name: 'List of sites' }).getByRole('row').count(), 6);
    await page.getByRole('main').evaluate(() => new Promise((r) => setTimeout(r, 300))); // the land behind the sites
    await page.screenshot({ path: `${SCREENSHOTS}/map.png`, fullPage: true });
    await assertAccessible(page, 'the map of sites');

    // The whole country, then filtered by state: the server answers, the map follows.
    await page.getByLabel('The whole UK').check();
    await page.waitForURL(/view=uk/);
    await page.getByLabel('State').selectOption('closed');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 1 site.' }).waitFor();
    assert.equal(await map(page).getByRole('link').count(), 1);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 5 sites.' }).waitFor();

    // Keyboard: a site on the map is a link; Enter opens it.
    await map(page).getByRole('link', { name: /^The Densham Surgery/ }).focus();
    await page.keyboard.press('Enter');
    await h1(page).filter({ hasText: 'The Densham Surgery' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/sites/${ids.densham}`);
    const main = page.getByRole('main');
    assert.match(await main.innerText(), /2 Hume Street\s+Stockton-on-Tees\s+TS18 1HU/);
    assert.match(await main.innerText(), /54\.5641° N, 1\.3187° W/);
    const cis = page.getByRole('region', { name: 'Configuration items' });
    await cis.getByRole('link', { name: 'Densham router' }).waitFor();
    await cis.getByRole('link', { name: 'Circuit NL-40211' }).waitFor();
    await assertAccessible(page, 'a site');

    // The organisation lists its sites.
    await main.getByRole('link', { name: 'The Densham Surgery' }).first().click();
    await h1(page).filter({ hasText: 'The Densham Surgery' }).waitFor();
    await page.getByRole('region', { name: 'Sites' }).getByRole('link', { name: 'The Densham Surgery' }).waitFor();

    await nav(page).getByRole('link', { name: 'Suppliers' }).click();
    await h1(page).filter({ hasText: /^Suppliers$/ }).waitFor();
    await page.getByRole('link', { name: 'Northlink Access Ltd' }).click();
    await h1(page).filter({ hasText: 'Northlink Access Ltd' }).waitFor();
    for (const region of ['Contracts', 'Contacts', 'Price book']) await page.getByRole('region', { name: region }).getByRole('row').nth(1).waitFor();
    assert.match(await page.getByRole('region', { name: 'Contracts' }).innerText(), /UC-2024-017\s+Access circuits, North East\s+1 Apr 2024\s+31 Mar 2029\s+180 days/);
    assert.match(await page.getByRole('region', { name: 'Contacts' }).innerText(), /Dana Hargreaves\s+Escalation/);
    assert.match(await page.getByRole('region', { name: 'Price book' }).innerText(), /FTTC 80\/20 FTTC-80\s+North East and Yorkshire\s+£250\.00\s+£420\.00\s+30 days/);
    assert.match(await main.innerText(), /Regions served\s+North East and Yorkshire Y63/);
    await page.screenshot({ path: `${SCREENSHOTS}/supplier.png`, fullPage: true });
    await assertAccessible(page, 'a supplier');

    await nav(page).getByRole('link', { name: 'Service catalogue' }).click();
    await h1(page).filter({ hasText: 'Service catalogue' }).waitFor();
    const products = page.getByRole('region', { name: 'Products' });
    await products.getByRole('row', { name: /Ethernet 100/ }).waitFor();
    assert.match(await products.getByRole('row', { name: /Ethernet 100/ }).innerText(), /Ethernet over fibre\s+100 Mbit\/s\s+100 Mbit\/s\s+Resilient\s+Resilient access\s+99\.5%\s+5 hours/);
    await page.getByRole('region', { name: 'Service classes' }).getByRole('row', { name: /Single access/ }).waitFor();
    assert.match(await page.getByRole('region', { name: 'Service classes' }).innerText(), /Single access SINGLE\s+99% a month\s+P1: 5 hours · P2: 12 hours · P3: 2 days/);
    await assertAccessible(page, 'the catalogue');

    await nav(page).getByRole('link', { name: 'Configuration (CMDB)' }).click();
    await h1(page).filter({ hasText: 'Configuration (CMDB)' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Showing 9 configuration items.' }).waitFor();
    await page.getByLabel('Kind').selectOption('pop');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 2 configuration items.' }).waitFor();
    await assertAccessible(page, 'the CI list');
    await page.getByRole('link', { name: 'PoP Teesside' }).click();
    await h1(page).filter({ hasText: 'PoP Teesside' }).waitFor();
    const graph = page.getByRole('group', { name: /^Graph of/ });
    await graph.getByRole('link', { name: /Densham router/ }).waitFor();
    await page.getByRole('region', { name: 'Root-cause candidates' }).getByRole('row').nth(1).waitFor();
    await page.getByRole('region', { name: 'Relations' }).getByRole('row').nth(1).waitFor();
    assert.match(await page.getByRole('region', { name: 'Root-cause candidates' }).innerText(), /Core Leeds 1\s+Core node\s+Live\s+1/);
    assert.match(await page.getByRole('region', { name: 'Relations' }).innerText(), /Circuit NL-40211\s+depends on\s+PoP Teesside/);

    await page.getByLabel('Show what fails if this fails').check();
    const summary = page.locator('.impact-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /If PoP Teesside fails, 4 other items fail with it \(1 service, 2 connections, 1 site router\), affecting 2 organisations at 1 site\./);
    assert.match(await summary.innerText(), /1 more item loses its resilience but keeps working/);
    assert.match(await summary.innerText(), /Services lost: Densham clinical system/);
    await graph.getByRole('link', { name: /^Densham router.*fails$/ }).waitFor();
    await graph.getByRole('link', { name: /^James Cook router.*degraded$/ }).waitFor();
    assert.equal(await graph.getByRole('link', { name: /^Core Leeds 1/ }).getAttribute('data-impact'), null, 'the core does not fail with a PoP');
    await page.getByRole('region', { name: 'Graph' }).screenshot({ path: `${SCREENSHOTS}/ci-graph.png` });
    await assertAccessible(page, 'a CI graph with its impact');

    await graph.getByRole('link', { name: /^Densham router/ }).click();
    await h1(page).filter({ hasText: 'Densham router' }).waitFor();
    assert.match(await main.innerText(), /model\s+C1111-8P/);
    await page.context().close();
  });

  test("a customer's map holds their own sites and no other", async () => {
    const page = await freshPage();
    await signInAs(page, 'priya.shah');
    await nav(page).getByRole('link', { name: 'Sites' }).click();
    await h1(page).filter({ hasText: /^Sites$/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Showing 1 site.' }).waitFor();
    const links = await map(page).getByRole('link').allInnerTexts();
    assert.equal(await map(page).getByRole('link').count(), 1);
    await map(page).getByRole('link', { name: /^The Densham Surgery/ }).waitFor();
    assert.doesNotMatch(await page.getByRole('main').innerText(), /Queens Park|James Cook|Bluebell/, String(links));
    await assertAccessible(page, "a customer's map");
    await page.goto(`${env.url}/sites/${ids.queens}`);
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    assert.doesNotMatch(await page.getByRole('main').innerText(), /Queens Park/);
    await page.context().close();
  });

  test('no page asked anything of any host but n3sp itself, and no script failed', () => {
    assert.deepEqual(pageErrors, []);
    assert.ok(requested.length > 20);
    const elsewhere = requested.filter((url) => new URL(url).host !== new URL(env.url!).host);
    assert.deepEqual(elsewhere, []);
  });
});
