import { Command, Option } from 'commander';
import { loadConfig } from '../core/config.ts';
import { openRuntime } from '../core/runtime.ts';
import { openDatabase } from '../core/db/database.ts';
import { migrate } from '../core/db/migrate.ts';
import { chainAll, verifyChain } from '../core/journal/chain.ts';
import { SYSTEM_ACTOR } from '../core/access/principal.ts';
import { ROLES, type Role } from '../core/access/roles.ts';
import { createUser, resetPassword } from '../modules/users/service.ts';
import { findUserByUsername } from '../modules/users/queries.ts';
import { checkScopes, createToken } from '../modules/identity/service.ts';
import { principalFor } from '../core/auth/principals.ts';
import { serve } from './serve.ts';
import { progressBar } from './progress.ts';
import { Problem } from '../core/errors.ts';

const program = new Command('n3sp').description('n3sp: service management for a national healthcare network').showHelpAfterError();

program
  .command('serve')
  .description('Run the n3sp server (applies pending migrations first)')
  .option('--port <port>', 'port to listen on (default: $PORT or 3000)')
  .option('--host <host>', 'address to listen on (default: 127.0.0.1)')
  .action(async (opts: { port?: string; host?: string }) => {
    await serve({ port: opts.port, host: opts.host, firstRun: false });
  });

program
  .command('start')
  .description('Build the web application if needed, then serve on the embedded database; on an empty database, create the first administrator and load the demonstration network')
  .option('--port <port>', 'port to listen on')
  .action(async (opts: { port?: string }) => {
    await serve({ port: opts.port, firstRun: true });
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    const applied = await migrate(database.db, (name) => console.log(`applied ${name}`));
    console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
    await database.close();
  });

const user = program.command('user').description('Manage user accounts');
user
  .command('create')
  .description('Create a user account')
  .requiredOption('--username <name>', 'sign-in name')
  .requiredOption('--name <display name>', 'name shown to others')
  .addOption(new Option('--role <role...>', 'one or more roles').choices([...ROLES]).makeOptionMandatory())
  .option('--email <email>', 'e-mail address')
  .option('--organisation <ods...>', 'ODS codes a customer may see')
  .option('--supplier <id>', 'supplier id of a supplier engineer')
  .option('--password <password>', 'password (default: read N3SP_PASSWORD, else generate one and print it)')
  .action(async (opts: { username: string; name: string; role: Role[]; email?: string; organisation?: string[]; supplier?: string; password?: string }) => {
    await withRuntime(async (rt) => {
      const password = opts.password ?? process.env.N3SP_PASSWORD ?? generatedPassword();
      const created = await createUser(rt, SYSTEM_ACTOR, {
        username: opts.username,
        displayName: opts.name,
        email: opts.email ?? null,
        roles: opts.role,
        organisations: opts.organisation?.map((c) => c.toUpperCase()),
        supplierId: opts.supplier ? Number(opts.supplier) : null,
        password,
      });
      console.log(`created user ${created.username} (id ${created.id}) with roles ${created.roles.join(', ')}`);
      if (!opts.password && !process.env.N3SP_PASSWORD) console.log(`password: ${password}`);
    });
  });
user
  .command('reset-password')
  .description("Set a new password for a user and end the user's sessions")
  .argument('<username>')
  .option('--password <password>', 'new password (default: read N3SP_PASSWORD, else generate one and print it)')
  .action(async (username: string, opts: { password?: string }) => {
    await withRuntime(async (rt) => {
      const found = await findUserByUsername(rt.db, username);
      if (!found) fail(`no user named ${username}`);
      const password = opts.password ?? process.env.N3SP_PASSWORD ?? generatedPassword();
      await resetPassword(rt, SYSTEM_ACTOR, { kind: 'network' }, found.id, password);
      console.log(`password of ${found.username} reset; their sessions were ended`);
      if (!opts.password && !process.env.N3SP_PASSWORD) console.log(`password: ${password}`);
    });
  });

program
  .command('token')
  .description('Manage API tokens')
  .command('create')
  .description('Create an API token for a user; the secret is printed once')
  .requiredOption('--user <username>', 'the user the token acts as')
  .requiredOption('--name <name>', 'what the token is for, e.g. "alertmanager"')
  .option('--scope <scope...>', "permissions the token carries: '*', '*:read' or e.g. organisations:read", ['*'])
  .option('--expires-in-days <days>', 'expiry')
  .action(async (opts: { user: string; name: string; scope: string[]; expiresInDays?: string }) => {
    await withRuntime(async (rt) => {
      const found = await findUserByUsername(rt.db, opts.user);
      if (!found) fail(`no user named ${opts.user}`);
      const owner = principalFor({ ...found, organisation_ids: [] }, 'token');
      checkScopes(owner, opts.scope);
      const token = await createToken(rt, owner, found.id, { name: opts.name, scopes: opts.scope, expiresInDays: opts.expiresInDays ? Number(opts.expiresInDays) : undefined });
      console.log(`token ${token.id} "${token.name}" for ${found.username}, scopes ${token.scopes.join(' ')}`);
      console.log(token.token);
    });
  });

program
  .command('audit')
  .description('The hash-chained audit trail')
  .command('verify')
  .description('Walk the audit chain and name the first broken link (exit code 1 if broken)')
  .action(async () => {
    await withRuntime(async (rt) => {
      await chainAll(rt.db);
      let bar: ReturnType<typeof progressBar> | undefined;
      const verdict = await verifyChain(rt.db, rt.config.auditKey, (done, total) => {
        bar ??= progressBar('verifying', total);
        bar.update(done);
      });
      bar?.stop();
      if (verdict.ok) {
        console.log(`audit chain intact: ${verdict.checked} entries verified`);
      } else {
        const b = verdict.firstBreak!;
        console.error(`audit chain BROKEN after ${verdict.checked} good entries: ${b.seq !== null ? `entry #${b.seq}` : 'chain'}${b.journalId !== null ? ` (journal id ${b.journalId})` : ''} ${b.reason}`);
        process.exitCode = 1;
      }
    }, { chainer: false });
  });

async function withRuntime(work: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<void>, options: { chainer?: boolean } = {}): Promise<void> {
  const rt = await openRuntime(loadConfig(), { chainer: options.chainer ?? false });
  try {
    await work(rt);
    await chainAll(rt.db);
  } finally {
    await rt.close();
  }
}

function generatedPassword(): string {
  return `n3sp-${crypto.randomUUID().slice(0, 18)}`;
}

function fail(message: string): never {
  throw new Problem(400, 'cli', message);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`n3sp: ${describeError(error)}`);
  process.exitCode = 1;
}

function describeError(error: unknown): string {
  if (!(error instanceof Problem)) return (error as Error).message;
  return error.errors?.length ? error.errors.map((x) => `${x.field} ${x.message}`).join('; ') : error.detail ?? error.title;
}
