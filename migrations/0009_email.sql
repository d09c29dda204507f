-- E-mail in and out (docs/notifications.md): every notification n3sp sends about a record, and
-- every message it receives in reply, matched or not. A notification is stored in the transaction
-- that makes it necessary and sent by an 'email.send' job; a reply is stored in the transaction
-- that adds it to its record, or stored as rejected with the reason.
create table email_message (
  id bigint generated always as identity primary key,
  direction text not null check (direction in ('out', 'in')),
  -- The record the message is about: always for a notification; for a reply, the record of the
  -- notification it answers (none when it matched nothing).
  record_type text check (record_type in ('incident', 'service_request')),
  record_id bigint,
  record_number text,
  -- Tenancy, like the record's: the organisation it belongs to and the supplier it is handed to.
  organisation_id bigint references organisation (id),
  supplier_id bigint references supplier (id),
  -- Why a notification was sent: assignment, customer_update, warning, breach, resolution, …
  event text,
  -- Who may read it in the record's e-mail thread besides staff: the customer's side, the
  -- supplier's, or staff only (assignments, SLA warnings and breaches, rejected mail).
  audience text not null check (audience in ('customer', 'supplier', 'staff')),
  from_address text not null,
  -- The sender's account, when a reply came from an active user's address.
  from_user_id bigint references app_user (id),
  -- [{ "address": "…", "name": "…" }, …]
  recipients jsonb not null default '[]',
  subject text not null,
  -- The text as sent, or as received (quoted notification included, cut to a bounded length).
  body text not null,
  -- A reply's own words, the quoted notification removed: what its record was given.
  reply_text text,
  -- RFC 5322 Message-ID (without angle brackets), In-Reply-To, and for a reply the notification
  -- it was matched to.
  message_id text,
  in_reply_to text,
  reply_to_message bigint references email_message (id),
  -- The token in this notification's Reply-To address (reply+<token>@…): an HMAC, not a sequence.
  reply_token text,
  state text not null check (state in ('queued', 'sent', 'failed', 'received', 'rejected')),
  reason text,
  attempts integer not null default 0 check (attempts >= 0),
  created_at timestamptz(3) not null default now(),
  sent_at timestamptz(3),
  received_at timestamptz(3),
  updated_at timestamptz(3) not null default now(),
  constraint email_message_direction_state check (
    (direction = 'out' and state in ('queued', 'sent', 'failed')) or (direction = 'in' and state in ('received', 'rejected'))),
  constraint email_message_record check ((record_type is null) = (record_id is null)),
  constraint email_message_out_complete check (
    direction = 'in' or (record_type is not null and organisation_id is not null and event is not null and message_id is not null and reply_token is not null)),
  constraint email_message_reason check (state not in ('failed', 'rejected') or reason is not null),
  constraint email_message_sent check ((state = 'sent') = (sent_at is not null)),
  constraint email_message_received check ((direction = 'in') = (received_at is not null))
);

create unique index email_message_reply_token_key on email_message (reply_token) where reply_token is not null;
create unique index email_message_out_message_id_key on email_message (message_id) where direction = 'out';
-- A reply delivered twice (the sender's server retried after losing our answer) is stored once.
create unique index email_message_in_message_id_key on email_message (message_id) where direction = 'in' and message_id is not null;
create index email_message_record_idx on email_message (record_type, record_id, id);
create index email_message_organisation_idx on email_message (organisation_id, id);
create index email_message_supplier_idx on email_message (supplier_id, id) where supplier_id is not null;
create index email_message_created_idx on email_message (created_at, id);
