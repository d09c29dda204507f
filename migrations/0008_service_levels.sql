-- Service level management (ISO/IEC 20000-1 8.3.3): business calendars, the SLA, OLA and
-- underpinning definitions, and the clocks that run on incidents and service requests against
-- them. How definitions are chosen and clocks fired: docs/service-levels.md.

-- When business time counts: weekly opening hours in a time zone (or round the clock), the
-- published bank holidays of one UK division (read at run time from the government's file), and
-- closures an administrator adds. The name is what definitions and clocks refer to: never renamed.
create table business_calendar (
  id bigint generated always as identity primary key,
  name text not null check (name ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  description text not null default '',
  time_zone text not null default 'Europe/London',
  -- The JSON string "24x7", or {"monday": [{"opens": "08:00", "closes": "18:30"}], …, "sunday": []}.
  hours jsonb not null,
  bank_holidays text check (bank_holidays in ('england-and-wales', 'scotland', 'northern-ireland')),
  -- [{"kind": "dates", "from": "2026-12-29", "to": "2026-12-31", "title": …} | {"kind": "period", "start": <epoch ms>, "end": …, "title": …}]
  closures jsonb not null default '[]',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint business_calendar_name_key unique (name)
);

-- What is promised: to the customer (sla), by an internal team (ola), by a supplier
-- (underpinning). Targets per priority: [{"priority": "P1", "calendar": "24x7" | null,
-- "responseMs": 900000 | null, "resolutionMs": 18000000}], a null calendar meaning the
-- definition's own. Limits narrow where it applies; the most specific active one wins.
create table sla_definition (
  id bigint generated always as identity primary key,
  code text not null check (code ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
  name text not null check (name <> ''),
  description text not null default '',
  kind text not null check (kind in ('sla', 'ola', 'underpinning')),
  record_type text not null check (record_type in ('incident', 'service_request')),
  organisation_id bigint references organisation (id),
  team_id bigint references team (id),
  supplier_id bigint references supplier (id),
  service_class_id bigint references service_class (id),
  calendar_id bigint not null references business_calendar (id),
  warning_fraction numeric(4, 3) not null default 0.75 check (warning_fraction > 0 and warning_fraction <= 1),
  targets jsonb not null,
  active boolean not null default true,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint sla_definition_code_key unique (code),
  constraint sla_definition_team_check check (kind = 'ola' or team_id is null),
  constraint sla_definition_supplier_check check (kind = 'underpinning' or supplier_id is null)
);
-- One active definition per kind, record type and set of limits, so "most specific" never ties.
create unique index sla_definition_limits_key on sla_definition
  (kind, record_type, coalesce(organisation_id, 0), coalesce(team_id, 0), coalesce(supplier_id, 0), coalesce(service_class_id, 0)) where active;

-- Each record with clocks, as the clocks last saw it: what chose its definitions, and whether it
-- has been responded to, resolved or cancelled. Its row is locked by every clock change of the
-- record, so two changes to one record's clocks never interleave.
create table sla_subject (
  record_type text not null check (record_type in ('incident', 'service_request')),
  record_id bigint not null,
  record_number text not null,
  organisation_id bigint not null references organisation (id),
  team_id bigint references team (id),
  supplier_id bigint references supplier (id),
  product_id bigint references product (id),
  priority text not null,
  -- Waiting on the customer since: a clock started meanwhile starts paused.
  paused_since timestamptz(3),
  responded_at timestamptz(3),
  resolved_at timestamptz(3),
  cancelled_at timestamptz(3),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  primary key (record_type, record_id)
);

-- One clock per record, definition and metric: the pure clock's timeline in `events` (epoch
-- milliseconds; a calendarChanged event carries the calendar's snapshot) and, cached from its
-- last evaluation, the figures SQL sorts and counts by. warned_at and breached_at are set once,
-- by the warning and breach jobs. organisation_id and supplier_id are copied for tenancy: the
-- record's organisation; the supplier holding the record (sla, ola) or under contract (underpinning).
create table sla_clock (
  id bigint generated always as identity primary key,
  record_type text not null,
  record_id bigint not null,
  definition_id bigint not null references sla_definition (id),
  kind text not null check (kind in ('sla', 'ola', 'underpinning')),
  metric text not null check (metric in ('response', 'resolution')),
  priority text not null,
  organisation_id bigint not null references organisation (id),
  supplier_id bigint references supplier (id),
  team_id bigint references team (id),
  -- The calendar in force now, whose edits reach the clock; `calendar` is the one it started in.
  calendar_id bigint not null references business_calendar (id),
  calendar jsonb not null,
  target_ms bigint not null check (target_ms > 0),
  warning_fraction numeric(4, 3) not null check (warning_fraction > 0 and warning_fraction <= 1),
  events jsonb not null,
  state text not null check (state in ('running', 'warning', 'paused', 'met', 'breached', 'cancelled')),
  elapsed_ms bigint not null default 0,
  paused_ms bigint not null default 0,
  due_at timestamptz(3),
  warn_at timestamptz(3),
  started_at timestamptz(3) not null,
  stopped_at timestamptz(3),
  warned_at timestamptz(3),
  breached_at timestamptz(3),
  -- The instant the cached figures were read at.
  evaluated_at timestamptz(3) not null,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  constraint sla_clock_subject_fkey foreign key (record_type, record_id) references sla_subject (record_type, record_id)
);
create index sla_clock_record_idx on sla_clock (record_type, record_id, id);
create index sla_clock_organisation_idx on sla_clock (organisation_id, id);
create index sla_clock_supplier_idx on sla_clock (supplier_id, id) where supplier_id is not null;
create index sla_clock_running_calendar_idx on sla_clock (calendar_id) where stopped_at is null;
create index sla_clock_definition_idx on sla_clock (definition_id);
create index sla_clock_breached_idx on sla_clock (breached_at) where breached_at is not null;
create index sla_clock_stopped_idx on sla_clock (stopped_at) where stopped_at is not null;

-- A fresh database has working clocks: round the clock, the desk's office hours, and a standard
-- customer SLA for incidents (DEFAULT_PRIORITY_TARGETS: P1 resolved within 5 hours, 24x7) and one
-- for service requests (working days on office hours).
insert into business_calendar (name, description, time_zone, hours, bank_holidays) values
  ('24x7', 'Round the clock, every day of the year', 'Europe/London', '"24x7"', null),
  ('office-hours', 'The service desk: Monday to Friday 08:00 to 18:30 London time, shut on England and Wales bank holidays', 'Europe/London',
   '{"monday": [{"opens": "08:00", "closes": "18:30"}], "tuesday": [{"opens": "08:00", "closes": "18:30"}], "wednesday": [{"opens": "08:00", "closes": "18:30"}],
     "thursday": [{"opens": "08:00", "closes": "18:30"}], "friday": [{"opens": "08:00", "closes": "18:30"}], "saturday": [], "sunday": []}',
   'england-and-wales');

insert into sla_definition (code, name, description, kind, record_type, calendar_id, warning_fraction, targets)
select 'INCIDENT-STANDARD', 'Standard incident service level',
  'Severity 1 resolved within 5 hours round the clock; the other priorities in office hours', 'sla', 'incident', id, 0.75,
  '[{"priority": "P1", "calendar": "24x7", "responseMs": 900000, "resolutionMs": 18000000},
    {"priority": "P2", "calendar": null, "responseMs": 1800000, "resolutionMs": 28800000},
    {"priority": "P3", "calendar": null, "responseMs": 7200000, "resolutionMs": 86400000},
    {"priority": "P4", "calendar": null, "responseMs": 14400000, "resolutionMs": 216000000},
    {"priority": "P5", "calendar": null, "responseMs": 28800000, "resolutionMs": 432000000}]'
from business_calendar where name = 'office-hours';

insert into sla_definition (code, name, description, kind, record_type, calendar_id, warning_fraction, targets)
select 'REQUEST-STANDARD', 'Standard service request fulfilment',
  'Acknowledged within a working day at most; fulfilled within 2 to 20 working days by priority, in office hours', 'sla', 'service_request', id, 0.75,
  '[{"priority": "P1", "calendar": null, "responseMs": 3600000, "resolutionMs": 75600000},
    {"priority": "P2", "calendar": null, "responseMs": 7200000, "resolutionMs": 113400000},
    {"priority": "P3", "calendar": null, "responseMs": 14400000, "resolutionMs": 189000000},
    {"priority": "P4", "calendar": null, "responseMs": 28800000, "resolutionMs": 378000000},
    {"priority": "P5", "calendar": null, "responseMs": 28800000, "resolutionMs": 756000000}]'
from business_calendar where name = 'office-hours';
