import { Type, type Static } from 'typebox';
import { Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';

const RECORD_TYPES = ['incident', 'service_request'] as const;

export const EmailMessageSchema = Type.Object(
  {
    id: Type.Integer(),
    direction: OneOf(['out', 'in'], { description: 'out: a notification n3sp sent; in: a message it received' }),
    record: Nullable(Type.Object({ type: OneOf(RECORD_TYPES), id: Type.Integer(), number: Nullable(Type.String()) })),
    event: Nullable(Type.String({ description: 'Why a notification was sent: assignment, customer_update, warning, breach, resolution, …' })),
    audience: OneOf(['customer', 'supplier', 'staff'], { description: 'Who besides staff reads it on the record' }),
    from: Type.Object({ address: Type.String(), userId: Nullable(Type.Integer()) }),
    to: Type.Array(Type.Object({ address: Type.String(), name: Nullable(Type.String()) })),
    subject: Type.String(),
    text: Type.String({ description: 'As sent; for a received message, its own words when it was matched, else its whole text' }),
    state: OneOf(['queued', 'sent', 'failed', 'received', 'rejected']),
    reason: Nullable(Type.String({ description: 'Why it failed or was rejected; for a notification, any addresses left out' })),
    attempts: Type.Integer({ description: 'Tries it took to send (or give up)' }),
    messageId: Nullable(Type.String({ description: 'RFC 5322 Message-ID, without angle brackets' })),
    inReplyTo: Nullable(Type.String()),
    replyToMessageId: Nullable(Type.Integer({ description: 'For a received reply, the notification it answered' })),
    createdAt: Type.String({ format: 'date-time' }),
    sentAt: Nullable(Type.String({ format: 'date-time' })),
    receivedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'EmailMessage' },
);
export type EmailMessage = Static<typeof EmailMessageSchema>;

export const EmailListQuery = PageQuery(['id', 'createdAt'] as const, {
  recordType: Type.Optional(OneOf(RECORD_TYPES)),
  recordId: Type.Optional(Type.Integer({ minimum: 1, description: 'With recordType: the messages about one record (its e-mail thread)' })),
  direction: Type.Optional(OneOf(['out', 'in'])),
  state: Type.Optional(OneOf(['queued', 'sent', 'failed', 'received', 'rejected'])),
});
export type EmailListRequest = Static<typeof EmailListQuery>;
