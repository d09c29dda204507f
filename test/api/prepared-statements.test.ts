import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/core/db/database.ts';
import { compiledOnce, planOnce } from '../../src/core/db/prepared.ts';
import { isolatedDatabase, onPostgres } from '../helpers/harness.ts';

/**
 * A statement built with `compiledOnce` is compiled once per shape and answers every call with
 * that call's values. A statement marked `planOnce` is kept by PostgreSQL for the connection (parsed once, its plan
 * reused), answers exactly as it would unmarked, and a connection keeps only so many of them.
 */
let database: Database;
let drop: () => Promise<void>;

before(async () => {
  const isolated = await isolatedDatabase();
  drop = isolated.drop;
  database = await openDatabase({ databaseUrl: isolated.config.databaseUrl, dataDir: 'memory://', loadDataDir: isolated.loadDataDir, poolSize: 2 });
});
after(async () => {
  await database.close();
  await drop();
});

const prepared = (tx: Database['db']) => sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(tx);

test('a marked statement answers as the same statement unmarked does, on both engines', async () => {
  const marked = await sql<{ n: number; word: string }>`select ${41}::int + 1 as n, ${'clock'}::text as word ${planOnce}`.execute(database.db);
  const plain = await sql<{ n: number; word: string }>`select ${41}::int + 1 as n, ${'clock'}::text as word`.execute(database.db);
  assert.deepEqual(marked.rows, [{ n: 42, word: 'clock' }]);
  assert.deepEqual(marked.rows, plain.rows);
});

test('a marked statement is prepared on its connection; an unmarked one is not', { skip: !onPostgres() && 'PGlite has no named statements' }, async () => {
  await database.db.transaction().execute(async (tx) => {
    // Inside one transaction, so every statement runs on the same connection.
    for (let run = 0; run < 3; run++) await sql`select ${run}::int as run, 'marked' as kind ${planOnce}`.execute(tx);
    await sql`select ${1}::int as run, 'unmarked' as kind`.execute(tx);
    const { rows } = await prepared(tx);
    const marked = rows.filter((r) => r.statement.includes("'marked'"));
    assert.equal(marked.length, 1, 'three runs of one text share one prepared statement');
    assert.match(marked[0]!.name, /^n3sp_/);
    assert.equal(rows.filter((r) => r.statement.includes("'unmarked'")).length, 0);
  });
});

test('a connection keeps at most 100 marked statements and sends the rest unnamed', { skip: !onPostgres() && 'PGlite has no named statements' }, async () => {
  await database.db.transaction().execute(async (tx) => {
    for (let n = 0; n < 110; n++) {
      const { rows } = await sql<{ n: number }>`select ${n}::int as n, ${sql.lit(`text ${n}`)} as kind ${planOnce}`.execute(tx);
      assert.equal(rows[0]!.n, n, 'every statement answers, named or not');
    }
    const { rows } = await prepared(tx);
    assert.equal(rows.filter((r) => r.name.startsWith('n3sp_')).length, 100, 'the connection holds exactly its limit');
    assert.ok(rows.some((r) => r.statement.includes("'text 0'")), 'the first texts were prepared');
  });
});

test('a statement compiled once answers each call with its own values, and is compiled again for another shape', async () => {
  let builds = 0;
  const sum = compiledOnce((db, shape: { plus: number }, n: number, word: string) => {
    builds++;
    return db.selectNoFrom([sql<number>`${n}::int + ${shape.plus}::int`.as('n'), sql<string>`${word}::text`.as('word')]);
  });
  assert.deepEqual(await sum(database.db, { plus: 1 }, 41, 'clock'), [{ n: 42, word: 'clock' }]);
  assert.deepEqual(await sum(database.db, { plus: 1 }, 1, 'timer'), [{ n: 2, word: 'timer' }]);
  assert.equal(builds, 1, 'the same shape is not built again');
  await database.db.transaction().execute(async (tx) => {
    assert.deepEqual(await sum(tx, { plus: 10 }, 1, 'in a transaction'), [{ n: 11, word: 'in a transaction' }]);
  });
  assert.equal(builds, 2, 'another shape is built once more');
});
