-- Incident management (ISO/IEC 20000-1 8.6.1) and service request management (8.6.2): the
-- service desk's teams, the records, their notes and linked configuration items. The service
-- level clocks that run on these records live in the service-levels tables (0008).

-- Settings an administrator changes at run time (the priority matrix, the reopen window), kept as
-- versioned JSON so a change is journalled and concurrent edits need If-Match like any record.
create table service_setting (
  key text primary key check (key <> ''),
  value jsonb not null,
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1
);

-- Resolver groups: the service desk, network operations, provisioning. An incident is assigned to
-- a team, and optionally to one of its members.
create table team (
  id bigint generated always as identity primary key,
  code text not null check (code ~ '^[a-z0-9][a-z0-9-]*$'),
  name text not null check (name <> ''),
  email text,
  active boolean not null default true,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint team_code_key unique (code)
);

create table team_member (
  team_id bigint not null references team (id),
  user_id bigint not null references app_user (id),
  primary key (team_id, user_id)
);
create index team_member_user_idx on team_member (user_id);

create sequence incident_number_seq;

create table incident (
  id bigint generated always as identity primary key,
  -- INC0000001: the number people quote on the telephone and in e-mail subjects.
  number text not null default 'INC' || lpad(nextval('incident_number_seq')::text, 7, '0'),
  title text not null check (title <> ''),
  description text not null default '',
  -- How it reached the desk: an agent logged it, a customer reported it in the portal, it came by
  -- e-mail, or monitoring raised it.
  source text not null default 'agent' check (source in ('agent', 'portal', 'email', 'monitoring')),
  caller_id bigint references app_user (id),
  caller_name text,
  caller_email text,
  organisation_id bigint not null references organisation (id),
  site_id bigint references site (id),
  connection_id bigint references connection (id),
  category text not null,
  impact text not null,
  urgency text not null,
  priority text not null,
  state text not null default 'new',
  team_id bigint references team (id),
  assignee_id bigint references app_user (id),
  -- Handed to a supplier: their engineers see it while this is set, and accept it.
  supplier_id bigint references supplier (id),
  supplier_reference text,
  handed_off_at timestamptz(3),
  supplier_accepted_at timestamptz(3),
  resolution_code text,
  resolution_notes text,
  responded_at timestamptz(3),
  resolved_at timestamptz(3),
  closed_at timestamptz(3),
  cancelled_at timestamptz(3),
  reopen_count integer not null default 0,
  -- A major incident is the parent of the incidents linked to it; any parent's updates fan out
  -- to its children and its resolution resolves them.
  major boolean not null default false,
  parent_id bigint references incident (id),
  -- The resolution clock's due instant, copied here so the queue sorts by it with an index;
  -- 'infinity' while no clock is running towards a due time (paused, stopped, none).
  sla_due_at timestamptz(3) not null default 'infinity',
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(number, '') || ' ' || title), 'A') || setweight(to_tsvector('english', description), 'B')
  ) stored,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint incident_number_key unique (number),
  constraint incident_state_check check (state in ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_supplier', 'resolved', 'closed', 'cancelled')),
  constraint incident_not_own_parent check (parent_id is null or parent_id <> id),
  constraint incident_resolved_check check (state not in ('resolved', 'closed') or (resolved_at is not null and resolution_code is not null)),
  constraint incident_closed_check check ((state = 'closed') = (closed_at is not null)),
  constraint incident_supplier_check check (state <> 'pending_supplier' or supplier_id is not null)
);
create index incident_organisation_idx on incident (organisation_id, id);
create index incident_supplier_idx on incident (supplier_id, id) where supplier_id is not null;
create index incident_queue_idx on incident (state, sla_due_at, id);
create index incident_due_idx on incident (sla_due_at, id);
create index incident_updated_idx on incident (updated_at, id);
create index incident_created_idx on incident (created_at, id);
create index incident_team_idx on incident (team_id, state) where team_id is not null;
create index incident_assignee_idx on incident (assignee_id, state) where assignee_id is not null;
create index incident_parent_idx on incident (parent_id) where parent_id is not null;
create index incident_site_idx on incident (site_id) where site_id is not null;
create index incident_search_idx on incident using gin (search);

create table incident_ci (
  incident_id bigint not null references incident (id),
  ci_id bigint not null references configuration_item (id),
  primary key (incident_id, ci_id)
);
create index incident_ci_ci_idx on incident_ci (ci_id);

-- What people wrote on an incident. Customer-visible notes (updates, questions, answers) reach
-- the caller; work notes stay with the desk and the supplier it is handed to.
create table incident_note (
  id bigint generated always as identity primary key,
  incident_id bigint not null references incident (id),
  kind text not null check (kind in ('comment', 'work_note', 'question', 'answer', 'resolution', 'major_update')),
  customer_visible boolean not null,
  body text not null check (body <> ''),
  author_id bigint references app_user (id),
  author_name text not null,
  source text not null default 'web' check (source in ('web', 'api', 'email', 'system')),
  search tsvector generated always as (to_tsvector('english', body)) stored,
  created_at timestamptz(3) not null default now()
);
create index incident_note_incident_idx on incident_note (incident_id, id);
create index incident_note_search_idx on incident_note using gin (search);

create sequence service_request_number_seq;

-- A request from the catalogue: a new connection, a bandwidth upgrade, a move, a cease, access.
create table service_request (
  id bigint generated always as identity primary key,
  number text not null default 'REQ' || lpad(nextval('service_request_number_seq')::text, 7, '0'),
  kind text not null check (kind in ('new_connection', 'bandwidth_upgrade', 'move', 'cease', 'access')),
  title text not null check (title <> ''),
  description text not null default '',
  requester_id bigint references app_user (id),
  requester_name text,
  organisation_id bigint not null references organisation (id),
  site_id bigint references site (id),
  product_id bigint references product (id),
  connection_id bigint references connection (id),
  details jsonb not null default '{}',
  priority text not null default 'P4',
  state text not null default 'submitted',
  approval_required boolean not null default false,
  approved_by bigint references app_user (id),
  approved_at timestamptz(3),
  rejection_reason text,
  team_id bigint references team (id),
  assignee_id bigint references app_user (id),
  fulfilled_at timestamptz(3),
  closed_at timestamptz(3),
  sla_due_at timestamptz(3) not null default 'infinity',
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(number, '') || ' ' || title), 'A') || setweight(to_tsvector('english', description), 'B')
  ) stored,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint service_request_number_key unique (number),
  constraint service_request_state_check check (state in ('submitted', 'awaiting_approval', 'approved', 'rejected', 'in_fulfilment', 'fulfilled', 'closed', 'cancelled'))
);
create index service_request_organisation_idx on service_request (organisation_id, id);
create index service_request_state_idx on service_request (state, sla_due_at, id);
create index service_request_created_idx on service_request (created_at, id);
create index service_request_updated_idx on service_request (updated_at, id);
create index service_request_connection_idx on service_request (connection_id) where connection_id is not null;
create index service_request_search_idx on service_request using gin (search);

-- The steps that fulfil a request, each with its own team and state.
create table request_task (
  id bigint generated always as identity primary key,
  request_id bigint not null references service_request (id),
  position integer not null,
  title text not null check (title <> ''),
  team_id bigint references team (id),
  assignee_id bigint references app_user (id),
  state text not null default 'open' check (state in ('open', 'done', 'skipped')),
  completed_at timestamptz(3),
  completed_by bigint references app_user (id),
  notes text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint request_task_position_key unique (request_id, position)
);

create table service_request_note (
  id bigint generated always as identity primary key,
  request_id bigint not null references service_request (id),
  customer_visible boolean not null,
  body text not null check (body <> ''),
  author_id bigint references app_user (id),
  author_name text not null,
  source text not null default 'web' check (source in ('web', 'api', 'email', 'system')),
  created_at timestamptz(3) not null default now()
);
create index service_request_note_request_idx on service_request_note (request_id, id);

-- Whether a catalogue product's requests need approval before fulfilment, and who approves.
alter table product add column requires_approval boolean not null default false;
