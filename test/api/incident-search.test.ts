// Full-text search in the incident queue. Whichever way the server finds the page (walking the
// queue's order for common words, the full-text index for rare ones, src/domain/search-shape.ts),
// the answer is the same: every incident whose words match, newest first, each once across pages.
// A small page makes the words common in the sample (walk); the default page makes them rare (index).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { makeSite } from '../helpers/network-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

let env: TestEnv;
let desk: ApiClient;
let customer: ApiClient;
let site: { id: number };
let elsewhere: { id: number };

before(async () => {
  env = await testEnv();
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  const practice = await makeOrganisation(env, { name: 'Lantern Lane Surgery' });
  site = await makeSite(env, practice.ods_code, { name: 'Lantern Lane Main Surgery' });
  customer = (await clientAs(env, { roles: ['customer'], organisations: [practice.ods_code] })).api;
  const other = await makeOrganisation(env, { name: 'Quarry Hill Practice' });
  elsewhere = await makeSite(env, other.ods_code, { name: 'Quarry Hill Surgery' });
});
after(() => env.close());

/** A word no other test writes, so that the expected matches are exactly the ones made here. */
const uniqueWord = (stem: string) => `${stem}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function logIncident(body: Record<string, unknown>, at: { id: number } = site): Promise<{ id: number; number: string }> {
  const created = await desk.post('/api/v1/incidents', { title: 'No connectivity at reception', siteId: at.id, impact: 'medium', urgency: 'high', ...body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

async function addNote(id: number, kind: 'work_note' | 'comment', body: string) {
  const note = await desk.post(`/api/v1/incidents/${id}/notes`, { kind, body });
  assert.equal(note.status, 201, JSON.stringify(note.body));
}

/** Every page of a search, followed by its cursors: the ids in the order the queue showed them. */
async function searchAll(api: ApiClient, q: string, extra = ''): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.get(`/api/v1/incidents?q=${encodeURIComponent(q)}${extra}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    ids.push(...page.body.items.map((i: { id: number }) => i.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}

const newestFirst = (ids: number[]) => [...ids].sort((a, b) => b - a);

describe('search finds every match, newest first, whichever way it looks', () => {
  let word: string;
  /** Where the word is written, by incident. */
  const made: Record<'title' | 'description' | 'workNote' | 'comment' | 'elsewhere', number[]> = { title: [], description: [], workNote: [], comment: [], elsewhere: [] };

  before(async () => {
    word = uniqueWord('zqflap');
    for (let i = 0; i < 3; i++) made.title.push((await logIncident({ title: `Circuit ${word} at reception ${i}` })).id);
    for (let i = 0; i < 3; i++) made.description.push((await logIncident({ description: `The ${word} started after the storm (${i})` })).id);
    for (let i = 0; i < 3; i++) {
      const incident = await logIncident({});
      await addNote(incident.id, 'work_note', `Carrier suspects ${word} on the tail circuit`);
      made.workNote.push(incident.id);
    }
    for (let i = 0; i < 2; i++) {
      const incident = await logIncident({});
      await addNote(incident.id, 'comment', `We are looking into the ${word} for you`);
      made.comment.push(incident.id);
    }
    made.elsewhere.push((await logIncident({ title: `Router ${word} at the branch` }, elsewhere)).id);
    // Incidents that do not match, logged last, so that a walk has to pass over them.
    for (let i = 0; i < 3; i++) await logIncident({ title: 'Printer offline in the dispensary' });
  });

  test('the desk finds title, description and notes of both kinds, across pages of three and in one page', async () => {
    const expected = newestFirst([...made.title, ...made.description, ...made.workNote, ...made.comment, ...made.elsewhere]);
    assert.deepEqual(await searchAll(desk, word, '&limit=3'), expected, 'pages of three: no incident twice, none missed');
    assert.deepEqual(await searchAll(desk, word), expected, 'one page');
    assert.deepEqual(await searchAll(desk, word, '&limit=200'), expected);
  });

  test('a customer finds their own incidents by words they can read, never by a work note', async () => {
    const expected = newestFirst([...made.title, ...made.description, ...made.comment]);
    assert.deepEqual(await searchAll(customer, word, '&limit=2'), expected, 'pages of two');
    assert.deepEqual(await searchAll(customer, word), expected, 'one page');
    const secret = uniqueWord('zqsecret');
    await addNote(made.comment[0]!, 'work_note', `Internal: ${secret} firmware`);
    assert.deepEqual(await searchAll(desk, secret), [made.comment[0]]);
    assert.deepEqual(await searchAll(customer, secret, '&limit=1'), [], 'the work note stays internal');
    assert.deepEqual(await searchAll(customer, secret), []);
  });

  test('a phrase, a word left out, and the queue filters narrow the same matches', async () => {
    assert.deepEqual(await searchAll(desk, `"suspects ${word}"`, '&limit=2'), newestFirst(made.workNote));
    assert.deepEqual(await searchAll(desk, `"suspects ${word}"`), newestFirst(made.workNote));
    const withoutNotes = newestFirst([...made.title, ...made.description, ...made.elsewhere]);
    assert.deepEqual(await searchAll(desk, `${word} -carrier -looking`, '&limit=2'), withoutNotes);
    assert.deepEqual(await searchAll(desk, `${word} -carrier -looking`), withoutNotes);
    const resolved = made.title[1]!;
    const current = await desk.get(`/api/v1/incidents/${resolved}`);
    const moved = await desk.post(`/api/v1/incidents/${resolved}/transitions`, { to: 'cancelled', note: 'Logged twice' }, { 'if-match': `"${current.body.version}"` });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const open = newestFirst([...made.title, ...made.description, ...made.workNote, ...made.comment, ...made.elsewhere].filter((id) => id !== resolved));
    assert.deepEqual(await searchAll(desk, word, '&state=open&limit=4'), open);
    assert.deepEqual(await searchAll(desk, word, '&state=open'), open);
  });

  test('sorted by when they were logged, oldest first, the same matches come back in that order', async () => {
    const expected = [...made.title, ...made.description, ...made.workNote, ...made.comment, ...made.elsewhere].sort((a, b) => a - b);
    assert.deepEqual(await searchAll(desk, word, '&sort=createdAt&limit=4'), expected);
    assert.deepEqual(await searchAll(desk, word, '&sort=createdAt'), expected);
  });

  test('words nobody wrote, and words that are all stop words, find nothing', async () => {
    assert.deepEqual(await searchAll(desk, uniqueWord('zqnothing')), []);
    assert.deepEqual(await searchAll(desk, uniqueWord('zqnothing'), '&limit=1'), []);
    assert.deepEqual(await searchAll(desk, 'the and of'), []);
  });
});

describe("a site's name finds its incidents", () => {
  let place: string;
  const made: { atSite: number[]; mentioning: number[]; printers: number[] } = { atSite: [], mentioning: [], printers: [] };
  let otherPractice: { id: number };
  let room: string;
  let practiceCode: string;

  before(async () => {
    place = uniqueWord('Zqmoor');
    const practice = await makeOrganisation(env, { name: `${place} Practice` });
    practiceCode = practice.ods_code;
    const surgery = await makeSite(env, practice.ods_code, { name: `The ${place} Surgery` });
    const own = await makeOrganisation(env, { name: 'Another Practice' });
    otherPractice = await makeSite(env, own.ods_code, { name: 'Another Practice Main Site' });
    for (let i = 0; i < 3; i++) made.atSite.push((await logIncident({ title: `Slow connection in the afternoons ${i}` }, surgery)).id);
    // Its name in an incident's own words, at another site: found by its words, as before.
    made.mentioning.push((await logIncident({ title: `Line to ${place} cut by roadworks` }, otherPractice)).id);
    room = uniqueWord('Zqdispensary');
    for (let i = 0; i < 3; i++) made.printers.push((await logIncident({ title: `Printer offline in the ${room}` })).id);
  });

  test('the desk finds the incidents logged at a site by its name, whatever their titles say, by either plan', async () => {
    const expected = newestFirst([...made.atSite, ...made.mentioning]);
    assert.deepEqual(await searchAll(desk, place, '&limit=2'), expected, 'pages of two (a walk)');
    assert.deepEqual(await searchAll(desk, place), expected, 'one page (the indexes)');
    assert.deepEqual(await searchAll(desk, `The ${place} Surgery`), newestFirst(made.atSite), "the site's whole name");
    assert.deepEqual(await searchAll(desk, `"${place} surgery"`, '&limit=1'), newestFirst(made.atSite), 'a phrase of it');
    assert.deepEqual(await searchAll(desk, `${place} surgery`, `&siteId=${otherPractice.id}`), [], 'the queue filters still narrow them');
  });

  test('the ODS code shown on each row finds the incidents at that organisation’s sites', async () => {
    assert.deepEqual(await searchAll(desk, practiceCode), newestFirst(made.atSite));
    assert.deepEqual(await searchAll(desk, ` ${practiceCode.toLowerCase()} `, '&limit=1'), newestFirst(made.atSite), 'typed in lower case, by a walk');
    assert.deepEqual(await searchAll(customer, practiceCode), [], 'not another organisation’s, for a customer');
  });

  test('every word counts, as for the incident’s own words; and a customer never finds another organisation’s incidents by its site', async () => {
    assert.deepEqual(await searchAll(desk, `${place} printer`), [], 'a site named by one word and an incident by the other is no match');
    assert.deepEqual(await searchAll(customer, place, '&limit=1'), []);
    assert.deepEqual(await searchAll(customer, place), []);
  });

  test('a word left out leaves out every incident that holds it, in its notes or its own words, though its site’s name lacks the word', async () => {
    const fault = uniqueWord('zqjitter');
    const noted = await logIncident({ title: `Router ${fault} at reception` });
    await addNote(noted.id, 'work_note', `Engineer found the ${room} cabinet flooded`);
    assert.deepEqual(await searchAll(desk, fault), [noted.id]);
    assert.deepEqual(await searchAll(desk, `${fault} -${room}`), [], 'its title holds the word searched for, its note the word left out');
    assert.deepEqual(await searchAll(desk, `${fault} -${room}`, '&limit=1'), [], 'by a walk as well');
    // Every site's name lacks the word: were names searched for it, every incident would match through its site.
    const found = await searchAll(desk, `-${room}`);
    assert.deepEqual(found.filter((id) => [...made.printers, noted.id].includes(id)), [], 'no incident that holds the word left out');
    assert.ok(made.atSite.every((id) => found.includes(id)), 'the incidents without it are found');
  });
});
