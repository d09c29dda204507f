import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase } from '../../src/core/db/database.ts';
import { migrate, migrationFiles, pendingMigrations } from '../../src/core/db/migrate.ts';

/** An empty database of its own: no template, so the migrations really run. */
async function emptyDatabase() {
  const url = process.env.DATABASE_URL;
  if (!url) return { open: () => openDatabase({ dataDir: 'memory://' }), shared: false, drop: async () => {} };
  const name = `${new URL(url).pathname.slice(1)}_m${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await sql.raw(`create database "${name}"`).execute(admin.db);
  await admin.close();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    open: () => openDatabase({ databaseUrl: target.toString(), poolSize: 2 }),
    shared: true,
    drop: async () => {
      const a = await openDatabase({ databaseUrl: url, poolSize: 1 });
      await sql.raw(`drop database if exists "${name}" with (force)`).execute(a.db);
      await a.close();
    },
  };
}

test('processes starting at once apply each migration exactly once', async () => {
  const empty = await emptyDatabase();
  try {
    if (empty.shared) {
      const processes = await Promise.all([empty.open(), empty.open(), empty.open()]);
      const applied = await Promise.all(processes.map((p) => migrate(p.db)));
      assert.deepEqual(applied.flat().sort(), migrationFiles().map((f) => f.name).sort(), 'each file applied by exactly one process');
      for (const p of processes) assert.deepEqual(await pendingMigrations(p.db), []);
      await Promise.all(processes.map((p) => p.close()));
    } else {
      const database = await empty.open();
      assert.deepEqual(await pendingMigrations(database.db), migrationFiles().map((f) => f.name));
      const [a, b] = await Promise.all([migrate(database.db), migrate(database.db)]);
      assert.equal(a!.length + b!.length, migrationFiles().length);
      await database.close();
    }
  } finally {
    await empty.drop();
  }
});

test('a migration edited after it was applied stops the start', async () => {
  const empty = await emptyDatabase();
  const database = await empty.open();
  try {
    await migrate(database.db);
    await sql`update schema_migration set checksum = 'edited' where name = ${migrationFiles()[0]!.name}`.execute(database.db);
    await assert.rejects(migrate(database.db), /was changed after it was applied/);
  } finally {
    await database.close();
    await empty.drop();
  }
});
