import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A database of the benchmark's own: on the PostgreSQL server, a scratch database created now
 * and dropped by `drop`; on PGlite, a data folder in the system's temporary folder. Benchmarks
 * never touch an existing database.
 */
export interface ScratchDatabase {
  /** postgres://… for the server, or undefined on PGlite. */
  databaseUrl?: string;
  /** The PGlite data folder, or undefined on the server. */
  dataDir?: string;
  label: string;
  drop(): Promise<void>;
}

/** `copyOf`: start as a copy of that (closed) scratch database rather than empty. */
export async function scratchDatabase(engine: 'pglite' | 'postgres', postgresUrl: string, label: string, copyOf?: ScratchDatabase): Promise<ScratchDatabase> {
  if (engine === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), `n3sp-bench-${label}-`));
    if (copyOf?.dataDir) cpSync(copyOf.dataDir, dataDir, { recursive: true });
    return { dataDir, label, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `n3sp_bench_${label}_${randomBytes(4).toString('hex')}`;
  const template = copyOf?.databaseUrl ? ` template "${new URL(copyOf.databaseUrl).pathname.slice(1)}"` : '';
  await adminQuery(postgresUrl, `create database "${name}"${template}`);
  const target = new URL(postgresUrl);
  target.pathname = `/${name}`;
  return {
    databaseUrl: target.toString(),
    label,
    drop: () => adminQuery(postgresUrl, `drop database if exists "${name}" with (force)`),
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return `PostgreSQL ${rows[0]!.server_version}`;
  } finally {
    await client.end();
  }
}
