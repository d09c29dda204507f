import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { Tables } from '../../core/db/tables.ts';
import type { Tx } from '../../core/journal/journal.ts';

type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type EmailState = 'queued' | 'sent' | 'failed' | 'received' | 'rejected';
export type EmailRecipient = { address: string; name: string | null };

/** migrations/0009_email.sql */
export interface EmailMessageTable {
  id: Generated<number>;
  direction: 'out' | 'in';
  record_type: 'incident' | 'service_request' | null;
  record_id: number | null;
  record_number: string | null;
  organisation_id: number | null;
  supplier_id: number | null;
  event: string | null;
  audience: 'customer' | 'supplier' | 'staff';
  from_address: string;
  from_user_id: number | null;
  recipients: ColumnType<EmailRecipient[], string, string>;
  subject: string;
  body: string;
  reply_text: string | null;
  message_id: string | null;
  in_reply_to: string | null;
  reply_to_message: number | null;
  reply_token: string | null;
  state: EmailState;
  reason: string | null;
  attempts: Generated<number>;
  created_at: Stamp;
  sent_at: MaybeStamp;
  received_at: MaybeStamp;
  updated_at: Stamp;
}

export type EmailMessageRow = Selectable<EmailMessageTable>;

/** The e-mail log is this module's own table, kept out of the shared table types like the job queue's. */
export function emailTables(db: Tx) {
  return (db as Kysely<Tables>).withTables<{ email_message: EmailMessageTable }>();
}
