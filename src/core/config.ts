import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything n3sp reads from its environment, read once and in one place. */
export interface Config {
  /** postgres://… for a PostgreSQL server; undefined for the embedded PGlite database. */
  databaseUrl?: string;
  /** Where PGlite keeps its files, and where the audit key lives when none is given. */
  dataDir: string;
  host: string;
  port: number;
  /** Secret for the journal's seals. Kept outside the database so that whoever can write the
   *  database cannot forge an entry that `audit verify` accepts. */
  auditKey: string;
  /** Cookies are marked Secure when the public URL is https. */
  publicUrl: string;
  sessionHours: number;
  /** Proxies whose X-Forwarded-* headers are believed (Fastify's trustProxy: comma-separated
   *  addresses or CIDRs, or true). Off by default: otherwise any client could pick the address
   *  that sign-in throttling counts against. */
  trustProxy: boolean | string;
  oidc?: OidcConfig;
  logLevel: string;
  /** The UK bank holidays as the government publishes them, read at run time by the business
   *  calendars: beside the project (../shared/data/calendar), or $N3SP_BANK_HOLIDAYS_FILE. */
  bankHolidaysFile: string;
  /** E-mail out (notifications) and in (replies): see docs/notifications.md. */
  mail: MailConfig;
}

export interface MailConfig {
  /** The relay notifications are sent through (smtp://host:port, smtps://user:pass@host:465);
   *  without one, notifications are stored and marked as not sent. */
  smtpUrl?: string;
  /** The From of every notification: `n3sp service desk <servicedesk@example.nhs.uk>`. */
  from: string;
  /** The domain of per-message reply addresses (reply+<token>@<replyDomain>); the From's by default. */
  replyDomain: string;
  /** Where n3sp receives replies over SMTP; absent unless N3SP_INBOUND_SMTP_PORT is set. */
  inbound?: { host: string; port: number };
}

export const DEFAULT_BANK_HOLIDAYS_FILE = fileURLToPath(new URL('../../../shared/data/calendar/uk-bank-holidays.json', import.meta.url));

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Claim listing n3sp roles, and claim listing ODS codes of the user's organisations. */
  rolesClaim: string;
  organisationsClaim: string;
  /** Plain http issuers are only allowed when explicitly asked for (test providers on 127.0.0.1). */
  allowInsecure: boolean;
  label: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.N3SP_DATA_DIR ?? './data');
  const port = Number(env.PORT ?? env.N3SP_PORT ?? 3000);
  const host = env.HOST ?? env.N3SP_HOST ?? '127.0.0.1';
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    host,
    port,
    auditKey: env.N3SP_AUDIT_KEY ?? auditKeyFromDataDir(dataDir),
    publicUrl: env.N3SP_PUBLIC_URL ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    sessionHours: Number(env.N3SP_SESSION_HOURS ?? 12),
    trustProxy: parseTrustProxy(env.N3SP_TRUST_PROXY),
    oidc: env.N3SP_OIDC_ISSUER
      ? {
          issuer: env.N3SP_OIDC_ISSUER,
          clientId: env.N3SP_OIDC_CLIENT_ID ?? 'n3sp',
          clientSecret: env.N3SP_OIDC_CLIENT_SECRET,
          rolesClaim: env.N3SP_OIDC_ROLES_CLAIM ?? 'n3sp_roles',
          organisationsClaim: env.N3SP_OIDC_ORGANISATIONS_CLAIM ?? 'ods_codes',
          allowInsecure: env.N3SP_OIDC_ALLOW_INSECURE === 'true',
          label: env.N3SP_OIDC_LABEL ?? 'NHS single sign-on',
        }
      : undefined,
    logLevel: env.N3SP_LOG_LEVEL ?? 'info',
    bankHolidaysFile: resolve(env.N3SP_BANK_HOLIDAYS_FILE ?? DEFAULT_BANK_HOLIDAYS_FILE),
    mail: mailConfig(env),
  };
}

/** N3SP_SMTP_URL, N3SP_MAIL_FROM, N3SP_MAIL_REPLY_DOMAIN, N3SP_INBOUND_SMTP_PORT and _HOST; empty means unset. */
function mailConfig(env: NodeJS.ProcessEnv): MailConfig {
  const from = env.N3SP_MAIL_FROM || 'n3sp <n3sp@localhost>';
  const fromDomain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return {
    smtpUrl: env.N3SP_SMTP_URL || undefined,
    from,
    replyDomain: (env.N3SP_MAIL_REPLY_DOMAIN || fromDomain).toLowerCase(),
    inbound: env.N3SP_INBOUND_SMTP_PORT
      ? { host: env.N3SP_INBOUND_SMTP_HOST || '127.0.0.1', port: Number(env.N3SP_INBOUND_SMTP_PORT) }
      : undefined,
  };
}

/** The audit key is generated on first use and kept beside the embedded database. */
function auditKeyFromDataDir(dataDir: string): string {
  const file = join(dataDir, 'audit.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

function parseTrustProxy(value: string | undefined): boolean | string {
  if (!value || value === 'false') return false;
  return value === 'true' ? true : value;
}
