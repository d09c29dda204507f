import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs } from '../helpers/factories.ts';
import { journalSize } from '../helpers/tenancy-fixtures.ts';
import { practiceLine } from '../helpers/network-fixtures.ts';
import { chainAll, verifyChain } from '../../src/core/journal/chain.ts';
import { TEST_AUDIT_KEY } from '../helpers/harness.ts';
import type { ApiClient } from '../helpers/api-client.ts';

const SHIPPED = '/work/shared/data/ods';
const shipped = (name: string) => readFileSync(`${SHIPPED}/${name}`, 'latin1');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/ods/${name}`, import.meta.url), 'latin1');

/**
 * The whole shipped files through the API, July 2019 then December 2019, then December again;
 * and small fixtures with malformed lines. This file has its own database, so the counts are
 * exactly the files'.
 */
let env: TestEnv;
let admin: ApiClient;

before(async () => {
  env = await testEnv();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
});
after(() => env.close());

describe('importing the shipped ODS files', () => {
  test('July 2019 adds every practice and branch surgery, with regions and commissioners', async () => {
    const response = await admin.post('/api/v1/ods-imports', { practices: shipped('history/epraccur-2019-07.csv'), branches: shipped('ebranchs.csv'), practicesName: 'epraccur-2019-07.csv' });
    assert.equal(response.status, 201, JSON.stringify(response.body).slice(0, 500));
    const { report } = response.body;
    assert.deepEqual(report.practices, { lines: 13809, added: 13809, changed: 0, closed: 0, unchanged: 0, rejected: 0 });
    assert.deepEqual(report.branches, { lines: 2702, added: 2702, changed: 0, closed: 0, unchanged: 0, rejected: 0 });
    assert.ok(report.groupings.added > 200, 'regions and commissioners created');
    assert.ok(report.unlocatedSites < 100, `${report.unlocatedSites} sites not located`);
    const practice = await admin.get('/api/v1/organisations/A81001');
    assert.equal(practice.body.kind, 'gp_practice');
    assert.equal(practice.body.parent.odsCode, '00K');
    const commissioner = await admin.get('/api/v1/organisations/00K');
    assert.equal(commissioner.body.kind, 'commissioner');
    assert.equal(commissioner.body.parent.odsCode, 'Y54', 'in July 2019 most of 00K named the North of England grouping');
  });

  test('December 2019 adds the 548 new practices, closes what closed and changes the rest in place', async () => {
    const response = await admin.post('/api/v1/ods-imports', { practices: shipped('epraccur.csv'), branches: shipped('ebranchs.csv'), practicesName: 'epraccur.csv' });
    assert.equal(response.status, 201);
    const { practices, branches, groupings } = response.body.report;
    assert.equal(practices.added, 548);
    assert.equal(practices.rejected, 0);
    assert.equal(practices.added + practices.changed + practices.closed + practices.unchanged, 14357);
    // 951 practices change status between the files, 510 of them to closed; most change a field.
    assert.equal(practices.closed, 510);
    assert.ok(practices.changed > 951 - 510 && practices.changed < 14357 - 548, `changed ${practices.changed}`);
    assert.deepEqual({ ...branches, unchanged: 0 }, { lines: 2702, added: 0, changed: 0, closed: 0, unchanged: 0, rejected: 0 });
    assert.ok(groupings.changed > 0, 'commissioners moved to the 2019 regions');
    const commissioner = await admin.get('/api/v1/organisations/00K');
    assert.equal(commissioner.body.parent.odsCode, 'Y63');
    const states = await sql<{ state: string; n: number }>`select o.state, count(*)::int as n from organisation o
      join site s on s.organisation_id = o.id and s.source = 'epraccur' group by o.state`.execute(env.rt.db);
    const active = states.rows.find((r) => r.state === 'active')!.n;
    assert.equal(active, 11474, 'as many active practices as the December file lists');
  });

  test('the same files again change nothing, and write nothing to the journal', async () => {
    const journalBefore = await journalSize(env);
    const response = await admin.post('/api/v1/ods-imports', { practices: shipped('epraccur.csv'), branches: shipped('ebranchs.csv') });
    assert.equal(response.status, 201);
    const { practices, branches, groupings } = response.body.report;
    assert.deepEqual(practices, { lines: 14357, added: 0, changed: 0, closed: 0, unchanged: 14357, rejected: 0 });
    assert.deepEqual(branches, { lines: 2702, added: 0, changed: 0, closed: 0, unchanged: 2702, rejected: 0 });
    assert.deepEqual(groupings, { added: 0, changed: 0 });
    assert.equal(await journalSize(env), journalBefore);
  });

  test('every change is journalled and the audit chain holds', async () => {
    const history = await admin.get('/api/v1/organisations/A81003/journal');
    assert.ok(history.body.items.length >= 1);
    const site = (await admin.get('/api/v1/sites?organisation=A81001&kind=main')).body.items[0];
    assert.equal(site.odsCode, 'A81001');
    assert.deepEqual(site.address, ['THE HEALTH CENTRE', 'LAWSON STREET', 'STOCKTON-ON-TEES', 'CLEVELAND']);
    assert.ok(Math.abs(site.location.latitude - 54.56) < 0.1 && Math.abs(site.location.longitude + 1.32) < 0.1, JSON.stringify(site.location));
    const siteHistory = await admin.get(`/api/v1/sites/${site.id}/journal`);
    assert.equal(siteHistory.body.items.at(-1).action, 'created');
    // The runtime's background chainer links too; wait until nothing is left unlinked.
    for (;;) {
      await chainAll(env.rt.db);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from journal where chain_seq is null`.execute(env.rt.db);
      if (rows[0]!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await env.rt.chainer.stop();
    const verdict = await verifyChain(env.rt.db, TEST_AUDIT_KEY);
    assert.ok(verdict.ok, JSON.stringify(verdict.firstBreak));
  });

  test('a customer granted a commissioner sees its practices and their sites, and nothing of another', async () => {
    const customer = (await clientAs(env, { roles: ['customer'], organisations: ['00K'] })).api;
    const practices = await customer.get('/api/v1/organisations?parent=00K&limit=200');
    assert.ok(practices.body.items.some((o: { odsCode: string }) => o.odsCode === 'A81001'));
    const branch = await customer.get('/api/v1/sites?q=A81017001');
    assert.equal(branch.body.items[0]?.kind, 'branch_surgery');
    assert.equal(branch.body.items[0]?.organisation.odsCode, 'A81017');
    assert.deepEqual((await customer.get('/api/v1/sites?q=A81004001')).body.items, [], 'A81004 is under another commissioner (00M)');
    const elsewhere = await customer.get('/api/v1/sites?organisation=Y02520');
    assert.deepEqual(elsewhere.body.items, []);
    assert.equal((await customer.get('/api/v1/organisations/Y02520')).status, 404);
    const imports = await customer.get('/api/v1/ods-imports');
    assert.deepEqual(imports.body.items, [], 'import runs are network-wide records, for staff');
  });
});

describe('malformed files', () => {
  test('malformed lines are reported with their line number and skipped; the rest is imported', async () => {
    const response = await admin.post('/api/v1/ods-imports', { practices: fixture('epraccur-malformed.csv'), branches: fixture('ebranchs-malformed.csv') });
    assert.equal(response.status, 201);
    const { report } = response.body;
    assert.deepEqual(
      report.rejected.map((r: { file: string; line: number }) => `${r.file}:${r.line}`),
      ['branches:2', 'branches:3', 'practices:3', 'practices:4', 'practices:5', 'practices:6', 'practices:7'],
    );
    assert.match(report.rejected[0].reason, /parent practice Z99999/);
    assert.equal(report.practices.rejected, 5);
    assert.equal(report.branches.rejected, 2);
    assert.equal(report.practices.added, 1, 'the Latin-1 line is new');
    assert.equal((await admin.get('/api/v1/organisations/A81098')).body.name, 'CAFÉ ROYAL SURGERY');
    assert.equal((await admin.get('/api/v1/organisations/A81099')).status, 404);
    const read = await admin.get(`/api/v1/ods-imports/${report.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.report, report);
  });

  test('a practice a newer file no longer lists is closed with its main site', async () => {
    const code = 'ZZ0001';
    const first = await admin.post('/api/v1/ods-imports', { practices: [practiceLine(code, 'VANISHING SURGERY'), practiceLine('ZZ0002', 'STAYING SURGERY')].join('\r\n') });
    assert.equal(first.body.report.practices.added, 2);
    const second = await admin.post('/api/v1/ods-imports', { practices: practiceLine('ZZ0002', 'STAYING SURGERY') });
    // Every practice of the shipped files is now unlisted too, and closes, except those closed already.
    assert.ok(second.body.report.practices.closed >= 1);
    const gone = await admin.get(`/api/v1/organisations/${code}`);
    assert.equal(gone.body.state, 'closed');
    assert.ok(gone.body.closedOn);
    const site = (await admin.get(`/api/v1/sites?organisation=${code}`)).body.items[0];
    assert.equal(site.state, 'closed');
  });

  test('a file that is not ODS is refused field by field, and an empty body names the field', async () => {
    const empty = await admin.post('/api/v1/ods-imports', { practices: '' });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.errors[0].field, 'practices');
    const unknown = await admin.post('/api/v1/ods-imports', { practices: 'x', colour: 'red' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.errors[0].field, 'colour');
    const garbage = await admin.post('/api/v1/ods-imports', { practices: 'this is not,a practice file' });
    assert.equal(garbage.status, 201);
    assert.equal(garbage.body.report.practices.rejected, 1);
    assert.equal(garbage.body.report.practices.added, 0);
  });

  test('only an administrator imports', async () => {
    const agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
    assert.equal((await agent.post('/api/v1/ods-imports', { practices: practiceLine('ZZ0003', 'X') })).status, 403);
    assert.equal((await agent.get('/api/v1/ods-imports')).status, 200);
  });
});
