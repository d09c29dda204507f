import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { chainAll, verifyChain } from '../../src/core/journal/chain.ts';

/**
 * The audit trail must reveal any change made behind n3sp's back: an edited entry, a deleted
 * one (in the middle or at the end), and a forged one inserted with raw SQL.
 */
let env: TestEnv;

before(async () => {
  env = await testEnv();
  const { api } = await clientAs(env, { roles: ['administrator'] });
  for (let i = 0; i < 6; i++) {
    const org = await makeOrganisation(env);
    await api.patch(`/api/v1/organisations/${org.ods_code}`, { name: `Renamed ${i}` }, { 'if-match': '"1"' });
  }
  await chainAll(env.rt.db);
});
after(() => env.close());

const verify = () => verifyChain(env.rt.db, env.config.auditKey);

async function entry(seq: number) {
  return env.rt.db.selectFrom('journal').selectAll().where('chain_seq', '=', seq).executeTakeFirstOrThrow();
}

describe('audit trail', () => {
  test('every write is journalled, chained in order and verifies', async () => {
    const verdict = await verify();
    assert.equal(verdict.ok, true, JSON.stringify(verdict.firstBreak));
    assert.ok(verdict.checked >= 12 + 2, `only ${verdict.checked} entries`);
    assert.equal(verdict.unchained, 0);
  });

  test('an edited entry is named as the first broken link', async () => {
    const target = await entry(5);
    await sql`update journal set summary = 'nothing to see here' where id = ${target.id}`.execute(env.rt.db);
    const verdict = await verify();
    assert.equal(verdict.ok, false);
    assert.equal(verdict.firstBreak?.seq, 5);
    assert.match(verdict.firstBreak!.reason, /altered or forged/);
    await sql`update journal set summary = ${target.summary} where id = ${target.id}`.execute(env.rt.db);
    assert.equal((await verify()).ok, true, 'restoring the entry restores the chain');
  });

  test('an edited change record (before/after values) is detected too', async () => {
    const target = await entry(7);
    await sql`update journal set changes = '[]'::jsonb where id = ${target.id}`.execute(env.rt.db);
    const verdict = await verify();
    assert.equal(verdict.firstBreak?.seq, 7);
    await sql`update journal set changes = ${JSON.stringify(target.changes)}::jsonb where id = ${target.id}`.execute(env.rt.db);
    assert.equal((await verify()).ok, true);
  });

  test('a deleted entry in the middle is detected at the gap', async () => {
    const target = await entry(4);
    await sql`delete from journal where id = ${target.id}`.execute(env.rt.db);
    const verdict = await verify();
    assert.equal(verdict.ok, false);
    assert.equal(verdict.firstBreak?.seq, 5);
    assert.match(verdict.firstBreak!.reason, /missing/);
    await sql`insert into journal overriding system value select * from json_populate_record(null::journal, ${JSON.stringify({ ...target, changes: target.changes })}::json)`.execute(env.rt.db);
    assert.equal((await verify()).ok, true);
  });

  test('a deleted last entry is detected against the chain head', async () => {
    const head = await env.rt.db.selectFrom('journal_chain_head').selectAll().executeTakeFirstOrThrow();
    const last = await entry(head.last_seq);
    await sql`delete from journal where id = ${last.id}`.execute(env.rt.db);
    const verdict = await verify();
    assert.equal(verdict.ok, false);
    assert.match(verdict.firstBreak!.reason, /removed from the end/);
    await sql`insert into journal overriding system value select * from json_populate_record(null::journal, ${JSON.stringify(last)}::json)`.execute(env.rt.db);
    assert.equal((await verify()).ok, true);
  });

  test('an entry inserted with raw SQL fails its seal, chained or not', async () => {
    await sql`insert into journal (nonce, at, actor_id, actor_name, action, entity_type, entity_id, summary, changes, seal)
      values (gen_random_uuid(), now(), null, 'admin', 'updated', 'organisation', '1', 'forged approval', '[]', ${'f'.repeat(64)})`.execute(env.rt.db);
    const unchained = await verify();
    assert.equal(unchained.ok, false);
    assert.match(unchained.firstBreak!.reason, /awaiting chaining .* altered or forged/);
    await chainAll(env.rt.db);
    const chained = await verify();
    assert.equal(chained.ok, false);
    assert.match(chained.firstBreak!.reason, /altered or forged/);
    assert.notEqual(chained.firstBreak!.seq, null);
  });
});

test('verifying while the chainer links never reports a false break', async () => {
  const own = await testEnv(); // the trail above was tampered with on purpose
  try {
    const actor = { id: null, name: 'load' };
    for (let batch = 0; batch < 4; batch++) {
      await own.rt.db.transaction().execute((tx) =>
        own.rt.journal.recordMany(tx, actor, Array.from({ length: 500 }, (_, i) => ({ action: 'noted', entityType: 'test', entityId: `${batch}-${i}`, changes: [] }))),
      );
    }
    const check = () => verifyChain(own.rt.db, own.config.auditKey);
    const [, ...verdicts] = await Promise.all([chainAll(own.rt.db), check(), check(), check()]);
    for (const verdict of verdicts) assert.equal(verdict.ok, true, JSON.stringify(verdict.firstBreak));
    await chainAll(own.rt.db);
    const final = await check();
    assert.equal(final.ok, true);
    assert.equal(final.unchained, 0);
    assert.ok(final.checked >= 2000);
  } finally {
    await own.close();
  }
});
