// Two suppliers in succession on one incident: what the second may read of the first's work.
// The desk hands the incident to Pennine, whose engineer accepts it under Pennine's reference and
// writes work notes; the desk takes it back and hands it to Albion. Albion works with what the
// desk and the customer wrote, and its own contract's clock — never Pennine's work notes, reference
// or underpinning clock (docs/incidents.md, "What a supplier reads").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, uniqueCode } from '../helpers/factories.ts';
import { makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';

let env: TestEnv;
let desk: ApiClient;
let customer: ApiClient;
let site: { id: number };
let pennine: { id: number; code: string };
let albion: { id: number; code: string };
let pennineEngineer: ApiClient;
let albionEngineer: ApiClient;
let pennineContract: string;
let albionContract: string;

const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });
/** A word no other test writes, so that a search finds only what this file wrote. */
const uniqueWord = (stem: string) => `${stem}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

before(async () => {
  env = await testEnv();
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  const manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  const practice = await makeOrganisation(env, { name: 'Moorside Surgery' });
  site = await makeSite(env, practice.ods_code, { name: 'Moorside Main Surgery' });
  customer = (await clientAs(env, { roles: ['customer'], organisations: [practice.ods_code] })).api;
  pennine = await makeSupplier(env, { regions: [], name: `Pennine Access ${uniqueCode('')}` });
  albion = await makeSupplier(env, { regions: [], name: `Albion Fibre ${uniqueCode('')}` });
  pennineEngineer = (await clientAs(env, { roles: ['supplier'], supplierId: pennine.id })).api;
  albionEngineer = (await clientAs(env, { roles: ['supplier'], supplierId: albion.id })).api;
  const contract = async (supplier: { code: string }, name: string) => {
    const code = uniqueCode('UC');
    const created = await manager.post('/api/v1/sla-definitions', {
      code, name, kind: 'underpinning', recordType: 'incident', supplierCode: supplier.code, calendar: '24x7',
      targets: ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, resolutionMinutes: 480 })),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return name;
  };
  pennineContract = await contract(pennine, 'Pennine access fault repair');
  albionContract = await contract(albion, 'Albion fibre repair');
});
after(() => env.close());

async function handOff(id: number, supplierId: number, note: string) {
  const current = await desk.get(`/api/v1/incidents/${id}`);
  const handed = await desk.post(`/api/v1/incidents/${id}/hand-off`, { supplierId, note }, ifMatch(current.body.version));
  assert.equal(handed.status, 200, JSON.stringify(handed.body));
  return handed.body;
}

async function note(api: ApiClient, id: number, kind: 'work_note' | 'comment', body: string) {
  const written = await api.post(`/api/v1/incidents/${id}/notes`, { kind, body });
  assert.equal(written.status, 201, JSON.stringify(written.body));
}

async function takeBack(id: number) {
  const current = await desk.get(`/api/v1/incidents/${id}`);
  const back = await desk.post(`/api/v1/incidents/${id}/transitions`, { to: 'in_progress' }, ifMatch(current.body.version));
  assert.equal(back.status, 200, JSON.stringify(back.body));
}

const bodies = async (api: ApiClient, id: number) => {
  const notes = await api.get(`/api/v1/incidents/${id}/notes`);
  assert.equal(notes.status, 200, JSON.stringify(notes.body));
  return (notes.body as Array<{ body: string }>).map((n) => n.body);
};
const contracts = (incident: { clocks: Array<{ kind: string; definition: { name: string } }> }) =>
  [...new Set(incident.clocks.filter((c) => c.kind === 'underpinning').map((c) => c.definition.name))].sort();
const searchIds = async (api: ApiClient, q: string) => {
  const page = await api.get(`/api/v1/incidents?q=${encodeURIComponent(q)}`);
  assert.equal(page.status, 200, JSON.stringify(page.body));
  return (page.body.items as Array<{ id: number }>).map((i) => i.id);
};

describe('a supplier after another supplier', () => {
  test('Albion sees its own contract, the desk’s and the customer’s words, never Pennine’s work notes, reference or contract clock', async () => {
    const costCode = uniqueWord('PN');
    const albionWord = uniqueWord('ALB');
    const created = await desk.post('/api/v1/incidents', { title: 'Line down at Moorside', siteId: site.id, impact: 'medium', urgency: 'high' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: number = created.body.id;

    // Pennine holds it: accepts under its reference, writes a work note and a word to the customer.
    await handOff(id, pennine.id, 'Pennine: please test the tail circuit');
    const pennineSees = await pennineEngineer.get(`/api/v1/incidents/${id}`);
    const accepted = await pennineEngineer.post(`/api/v1/incidents/${id}/acceptance`, { supplierReference: 'PAN-123456' }, ifMatch(pennineSees.body.version));
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    await note(pennineEngineer, id, 'work_note', `Tail circuit tested clean. Our cost code ${costCode}`);
    await note(pennineEngineer, id, 'comment', 'Our engineer found no fault on the line');

    // The desk takes it back, notes why, and hands it to Albion.
    await takeBack(id);
    await note(desk, id, 'work_note', 'No fault on the tail: trying the fibre supplier');
    const handed = await handOff(id, albion.id, 'Albion: please check the fibre spine');
    assert.equal(handed.supplierReference, null, 'a new supplier starts without the last one’s reference');
    assert.equal(handed.supplierAcceptedAt, null);
    assert.deepEqual(contracts(handed), [albionContract, pennineContract], 'the desk sees every contract’s clock');

    // The record: Albion's contract clock only, no earlier reference.
    const record = await albionEngineer.get(`/api/v1/incidents/${id}`);
    assert.equal(record.status, 200, JSON.stringify(record.body));
    assert.deepEqual(contracts(record.body), [albionContract], 'Pennine’s contract clock is Pennine’s');
    assert.ok(record.body.clocks.some((c: { kind: string }) => c.kind === 'sla'), 'the promise to the customer is theirs to work to');
    assert.equal(record.body.supplierReference, null);
    assert.equal(record.body.supplierAcceptedAt, null);
    assert.ok(!JSON.stringify(record.body).includes('PAN-123456'));

    // The notes: the desk's work notes and everything the customer reads; not Pennine's work note.
    const seen = await bodies(albionEngineer, id);
    assert.ok(seen.includes('Albion: please check the fibre spine'), JSON.stringify(seen));
    assert.ok(seen.includes('Pennine: please test the tail circuit'), 'the desk’s work notes are for whichever supplier holds it');
    assert.ok(seen.includes('No fault on the tail: trying the fibre supplier'));
    assert.ok(seen.includes('Our engineer found no fault on the line'), 'what the customer reads, the supplier reads');
    assert.ok(!seen.some((b) => b.includes(costCode)), `Pennine's work note is Pennine's: ${JSON.stringify(seen)}`);
    assert.ok((await bodies(desk, id)).some((b) => b.includes(costCode)), 'the desk reads every note');

    // Search: Pennine's words do not find the incident for Albion (it would say what they wrote).
    assert.deepEqual(await searchIds(desk, costCode), [id]);
    assert.deepEqual(await searchIds(albionEngineer, costCode), [], 'no match through another supplier’s work note');

    // The journal is the desk's and the customer's; a supplier does not read it.
    assert.equal((await albionEngineer.get(`/api/v1/incidents/${id}/journal`)).status, 403);

    // Albion works it under its own reference, then the desk hands it back to Pennine.
    const accepting = await albionEngineer.get(`/api/v1/incidents/${id}`);
    const albionAccepts = await albionEngineer.post(`/api/v1/incidents/${id}/acceptance`, { supplierReference: 'ALB-9' }, ifMatch(accepting.body.version));
    assert.equal(albionAccepts.status, 200, JSON.stringify(albionAccepts.body));
    assert.equal(albionAccepts.body.supplierReference, 'ALB-9');
    await note(albionEngineer, id, 'work_note', `Spine repaired under job ${albionWord}`);
    assert.ok((await bodies(albionEngineer, id)).some((b) => b.includes(albionWord)), 'a supplier reads its own work notes');
    assert.equal((await pennineEngineer.get(`/api/v1/incidents/${id}`)).status, 404, 'handed on, the incident is no longer Pennine’s');

    await takeBack(id);
    const again = await handOff(id, pennine.id, 'Pennine: back to you, the spine is fixed');
    assert.equal(again.supplierReference, null);
    const pennineRecord = await pennineEngineer.get(`/api/v1/incidents/${id}`);
    assert.deepEqual(contracts(pennineRecord.body), [pennineContract]);
    const pennineNotes = await bodies(pennineEngineer, id);
    assert.ok(pennineNotes.some((b) => b.includes(costCode)), 'Pennine reads its own earlier work note');
    assert.ok(!pennineNotes.some((b) => b.includes(albionWord)), `Albion's work note is Albion's: ${JSON.stringify(pennineNotes)}`);
    assert.deepEqual(await searchIds(pennineEngineer, albionWord), []);
    assert.equal((await albionEngineer.get(`/api/v1/incidents/${id}`)).status, 404);

    // The customer's view is unchanged: the words meant for them, no work note of anyone's.
    const customerNotes = await bodies(customer, id);
    assert.ok(customerNotes.includes('Our engineer found no fault on the line'));
    assert.ok(!customerNotes.some((b) => b.includes(costCode) || b.includes(albionWord) || b.includes('fibre spine')));
  });

  test('taken back by the desk, the supplier’s contract clock stops where it stood; handed to them again, it runs on', async () => {
    const created = await desk.post('/api/v1/incidents', { title: 'Intermittent line at Moorside', siteId: site.id, impact: 'medium', urgency: 'high' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: number = created.body.id;
    await handOff(id, pennine.id, 'Pennine: please test the line');
    const running = (await desk.get(`/api/v1/incidents/${id}`)).body.clocks.filter((c: { kind: string }) => c.kind === 'underpinning');
    assert.deepEqual(running.map((c: { state: string; stoppedAt: string | null }) => [c.state, c.stoppedAt]), [['running', null]]);

    await takeBack(id);
    const back = await desk.get(`/api/v1/incidents/${id}`);
    const stopped = back.body.clocks.filter((c: { kind: string }) => c.kind === 'underpinning');
    assert.equal(stopped.length, 1);
    assert.equal(stopped[0].state, 'met', 'with the desk, it no longer counts against Pennine');
    assert.ok(stopped[0].stoppedAt, JSON.stringify(stopped[0]));
    assert.ok(back.body.clocks.some((c: { kind: string; state: string }) => c.kind === 'sla' && c.state === 'running'), 'the promise to the customer runs on');
    assert.equal((await pennineEngineer.get(`/api/v1/incidents/${id}`)).status, 200, 'Pennine still reads the incident it worked');

    await handOff(id, pennine.id, 'Pennine: the fault is back, please look again');
    const again = (await desk.get(`/api/v1/incidents/${id}`)).body.clocks.filter((c: { kind: string }) => c.kind === 'underpinning');
    assert.ok(again.some((c: { state: string }) => c.state === 'running'), `handed to them again, their contract counts again: ${JSON.stringify(again)}`);
  });
});
