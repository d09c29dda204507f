import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { principalFor } from '../../core/auth/principals.ts';
import { automaticReply, messageIdsIn, replyText, replyTokenOf, type Audience } from '../../domain/email-reply.ts';
import { emailReplies, type EmailReply } from './notify.ts';
import { inboundSeen, notificationBy, recordOwners, recordVisible, usersWithAddress } from './queries.ts';
import { emailTables, type EmailMessageRow, type EmailRecipient } from './tables.ts';

/** What is kept of a received message's text, and the most a record is given from one reply. */
const MAX_BODY = 100_000;
const MAX_REPLY = 20_000;

export interface Envelope {
  /** RCPT TO addresses: where the message was delivered. */
  recipients: string[];
  /** MAIL FROM, used only when the message's own From cannot be read. */
  mailFrom?: string;
}

export interface IntakeResult {
  /** The stored inbound message; null for a duplicate delivery, which is stored once. */
  id: number | null;
  state: 'received' | 'rejected' | 'duplicate';
  reason?: string;
}

type Notice = EmailMessageRow;

/**
 * Takes in one received message. A reply is matched to the notification it answers by the
 * token of the reply+<token>@ address it was sent to (or, with no such address, by its
 * In-Reply-To/References), its sender checked against the record (see `senderRule`), the quoted
 * notification cut away, and the record's module given the reply inside the transaction that
 * also stores the message. Whatever cannot be taken in — unparseable, unmatched, a forged token,
 * an automatic reply, a sender who may not write to the record, a record that refuses it — is
 * stored as rejected with the reason. Only a database failure throws (the sender's server is
 * then told to try later).
 */
export async function receiveEmail(ctx: AppContext, raw: Buffer, envelope: Envelope): Promise<IntakeResult> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (error) {
    return reject(ctx, {
      from: envelope.mailFrom ?? '',
      recipients: envelope.recipients.map((address) => ({ address, name: null })),
      subject: '(unreadable message)',
      body: raw.toString('utf8', 0, MAX_BODY),
      reason: `unparseable: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const from = (mail.from?.value[0]?.address ?? envelope.mailFrom ?? '').trim().toLowerCase();
  const headerRecipients = addresses(mail.to).concat(addresses(mail.cc));
  const message = {
    from,
    recipients: headerRecipients.length > 0 ? headerRecipients : envelope.recipients.map((address) => ({ address, name: null })),
    subject: (mail.subject ?? '').slice(0, 1000),
    body: (mail.text ?? '').slice(0, MAX_BODY),
    messageId: messageIdsIn(mail.messageId)[0] ?? null,
    inReplyTo: messageIdsIn(mail.inReplyTo)[0] ?? null,
  };
  if (message.messageId && (await inboundSeen(ctx.db, message.messageId))) return { id: null, state: 'duplicate' };

  const automatic = automaticReply(mail.headers, from);
  if (automatic) return reject(ctx, { ...message, reason: `${automatic}: not added to any record` });

  const { replyDomain } = ctx.config.mail;
  const tokens = [...new Set([...envelope.recipients, ...headerRecipients.map((r) => r.address)].map((a) => replyTokenOf(a, replyDomain)).filter((t): t is string => !!t))];
  let notice: Notice | undefined;
  if (tokens.length > 0) {
    for (const token of tokens) notice ??= await notificationBy(ctx.db, { token });
    if (!notice) return reject(ctx, { ...message, reason: `its reply address (reply+${tokens[0]}@${replyDomain}) belongs to no notification` });
  } else {
    const ids = [...messageIdsIn(mail.inReplyTo), ...messageIdsIn(mail.references)];
    if (ids.length > 0) notice = await notificationBy(ctx.db, { messageIds: ids });
    if (!notice) return reject(ctx, { ...message, reason: 'it answers no notification: no reply address of ours, and no In-Reply-To or References we sent' });
  }
  const about = { notice, recordType: notice.record_type!, recordId: notice.record_id! };

  const owners = await recordOwners(ctx.db, about.recordType, about.recordId);
  if (!owners) return reject(ctx, { ...message, ...about, reason: `${notice.record_number} no longer exists` });
  const record = { ...about, organisationId: owners.organisation_id, supplierId: owners.supplier_id };

  const sender = await senderRule(ctx.db, from, notice);
  if (!sender.accepted) return reject(ctx, { ...message, ...record, reason: sender.reason });

  const text = replyText(message.body);
  if (!text) return reject(ctx, { ...message, ...record, reason: 'the reply has no words of its own above the quoted notification' });
  const handler = emailReplies.handlerFor(record.recordType);
  if (!handler) return reject(ctx, { ...message, ...record, reason: `nothing takes e-mail replies to ${record.recordType.replace('_', ' ')}s yet` });

  const reply: EmailReply = {
    recordType: record.recordType,
    recordId: record.recordId,
    from,
    fromUserId: sender.userId,
    text: text.length > MAX_REPLY ? `${text.slice(0, MAX_REPLY)}\n[… cut at ${MAX_REPLY} characters]` : text,
  };
  try {
    const id = await inTransaction(ctx, async (tx) => {
      const stored = await store(tx, { ...message, ...record, fromUserId: sender.userId, replyText: reply.text, state: 'received', reason: null, audience: notice.audience });
      await handler(tx, ctx, reply);
      return stored;
    });
    return { id, state: 'received' };
  } catch (error) {
    if (duplicate(error)) return { id: null, state: 'duplicate' };
    const why = error instanceof Error ? error.message : String(error);
    return reject(ctx, { ...message, ...record, fromUserId: sender.userId, reason: `${notice.record_number} did not take it: ${why}` });
  }
}

type SenderDecision = { accepted: true; userId: number | null } | { accepted: false; reason: string };

/**
 * Who may add to a record by replying. A reply is accepted from:
 * - an active user with the sender's address who could see the record in n3sp (the record's own
 *   tenancy: staff; a customer of its organisation or one above it; an engineer of the supplier
 *   it is handed to now) and may write to that kind of record; or
 * - an address the notification was sent to, when no account has that address (a caller
 *   known only by e-mail).
 * An address that belongs to an account decides by the account: e-mail never gives a user more
 * than the web application would, and a deactivated account's address is refused.
 * The From header can be forged; what makes a reply count is that it also carries the reply
 * token, which only the notification's recipients were given (docs/notifications.md).
 */
export async function senderRule(tx: Tx, from: string, notice: Notice): Promise<SenderDecision> {
  if (!from) return { accepted: false, reason: 'it has no sender address' };
  const users = await usersWithAddress(tx, from);
  const permission = notice.record_type === 'incident' ? 'incidents:write' : 'requests:write';
  for (const user of users.filter((u) => u.active)) {
    const principal = principalFor(user, 'token');
    if (!principal.permissions.has(permission)) continue;
    if (await recordVisible(tx, principal.scope, notice.record_type!, notice.record_id!)) return { accepted: true, userId: user.id };
  }
  if (users.length > 0) return { accepted: false, reason: `${from} belongs to an account that may not add to ${notice.record_number}` };
  if (notice.recipients.some((r) => r.address.toLowerCase() === from)) return { accepted: true, userId: null };
  return { accepted: false, reason: `${from} is neither a user who can see ${notice.record_number} nor an address its notification was sent to` };
}

interface Stored {
  from: string;
  recipients: EmailRecipient[];
  subject: string;
  body: string;
  messageId?: string | null;
  inReplyTo?: string | null;
  notice?: Notice;
  recordType?: 'incident' | 'service_request';
  recordId?: number;
  organisationId?: number | null;
  supplierId?: number | null;
  fromUserId?: number | null;
  replyText?: string | null;
  audience?: Audience;
  state: 'received' | 'rejected';
  reason: string | null;
}

async function store(tx: Tx, m: Stored): Promise<number> {
  const { id } = await emailTables(tx)
    .insertInto('email_message')
    .values({
      direction: 'in',
      record_type: m.recordType ?? null,
      record_id: m.recordId ?? null,
      record_number: m.notice?.record_number ?? null,
      organisation_id: m.organisationId ?? null,
      supplier_id: m.supplierId ?? null,
      event: null,
      // A rejected message is the desk's to look at, whoever it claims to be from.
      audience: m.state === 'received' ? (m.audience ?? 'staff') : 'staff',
      from_address: m.from.slice(0, 320),
      from_user_id: m.fromUserId ?? null,
      recipients: JSON.stringify(m.recipients.slice(0, 100)),
      subject: m.subject,
      body: m.body,
      reply_text: m.replyText ?? null,
      message_id: m.messageId ?? null,
      in_reply_to: m.inReplyTo ?? null,
      reply_to_message: m.notice?.id ?? null,
      reply_token: null,
      state: m.state,
      reason: m.reason,
      received_at: sql<Date>`now()`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

async function reject(ctx: AppContext, m: Omit<Stored, 'state' | 'reason'> & { reason: string }): Promise<IntakeResult> {
  try {
    const id = await inTransaction(ctx, (tx) => store(tx, { ...m, state: 'rejected' }));
    return { id, state: 'rejected', reason: m.reason };
  } catch (error) {
    if (duplicate(error)) return { id: null, state: 'duplicate' };
    throw error;
  }
}

function addresses(header: AddressObject | AddressObject[] | undefined): EmailRecipient[] {
  const objects = Array.isArray(header) ? header : header ? [header] : [];
  return objects.flatMap((o) => flatten(o.value)).slice(0, 100);
}

function flatten(list: AddressObject['value']): EmailRecipient[] {
  return list.flatMap((a) => (a.group ? flatten(a.group) : a.address ? [{ address: a.address, name: a.name || null }] : []));
}

/** The same message delivered twice at once: the second insert meets the first's Message-ID. */
function duplicate(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return e.code === '23505' && (e.constraint === 'email_message_in_message_id_key' || !!e.message?.includes('email_message_in_message_id_key'));
}
