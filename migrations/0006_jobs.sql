-- Durable background jobs (docs/jobs.md). A job is scheduled in the transaction that makes it
-- necessary, claimed by one worker at a time (FOR UPDATE SKIP LOCKED plus a lease), and marked
-- done in the same transaction as its handler's writes.
create table job (
  id bigint generated always as identity primary key,
  kind text not null check (kind <> ''),
  payload jsonb not null default '{}',
  run_at timestamptz(3) not null,
  state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed', 'cancelled')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts >= 1),
  last_error text,
  -- The worker holding the job and until when: a crashed worker's jobs are claimed again after it.
  locked_by text,
  locked_until timestamptz(3),
  -- One live (queued or running) job per key: scheduling the same timer twice yields one job.
  dedupe_key text,
  created_at timestamptz(3) not null default now(),
  finished_at timestamptz(3),
  constraint job_lease_only_while_running check ((state = 'running') = (locked_until is not null)),
  constraint job_finished_when_final check ((state in ('done', 'failed', 'cancelled')) = (finished_at is not null))
);

create unique index job_live_dedupe_key on job (dedupe_key) where dedupe_key is not null and state in ('queued', 'running');
create index job_due on job (run_at) where state = 'queued';
create index job_lease on job (locked_until) where state = 'running';
create index job_finished on job (finished_at) where finished_at is not null;
