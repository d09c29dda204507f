import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { USER_FOR_PRINCIPAL } from '../../core/auth/principals.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import { emailTables, type EmailMessageTable } from './tables.ts';
import type { Audience } from '../../domain/email-reply.ts';

/** A message belongs to its record's organisation, and to the supplier the record was handed to when it was sent. */
export const EMAIL_SCOPE = { organisation: 'email_message.organisation_id', supplier: 'email_message.supplier_id' };

/**
 * Besides staff, a customer reads the messages meant for the customer's side and a supplier's
 * engineer those meant for the supplier; assignments, SLA warnings and breaches and rejected
 * mail stay with the desk.
 */
function audienceFor(scope: Scope): Audience | null {
  return scope.kind === 'organisations' ? 'customer' : scope.kind === 'supplier' ? 'supplier' : null;
}

export interface EmailListFilter {
  recordType?: 'incident' | 'service_request';
  recordId?: number;
  direction?: 'out' | 'in';
  state?: EmailMessageTable['state'];
  /** Record types the caller may read at all (requests:read for service requests). */
  recordTypes: Array<'incident' | 'service_request'>;
}

export function listEmail(db: Db, scope: Scope, filter: EmailListFilter & PageRequest) {
  let query = emailTables(db)
    .selectFrom('email_message')
    .selectAll('email_message')
    .select(['email_message.created_at as createdAt'])
    .where(inScope(scope, EMAIL_SCOPE))
    .where((eb) => eb.or([eb('email_message.record_type', 'in', filter.recordTypes), ...(scope.kind === 'network' ? [eb('email_message.record_type', 'is', null)] : [])]));
  const audience = audienceFor(scope);
  if (audience) query = query.where('email_message.audience', '=', audience);
  if (filter.recordType) query = query.where('email_message.record_type', '=', filter.recordType);
  if (filter.recordId !== undefined) query = query.where('email_message.record_id', '=', filter.recordId);
  if (filter.direction) query = query.where('email_message.direction', '=', filter.direction);
  if (filter.state) query = query.where('email_message.state', '=', filter.state);
  return paginate(
    query,
    { columns: { id: 'email_message.id', createdAt: 'email_message.created_at' }, tie: 'email_message.id', tieKey: 'id', defaultSort: 'id' },
    filter,
  );
}

export type EmailRow = Awaited<ReturnType<typeof listEmail>>['items'][number];

/** The notification a reply answers: by its reply token, or by its Message-ID. */
export function notificationBy(tx: Tx, by: { token: string } | { messageIds: string[] }) {
  let query = emailTables(tx).selectFrom('email_message').selectAll().where('direction', '=', 'out');
  query = 'token' in by ? query.where('reply_token', '=', by.token) : query.where('message_id', 'in', by.messageIds);
  return query.orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function inboundSeen(tx: Tx, messageId: string): Promise<boolean> {
  const row = await emailTables(tx).selectFrom('email_message').select('id').where('direction', '=', 'in').where('message_id', '=', messageId).executeTakeFirst();
  return !!row;
}

/** Where the record stands now: its organisation and the supplier it is handed to (a service request has none). */
export async function recordOwners(tx: Tx, recordType: 'incident' | 'service_request', recordId: number) {
  if (recordType === 'incident') {
    return tx.selectFrom('incident').select(['id', 'organisation_id', 'supplier_id']).where('id', '=', recordId).executeTakeFirst();
  }
  return tx.selectFrom('service_request').select(['id', 'organisation_id', sql<number | null>`null::bigint`.as('supplier_id')]).where('id', '=', recordId).executeTakeFirst();
}

/** Whether a caller with this scope would find the record (the same test the record's own routes apply). */
export async function recordVisible(tx: Tx, scope: Scope, recordType: 'incident' | 'service_request', recordId: number): Promise<boolean> {
  const row =
    recordType === 'incident'
      ? await tx.selectFrom('incident').select('id').where('id', '=', recordId).where(inScope(scope, { organisation: 'incident.organisation_id', supplier: 'incident.supplier_id' })).executeTakeFirst()
      : await tx.selectFrom('service_request').select('id').where('id', '=', recordId).where(inScope(scope, { organisation: 'service_request.organisation_id' })).executeTakeFirst();
  return !!row;
}

/** Every account with this e-mail address, active or not, with what a principal needs. */
export function usersWithAddress(tx: Tx, address: string) {
  return tx
    .selectFrom('app_user')
    .select([...USER_FOR_PRINCIPAL, 'app_user.active'])
    .where(sql<boolean>`lower(app_user.email) = ${address.toLowerCase()}`)
    .orderBy('app_user.id')
    .execute();
}

/**
 * The service desk as people: its active agents and service managers with an address. They are
 * told what has no one else to tell — a service level alarm on a record with no assignee, or
 * whose team keeps no address — since an unassigned record waits in the desk's own queue.
 * (N3SP_MAIL_FROM is the sender of notifications, often an address nobody reads, so it is not used.)
 */
export async function serviceDeskContacts(db: Db | Tx): Promise<Array<{ address: string; name: string }>> {
  const rows = await db
    .selectFrom('app_user')
    .select(['email', 'display_name'])
    .where('active', '=', true)
    .where('email', 'is not', null)
    .where(sql<boolean>`roles && array['service_desk_agent', 'service_manager']::text[]`)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ address: r.email!, name: r.display_name }));
}

/**
 * Who is told of a record's service level alarm: those holding it (its assignee, else its team),
 * or, when none can be e-mailed, the service desk, with a line saying why the desk is told.
 */
export async function alarmRecipients(db: Db | Tx, holders: Array<{ address: string; name?: string | null }>, teamName: string | null) {
  if (holders.length > 0) return { to: holders, why: '' };
  const why = `${teamName ? `${teamName} has no e-mail address, nor an assignee who can be e-mailed` : 'No one is assigned to it'}, so the service desk is told.`;
  return { to: await serviceDeskContacts(db), why: `\n\n${why}` };
}
