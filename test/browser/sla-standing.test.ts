// The lists' word on the customer-facing (SLA) targets, in a real Chromium against a real n3sp
// process: the service request list marks a warned and a breached request and says which target
// its due time is (the response while it runs and falls due first, else the fulfilment), as the
// incident queue does; each mark names its target, so a record whose response was answered late
// while its resolution (fulfilment) is only warned reads as such, each due time coloured by its own
// target; the major incident board marks a breached and a warned major incident. The warning and
// breach jobs run by a worker told the time, as the API tests run them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import { makeSite } from '../helpers/network-fixtures.ts';
import { makeTeam } from '../helpers/incident-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';
import { assertAccessible, h1, launchBrowser, nav, signedInPage } from '../helpers/browser.ts';

let env: TestEnv;
let browser: Browser;
let worker: JobWorker;
let desk: ApiClient;
let customer: ApiClient;
let approver: ApiClient;
let odsCode: string;
let siteId: number;
const pageErrors: string[] = [];

interface Clock {
  kind: string;
  metric: string;
  dueAt: string | null;
  warnAt: string | null;
}
interface Raised {
  id: number;
  number: string;
  version: number;
  clocks: Clock[];
}
/** The records in each standing, raised and moved on in `before`; `answeredLate`: the response breached, then answered; the resolution (fulfilment) past its warning point. */
const requests = {} as Record<'breached' | 'warned' | 'answered' | 'answeredLate', Raised>;
const majors = {} as Record<'breached' | 'warned', Raised>;
let answeredLate: Raised;

/** A due time as the lists show it: "Tue 17:45" within the week, "8 Dec, 18:30" further off. */
const AT = String.raw`[\w ,]+ \d\d:\d\d`;

const slaResponse = (r: Raised) => r.clocks.find((c) => c.kind === 'sla' && c.metric === 'response')!;
const slaResolution = (r: Raised) => r.clocks.find((c) => c.kind === 'sla' && c.metric === 'resolution')!;
/** Runs the warning and breach jobs due by `instant` (an ISO string), and a second after it. */
const drainAfter = (instant: string) => worker.drain({ now: new Date(Date.parse(instant) + 1_000) });

async function raiseRequest(name: string): Promise<Raised> {
  const raised = await customer.post('/api/v1/service-requests', { kind: 'access', organisationOdsCode: odsCode, access: { name, to: 'the n3sp portal' } });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  return raised.body;
}

/** A P1 incident, unanswered (no team), made a major incident. */
async function raiseMajor(title: string): Promise<Raised> {
  const logged = await desk.post('/api/v1/incidents', { title, siteId, impact: 'high', urgency: 'high' });
  assert.equal(logged.status, 201, JSON.stringify(logged.body));
  const made = await desk.post(`/api/v1/incidents/${logged.body.id}/major`, undefined, { 'if-match': `"${logged.body.version}"` });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  return logged.body;
}

before(async () => {
  env = await testEnv({ web: true, listen: true });
  // The runtime's own worker runs jobs due by the real clock; these tests give the time themselves.
  await env.rt.jobs?.stop();
  worker = new JobWorker(env.rt, { pollMs: 3_600_000 });
  browser = await launchBrowser();
  const practice = await makeOrganisation(env, { name: 'The Densham Surgery', kind: 'gp_practice' });
  odsCode = practice.ods_code;
  siteId = (await makeSite(env, odsCode, { name: 'The Densham Surgery' })).id;
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  customer = (await clientAs(env, { roles: ['customer'], organisations: [odsCode] })).api;
  approver = (await clientAs(env, { roles: ['change_approver'] })).api;
  await makeUser(env, { username: 'sam.okafor', roles: ['service_desk_agent'], password: TEST_PASSWORD });

  // Each drain runs every job due by its instant, on every record there: the request answered late
  // first, since its fulfilment warns days off; then the breached, whose response falls due hours
  // off; the later drains run at earlier instants, or at instants past these already.
  requests.answeredLate = await raiseRequest('Dr Ola Ade');
  await drainAfter(slaResponse(requests.answeredLate).dueAt!);
  const approvedLate = await approver.post(`/api/v1/service-requests/${requests.answeredLate.id}/approve`, {});
  assert.equal(approvedLate.status, 200, JSON.stringify(approvedLate.body));
  await drainAfter(slaResolution(requests.answeredLate).warnAt!);

  requests.breached = await raiseRequest('Dr Amir Shah');
  majors.breached = await raiseMajor('PoP Teesside power failure');
  await drainAfter(slaResponse(requests.breached).dueAt!);
  await drainAfter(slaResponse(majors.breached).dueAt!);
  // Then the warned, each drained to its response's warning point only.
  requests.warned = await raiseRequest('Dr Nia Evans');
  await drainAfter(slaResponse(requests.warned).warnAt!);
  // A P1 left unanswered past its 15 minutes, then answered, its 5-hour resolution past its warning point.
  const logged = await desk.post('/api/v1/incidents', { title: 'Clinical system slow at reception', siteId, impact: 'high', urgency: 'high' });
  assert.equal(logged.status, 201, JSON.stringify(logged.body));
  answeredLate = logged.body;
  await drainAfter(slaResponse(answeredLate).dueAt!);
  const assigned = await desk.post(`/api/v1/incidents/${answeredLate.id}/assignment`, { teamId: (await makeTeam(env)).id }, { 'if-match': `"${answeredLate.version}"` });
  assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
  await drainAfter(slaResolution(answeredLate).warnAt!);
  majors.warned = await raiseMajor('Core router fault in Leeds');
  await drainAfter(slaResponse(majors.warned).warnAt!);
  // Answered (its approval is the response), so its fulfilment is what falls due.
  requests.answered = await raiseRequest('Locum GP');
  const approved = await approver.post(`/api/v1/service-requests/${requests.answered.id}/approve`, {});
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
});

after(async () => {
  await browser?.close();
  await env?.close();
});

const signedIn = (username: string): Promise<Page> => signedInPage(browser, env.url!, username, { pageErrors });

describe('the SLA standing in the lists', () => {
  test('the service request list marks a warned and a breached request, and says which target falls due', async () => {
    const page = await signedIn('sam.okafor');
    await nav(page).getByRole('link', { name: 'Service requests' }).click();
    await h1(page).filter({ hasText: /^Service requests$/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Showing 4 service requests.' }).waitFor();
    const row = (r: Raised) => page.getByRole('main').getByRole('row', { name: new RegExp(r.number) });

    const breached = await row(requests.breached).innerText();
    assert.match(breached, new RegExp(String.raw`Response SLA breached\s+Response due ${AT}`), 'unanswered and late: the breach, and its response still due');
    assert.doesNotMatch(breached, /SLA warning|Fulfilment due/);
    const warned = await row(requests.warned).innerText();
    assert.match(warned, new RegExp(String.raw`Response SLA warning\s+Response due ${AT}`));
    assert.doesNotMatch(warned, /SLA breached|Fulfilment due/);
    const late = await row(requests.answeredLate).innerText();
    assert.match(late, new RegExp(String.raw`Response SLA breached\s+Fulfilment SLA warning\s+Fulfilment due ${AT}`), 'its late response, and its fulfilment only warned');
    assert.doesNotMatch(late, /Fulfilment SLA breached|Response due/);
    assert.equal(await row(requests.answeredLate).locator('.due--warning').count(), 1, 'its fulfilment due time is coloured by its own warning');
    assert.equal(await row(requests.answeredLate).locator('.due--breached').count(), 0, 'not by the record’s breached response');
    const answered = await row(requests.answered).innerText();
    assert.match(answered, new RegExp(`Fulfilment due ${AT}`), 'answered: its fulfilment is what falls due');
    assert.doesNotMatch(answered, /SLA breached|SLA warning|Response due/);
    assert.equal(await row(requests.breached).locator('.due--breached').count(), 1, 'the breached due time is coloured so');
    await assertAccessible(page, 'the service request list with warned and breached requests');
    assert.deepEqual(pageErrors, []);
    await page.context().close();
  });

  test('the incident queue names each target: a response answered late, and a resolution only warned', async () => {
    const page = await signedIn('sam.okafor');
    await nav(page).getByRole('link', { name: 'Incidents', exact: true }).click();
    await h1(page).filter({ hasText: /^Incidents$/ }).waitFor();
    const row = page.getByRole('main').getByRole('row', { name: new RegExp(answeredLate.number) });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(String.raw`Response SLA breached\s+Resolution SLA warning\s+Resolution: Due ${AT}`), text);
    assert.doesNotMatch(text, /Resolution SLA breached|Response due|Response SLA warning/);
    assert.equal(await row.locator('.due--warning').count(), 1, 'its resolution due time is coloured by its own warning');
    assert.equal(await row.locator('.due--breached').count(), 0, 'not by the record’s breached response');
    await assertAccessible(page, 'the queue with a response answered late and a resolution warned');
    assert.deepEqual(pageErrors, []);
    await page.context().close();
  });

  test('the major incident board marks a breached and a warned major incident', async () => {
    const page = await signedIn('sam.okafor');
    await nav(page).getByRole('link', { name: 'Major incident board' }).click();
    await h1(page).filter({ hasText: 'Major incident board' }).waitFor();
    await page.getByRole('status').filter({ hasText: '2 open major incidents.' }).waitFor();
    const card = (r: Raised) => page.getByRole('article', { name: new RegExp(r.number) });
    // Each mark names its target: the breached major incident's response (and, drained past it, its resolution); the warned one's response.
    await card(majors.breached).getByText('Response SLA breached', { exact: true }).waitFor();
    await card(majors.warned).getByText('Response SLA warning', { exact: true }).waitFor();
    assert.equal(await card(majors.breached).getByText(/SLA warning/).count(), 0);
    assert.equal(await card(majors.warned).getByText(/SLA breached/).count(), 0);
    await assertAccessible(page, 'the major incident board with a breached and a warned major incident');
    assert.deepEqual(pageErrors, []);
    await page.context().close();
  });
});
