import { createHmac, randomBytes } from 'node:crypto';
import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import * as clock from '../../core/clock.ts';
import { schedule } from '../../core/jobs/queue.ts';
import { jobHandlers } from '../../core/jobs/registry.ts';
import { audienceOf, replyAboveLine, subjectFor } from '../../domain/email-reply.ts';
import { emailTables, type EmailRecipient } from './tables.ts';
import { SEND_ATTEMPTS, SEND_KIND, sendEmail, sendKey } from './send.ts';

/**
 * E-mail notifications about a record, and replies to them (docs/notifications.md). `notify` is
 * called inside the transaction that makes the notification necessary: the message is stored and
 * an 'email.send' job scheduled in that transaction, so a rolled-back change sends nothing and a
 * committed one cannot lose its e-mail. The job sends it after the commit, retrying while the
 * relay is away.
 */

export type NotificationEvent = 'assignment' | 'customer_update' | 'question' | 'warning' | 'breach' | 'resolution' | 'supplier_hand_off' | 'major_update';

export interface Recipient {
  address: string;
  name?: string | null;
}

export interface Notification {
  recordType: 'incident' | 'service_request';
  recordId: number;
  recordNumber: string;
  organisationId: number;
  supplierId: number | null;
  event: NotificationEvent;
  to: Recipient[];
  subject: string;
  text: string;
}

jobHandlers.register(SEND_KIND, sendEmail);

/** An address worth handing to a relay: one @, no spaces or brackets, a dotted domain or localhost. */
const ADDRESS = /^[^\s@<>(),;:"[\]]+@([a-z0-9-]+\.)*[a-z0-9-]+$/i;

/**
 * Stores the notification and schedules its sending, in the caller's transaction. The subject
 * is prefixed with the record number; the text starts with the line replies are written above.
 * Recipients without a usable address are left out (and named in the message's reason); a
 * notification with nobody to send to is stored as failed rather than thrown, so that e-mail
 * can never roll back the change that caused it. An empty `to` stores nothing.
 */
export async function notify(tx: Tx, ctx: AppContext, notification: Notification): Promise<void> {
  if (notification.to.length === 0) return;
  const seen = new Set<string>();
  const recipients: EmailRecipient[] = [];
  const unusable: string[] = [];
  for (const r of notification.to) {
    const address = r.address.trim();
    if (!ADDRESS.test(address)) {
      unusable.push(address || '(empty)');
      continue;
    }
    if (seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    recipients.push({ address, name: r.name?.replace(/[\r\n]+/g, ' ').trim() || null });
  }
  const { mail } = ctx.config;
  const messageId = `n3sp.${randomBytes(12).toString('hex')}@${mail.replyDomain}`;
  const db = emailTables(tx);
  // Notifications about one record share a thread in the recipient's mail client.
  const first = await db
    .selectFrom('email_message')
    .select('message_id')
    .where('direction', '=', 'out')
    .where('record_type', '=', notification.recordType)
    .where('record_id', '=', notification.recordId)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  // Written when the change that needs it is (as of its time, when history is written: core/clock.ts).
  const at = clock.now();
  const left = unusable.length > 0 ? `no usable address: ${unusable.join(', ')}` : null;
  const { id } = await db
    .insertInto('email_message')
    .values({
      direction: 'out',
      record_type: notification.recordType,
      record_id: notification.recordId,
      record_number: notification.recordNumber,
      organisation_id: notification.organisationId,
      supplier_id: notification.supplierId,
      event: notification.event,
      audience: audienceOf(notification.event),
      from_address: mail.from,
      from_user_id: null,
      recipients: JSON.stringify(recipients),
      subject: subjectFor(notification.recordNumber, notification.subject),
      body: `${replyAboveLine(notification.recordNumber)}\n\n${notification.text.replace(/\r\n?/g, '\n')}\n`,
      reply_text: null,
      message_id: messageId,
      in_reply_to: first?.message_id ?? null,
      reply_to_message: null,
      reply_token: replyToken(ctx.config.auditKey, messageId),
      state: recipients.length > 0 ? 'queued' : 'failed',
      reason: recipients.length > 0 ? left : `not sent: ${left}`,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (recipients.length > 0) {
    await schedule(tx, { kind: SEND_KIND, runAt: at, payload: { emailMessageId: id }, dedupeKey: sendKey(id), maxAttempts: SEND_ATTEMPTS });
  }
}

/**
 * The token of a notification's reply address: an HMAC of its Message-ID under a key derived
 * from the audit key (which lives outside the database), 96 bits in lower-case hex so that a
 * mail server folding the address's case cannot break it. Not a sequence: knowing one token
 * says nothing about another, so a reply cannot be aimed at a record by guessing.
 */
export function replyToken(auditKey: string, messageId: string): string {
  const key = createHmac('sha256', auditKey).update('n3sp e-mail reply token').digest();
  return createHmac('sha256', key).update(messageId).digest('hex').slice(0, 24);
}

export interface EmailReply {
  recordType: 'incident' | 'service_request';
  recordId: number;
  /** The sender's address, and their account when an active user has that e-mail address. */
  from: string;
  fromUserId: number | null;
  /** The reply's own words, with the quoted notification removed. */
  text: string;
}

/**
 * The module that owns a record type adds a reply to it (as a note), inside the intake's
 * transaction, which also stores the inbound message: both commit or neither does. Throwing
 * (a closed record, say) rolls the note back, and the reply is stored as rejected with the
 * error's message as the reason.
 */
export type ReplyHandler = (tx: Tx, ctx: AppContext, reply: EmailReply) => Promise<void>;
const replyHandlers = new Map<string, ReplyHandler>();
export const emailReplies = {
  handle(recordType: EmailReply['recordType'], handler: ReplyHandler): void {
    replyHandlers.set(recordType, handler);
  },
  handlerFor(recordType: string): ReplyHandler | undefined {
    return replyHandlers.get(recordType);
  },
  /** For tests: puts a handler in place and returns how to put the previous one (or none) back. */
  replace(recordType: EmailReply['recordType'], handler: ReplyHandler): () => void {
    const previous = replyHandlers.get(recordType);
    replyHandlers.set(recordType, handler);
    return () => {
      if (previous) replyHandlers.set(recordType, previous);
      else replyHandlers.delete(recordType);
    };
  },
};
