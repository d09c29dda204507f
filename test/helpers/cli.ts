import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedDatabase, TEST_AUDIT_KEY } from './harness.ts';
import { loadConfig, type Config } from '../../src/core/config.ts';

/**
 * A database that separate n3sp processes (the CLI, a server child) can open: a PGlite data
 * folder on disk, or a database of its own on the PostgreSQL server.
 */
export async function sharedDatabase(): Promise<{ env: Record<string, string>; config: Config; drop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const db = await isolatedDatabase();
    const env = { DATABASE_URL: db.config.databaseUrl!, N3SP_AUDIT_KEY: TEST_AUDIT_KEY };
    return { env, config: db.config, drop: db.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'n3sp-cli-'));
  const env = { N3SP_DATA_DIR: dir, N3SP_AUDIT_KEY: TEST_AUDIT_KEY, DATABASE_URL: '' };
  return { env, config: loadConfig({ ...env }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function n3sp(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/n3sp.js', ...args], { env: { ...process.env, ...env, N3SP_LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
