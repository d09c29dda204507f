import type { EmailRow } from './queries.ts';
import type { EmailMessage } from './schemas.ts';

export function presentEmail(row: EmailRow): EmailMessage {
  return {
    id: row.id,
    direction: row.direction,
    record: row.record_type && row.record_id !== null ? { type: row.record_type, id: row.record_id, number: row.record_number } : null,
    event: row.event,
    audience: row.audience,
    from: { address: row.from_address, userId: row.from_user_id },
    to: row.recipients.map((r) => ({ address: r.address, name: r.name ?? null })),
    subject: row.subject,
    text: row.reply_text ?? row.body,
    state: row.state,
    reason: row.reason,
    attempts: row.attempts,
    messageId: row.message_id,
    inReplyTo: row.in_reply_to,
    replyToMessageId: row.reply_to_message,
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
    receivedAt: row.received_at?.toISOString() ?? null,
  };
}
