// Incidents in a real Chromium against a real n3sp process: a practice manager reports a fault on
// their site in the portal; an agent finds it in the queue, assigns it and hands it to a
// supplier; the supplier's engineer accepts and resolves it; the practice manager confirms; the
// agent sees it closed with its timeline. Then the queue's filters, SLA order and a bulk action
// (one row refused because someone changed it meanwhile), its live updates, and the major
// incident board. Screenshots go to docs/screenshots/ with N3SP_UPDATE_SCREENSHOTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { inTransaction } from '../../src/core/context.ts';
import { SYSTEM_ACTOR } from '../../src/core/access/principal.ts';
import type { Role } from '../../src/core/access/roles.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { createTeam } from '../../src/modules/teams/service.ts';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, SYSTEM, TEST_PASSWORD } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import { requestConnection } from '../../src/modules/connections/service.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { SCREENSHOTS } from '../helpers/screenshots.ts';
import { assertAccessible, h1, launchBrowser, nav, openPage, signIn, until } from '../helpers/browser.ts';

let env: TestEnv;
let browser: Browser;
let desk: ApiClient;
const requested: string[] = [];
const pageErrors: string[] = [];
const people = { agentId: 0 };
let surgery: { id: number; name: string };
let branch: { id: number; name: string };
let queens: { id: number; name: string };
let supplier: { id: number; code: string; name: string };
let networkOps: { id: number; name: string; code: string };
let serviceDesk: { id: number; name: string; code: string };
let incidentId = 0;
let number = '';

async function person(username: string, displayName: string, roles: Role[], extra: { organisations?: string[]; supplierId?: number } = {}) {
  return createUser(env.rt, SYSTEM_ACTOR, { username, displayName, roles, email: `${username}@example.nhs.uk`, organisations: extra.organisations, supplierId: extra.supplierId ?? null, password: TEST_PASSWORD });
}

before(async () => {
  env = await testEnv({ web: true, listen: true });
  browser = await launchBrowser();
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  const densham = await makeOrganisation(env, { odsCode: 'A81001', name: 'The Densham Surgery', kind: 'gp_practice' });
  const queensPark = await makeOrganisation(env, { odsCode: 'A81002', name: 'Queens Park Medical Centre', kind: 'gp_practice' });
  surgery = await makeSite(env, densham.ods_code, { name: 'The Densham Surgery', kind: 'main', postcode: 'TS18 1HU' });
  branch = await makeSite(env, densham.ods_code, { name: 'Densham branch surgery', kind: 'branch_surgery', postcode: 'TS18 3RB' });
  queens = await makeSite(env, queensPark.ods_code, { name: 'Queens Park Medical Centre', kind: 'main', postcode: 'TS18 2AW' });
  supplier = await makeSupplier(env, { name: 'Northlink Access Ltd', regions: [] });
  await makeSupplier(env, { name: 'Fibrecore Networks', regions: [] });

  const agent = await person('sam.okafor', 'Sam Okafor', ['service_desk_agent']);
  people.agentId = agent.id;
  await person('priya.shah', 'Priya Shah', ['customer'], { organisations: ['A81001'] });
  await person('chris.engineer', 'Chris Engineer', ['supplier'], { supplierId: supplier.id });
  await inTransaction(env.rt, async (tx) => {
    networkOps = await createTeam(tx, env.rt, SYSTEM, { code: 'network-operations', name: 'Network operations', memberIds: [agent.id] });
    serviceDesk = await createTeam(tx, env.rt, SYSTEM, { code: 'service-desk', name: 'Service desk', memberIds: [agent.id] });
  });
  // Something already in the queue that the practice must never see.
  const other = await desk.post('/api/v1/incidents', { title: 'Slow connection in the afternoons', siteId: queens.id, impact: 'low', urgency: 'low' });
  assert.equal(other.status, 201, JSON.stringify(other.body));
});

after(async () => {
  await browser?.close();
  await env?.close();
});

const freshPage = () => openPage(browser, requested, pageErrors);

const signInAs = (page: Page, username: string) => signIn(page, env.url!, username);

const main = (page: Page) => page.getByRole('main');
const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text });

describe('incidents in the web application', () => {
  test('a practice reports a fault; the desk hands it to a supplier, who resolves it; the practice confirms; the desk sees it closed', async () => {
    // The practice manager reports the fault on their branch surgery in the portal.
    const customer = await freshPage();
    await signInAs(customer, 'priya.shah');
    assert.equal(await nav(customer).getByRole('link', { name: 'Major incident board' }).count(), 0, 'the board is for staff');
    // The desk's form for logging an incident is not theirs: its address is the portal.
    await customer.goto(`${env.url}/incidents/new`);
    await h1(customer).filter({ hasText: 'Your incidents' }).waitFor();
    assert.equal(new URL(customer.url()).pathname, '/incidents');
    assert.equal(await customer.getByRole('button', { name: 'Log the incident' }).count(), 0);
    await nav(customer).getByRole('link', { name: 'Incidents' }).click();
    await h1(customer).filter({ hasText: 'Your incidents' }).waitFor();
    await status(customer, 'You have no open incidents.').waitFor();
    const report = customer.getByRole('region', { name: 'Report a fault' });
    const sites = await report.getByLabel('Where is the fault?').locator('option').allInnerTexts();
    assert.deepEqual(sites, ['Choose one of your sites', 'Densham branch surgery, TS18 3RB', 'The Densham Surgery, TS18 1HU'], 'only their own sites');
    await report.getByLabel('Where is the fault?').selectOption(String(branch.id));
    await report.getByLabel('Tell us more (optional)').fill('Since 8am the router lights are red. Ask for Dana on reception.');
    await report.getByLabel('How urgent is it?').selectOption('high');
    await report.getByLabel('What is wrong?').fill('No internet at reception');
    await customer.screenshot({ path: `${SCREENSHOTS}/report-a-fault.png`, fullPage: true });
    // Sent without saying what is wrong, it is refused, and the reason sits by the field.
    await report.getByLabel('What is wrong?').fill('');
    await report.getByRole('button', { name: 'Report the fault' }).click();
    const refused = report.locator('.field--error').filter({ hasText: 'What is wrong?' });
    await refused.getByText('cannot be empty').waitFor();
    await assertAccessible(customer, 'the portal with a refused report');
    await report.getByLabel('What is wrong?').fill('No internet at reception');
    await report.getByRole('button', { name: 'Report the fault' }).click();
    await status(customer, /your fault is logged as INC\d{7}/).waitFor();
    number = /INC\d{7}/.exec(await h1(customer).innerText())![0];
    incidentId = Number(new URL(customer.url()).pathname.split('/').pop());
    assert.match(await main(customer).innerText(), /Where it stands\s+Received[\s\S]*Site\s+Densham branch surgery[\s\S]*Reported\s+.*by Priya Shah[\s\S]*What you told us\s+Since 8am/);
    await assertAccessible(customer, "a practice's new incident");

    // An agent finds it in the queue and opens it.
    const agent = await freshPage();
    await signInAs(agent, 'sam.okafor');
    await nav(agent).getByRole('link', { name: 'Incidents', exact: true }).click();
    await h1(agent).filter({ hasText: /^Incidents$/ }).waitFor();
    const row = main(agent).getByRole('row', { name: new RegExp(number) });
    await row.waitFor();
    // The title, where it is beneath it, then its priority and state, and who has it.
    assert.match(await row.innerText(), /No internet at reception[\s\S]*Densham branch surgery[\s\S]*P\d[\s\S]*New[\s\S]*No team/);
    await agent.getByLabel('Number or words').fill(number);
    await agent.getByRole('button', { name: 'Search' }).click();
    await status(agent, 'Showing 1 incident.').waitFor();
    await assertAccessible(agent, 'the queue');
    await row.getByRole('link', { name: number }).click();
    await h1(agent).filter({ hasText: number }).waitFor();
    await agent.getByRole('region', { name: 'Service level clocks' }).waitFor();
    assert.match(await main(agent).innerText(), /Caller\s+Priya Shah priya\.shah@example\.nhs\.uk\s+Reported in the portal/);
    await main(agent).getByRole('link', { name: 'Densham branch surgery' }).waitFor();

    // Assigns it to network operations, to themself.
    const assign = agent.getByRole('region', { name: 'Assign' });
    await assign.getByLabel('Team').selectOption(String(networkOps.id));
    await assign.getByRole('button', { name: 'Choose me' }).click();
    await assign.getByRole('button', { name: 'Assign' }).click();
    await status(agent, `${number} is assigned to Network operations, Sam Okafor.`).waitFor();
    await until(main(agent), /Team\s+Network operations, Sam Okafor/);
    await agent.getByRole('region', { name: 'Timeline' }).getByText('Assigned to Network operations').first().waitFor();

    // Judges the impact: the caller said urgent, and the whole surgery is affected.
    const details = agent.getByRole('region', { name: 'Priority and details' });
    await details.getByLabel('Impact').selectOption('high');
    await details.getByText('Priority from the matrix: P1').waitFor();
    await details.getByRole('button', { name: 'Save' }).click();
    await status(agent, `${number} is now P1.`).waitFor();
    await until(main(agent), /Priority\s+P1 \(impact high, urgency high\)/);

    // Asks the caller a question: the incident waits on them until they answer in the portal.
    const noteForm = agent.getByRole('region', { name: 'Add a note' });
    await noteForm.getByLabel('Question to the caller').check();
    await noteForm.getByLabel('Note', { exact: true }).fill('Is the router in the comms cupboard showing any lights?');
    await noteForm.getByRole('button', { name: 'Add the note' }).click();
    await status(agent, `Question to the caller added to ${number}.`).waitFor();
    await until(main(agent), /State\s+Waiting on the customer/);
    // A refused write does not leave the last one's "done" standing beside its error.
    await noteForm.getByRole('button', { name: 'Add the note' }).click();
    await noteForm.getByRole('alert').first().waitFor();
    assert.equal(await status(agent, `Question to the caller added to ${number}.`).count(), 0);
    await customer.reload();
    const question = customer.getByRole('region', { name: 'We have a question for you' });
    await question.getByText('Is the router in the comms cupboard showing any lights?').waitFor();
    await assertAccessible(customer, 'a question from the desk in the portal');
    await question.getByLabel('Your answer').fill('Two red lights; the power light is green.');
    await question.getByRole('button', { name: 'Send the answer' }).click();
    await status(customer, 'Thank you: your answer is sent.').waitFor();
    await until(main(customer), /Where it stands\s+Being worked on/);

    // Hands it to the supplier: refused first without saying what to do, the reason by the field;
    // then refused because the caller's answer changed the incident since the agent read it.
    const handOff = agent.getByRole('region', { name: 'Hand off to a supplier' });
    await handOff.getByLabel('Supplier', { exact: true }).selectOption(String(supplier.id));
    await handOff.getByRole('button', { name: 'Hand off' }).click();
    await handOff.locator('.field--error').filter({ hasText: 'What the supplier is asked to do' }).waitFor();
    await assertAccessible(agent, 'a refused hand-off');
    await handOff.getByLabel('What the supplier is asked to do').fill('Line fault suspected on the tail circuit: please test and repair.');
    await handOff.getByRole('button', { name: 'Hand off' }).click();
    const stale = handOff.getByRole('alert').filter({ hasText: 'Someone else changed this incident' });
    await stale.waitFor();
    await stale.getByRole('button', { name: 'Reload the incident' }).click();
    // The answer as a note, not the e-mail quoting it (hidden until opened, and newer than the note).
    await agent.getByRole('region', { name: 'Timeline' }).getByText('Two red lights; the power light is green.', { exact: true }).first().waitFor();
    await handOff.getByRole('button', { name: 'Hand off' }).click();
    await status(agent, `${number} is handed to Northlink Access Ltd.`).waitFor();
    await until(main(agent), /Supplier\s+Northlink Access Ltd\s+Handed off .*; not accepted yet/);
    await until(agent.getByRole('region', { name: 'Timeline' }), /Work note \(internal\) by (sam\.okafor|Sam Okafor)[\s\S]*tail circuit/);

    // The supplier's engineer sees it (and nothing else), accepts it and resolves it.
    const engineer = await freshPage();
    await signInAs(engineer, 'chris.engineer');
    await nav(engineer).getByRole('link', { name: 'Incidents', exact: true }).click();
    await status(engineer, 'Showing 1 incident.').waitFor();
    await main(engineer).getByRole('link', { name: number }).click();
    await h1(engineer).filter({ hasText: number }).waitFor();
    const accept = engineer.getByRole('region', { name: 'Accept this incident' });
    await accept.getByLabel('Your reference (optional)').fill('NL-778812');
    await accept.getByRole('button', { name: 'Accept' }).click();
    await status(engineer, `You have accepted ${number}.`).waitFor();
    await until(main(engineer), /their reference NL-778812/);
    const note = engineer.getByRole('region', { name: 'Add a note' });
    await note.getByLabel('Note', { exact: true }).fill('Engineer on site at 14:00; joint in the footway box is water-damaged.');
    await note.getByRole('button', { name: 'Add the note' }).click();
    await status(engineer, `Work note added to ${number}.`).waitFor();
    const move = engineer.getByRole('region', { name: 'Move the incident' });
    assert.deepEqual(await move.getByRole('button').allInnerTexts(), ['Hand back to the service desk', 'Resolve']);
    await move.getByRole('button', { name: 'Resolve' }).click();
    // Resolving with neither, both are asked for at once, each beside its field.
    await move.locator('.field--error').filter({ hasText: 'say how the incident was resolved' }).waitFor();
    await move.locator('.field--error').filter({ hasText: 'say what was done to resolve it' }).waitFor();
    await move.getByLabel('Resolution', { exact: true }).selectOption('fixed_by_supplier');
    await move.getByLabel('What was done').fill('Joint replaced in the footway box; line tested clean.');
    await move.getByRole('button', { name: 'Resolve' }).click();
    await status(engineer, `${number} is now resolved.`).waitFor();
    await assertAccessible(engineer, "the supplier's engineer's view of a resolved incident");

    // The practice's default list keeps the resolved incident, marked as waiting for them.
    await customer.goto(`${env.url}/incidents`);
    const waiting = main(customer).getByRole('row', { name: new RegExp(number) });
    await waiting.getByText('Waiting for you to confirm').waitFor();
    assert.match(await waiting.innerText(), /Resolved: please confirm/);
    await status(customer, 'Showing 1 incident. One is resolved and waiting for you to confirm the fix.').waitFor();
    await assertAccessible(customer, 'the portal list with an incident waiting for confirmation');

    // The practice manager confirms it is fixed; they never read the internal notes.
    await waiting.getByRole('link', { name: number }).click();
    const fixed = customer.getByRole('region', { name: 'Is it fixed?' });
    await fixed.waitFor();
    assert.match(await main(customer).innerText(), /What we did\s+Joint replaced in the footway box/);
    assert.doesNotMatch(await main(customer).innerText(), /tail circuit|water-damaged/);
    await assertAccessible(customer, 'a resolved incident in the portal');
    await fixed.getByRole('button', { name: 'Confirm resolved' }).click();
    await status(customer, 'Thank you for confirming: the incident is closed.').waitFor();
    await until(main(customer), /Where it stands\s+Closed/);
    await customer.screenshot({ path: `${SCREENSHOTS}/portal-incident.png`, fullPage: true });

    // The agent sees it closed, with its whole timeline.
    await agent.reload();
    await h1(agent).filter({ hasText: number }).waitFor();
    assert.match(await main(agent).innerText(), /State\s+Closed/);
    const timeline = agent.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Confirmed resolved').first().waitFor();
    const text = await timeline.innerText();
    // People are named as they are known, not by their sign-in names.
    const order = ['Confirmed resolved by Priya Shah', 'Resolved by Chris Engineer', 'Accepted by Chris Engineer', 'Handed to a supplier by Sam Okafor', 'Answered by Priya Shah', 'Assigned by Sam Okafor', 'Logged by Priya Shah'];
    const at = order.map((t) => text.indexOf(t));
    assert.ok(at.every((i) => i >= 0), `every step is on the timeline:\n${text}`);
    assert.deepEqual([...at].sort((a, b) => a - b), at, 'newest first');
    assert.match(text, /Work note \(internal\) by Chris Engineer[\s\S]*water-damaged/);
    assert.equal(await agent.getByRole('region', { name: 'Move the incident' }).count(), 0, 'a closed incident moves no more');
    await agent.screenshot({ path: `${SCREENSHOTS}/incident.png`, fullPage: true });
    await assertAccessible(agent, 'a closed incident with its timeline');
    for (const page of [customer, agent, engineer]) await page.context().close();
  });

  test('an agent logs an incident for a caller on the phone, choosing the site, a team and a CI, and lands on its record', async () => {
    const manager = (await clientAs(env, { roles: ['service_manager'] })).api;
    for (const [kind, name] of [['site_router', 'Densham surgery router'], ['other', 'Densham surgery switch']]) {
      const ci = await manager.post('/api/v1/cis', { kind, name, organisationOdsCode: 'A81001', siteId: surgery.id });
      assert.equal(ci.status, 201, JSON.stringify(ci.body));
    }
    const page = await freshPage();
    await signIn(page, `${env.url}/incidents/new`, 'sam.okafor');
    await h1(page).filter({ hasText: 'Log an incident' }).waitFor();
    const form = page.getByRole('form', { name: 'The incident' });
    await assertAccessible(page, 'the form to log an incident');

    // Sent empty, then without saying where: each refusal sits beside the field it names.
    await form.getByRole('button', { name: 'Log the incident' }).click();
    await form.locator('.field--error').filter({ hasText: 'Title' }).getByText('cannot be empty').waitFor();
    await form.getByLabel('Title', { exact: true }).fill('Phones and internet down at the surgery');
    await form.getByRole('button', { name: 'Log the incident' }).click();
    await form.locator('.field--error').filter({ hasText: 'Site' }).getByText(/choose the site with the fault/).waitFor();
    assert.equal(await form.locator('.field--error').filter({ hasText: 'Title' }).count(), 0);
    await assertAccessible(page, 'a refused incident');

    await form.getByLabel('Description (optional)').fill('Everything went off at 9:10. Dana on reception is the contact.');
    await form.getByLabel('Find the site').fill('densham');
    await status(page, '2 sites found.').waitFor();
    await form.getByLabel('Site', { exact: true }).selectOption(String(surgery.id));
    await form.getByLabel('Connection (optional)').waitFor();
    await form.getByLabel("Caller's name").fill('Dana Reception');
    await form.getByLabel("Caller's e-mail").fill('dana@densham.example.nhs.uk');
    await form.getByLabel('Category').selectOption('telephony');
    await form.getByLabel('Impact').selectOption('high');
    await form.getByLabel('Urgency').selectOption('medium');
    await form.getByText(/Priority from the matrix: P\d/).waitFor();
    await form.getByLabel('Team').selectOption(String(networkOps.id));
    await form.getByLabel('Member').selectOption(String(people.agentId));
    await form.getByLabel('Add one: find it in the CMDB').fill('router');
    await form.getByRole('button', { name: 'Add Densham surgery router' }).click();
    await form.getByRole('list', { name: 'Linked configuration items' }).getByText('Densham surgery router').waitFor();
    await assertAccessible(page, 'a filled-in incident');
    await page.screenshot({ path: `${SCREENSHOTS}/log-an-incident.png`, fullPage: true });
    await form.getByRole('button', { name: 'Log the incident' }).click();

    await page.waitForURL(/\/incidents\/\d+$/);
    await h1(page).filter({ hasText: /INC\d{7}/ }).waitFor();
    const logged = /INC\d{7}/.exec(await h1(page).innerText())![0];
    await page.getByRole('region', { name: 'Service level clocks' }).waitFor();
    const text = await main(page).innerText();
    assert.match(text, /Priority\s+P\d \(impact high, urgency medium\)/);
    assert.match(text, /Category\s+Telephony/);
    assert.match(text, /Caller\s+Dana Reception dana@densham\.example\.nhs\.uk\s+Logged by the service desk/);
    assert.match(text, /Site\s+The Densham Surgery/);
    assert.match(text, /Configuration items\s+Densham surgery router/);
    assert.match(text, /Team\s+Network operations, Sam Okafor/);
    await page.getByRole('region', { name: 'Details', exact: true }).locator(`a[href="/sites/${surgery.id}"]`).waitFor();
    await assertAccessible(page, 'a newly logged incident');

    // The description and the affected CIs are corrected on the record.
    const details = page.getByRole('region', { name: 'Priority and details' });
    await details.getByLabel('Description', { exact: true }).fill('Everything went off at 9:10; the router shows no lights.');
    await details.getByRole('button', { name: 'Remove Densham surgery router' }).click();
    await details.getByLabel('Add one: find it in the CMDB').fill('switch');
    await details.getByRole('button', { name: 'Add Densham surgery switch' }).click();
    await details.getByRole('button', { name: 'Save' }).click();
    await status(page, `${logged} is changed.`).waitFor();
    await until(main(page), /the router shows no lights[\s\S]*Configuration items\s+Densham surgery switch/);
    assert.doesNotMatch(await page.getByRole('region', { name: 'Details', exact: true }).innerText(), /Densham surgery router/);
    await page.context().close();
  });

  test('the queue: filters, SLA order, a bulk action with a row someone else changed, and live updates', async () => {
    const log = async (title: string, siteId: number, impact: string, urgency: string) => {
      const created = await desk.post('/api/v1/incidents', { title, siteId, impact, urgency });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body as { id: number; number: string; version: number };
    };
    const late = await log('Printer VLAN unreachable', queens.id, 'high', 'high');
    const soon = await log('Wi-Fi drops in the waiting room', surgery.id, 'medium', 'medium');
    const later = await log('DNS lookups slow', branch.id, 'low', 'medium');
    // Pretend one target passed an hour ago and another falls due within the hour.
    // The late one's resolution target passed an hour ago: its due time, and the clock that counts it.
    await env.rt.db.updateTable('incident').set({ sla_due_at: new Date(Date.now() - 3_600_000) }).where('id', '=', late.id).execute();
    await env.rt.db.updateTable('sla_clock').set({ due_at: new Date(Date.now() - 3_600_000) }).where('record_type', '=', 'incident').where('record_id', '=', late.id).where('kind', '=', 'sla').where('metric', '=', 'resolution').execute();
    await env.rt.db.updateTable('incident').set({ sla_due_at: new Date(Date.now() + 40 * 60_000) }).where('id', '=', soon.id).execute();
    // The soon one's resolution clock has passed its warning point.
    await env.rt.db.updateTable('sla_clock').set({ warned_at: new Date() }).where('record_type', '=', 'incident').where('record_id', '=', soon.id).where('kind', '=', 'sla').where('metric', '=', 'resolution').execute();
    await env.rt.db.updateTable('incident').set({ sla_due_at: new Date(Date.now() + 30 * 3_600_000) }).where('id', '=', later.id).execute();

    const page = await freshPage();
    await signInAs(page, 'sam.okafor');
    await page.goto(`${env.url}/incidents`);
    await status(page, /Showing \d+ incidents?\./).waitFor();
    const rows = main(page).getByRole('table').getByRole('row');
    // Open work, soonest due first: the breached one leads.
    assert.match(await rows.nth(1).innerText(), new RegExp(`${late.number}[\\s\\S]*Breached: 1 h`));
    // Both of its targets as due times (the response, and the resolution falling due sooner), its resolution's warning beside its own.
    assert.match(await main(page).getByRole('row', { name: new RegExp(soon.number) }).innerText(), /Response due \w{3} \d\d:\d\d[\s\S]*Resolution SLA warning[\s\S]*Resolution: Due \w{3} \d\d:\d\d/);
    assert.doesNotMatch(await main(page).getByRole('row', { name: new RegExp(later.number) }).innerText(), /SLA (warning|breached)/);
    await page.screenshot({ path: `${SCREENSHOTS}/incidents.png`, fullPage: true });
    await assertAccessible(page, 'the queue with breached and due-soon rows');

    await page.getByLabel('Breached only').check();
    await page.getByRole('button', { name: 'Search' }).click();
    await status(page, 'Showing 1 incident.').waitFor();
    assert.match(page.url(), /breached=true/);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Priority').selectOption('P1');
    await page.getByLabel('Organisation ODS code').fill('a81002');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/organisation=A81002/);
    await status(page, 'Showing 1 incident.').waitFor();
    assert.match(await rows.nth(1).innerText(), new RegExp(late.number));
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('State', { exact: true }).selectOption('all');
    await page.getByLabel('Sort by').selectOption('-number');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/sort=-number/);
    await rows.nth(1).filter({ hasText: later.number }).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await status(page, /Showing \d+ incidents\./).waitFor();

    // Select three rows; someone changes one of them (the queue shows it, marked), then another
    // changes just before the bulk assignment, which refuses that row alone.
    for (const i of [late, soon, later]) await page.getByRole('checkbox', { name: `Select ${i.number}` }).check();
    const bulk = page.getByRole('region', { name: /Act on the selected incidents/ });
    await bulk.getByText('(3 selected)').waitFor();
    await bulk.getByLabel('Assign to team').selectOption(String(serviceDesk.id));
    assert.equal((await desk.post(`/api/v1/incidents/${late.id}/notes`, { kind: 'work_note', body: 'Checking the VLAN trunk.' })).status, 201);
    const marked = page.getByRole('row', { name: new RegExp(late.number) }).getByText('Updated', { exact: true });
    await marked.waitFor({ timeout: 15_000 });
    await status(page, /One incident has changed since you opened the queue\./).waitFor();
    const current = await desk.get(`/api/v1/incidents/${soon.id}`);
    assert.equal((await desk.patch(`/api/v1/incidents/${soon.id}`, { urgency: 'high' }, { 'if-match': String(current.headers.etag) })).status, 200);
    await bulk.getByRole('button', { name: 'Assign 3' }).click();
    const refused = bulk.getByRole('alert');
    await refused.waitFor();
    assert.match(await refused.innerText(), new RegExp(`Assign to Service desk: 2 of 3 done[\\s\\S]*${soon.number}: Someone changed this record since you read it`));
    assert.equal(await page.getByRole('checkbox', { name: `Select ${soon.number}` }).isChecked(), true, 'the refused row stays selected');
    await assertAccessible(page, 'a bulk action with a refused row');
    await bulk.getByText('(1 selected)').waitFor();
    await page.getByRole('row', { name: new RegExp(soon.number) }).getByText('Updated', { exact: true }).waitFor();
    assert.equal(await page.getByRole('row', { name: new RegExp(later.number) }).getByText('Updated', { exact: true }).count(), 0, 'a change made on this page is not marked as someone else’s');
    await bulk.getByRole('button', { name: 'Assign 1' }).click();
    await bulk.getByRole('status').filter({ hasText: 'Assign to Service desk: 1 of 1 done' }).waitFor();
    for (const i of [late, soon, later]) assert.equal((await desk.get(`/api/v1/incidents/${i.id}`)).body.team?.code, 'service-desk');

    // Resolving together needs the code and what was done, the same for each.
    await page.getByRole('checkbox', { name: `Select ${later.number}` }).check();
    await bulk.getByLabel('Move to state').selectOption('resolved');
    await bulk.getByLabel('Resolution').selectOption('fixed_by_desk');
    const moveOne = bulk.getByRole('button', { name: 'Move 1' });
    assert.equal(await moveOne.isDisabled(), true, 'not without what was done');
    await bulk.getByLabel('What was done').fill('Cleared the VLAN trunk and tested from the practice.');
    await moveOne.click();
    await bulk.getByRole('status').filter({ hasText: 'Move to Resolved: 1 of 1 done' }).waitFor();
    const resolved = (await desk.get(`/api/v1/incidents/${later.id}`)).body;
    assert.deepEqual([resolved.state, resolved.resolutionNotes], ['resolved', 'Cleared the VLAN trunk and tested from the practice.']);
    await page.context().close();
  });

  test('the major incident board: linked incidents, who is affected, the latest update, and a new one', async () => {
    const major = (await desk.post('/api/v1/incidents', { title: 'PoP Teesside power failure', organisationOdsCode: 'A81002', impact: 'high', urgency: 'high', teamId: networkOps.id })).body;
    const children = [];
    for (const siteId of [surgery.id, branch.id, queens.id]) children.push((await desk.post('/api/v1/incidents', { title: 'Site offline', siteId, impact: 'medium', urgency: 'high' })).body);
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/major`, undefined, { 'if-match': `"${major.version}"` })).status, 200);
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/children`, { incidentIds: children.map((c) => c.id) })).status, 200);
    assert.equal((await desk.post(`/api/v1/incidents/${major.id}/major-updates`, { body: 'Engineers are on their way to the PoP.' })).status, 201);

    const page = await freshPage();
    await signInAs(page, 'sam.okafor');
    await nav(page).getByRole('link', { name: 'Major incident board' }).click();
    await h1(page).filter({ hasText: 'Major incident board' }).waitFor();
    const card = page.getByRole('article', { name: new RegExp(major.number) });
    await card.getByText('Engineers are on their way to the PoP.').waitFor();
    const text = await card.innerText();
    assert.match(text, /Linked incidents\s+3 linked, 3 open/);
    assert.match(text, /Affected\s+2 organisations, 3 sites/);
    assert.match(text, /With\s+Network operations/);
    await assertAccessible(page, 'the major incident board');
    await card.getByRole('textbox', { name: 'Post an update' }).fill('Power restored; routers are coming back.');
    await card.getByRole('button', { name: 'Post the update' }).click();
    await card.getByRole('status').filter({ hasText: 'Posted, and told to 3 linked incidents.' }).waitFor();
    await card.getByText('Power restored; routers are coming back.').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/major-incidents.png`, fullPage: true });

    // The practice reads the update on their own linked incident.
    const customer = await freshPage();
    await signInAs(customer, 'priya.shah');
    await customer.goto(`${env.url}/incidents/${children[0].id}`);
    await customer.getByRole('region', { name: 'Messages' }).getByText(/Power restored; routers are coming back/).first().waitFor();
    // The board spans the network, so the practice is sent to their own incidents, not told there is none.
    await customer.goto(`${env.url}/incidents/major`);
    await customer.getByText('The major incident board is kept by the service desk.', { exact: false }).waitFor();
    assert.equal(await customer.getByText('There is no open major incident.').count(), 0);
    for (const p of [page, customer]) await p.context().close();
  });

  test("handing off an incident on a connection, the desk starts from the connection's supplier", async () => {
    const product = await makeProduct(env, (await makeServiceClass(env)).code, { name: 'FTTC 80/20' });
    const connection = await inTransaction(env.rt, (tx) => requestConnection(tx, env.rt, SYSTEM, { siteId: surgery.id, productCode: product.code }));
    await env.rt.db.updateTable('connection').set({ supplier_id: supplier.id }).where('id', '=', connection.id).execute();
    const logged = await desk.post('/api/v1/incidents', { title: 'Circuit down at the surgery', siteId: surgery.id, connectionId: connection.id, impact: 'high', urgency: 'high' });
    assert.equal(logged.status, 201, JSON.stringify(logged.body));
    const noConnection = await desk.post('/api/v1/incidents', { title: 'Phones crackling at the surgery', siteId: surgery.id, impact: 'low', urgency: 'low' });

    const page = await freshPage();
    await signIn(page, `${env.url}/incidents/${logged.body.id}`, 'sam.okafor');
    await h1(page).filter({ hasText: logged.body.number }).waitFor();
    const handOff = page.getByRole('region', { name: 'Hand off to a supplier' });
    await handOff.getByText('Northlink Access Ltd supplies the connection this fault is on.').waitFor();
    assert.equal(await handOff.getByLabel('Supplier', { exact: true }).inputValue(), String(supplier.id), "the connection's supplier is chosen");
    await handOff.getByLabel('What the supplier is asked to do').fill('Line test the circuit, please.');
    await handOff.getByRole('button', { name: 'Hand off' }).click();
    await status(page, `${logged.body.number} is handed to Northlink Access Ltd.`).waitFor();
    await until(main(page), /Supplier\s+Northlink Access Ltd/);

    // Without a connection, nobody is chosen for the agent.
    await page.goto(`${env.url}/incidents/${noConnection.body.id}`);
    await h1(page).filter({ hasText: noConnection.body.number }).waitFor();
    const plain = page.getByRole('region', { name: 'Hand off to a supplier' });
    await plain.getByRole('option', { name: 'Northlink Access Ltd' }).waitFor({ state: 'attached' });
    assert.equal(await plain.getByLabel('Supplier', { exact: true }).inputValue(), '');
    await page.context().close();
  });

  test('no page asked anything of any host but n3sp itself, and no script failed', () => {
    assert.deepEqual(pageErrors, []);
    assert.ok(requested.length > 20);
    assert.deepEqual(requested.filter((url) => new URL(url).hostname !== '127.0.0.1'), []);
  });
});
