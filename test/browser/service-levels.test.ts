// Service levels in a real Chromium against a real n3sp process: a service manager reads October's
// compliance (one incident's targets met, another's breached, decided at fixed instants by the
// clocks and the breach jobs run with the time given), sees the definitions and calendars, is
// refused a warning fraction above 1 beside the field and then shortens the P1 resolution target;
// a customer is not offered the area, and reached by its address sees none of the desk's clocks and
// no calendars. Every state is checked with axe; no request leaves 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import { SCREENSHOTS } from '../helpers/screenshots.ts';
import { inTransaction } from '../../src/core/context.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';
import { recordClockEvent, startClocks, type ClockSubject, type RecordEvent } from '../../src/modules/service-levels/clocks.ts';
import { assertAccessible, h1, launchBrowser, nav, signedInPage } from '../helpers/browser.ts';


let env: TestEnv;
let browser: Browser;
const requested: string[] = [];
const pageErrors: string[] = [];

before(async () => {
  env = await testEnv({ web: true, listen: true });
  // The breach jobs are run below with the time given, not by the runtime's own worker.
  await env.rt.jobs?.stop();
  browser = await launchBrowser();
  const densham = await makeOrganisation(env, { odsCode: 'A81001', name: 'The Densham Surgery', kind: 'gp_practice' });
  const queens = await makeOrganisation(env, { odsCode: 'A81002', name: 'Queens Park Medical Centre', kind: 'gp_practice' });

  // Two P1 incidents at Densham under INCIDENT-STANDARD (P1: respond in 15 minutes, resolve in 5 hours, round the clock).
  const subject = (recordId: number): ClockSubject => ({ recordType: 'incident', recordId, recordNumber: `INC${recordId}`, priority: 'P1', organisationId: densham.id, teamId: null, supplierId: null });
  const kept = subject(70_000_001);
  const late = subject(70_000_002);
  const step = (s: ClockSubject, what: 'start' | RecordEvent, when: string) =>
    inTransaction(env.rt, (tx) => (what === 'start' ? startClocks(tx, env.rt, s, new Date(when)) : recordClockEvent(tx, env.rt, s, what, new Date(when))));
  await step(kept, 'start', '2026-10-05T09:00:00Z');
  await step(kept, 'responded', '2026-10-05T09:10:00Z');
  await step(kept, 'resolved', '2026-10-05T11:00:00Z');
  await step(late, 'start', '2026-10-06T09:00:00Z');
  await step(late, 'responded', '2026-10-06T09:40:00Z');
  await step(late, 'resolved', '2026-10-06T16:00:00Z');
  await new JobWorker(env.rt, { pollMs: 3_600_000 }).drain({ now: new Date('2026-10-07T00:00:00Z') });

  await makeUser(env, { username: 'maya.patel', roles: ['service_manager'], password: TEST_PASSWORD });
  await makeUser(env, { username: 'priya.shah', roles: ['customer'], organisations: [queens.ods_code], password: TEST_PASSWORD });
});

after(async () => {
  await browser?.close();
  await env?.close();
});

const signedIn = (username: string): Promise<Page> => signedInPage(browser, env.url!, username, { requested, pageErrors });

const cells = async (page: Page, table: RegExp, row: string) =>
  (await page.getByRole('table', { name: table }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: row, exact: true }) }).getByRole('cell').allInnerTexts()).map((t) => t.trim());

describe('service levels', () => {
  test('a service manager reads compliance, the definitions and calendars, and changes a target', async () => {
    const manager = await clientAs(env, { roles: ['service_manager'] });
    const october = await manager.api.get('/api/v1/sla-compliance?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z');
    assert.deepEqual(october.body.totals, { met: 2, breached: 2, total: 4, compliancePercent: 50 }, 'both clocks of the first incident met, both of the second breached');

    const page = await signedIn('maya.patel');
    await nav(page).getByRole('link', { name: 'Service levels' }).click();
    await h1(page).filter({ hasText: /^Service levels$/ }).waitFor();
    const period = page.getByRole('form', { name: 'Compliance period and grouping' });
    await period.getByLabel('From').fill('2026-10-01');
    await period.getByLabel('To (inclusive)').fill('2026-10-31');
    await period.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('status').filter({ hasText: '50% of SLA targets on incidents and service requests met from 1 Oct 2026 to 31 Oct 2026: 2 met, 2 breached' }).waitFor();
    assert.deepEqual(await cells(page, /^Targets met and breached by priority/, 'P1'), ['2', '2', '4', '50%']);
    const chart = page.getByRole('img', { name: /^Targets met and breached by priority/ });
    assert.match((await chart.getAttribute('aria-label'))!, /P1 2 met, 2 breached/);
    assert.ok(new URL(page.url()).search.includes('from=2026-10-01'), 'the period is in the address');
    await page.screenshot({ path: `${SCREENSHOTS}/service-levels.png`, fullPage: true });

    await period.getByLabel('Group by').selectOption('definition');
    await period.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('table', { name: /^Targets met and breached by definition/ }).getByRole('rowheader', { name: /INCIDENT-STANDARD/ }).waitFor();

    // September: nothing was decided.
    await period.getByLabel('From').fill('2026-09-01');
    await period.getByLabel('To (inclusive)').fill('2026-09-30');
    await period.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('status').filter({ hasText: 'No SLA target on incidents and service requests was met or breached from 1 Sept 2026 to 30 Sept 2026.' }).waitFor();

    // The definitions with their targets in hours and minutes, and the calendars.
    const targets = /^Targets of INCIDENT-STANDARD/;
    assert.deepEqual(await cells(page, targets, 'P1'), ['24x7', '15 min', '5 h']);
    assert.deepEqual(await cells(page, targets, 'P5'), ['office-hours', '8 h', '120 h']);
    const incidentTerms = page.getByRole('region', { name: /INCIDENT-STANDARD/ });
    assert.match(await incidentTerms.innerText(), /Kind\s+SLA \(to the customer\)/);
    assert.match(await incidentTerms.innerText(), /Warning\s+at 75% of the target/);
    const office = page.getByRole('region', { name: 'office-hours' });
    assert.match(await office.innerText(), /Time zone\s+Europe\/London/);
    assert.match(await office.innerText(), /Monday: 08:00–18:30/);
    assert.match(await office.innerText(), /Saturday: closed/);
    assert.match(await office.innerText(), /Shut on England and Wales bank holidays/);
    await assertAccessible(page, 'the service levels page');

    // A warning point above 100% is refused beside its field; nothing changes.
    await page.getByRole('button', { name: 'Change the targets of INCIDENT-STANDARD' }).click();
    const form = page.getByRole('form', { name: 'Change the targets of INCIDENT-STANDARD' });
    await form.getByLabel('Warn at, % of the target').fill('150');
    await form.getByRole('button', { name: 'Save the targets' }).click();
    await form.locator('.field--error').filter({ hasText: 'Warn at, % of the target' }).waitFor();
    assert.equal(await form.getByLabel('Warn at, % of the target').getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'a refused change of targets');

    // A shorter P1 resolution and a later warning are saved with If-Match and shown.
    await form.getByLabel('Warn at, % of the target').fill('80');
    await form.getByLabel('P1 resolution, minutes').fill('240');
    await form.getByRole('button', { name: 'Save the targets' }).click();
    await incidentTerms.getByText('at 80% of the target').waitFor();
    assert.equal(await form.count(), 0);
    assert.deepEqual(await cells(page, targets, 'P1'), ['24x7', '15 min', '4 h']);
    const saved = await manager.api.get('/api/v1/sla-definitions/INCIDENT-STANDARD');
    assert.equal(saved.headers.etag, '"2"');
    assert.equal(saved.body.warningFraction, 0.8);
    assert.deepEqual(saved.body.targets[0], { priority: 'P1', calendar: '24x7', responseMinutes: 15, resolutionMinutes: 240 });
    assert.deepEqual(saved.body.targets[4], { priority: 'P5', calendar: 'office-hours', responseMinutes: 480, resolutionMinutes: 7200 }, 'the other targets are kept');
    await page.context().close();
  });

  test('a customer is not offered the area, and by its address sees no other organisation’s clocks and no calendars', async () => {
    const page = await signedIn('priya.shah');
    await nav(page).getByRole('link', { name: 'Service requests' }).waitFor();
    assert.equal(await nav(page).getByRole('link', { name: 'Service levels' }).count(), 0);
    assert.equal(await page.getByRole('main').getByRole('link', { name: 'Service levels' }).count(), 0, 'nor on the overview');

    await page.goto(`${env.url}/service-levels?from=2026-10-01&to=2026-10-31`);
    await h1(page).filter({ hasText: /^Service levels$/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'No SLA target on incidents and service requests was met or breached from 1 Oct 2026 to 31 Oct 2026.' }).waitFor();
    await page.getByText('Business calendars are the service desk’s configuration').waitFor();
    await page.getByRole('table', { name: /^Targets of INCIDENT-STANDARD/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Change the targets/ }).count(), 0);
    await assertAccessible(page, 'the service levels page for a customer');
    await page.context().close();

    assert.ok(requested.length > 10);
    assert.deepEqual(requested.filter((url) => new URL(url).hostname !== '127.0.0.1'), []);
    assert.deepEqual(pageErrors, []);
  });
  test('a service manager changes how priority follows from impact and urgency, and how long a caller may reopen', async () => {
    const page = await signedIn('maya.patel');
    await nav(page).getByRole('link', { name: 'Service levels' }).click();
    await h1(page).filter({ hasText: /^Service levels$/ }).waitFor();
    const matrix = /^Priority of an incident by its impact/;
    assert.deepEqual(await cells(page, matrix, 'high'), ['P1', 'P2', 'P3']);
    assert.deepEqual(await cells(page, matrix, 'low'), ['P3', 'P4', 'P5']);
    const section = page.getByRole('region', { name: 'Incident priority' });
    await section.getByRole('status').filter({ hasText: 'may reopen it for 5 days after it is resolved' }).waitFor();

    // A severe impact ranked below a milder one is refused, the reason beside the cell it upsets.
    await section.getByRole('button', { name: 'Change the priorities' }).click();
    const form = page.getByRole('form', { name: 'Change the priorities' });
    await form.getByLabel('high impact, low urgency').selectOption('P5');
    await form.getByRole('button', { name: 'Save the priorities' }).click();
    await form.locator('.field--error').filter({ hasText: 'ranks above the more severe impact high' }).waitFor();
    assert.equal(await form.getByLabel('medium impact, low urgency').getAttribute('aria-invalid'), 'true');
    await form.getByLabel('Hours a caller may reopen a resolved incident').fill('three days');
    await form.getByRole('button', { name: 'Save the priorities' }).click();
    await form.locator('.field--error').filter({ hasText: 'must be a whole number of hours' }).waitFor();
    await assertAccessible(page, 'a refused change of priorities');

    // Then a high-impact fault wanted some time is P2, and the caller has three days to reopen.
    await form.getByLabel('high impact, low urgency').selectOption('P2');
    await form.getByLabel('Hours a caller may reopen a resolved incident').fill('72');
    await form.getByRole('button', { name: 'Save the priorities' }).click();
    await section.getByRole('status').filter({ hasText: 'may reopen it for 3 days' }).waitFor();
    assert.deepEqual(await cells(page, matrix, 'high'), ['P1', 'P2', 'P2']);
    await page.context().close();

    const manager = await clientAs(env, { roles: ['service_manager'] });
    const incident = await manager.api.post('/api/v1/incidents', { title: 'Slow link at Queens Park', organisationOdsCode: 'A81002', impact: 'high', urgency: 'low' });
    assert.equal(incident.status, 201);
    assert.equal(incident.body.priority, 'P2', 'new incidents take the changed matrix');
    assert.deepEqual(pageErrors, []);
  });
});
