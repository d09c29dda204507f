import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './database.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** Any number, the same in every n3sp process: two processes starting at once queue on it. */
const MIGRATION_LOCK = 7_263_001;

interface MigrationFile {
  name: string;
  text: string;
  checksum: string;
}

export function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return { name, text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

/**
 * Applies pending migrations in name order, each in its own transaction, under a session-level
 * advisory lock so that concurrent starts apply each file exactly once. A file edited after it
 * was applied stops the start: the database and the code would no longer agree.
 */
export async function migrate(db: Db, onApplied?: (name: string) => void): Promise<string[]> {
  const files = migrationFiles();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await sql`create table if not exists schema_migration (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now())`.execute(conn);
      const applied = new Map(
        (await sql<{ name: string; checksum: string }>`select name, checksum from schema_migration`.execute(conn)).rows.map(
          (r) => [r.name, r.checksum],
        ),
      );
      const done: string[] = [];
      for (const file of files) {
        const checksum = applied.get(file.name);
        if (checksum !== undefined) {
          if (checksum !== file.checksum) throw new Error(`migration ${file.name} was changed after it was applied`);
          continue;
        }
        await conn.transaction().execute(async (tx) => {
          await sql.raw(file.text).execute(tx);
          await sql`insert into schema_migration (name, checksum) values (${file.name}, ${file.checksum})`.execute(tx);
        });
        done.push(file.name);
        onApplied?.(file.name);
      }
      return done;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}

/** Names of migration files not yet applied; empty when the database is current. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const exists = await sql<{ ok: boolean }>`select to_regclass('schema_migration') is not null as ok`.execute(db);
  if (!exists.rows[0]?.ok) return migrationFiles().map((f) => f.name);
  const applied = new Set(
    (await sql<{ name: string }>`select name from schema_migration`.execute(db)).rows.map((r) => r.name),
  );
  return migrationFiles().filter((f) => !applied.has(f.name)).map((f) => f.name);
}
