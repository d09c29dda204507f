import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';

/**
 * E-mail notifications about a record, and replies to them (CONTRACT STUB: the notifications
 * module fills this in). `notify` is called inside the transaction that makes the notification
 * necessary; the message is sent by a background job after it commits.
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

export async function notify(_tx: Tx, _ctx: AppContext, _notification: Notification): Promise<void> {}

export interface EmailReply {
  recordType: 'incident' | 'service_request';
  recordId: number;
  /** The sender's address, and their account when an active user has that e-mail address. */
  from: string;
  fromUserId: number | null;
  /** The reply's own words, with the quoted notification removed. */
  text: string;
}

/** The module that owns a record type adds a reply to it (as a note), inside the intake's transaction. */
export type ReplyHandler = (tx: Tx, ctx: AppContext, reply: EmailReply) => Promise<void>;
const replyHandlers = new Map<string, ReplyHandler>();
export const emailReplies = {
  handle(recordType: EmailReply['recordType'], handler: ReplyHandler): void {
    replyHandlers.set(recordType, handler);
  },
  handlerFor(recordType: string): ReplyHandler | undefined {
    return replyHandlers.get(recordType);
  },
};
