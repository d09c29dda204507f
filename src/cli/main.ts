import { Command, Option } from 'commander';
import { ROLES } from '../core/access/roles.ts';
import { Problem } from '../core/errors.ts';

// The command tree. Each command imports its code only when it runs, so that `--help` and small
// commands start quickly instead of loading the whole server.
const users = () => import('./commands/users.ts');

const program = new Command('n3sp').description('n3sp: service management for a national healthcare network').showHelpAfterError();

program
  .command('serve')
  .description('Run the n3sp server (applies pending migrations first)')
  .option('--port <port>', 'port to listen on (default: $PORT or 3000)')
  .option('--host <host>', 'address to listen on (default: 127.0.0.1)')
  .action(async (opts: { port?: string; host?: string }) => {
    await (await import('./serve.ts')).serve({ port: opts.port, host: opts.host, firstRun: false });
  });

program
  .command('start')
  .description('Build the web application if needed, then serve on the embedded database; on an empty database, create the first administrator and load the demonstration network')
  .option('--port <port>', 'port to listen on')
  .action(async (opts: { port?: string }) => {
    await (await import('./serve.ts')).serve({ port: opts.port, firstRun: true });
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => (await import('./commands/database.ts')).migrateCommand());

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
  .action(async (opts: Parameters<Awaited<ReturnType<typeof users>>['createUserCommand']>[0]) => (await users()).createUserCommand(opts));
user
  .command('reset-password')
  .description("Set a new password for a user and end the user's sessions")
  .argument('<username>')
  .option('--password <password>', 'new password (default: read N3SP_PASSWORD, else generate one and print it)')
  .action(async (username: string, opts: { password?: string }) => (await users()).resetPasswordCommand(username, opts));

program
  .command('token')
  .description('Manage API tokens')
  .command('create')
  .description('Create an API token for a user; the secret is printed once')
  .requiredOption('--user <username>', 'the user the token acts as')
  .requiredOption('--name <name>', 'what the token is for, e.g. "alertmanager"')
  .option('--scope <scope...>', "permissions the token carries: '*', '*:read' or e.g. organisations:read", ['*'])
  .option('--expires-in-days <days>', 'expiry')
  .action(async (opts: { user: string; name: string; scope: string[]; expiresInDays?: string }) => (await users()).createTokenCommand(opts));

program
  .command('audit')
  .description('The hash-chained audit trail')
  .command('verify')
  .description('Walk the audit chain and name the first broken link (exit code 1 if broken)')
  .action(async () => (await import('./commands/audit.ts')).verifyAuditCommand());

const network = () => import('./commands/network.ts');
program
  .command('import')
  .description('Import reference data')
  .command('ods')
  .description('Import the NHS ODS practice file (epraccur.csv) and branch file (ebranchs.csv) as published; a newer file updates in place')
  .requiredOption('--practices <file>', 'epraccur.csv')
  .option('--branches <file>', 'ebranchs.csv')
  .option('--districts <file>', 'postcode districts to locate sites (default: the copy in resources/, or $N3SP_POSTCODE_DISTRICTS)')
  .option('--show-rejected <n>', 'how many rejected lines to print', '20')
  .action(async (opts: { practices: string; branches?: string; districts?: string; showRejected?: string }) => (await network()).importOdsCommand(opts));

program
  .command('demo')
  .description('Load the demonstration network (the shipped ODS files, suppliers, price books, catalogue and demo users) into a new database')
  .action(async () => (await network()).demoCommand());

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
