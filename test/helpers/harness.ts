import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/core/config.ts';
import { openDatabase } from '../../src/core/db/database.ts';
import { openRuntime, type Runtime } from '../../src/core/runtime.ts';
import { buildApp } from '../../src/core/http/app.ts';

export const TEST_AUDIT_KEY = 'test-audit-key-0123456789abcdef';

export interface TestEnv {
  rt: Runtime;
  app: FastifyInstance;
  config: Config;
  /** Base URL when started with `listen: true`. */
  url?: string;
  close(): Promise<void>;
}

export const onPostgres = () => !!process.env.DATABASE_URL;

/**
 * A database of this test file's own, cloned from the migrated template: PGlite loads the
 * template's dump; on a PostgreSQL server a new database is created from the template database.
 * Returns the configuration pointing at it, and how to drop it.
 */
export async function isolatedDatabase(): Promise<{ config: Config; loadDataDir?: Blob; drop(): Promise<void> }> {
  // Tests trust X-Forwarded-For so that each can sign in from an address of its own. They send
  // and receive no e-mail unless a test starts its own servers on 127.0.0.1 (test/api/email.test.ts).
  const config = loadConfig({
    ...process.env,
    N3SP_AUDIT_KEY: TEST_AUDIT_KEY,
    N3SP_DATA_DIR: 'memory://',
    N3SP_TRUST_PROXY: 'true',
    N3SP_SMTP_URL: '',
    N3SP_INBOUND_SMTP_PORT: '',
  });
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dump = process.env.N3SP_TEST_PGLITE_DUMP;
    const loadDataDir = dump ? new Blob([readFileSync(dump)]) : undefined;
    return { config: { ...config, dataDir: 'memory://' }, loadDataDir, drop: async () => {} };
  }
  const template = process.env.N3SP_TEST_TEMPLATE;
  const name = `${new URL(url).pathname.slice(1)}_t${randomBytes(5).toString('hex')}`;
  const admin = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await sql.raw(`create database "${name}"${template ? ` template "${template}"` : ''}`).execute(admin.db);
  await admin.close();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    config: { ...config, databaseUrl: target.toString() },
    drop: async () => {
      const a = await openDatabase({ databaseUrl: url, poolSize: 1 });
      await sql.raw(`drop database if exists "${name}" with (force)`).execute(a.db);
      await a.close();
    },
  };
}

export async function testEnv(options: { web?: boolean; listen?: boolean; config?: Partial<Config> } = {}): Promise<TestEnv> {
  const database = await isolatedDatabase();
  const config = { ...database.config, ...options.config };
  const rt = await openRuntime(config, { loadDataDir: database.loadDataDir, dataDir: config.databaseUrl ? undefined : 'memory://' });
  const app = await buildApp(rt, { web: options.web });
  let url: string | undefined;
  if (options.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  } else {
    await app.ready();
  }
  return {
    rt,
    app,
    config,
    url,
    close: async () => {
      await app.close();
      await rt.close();
      await database.drop();
    },
  };
}
