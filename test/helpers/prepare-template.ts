// Prepares (or with --drop removes) the migrated database every test file starts from.
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/core/db/database.ts';
import { migrate } from '../../src/core/db/migrate.ts';

const url = process.env.DATABASE_URL;
const drop = process.argv.includes('--drop');

if (url) {
  const base = new URL(url);
  const template = `${base.pathname.slice(1)}_template`;
  const admin = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await sql.raw(`drop database if exists "${template}"`).execute(admin.db);
  if (!drop) {
    await sql.raw(`create database "${template}"`).execute(admin.db);
    const target = new URL(url);
    target.pathname = `/${template}`;
    const db = await openDatabase({ databaseUrl: target.toString(), poolSize: 1 });
    await migrate(db.db);
    await db.close();
  }
  await admin.close();
  if (!drop) console.log(JSON.stringify({ env: { N3SP_TEST_TEMPLATE: template } }));
} else {
  const file = process.env.N3SP_TEST_PGLITE_DUMP ?? join(tmpdir(), `n3sp-template-${process.pid}.tar.gz`);
  if (drop) {
    rmSync(file, { force: true });
  } else {
    // Migrate a fresh PGlite and dump its data folder; each test file loads the dump.
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrate(database.db);
    const dump = await database.pglite!.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    console.log(JSON.stringify({ env: { N3SP_TEST_PGLITE_DUMP: file } }));
  }
}
