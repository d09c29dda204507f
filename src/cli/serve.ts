import { existsSync } from 'node:fs';
import { loadConfig } from '../core/config.ts';
import { openRuntime, type Runtime } from '../core/runtime.ts';
import { buildApp } from '../core/http/app.ts';
import { WEB_DIST } from '../core/http/web-app.ts';
import { SYSTEM_ACTOR } from '../core/access/principal.ts';
import { createUser } from '../modules/users/service.ts';
import { loadDemonstration } from '../modules/demo/demonstration.ts';
import { startInboundMail } from '../modules/notifications/inbound.ts';
import { bankHolidayStatus, useBankHolidaysOf } from '../modules/service-levels/holidays.ts';

export interface ServeOptions {
  port?: string;
  host?: string;
  /** `n3sp start`: build the web application if needed, and set up an empty database. */
  firstRun: boolean;
}

export async function serve(options: ServeOptions): Promise<void> {
  const env = { ...process.env };
  if (options.port) env.PORT = options.port;
  if (options.host) env.HOST = options.host;
  const config = loadConfig(env);
  if (options.firstRun && !existsSync(`${WEB_DIST}/index.html`)) await buildWebApp();
  const rt = await openRuntime(config);
  const firstRunNotes = options.firstRun ? await setUpEmptyDatabase(rt) : [];
  const web = existsSync(`${WEB_DIST}/index.html`);
  const app = await buildApp(rt, { logger: { level: config.logLevel }, web });
  await app.listen({ port: config.port, host: config.host });
  const inbound = config.mail.inbound ? await startInboundMail(rt, config.mail.inbound) : undefined;
  const where = config.databaseUrl ? 'PostgreSQL server' : `embedded database in ${config.dataDir}`;
  console.log(`\nn3sp is running at ${config.publicUrl}  (${where})`);
  console.log(`API reference: ${config.publicUrl}/docs`);
  if (!web) console.log('The web application is not built: run `npm run build` (or `npm start`).');
  console.log(mailNote(config.mail.smtpUrl, inbound));
  console.log(holidaysNote(config));
  for (const line of firstRunNotes) console.log(line);
  const stop = async () => {
    await app.close();
    await inbound?.close();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Where e-mail goes and comes from, said at start: without a relay, notifications are kept but not sent. */
function mailNote(smtpUrl: string | undefined, inbound: { host: string; port: number } | undefined): string {
  const out = smtpUrl
    ? `E-mail: notifications are sent through ${URL.canParse(smtpUrl) ? new URL(smtpUrl).host : 'N3SP_SMTP_URL'}`
    : 'E-mail: NOT SENT: no SMTP relay is configured (N3SP_SMTP_URL); notifications are kept on their records, marked not sent';
  return `${out}; replies ${inbound ? `are received on smtp://${inbound.host}:${inbound.port}` : 'are not received (N3SP_INBOUND_SMTP_PORT is not set)'}.`;
}

/** Whether office-hours clocks know the bank holidays, said at start: without the file they count them as working days. */
function holidaysNote(config: Parameters<typeof useBankHolidaysOf>[0]): string {
  useBankHolidaysOf(config);
  const { coverage, problem } = bankHolidayStatus('england-and-wales');
  if (problem || !coverage) return `Bank holidays: NOT KNOWN: ${problem ?? 'the file lists none'} (set N3SP_BANK_HOLIDAYS_FILE); office-hours clocks count them as working days.`;
  return `Bank holidays: known from ${coverage.firstDate} to ${coverage.lastDate} (${config.bankHolidaysFile}).`;
}

async function buildWebApp(): Promise<void> {
  console.log('Building the web application (first start only)…');
  const { build } = await import('vite');
  await build({ configFile: new URL('../../vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
}

/** On an empty database: the first administrator, and the demonstration network. */
async function setUpEmptyDatabase(rt: Runtime): Promise<string[]> {
  const anyUser = await rt.db.selectFrom('app_user').select('id').limit(1).executeTakeFirst();
  if (anyUser) return ['Sign in with your account (reset a password with: npx n3sp user reset-password <username>).'];
  const password = process.env.N3SP_ADMIN_PASSWORD ?? `n3sp-${crypto.randomUUID().slice(0, 18)}`;
  await createUser(rt, SYSTEM_ACTOR, { username: 'admin', displayName: 'Administrator', roles: ['administrator'], password });
  const notes = [`\nFirst administrator: sign in as "admin" with password ${password}`, '(shown once; reset it with: npx n3sp user reset-password admin)'];
  notes.push(...(await loadDemonstration(rt)));
  return notes;
}
