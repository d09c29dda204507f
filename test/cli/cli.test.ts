import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { n3sp, sharedDatabase } from '../helpers/cli.ts';
import { openRuntime } from '../../src/core/runtime.ts';
import { buildApp } from '../../src/core/http/app.ts';

let db: Awaited<ReturnType<typeof sharedDatabase>>;

before(async () => {
  db = await sharedDatabase();
});
after(() => db.drop());

/** Runs `work` against the CLI's database in this process (the CLI must have exited). */
async function inProcess<T>(work: (rt: Awaited<ReturnType<typeof openRuntime>>, app: Awaited<ReturnType<typeof buildApp>>) => Promise<T>): Promise<T> {
  const rt = await openRuntime(db.config, { chainer: false });
  const app = await buildApp(rt);
  try {
    return await work(rt, app);
  } finally {
    await app.close();
    await rt.close();
  }
}

describe('the n3sp command', () => {
  test('--help lists every command, and each command has its own help', async () => {
    const help = await n3sp(['--help'], db.env);
    assert.equal(help.code, 0);
    for (const command of ['serve', 'start', 'migrate', 'user', 'token', 'audit']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
    for (const args of [['user', 'create'], ['user', 'reset-password'], ['token', 'create'], ['audit', 'verify'], ['serve'], ['migrate']]) {
      const sub = await n3sp([...args, '--help'], db.env);
      assert.equal(sub.code, 0, args.join(' '));
      assert.match(sub.stdout, /Usage: n3sp/);
    }
  });

  test('migrate applies the schema once and then reports it up to date', async () => {
    const first = await n3sp(['migrate'], db.env);
    assert.equal(first.code, 0, first.stderr);
    const second = await n3sp(['migrate'], db.env);
    assert.match(second.stdout, /up to date/);
  });

  test('user create, token create and reset-password give working credentials', async () => {
    const created = await n3sp(['user', 'create', '--username', 'ops', '--name', 'Ops Lead', '--role', 'administrator', '--password', 'first-password-123'], db.env);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /created user ops/);
    const token = await n3sp(['token', 'create', '--user', 'ops', '--name', 'monitoring', '--scope', 'organisations:read'], db.env);
    assert.equal(token.code, 0, token.stderr);
    const secret = token.stdout.trim().split('\n').pop()!;
    assert.match(secret, /^n3sp_/);
    const reset = await n3sp(['user', 'reset-password', 'ops', '--password', 'second-password-456'], db.env);
    assert.equal(reset.code, 0, reset.stderr);
    await inProcess(async (_rt, app) => {
      const read = await app.inject({ method: 'GET', url: '/api/v1/organisations', headers: { authorization: `Bearer ${secret}` } });
      assert.equal(read.statusCode, 200);
      const write = await app.inject({
        method: 'POST',
        url: '/api/v1/organisations',
        headers: { authorization: `Bearer ${secret}` },
        payload: { odsCode: 'X1X', name: 'X', kind: 'trust' },
      });
      assert.equal(write.statusCode, 403, 'the token was scoped to reading');
      const oldPassword = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'ops', password: 'first-password-123' } });
      assert.equal(oldPassword.statusCode, 401);
      const newPassword = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'ops', password: 'second-password-456' } });
      assert.equal(newPassword.statusCode, 200);
    });
  });

  test('bad arguments are refused with a clear message and a non-zero exit code', async () => {
    const badRole = await n3sp(['user', 'create', '--username', 'x', '--name', 'X', '--role', 'wizard'], db.env);
    assert.notEqual(badRole.code, 0);
    assert.match(badRole.stderr, /wizard/);
    const weak = await n3sp(['user', 'create', '--username', 'weak', '--name', 'Weak', '--role', 'auditor', '--password', 'short'], db.env);
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /password must be at least 12 characters/);
    const nobody = await n3sp(['user', 'reset-password', 'nobody'], db.env);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /no user named nobody/);
  });

  test('audit verify passes on an intact trail and names the first broken link after tampering', async () => {
    const intact = await n3sp(['audit', 'verify'], db.env);
    assert.equal(intact.code, 0, intact.stderr);
    assert.match(intact.stdout, /audit chain intact: \d+ entries verified/);
    await inProcess(async (rt) => {
      await sql`update journal set actor_name = 'somebody else' where chain_seq = 2`.execute(rt.db);
    });
    const broken = await n3sp(['audit', 'verify'], db.env);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /BROKEN .* entry #2 .*altered or forged/);
  });

  test('serve says at start whether office-hours clocks know the bank holidays', async () => {
    const missing = await serveUntilReady({ N3SP_BANK_HOLIDAYS_FILE: '/nonexistent/uk-bank-holidays.json' });
    assert.match(missing, /Bank holidays: NOT KNOWN: .*\/nonexistent\/uk-bank-holidays\.json.*count them as working days/);
    const known = await serveUntilReady({});
    assert.match(known, /Bank holidays: known from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
  });
});

/** Starts `n3sp serve` on a free port, returns what it printed once it is running, and stops it. */
function serveUntilReady(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/n3sp.js', 'serve', '--port', '0'], { env: { ...process.env, ...db.env, ...env, N3SP_LOG_LEVEL: 'silent' } });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (/Bank holidays:.*\n/.test(stdout)) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', () => resolve(stdout));
  });
}
