import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { sql } from 'kysely';
import { n3sp, sharedDatabase } from '../helpers/cli.ts';
import { openRuntime } from '../../src/core/runtime.ts';
import { chainAll, verifyChain } from '../../src/core/journal/chain.ts';
import { onPostgres } from '../helpers/harness.ts';

/**
 * A write n3sp has acknowledged survives the process being killed outright, and (on a
 * PostgreSQL server) its connections being cut: what was acknowledged is there afterwards, what
 * failed failed cleanly (503, retry), and the audit chain catches up on what the crash left.
 */
let db: Awaited<ReturnType<typeof sharedDatabase>>;
let token: string;

before(async () => {
  db = await sharedDatabase();
  await n3sp(['migrate'], db.env);
  await n3sp(['user', 'create', '--username', 'loader', '--name', 'Loader', '--role', 'administrator', '--password', 'loader-password-1'], db.env);
  const created = await n3sp(['token', 'create', '--user', 'loader', '--name', 'load'], db.env);
  token = created.stdout.trim().split('\n').pop()!;
});
after(() => db.drop());

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  // N3SP_TEST_SERVER_LOG=file keeps the server's error log, for when this test fails.
  const log = process.env.N3SP_TEST_SERVER_LOG ? openSync(process.env.N3SP_TEST_SERVER_LOG, 'a') : 'ignore';
  const child = spawn(process.execPath, ['bin/n3sp.js', 'serve', '--port', String(port)], {
    env: { ...process.env, ...db.env, N3SP_LOG_LEVEL: log === 'ignore' ? 'silent' : 'error' },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  // Two minutes: a loaded CI machine can take most of one to load the modules and open PGlite.
  for (let i = 0; i < 1200; i++) {
    const up = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (up) return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

/** Posts organisations from `lanes` concurrent loops until stopped; returns the acknowledged codes. */
function load(url: string, lanes: number, prefix: string) {
  const acknowledged: string[] = [];
  const statuses = new Map<number, number>();
  let stopped = false;
  let n = 0;
  const lane = async () => {
    while (!stopped && n < 2000) {
      const code = `${prefix}${String(n++).padStart(6, '0')}`;
      try {
        const response = await fetch(`${url}/api/v1/organisations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ odsCode: code, name: `Durable ${code}`, kind: 'gp_practice' }),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 201) acknowledged.push(code);
        await response.arrayBuffer();
      } catch {
        // the connection died with the process: this write was never acknowledged
      }
    }
  };
  const running = Promise.all(Array.from({ length: lanes }, lane));
  return { acknowledged, statuses, stop: async () => ((stopped = true), running) };
}

async function persistedCodes(): Promise<Set<string>> {
  const rt = await openRuntime(db.config, { chainer: false });
  try {
    const rows = await rt.db.selectFrom('organisation').select('ods_code').where('ods_code', '~', '^[KC][0-9]{6}$').execute();
    return new Set(rows.map((r) => r.ods_code));
  } finally {
    await rt.close();
  }
}

test('every acknowledged create survives a SIGKILL of the server, and the audit chain catches up', async () => {
  const { child, url } = await startServer();
  const traffic = load(url, 4, 'K');
  const deadline = Date.now() + 60_000;
  while (traffic.acknowledged.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(traffic.acknowledged.length >= 40, 'the server acknowledged writes before the kill');
  child.kill('SIGKILL');
  await traffic.stop();
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  const persisted = await persistedCodes();
  for (const code of traffic.acknowledged) assert.ok(persisted.has(code), `acknowledged ${code} was lost`);

  const rt = await openRuntime(db.config); // starting again chains whatever the crash left unchained
  try {
    await rt.chainer.stop();
    await chainAll(rt.db);
    const verdict = await verifyChain(rt.db, rt.config.auditKey);
    assert.equal(verdict.ok, true, JSON.stringify(verdict.firstBreak));
    assert.equal(verdict.unchained, 0);
  } finally {
    await rt.close();
  }
});

test('cutting every database connection mid-load answers 503, never 500, and loses nothing acknowledged', { skip: !onPostgres() && 'needs a PostgreSQL server' }, async () => {
  const { child, url } = await startServer();
  try {
    const traffic = load(url, 4, 'C');
    const database = new URL(db.config.databaseUrl!).pathname.slice(1);
    const admin = await openRuntime({ ...db.config, databaseUrl: process.env.DATABASE_URL }, { migrate: false, chainer: false });
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`.execute(admin.db);
    }
    await admin.close();
    const deadline = Date.now() + 30_000;
    while (traffic.acknowledged.length < 20 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    assert.equal(child.exitCode, null, 'the server survived losing its connections');
    await traffic.stop();
    assert.equal(traffic.statuses.get(500) ?? 0, 0, `statuses: ${JSON.stringify([...traffic.statuses])}`);
    assert.ok(traffic.acknowledged.length > 0);
    // A pooled connection cut while idle is found dead by the first request to take it (a 503);
    // the server has recovered when requests succeed again within a few seconds.
    let after = 0;
    for (const end = Date.now() + 5_000; after !== 200 && Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      after = (await fetch(`${url}/api/v1/organisations?limit=1`, { headers: { authorization: `Bearer ${token}` } })).status;
    }
    assert.equal(after, 200, 'the server recovers once the database is back');
    const persisted = await persistedCodes();
    for (const code of traffic.acknowledged) assert.ok(persisted.has(code), `acknowledged ${code} was lost`);
  } finally {
    child.kill('SIGKILL');
  }
});
