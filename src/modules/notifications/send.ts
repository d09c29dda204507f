import { createTransport } from 'nodemailer';
import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Job } from '../../core/jobs/queue.ts';
import { emailTables } from './tables.ts';

export const SEND_KIND = 'email.send';
export const sendKey = (emailMessageId: number) => `${SEND_KIND}:${emailMessageId}`;

/**
 * Tries before a notification is given up as failed. With the worker's backoff (1 s, 2 s, 4 s …
 * at most 10 min) twelve tries span about half an hour of relay outage; a notification older
 * than that has lost most of its use, and the failure shows on the record's e-mail thread.
 */
export const SEND_ATTEMPTS = 12;

export const NOT_CONFIGURED = 'not sent: no SMTP relay is configured (set N3SP_SMTP_URL)';

/**
 * A job's transaction is open while the relay is spoken to (on PGlite it holds the only
 * connection), so a relay that does not answer is given seconds, not nodemailer's minutes.
 */
const TIMEOUTS = { connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 20_000 };

/**
 * The 'email.send' job: sends one stored notification through the configured relay and marks
 * it sent. A transient failure (no connection, a 4xx reply) throws, so the queue tries again
 * after a backoff; a permanent one (a 5xx reply: no such mailbox, relaying denied) or the last
 * try marks the message failed with the relay's answer. With no relay configured the message
 * is marked failed as not sent, once, without retrying.
 *
 * At least once: should the process die between the relay's acceptance and the commit, the
 * job runs again and sends again — with the same Message-ID, so mail clients show one message.
 */
export async function sendEmail(tx: Tx, job: Job<{ emailMessageId: number }>, ctx: AppContext): Promise<void> {
  const db = emailTables(tx);
  const message = await db
    .selectFrom('email_message')
    .selectAll()
    .where('id', '=', job.payload.emailMessageId)
    .where('direction', '=', 'out')
    .forUpdate()
    .executeTakeFirst();
  if (!message || message.state !== 'queued') return;
  const finish = (state: 'sent' | 'failed', reason: string | null) =>
    db
      .updateTable('email_message')
      .set({ state, reason, attempts: job.attempt, updated_at: sql<Date>`now()`, ...(state === 'sent' ? { sent_at: sql<Date>`now()` } : {}) })
      .where('id', '=', message.id)
      .execute();

  const { smtpUrl, from, replyDomain } = ctx.config.mail;
  if (!smtpUrl) {
    await finish('failed', NOT_CONFIGURED);
    return;
  }
  const transport = createTransport({ url: smtpUrl, ...TIMEOUTS });
  try {
    const info = await transport.sendMail({
      from,
      to: message.recipients.map((r) => (r.name ? { name: r.name, address: r.address } : r.address)),
      replyTo: `reply+${message.reply_token}@${replyDomain}`,
      subject: message.subject,
      text: message.body,
      messageId: `<${message.message_id}>`,
      ...(message.in_reply_to ? { inReplyTo: `<${message.in_reply_to}>`, references: [`<${message.in_reply_to}>`] } : {}),
      headers: {
        // RFC 3834: an automatic message; well-behaved responders do not answer it.
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
        'X-N3SP-Record': message.record_number ?? '',
      },
    });
    const refused = info.rejected.map(String);
    await finish('sent', [message.reason, refused.length > 0 ? `refused by the relay: ${refused.join(', ')}` : null].filter(Boolean).join('; ') || null);
  } catch (error) {
    const reason = relayAnswer(error);
    if (permanent(error)) {
      await finish('failed', `refused by the relay: ${reason}`);
      return;
    }
    if (job.attempt >= job.maxAttempts) {
      await finish('failed', `gave up after ${job.attempt} tries: ${reason}`);
      return;
    }
    throw error; // rolled back, and tried again after the queue's backoff
  } finally {
    transport.close();
  }
}

type SmtpError = { code?: string; responseCode?: number; response?: string; message?: string };

/** RFC 5321: 5yz is permanent, except 503 (bad sequence: a new connection can succeed). */
function permanent(error: unknown): boolean {
  const code = (error as SmtpError).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600 && code !== 503;
}

function relayAnswer(error: unknown): string {
  const e = error as SmtpError;
  return (e.response ?? e.message ?? String(error)).slice(0, 500);
}
