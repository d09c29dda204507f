import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { loadDemonstration } from '../../src/modules/demo/demonstration.ts';
import { chainAll, verifyChain } from '../../src/core/journal/chain.ts';

/** The demonstration network that `npm start` loads into an empty database, as a newcomer meets it. */
let env: TestEnv;
let notes: string[];
const PASSWORD = 'demonstration-password';

before(async () => {
  env = await testEnv();
  process.env.N3SP_DEMO_PASSWORD = PASSWORD;
  notes = await loadDemonstration(env.rt);
});
after(() => env.close());

test('the shipped NHS ODS files are loaded: practices, branch surgeries and their commissioners', async () => {
  const counts = await sql<{ kind: string; n: number }>`select kind, count(*)::int as n from organisation group by kind`.execute(env.rt.db);
  const byKind = Object.fromEntries(counts.rows.map((r) => [r.kind, r.n]));
  // epraccur.csv has 14,357 rows, of which 8,204 are GP practices (prescribing setting 4).
  assert.equal(byKind.gp_practice, 8_204);
  const fromOds = await sql<{ n: number }>`select count(*)::int as n from organisation where kind not in ('network_provider', 'region', 'commissioner')`.execute(env.rt.db);
  assert.equal(fromOds.rows[0]!.n, 14_357);
  assert.ok(byKind.commissioner > 100);
  const branches = await sql<{ n: number }>`select count(*)::int as n from site where kind = 'branch_surgery'`.execute(env.rt.db);
  assert.ok(branches.rows[0]!.n > 2_000);
  assert.ok(notes.some((n) => /Imported \d+ practices/.test(n)), notes.join('\n'));
});

test('connections stand at every stage of the roll-out, against a programme target', async () => {
  const states = await sql<{ state: string }>`select distinct state from connection`.execute(env.rt.db);
  const present = new Set(states.rows.map((r) => r.state));
  for (const stage of ['requested', 'quoted', 'ordered', 'surveyed', 'installed', 'live', 'ceased', 'cancelled']) assert.ok(present.has(stage), `no ${stage} connection`);
  const targets = await sql<{ n: number }>`select count(*)::int as n from rollout_target`.execute(env.rt.db);
  assert.equal(targets.rows[0]!.n, 1);
});

test('the demonstration practice manager signs in and sees only their own practice', async () => {
  const anonymous = new ApiClient(env.app);
  const login = await anonymous.post('/api/v1/session', { username: 'practice', password: PASSWORD });
  assert.equal(login.status, 200);
  assert.deepEqual(login.body.organisations.map((o: { odsCode: string }) => o.odsCode), ['A81001']);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const list = await new ApiClient(env.app, { cookie }).get('/api/v1/organisations?limit=200');
  assert.deepEqual(list.body.items.map((o: { odsCode: string }) => o.odsCode), ['A81001']);
});

test('everything the demonstration wrote is in an intact audit chain', async () => {
  await chainAll(env.rt.db);
  const verdict = await verifyChain(env.rt.db, env.config.auditKey);
  assert.equal(verdict.ok, true, JSON.stringify(verdict.firstBreak));
  assert.ok(verdict.checked > 15_000);
});
