-- Service request management (ISO/IEC 20000-1 8.6.2): what the module needs beyond 0007.

-- Each fulfilment task is one step of its kind's plan ('survey', 'cease_circuit', ...): the step
-- says which connection state completes it by itself and whether it may be skipped.
alter table request_task add column step text not null default 'manual' check (step ~ '^[a-z_]+$');
alter table request_task add column skipped_reason text;
alter table request_task add constraint request_task_skipped_check check ((state = 'skipped') = (skipped_reason is not null));
alter table request_task add constraint request_task_completed_check check ((state = 'open') = (completed_at is null));
create index request_task_assignee_idx on request_task (assignee_id) where assignee_id is not null and state = 'open';

-- Why and when a request was cancelled; a rejection always carries its reason.
alter table service_request add column cancelled_at timestamptz(3);
alter table service_request add column cancellation_reason text;
alter table service_request add constraint service_request_rejected_check check (state <> 'rejected' or rejection_reason is not null);
alter table service_request add constraint service_request_cancelled_check check ((state = 'cancelled') = (cancelled_at is not null and cancellation_reason is not null));
alter table service_request add constraint service_request_fulfilled_check check (state not in ('fulfilled', 'closed') or fulfilled_at is not null);
create index service_request_team_idx on service_request (team_id, state) where team_id is not null;
create index service_request_due_idx on service_request (sla_due_at, id);

-- Full-text search reaches the notes too (a customer's search only the notes they may see).
alter table service_request_note add column search tsvector generated always as (to_tsvector('english', body)) stored;
create index service_request_note_search_idx on service_request_note using gin (search);
