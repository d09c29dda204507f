// Keeping the service levels in a real Chromium against a real n3sp process: a service manager is
// told in plain words, beside each input, what is wrong with a change of targets (before anything
// is sent, and when the server's rules refuse it); creates an OLA for a team, deactivates and
// reactivates it; creates a business calendar with split hours, a bank-holiday division and
// closures, changes it, and is told when someone else changed it first. Compliance counts SLA
// targets unless asked otherwise and says what it counted; a date in the address that is not one
// is left out, and said so. An auditor sees no way to change anything and reads who changed a
// definition, a calendar and the incident settings, from what to what. Checked with axe.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, SYSTEM, TEST_PASSWORD } from '../helpers/factories.ts';
import { inTransaction } from '../../src/core/context.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';
import { createTeam } from '../../src/modules/teams/service.ts';
import { recordClockEvent, startClocks, type ClockSubject, type RecordEvent } from '../../src/modules/service-levels/clocks.ts';
import { assertAccessible, h1, launchBrowser, signedInPage, until } from '../helpers/browser.ts';

let env: TestEnv;
let browser: Browser;
let manager: Awaited<ReturnType<typeof clientAs>>;
let teamId: number;
let organisationId: number;
const requested: string[] = [];
const pageErrors: string[] = [];

before(async () => {
  env = await testEnv({ web: true, listen: true });
  await env.rt.jobs?.stop();
  browser = await launchBrowser();
  organisationId = (await makeOrganisation(env, { odsCode: 'A82001', name: 'Castle Street Surgery', kind: 'gp_practice' })).id;
  teamId = (await inTransaction(env.rt, (tx) => createTeam(tx, env.rt, SYSTEM, { code: 'network-operations', name: 'Network operations', memberIds: [] }))).id;
  await makeUser(env, { username: 'maya.patel', roles: ['service_manager'], password: TEST_PASSWORD });
  await makeUser(env, { username: 'alan.audit', roles: ['auditor'], password: TEST_PASSWORD });
  manager = await clientAs(env, { roles: ['service_manager'] });
});

after(async () => {
  await browser?.close();
  await env?.close();
});

const signedIn = (username: string): Promise<Page> => signedInPage(browser, env.url!, username, { requested, pageErrors });
const open = async (username: string, search = '') => {
  const page = await signedIn(username);
  await page.goto(`${env.url}/service-levels${search}`);
  await h1(page).filter({ hasText: /^Service levels$/ }).waitFor();
  return page;
};
type Form = ReturnType<Page['getByRole']>;
const invalid = (form: Form, label: string) => form.getByLabel(label, { exact: true }).getAttribute('aria-invalid');
/** Waits for the message beside the input (the field around the input labelled so is marked and says it). */
const errorBeside = (form: Form, label: string, text: string | RegExp) =>
  form.locator('.field--error').filter({ has: form.page().getByLabel(label, { exact: true }) }).filter({ hasText: text }).waitFor();

describe('keeping the service levels', () => {
  test('a refused change of targets is said beside each input, in words', async () => {
    const page = await open('maya.patel');
    await page.getByRole('button', { name: 'Change the targets of INCIDENT-STANDARD' }).click();
    const form = page.getByRole('form', { name: 'Change the targets of INCIDENT-STANDARD' });
    await form.getByLabel('Warn at, % of the target').fill('abc');
    await form.getByLabel('P3 resolution, minutes').fill('');
    await form.getByLabel('P4 resolution, minutes').fill('30.5');
    await form.getByRole('button', { name: 'Save the targets' }).click();
    await errorBeside(form, 'Warn at, % of the target', 'Enter a percentage of the target, like 75');
    await errorBeside(form, 'P3 resolution, minutes', 'Enter the time in whole minutes, 1 or more');
    await errorBeside(form, 'P4 resolution, minutes', 'Enter whole minutes, like 240 for 4 hours');
    for (const label of ['Warn at, % of the target', 'P3 resolution, minutes', 'P4 resolution, minutes']) assert.equal(await invalid(form, label), 'true', label);
    assert.equal(await invalid(form, 'P2 resolution, minutes'), null);
    const text = await form.innerText();
    assert.doesNotMatch(text, /targets\.|warningFraction|= 0 min|= 30\.5 min|must be integer/);
    await assertAccessible(page, 'a change of targets checked in the page');

    // The server's rule (no lower priority resolved faster), which it names by priority, lands on P3.
    await form.getByLabel('Warn at, % of the target').fill('80');
    await form.getByLabel('P3 response, minutes').fill('');
    await form.getByLabel('P3 resolution, minutes').fill('100');
    await form.getByLabel('P4 resolution, minutes').fill('3600');
    await form.getByRole('button', { name: 'Save the targets' }).click();
    await errorBeside(form, 'P3 resolution, minutes', 'is shorter than the higher priority P2');
    assert.equal(await invalid(form, 'P4 resolution, minutes'), null);
    assert.doesNotMatch(await form.innerText(), /targets\./);
    assert.equal((await manager.api.get('/api/v1/sla-definitions/INCIDENT-STANDARD')).body.version, 1, 'nothing was saved');

    await form.getByLabel('P3 resolution, minutes').fill('1440');
    await form.getByRole('button', { name: 'Save the targets' }).click();
    await page.getByRole('region', { name: /INCIDENT-STANDARD/ }).getByText('at 80% of the target').waitFor();
    const saved = await manager.api.get('/api/v1/sla-definitions/INCIDENT-STANDARD');
    assert.equal(saved.body.warningFraction, 0.8);
    assert.deepEqual(saved.body.targets[2], { priority: 'P3', calendar: 'office-hours', responseMinutes: null, resolutionMinutes: 1440 });
    await page.context().close();
  });

  test('a service manager creates an OLA for a team, then deactivates and reactivates it', async () => {
    const page = await open('maya.patel');
    await page.getByRole('button', { name: 'New definition' }).click();
    const form = page.getByRole('form', { name: 'New service level definition' });
    await form.getByLabel('Kind').selectOption('ola');
    await form.getByLabel('Team (optional)').selectOption('network-operations');
    await form.getByLabel('Calendar', { exact: true }).selectOption('24x7');
    for (const p of ['P1', 'P2', 'P3', 'P4']) {
      await form.getByLabel(`${p} response, minutes`).fill('5');
      await form.getByLabel(`${p} resolution, minutes`).fill('60');
    }
    await form.getByRole('button', { name: 'Create the definition' }).click();
    await errorBeside(form, 'Code', /like SLA-GOLD/);
    await errorBeside(form, 'Name', 'Enter a name');
    await errorBeside(form, 'P5 resolution, minutes', 'Enter the time in whole minutes');
    await assertAccessible(page, 'a new definition checked in the page');

    // The server's refusal of a code already taken is beside the code.
    await form.getByLabel('Code', { exact: true }).fill('incident-standard');
    await form.getByLabel('Name', { exact: true }).fill('Network operations fix');
    await form.getByLabel('P5 resolution, minutes').fill('60');
    await form.getByRole('button', { name: 'Create the definition' }).click();
    await errorBeside(form, 'Code', 'already exists');

    await form.getByLabel('Code', { exact: true }).fill('ola-network');
    await form.getByRole('button', { name: 'Create the definition' }).click();
    const card = page.getByRole('region', { name: /OLA-NETWORK/ });
    await card.getByRole('table', { name: /^Targets of OLA-NETWORK/ }).waitFor();
    assert.match(await card.innerText(), /Kind\s+OLA \(an internal team\)/);
    assert.match(await card.innerText(), /Incidents while team Network operations holds them/);
    const created = await manager.api.get('/api/v1/sla-definitions/OLA-NETWORK');
    assert.equal(created.body.calendar, '24x7');
    assert.equal(created.body.warningFraction, 0.75);
    assert.deepEqual(created.body.targets[4], { priority: 'P5', calendar: '24x7', responseMinutes: null, resolutionMinutes: 60 }, 'a response target left empty is none');

    await card.getByRole('button', { name: 'Deactivate OLA-NETWORK' }).click();
    await card.getByText('Inactive', { exact: true }).waitFor();
    assert.equal((await manager.api.get('/api/v1/sla-definitions/OLA-NETWORK')).body.active, false);
    await card.getByRole('button', { name: 'Reactivate OLA-NETWORK' }).click();
    await card.getByRole('button', { name: 'Deactivate OLA-NETWORK' }).waitFor();
    assert.equal((await manager.api.get('/api/v1/sla-definitions/OLA-NETWORK')).body.active, true);
    await page.context().close();
  });

  test('a service manager creates a calendar, changes it, and is told when someone else changed it first', async () => {
    const page = await open('maya.patel');
    await page.getByRole('button', { name: 'New calendar' }).click();
    const form = page.getByRole('form', { name: 'New business calendar' });
    await form.getByLabel('Name', { exact: true }).fill('Highland Support');
    await form.getByLabel('Monday Closes').fill('08:00');
    await form.getByRole('button', { name: 'Add hours on Saturday' }).click();
    await form.getByRole('button', { name: 'Add hours on Monday' }).click();
    await form.getByLabel('Monday (period 2) Opens').fill('18:00');
    await form.getByLabel('Monday (period 2) Closes').fill('20:00');
    await form.getByRole('button', { name: 'Add a closure' }).click();
    await form.getByLabel('Closure 1 From').fill('2026-12-24');
    await form.getByLabel('Closure 1 To (inclusive)').fill('2026-12-23');
    await form.getByRole('button', { name: 'Create the calendar' }).click();
    await errorBeside(form, 'Name', /lower-case letters/);
    await errorBeside(form, 'Monday Closes', 'Must be after the opening time');
    await errorBeside(form, 'Closure 1 Title', /Say what the closure is/);
    await errorBeside(form, 'Closure 1 To (inclusive)', 'Must be on or after the first date');
    await assertAccessible(page, 'a new calendar checked in the page');

    await form.getByLabel('Name', { exact: true }).fill('highland-support');
    await form.getByLabel('Monday Closes').fill('13:00');
    await form.getByLabel('Saturday Opens').fill('10:00');
    await form.getByLabel('Saturday Closes').fill('12:00');
    await form.getByLabel('Bank holidays').selectOption('scotland');
    await form.getByLabel('Closure 1 Title').fill('Christmas shutdown');
    await form.getByLabel('Closure 1 To (inclusive)').fill('2026-12-26');
    await form.getByRole('button', { name: 'Add a closure' }).click();
    await form.getByLabel('Closure 2 Kind').selectOption('period');
    await form.getByLabel('Closure 2 Title').fill('Power work');
    await form.getByLabel('Closure 2 Closes at').fill('2026-11-03T12:00');
    await form.getByLabel('Closure 2 Opens again at').fill('2026-11-03T15:30');
    await form.getByRole('button', { name: 'Create the calendar' }).click();
    const card = page.getByRole('region', { name: 'highland-support' });
    await card.getByText('Monday: 09:00–13:00, 18:00–20:00').waitFor();
    assert.match(await card.innerText(), /Saturday: 10:00–12:00/);
    assert.match(await card.innerText(), /Sunday: closed/);
    assert.match(await card.innerText(), /Shut on Scotland bank holidays/);
    assert.match(await card.innerText(), /Christmas shutdown: 24 Dec 2026 to 26 Dec 2026/);
    const created = await manager.api.get('/api/v1/business-calendars/highland-support');
    assert.equal(created.status, 200);
    assert.deepEqual(created.body.hours.monday, [{ opens: '09:00', closes: '13:00' }, { opens: '18:00', closes: '20:00' }]);
    assert.deepEqual(created.body.closures[1], { kind: 'period', start: '2026-11-03T12:00:00.000Z', end: '2026-11-03T15:30:00.000Z', title: 'Power work' });

    // Friday closes early and the Northern Ireland holidays apply instead.
    await card.getByRole('button', { name: 'Change the calendar highland-support' }).click();
    let edit = page.getByRole('form', { name: 'Change the calendar highland-support' });
    await edit.getByLabel('Friday Closes').fill('16:00');
    await edit.getByLabel('Bank holidays').selectOption('northern-ireland');
    await edit.getByRole('button', { name: 'Remove closure 2' }).click();
    await edit.getByRole('button', { name: 'Save the calendar' }).click();
    await card.getByText('Friday: 09:00–16:00').waitFor();
    assert.match(await card.innerText(), /Shut on Northern Ireland bank holidays/);
    const changed = await manager.api.get('/api/v1/business-calendars/highland-support');
    assert.equal(changed.headers.etag, '"2"');
    assert.equal(changed.body.closures.length, 1);

    // Someone else changes it while the form is open: nothing is overwritten.
    await card.getByRole('button', { name: 'Change the calendar highland-support' }).click();
    edit = page.getByRole('form', { name: 'Change the calendar highland-support' });
    await edit.getByLabel('Saturday Closes').fill('13:00');
    const other = await manager.api.patch('/api/v1/business-calendars/highland-support', { description: 'Highland practices' }, { 'if-match': '"2"' });
    assert.equal(other.status, 200);
    await edit.getByRole('button', { name: 'Save the calendar' }).click();
    await edit.getByRole('alert').filter({ hasText: 'Someone else changed this calendar' }).waitFor();
    await assertAccessible(page, 'a calendar changed by someone else');
    await edit.getByRole('button', { name: 'Read the calendar again' }).click();
    await card.getByText('Highland practices').waitFor();
    assert.match(await card.innerText(), /Saturday: 10:00–12:00/);
    await page.context().close();
  });

  test('compliance counts SLA targets unless asked otherwise, and says what it counted', async () => {
    // A P1 incident held by the network team: the SLA met both its targets, the team's OLA missed both.
    const subject: ClockSubject = { recordType: 'incident', recordId: 71_000_001, recordNumber: 'INC71000001', priority: 'P1', organisationId, teamId, supplierId: null };
    const step = (what: 'start' | RecordEvent, when: string) =>
      inTransaction(env.rt, (tx) => (what === 'start' ? startClocks(tx, env.rt, subject, new Date(when)) : recordClockEvent(tx, env.rt, subject, what, new Date(when))));
    await step('start', '2026-10-05T09:00:00Z');
    await step('responded', '2026-10-05T09:10:00Z');
    await step('resolved', '2026-10-05T11:00:00Z');
    await new JobWorker(env.rt, { pollMs: 3_600_000 }).drain({ now: new Date('2026-10-07T00:00:00Z') });

    const page = await open('maya.patel', '?from=2026-10-01&to=2026-10-31');
    const headline = page.locator('.availability-headline');
    await until(headline, /^100% of SLA targets on incidents and service requests met from 1 Oct 2026 to 31 Oct 2026: 2 met, 0 breached$/);
    const period = page.getByRole('form', { name: 'Compliance period and grouping' });
    await period.getByLabel('Targets').selectOption('all');
    await period.getByRole('button', { name: 'Show' }).click();
    await until(headline, /^50% of SLA, OLA and underpinning targets on incidents and service requests met .*: 2 met, 2 breached$/);
    await period.getByLabel('Targets').selectOption('ola');
    await period.getByLabel('Measure').selectOption('response');
    await period.getByRole('button', { name: 'Show' }).click();
    await until(headline, /^0% of OLA response targets on incidents and service requests met .*: 0 met, 1 breached$/);
    assert.match(page.url(), /kind=ola&metric=response/);
    await period.getByLabel('Records').selectOption('service_request');
    await period.getByRole('button', { name: 'Show' }).click();
    await until(headline, /^No OLA response target on service requests was met or breached from 1 Oct 2026 to 31 Oct 2026\.$/);
    await assertAccessible(page, 'compliance filtered');
    await page.context().close();
  });

  test('dates in the address that are not dates are left out and said so; a start after the end is said beside From', async () => {
    const page = await open('maya.patel', '?from=garbage&to=2026-13-45');
    await page.getByRole('note').filter({ hasText: '“garbage” and “2026-13-45” in the address are not dates, so the period is the last 30 days.' }).waitFor();
    await page.getByRole('status').filter({ hasText: /of SLA targets|No SLA target/ }).waitFor();

    await page.goto(`${env.url}/service-levels?from=2026-10-31&to=2026-10-01`);
    const period = page.getByRole('form', { name: 'Compliance period and grouping' });
    await errorBeside(period, 'From', 'The start must be before the end');
    assert.equal(await page.getByText('The start must be before the end').count(), 1);
    assert.doesNotMatch(await page.getByRole('main').innerText(), /query\.from|`to`/);

    await period.getByLabel('From').fill('2026-10-01');
    await period.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('status').filter({ hasText: 'from 1 Oct 2026 to 1 Oct 2026' }).waitFor();
    assert.equal(await period.locator('.field--error').count(), 0);
    await period.getByLabel('From').fill('2026-10-05');
    await period.getByRole('button', { name: 'Show' }).click();
    await errorBeside(period, 'From', 'The start must be before the end');
    assert.match(page.url(), /from=2026-10-01/, 'the address keeps the last good period');
    await assertAccessible(page, 'a period that ends before it starts');
    await page.context().close();
  });

  test('an auditor changes nothing and reads who changed a definition, a calendar and the incident settings', async () => {
    const settings = await manager.api.get('/api/v1/incident-settings');
    const put = await manager.api.request('PUT', '/api/v1/incident-settings', { ...settings.body, reopenWindowHours: 72 }, { 'if-match': settings.headers.etag as string });
    assert.equal(put.status, 200, JSON.stringify(put.body));

    const page = await open('alan.audit');
    await page.getByRole('table', { name: /^Targets of INCIDENT-STANDARD/ }).waitFor();
    await page.getByRole('region', { name: 'office-hours' }).waitFor();
    for (const name of [/^New definition/, /^New calendar/, /^Change the targets/, /^Change the calendar/, /^Deactivate/, /^Change the priorities/]) {
      assert.equal(await page.getByRole('button', { name }).count(), 0, String(name));
    }

    const definition = page.getByRole('region', { name: /INCIDENT-STANDARD/ });
    await definition.getByRole('button', { name: 'Show the history of INCIDENT-STANDARD' }).click();
    const journal = definition.getByRole('region', { name: 'History' });
    await journal.getByText('maya.patel').first().waitFor();
    assert.match(await journal.innerText(), /Warning fraction\s+0\.75\s+0\.8/i);

    const calendar = page.getByRole('region', { name: 'highland-support' });
    await calendar.getByRole('button', { name: 'Show the history of highland-support' }).click();
    const calendarJournal = calendar.getByRole('region', { name: 'History' });
    await calendarJournal.getByText('maya.patel').first().waitFor();
    assert.match(await calendarJournal.innerText(), /Bank holidays\s+scotland\s+northern.ireland/i);
    assert.equal(await page.getByRole('region', { name: 'History' }).count(), 1, 'one history open at a time');

    const priorities = page.getByRole('region', { name: 'Incident priority' });
    await priorities.getByRole('button', { name: 'Show the history of the incident settings' }).click();
    const settingsJournal = priorities.getByRole('region', { name: 'History' });
    await settingsJournal.getByText(manager.user.username).first().waitFor();
    assert.match(await settingsJournal.innerText(), /120\s+72/);
    await assertAccessible(page, 'the incident settings history for an auditor');
    await page.context().close();

    assert.deepEqual(requested.filter((url) => new URL(url).hostname !== '127.0.0.1'), []);
    assert.deepEqual(pageErrors, []);
  });
});
