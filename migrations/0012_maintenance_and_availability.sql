-- Maintenance windows (planned work on configuration items over a period) and outages (each loss
-- of service of a connection, with its start and end), from which availability is measured
-- (ISO/IEC 20000-1 8.7.1; docs/availability.md).

-- Planned work. What suppresses incidents and counts as planned downtime is the period of any
-- window that is not cancelled; `state` is what the service manager records of the work.
create table maintenance_window (
  id bigint generated always as identity primary key,
  title text not null check (title <> ''),
  description text not null default '',
  starts_at timestamptz(3) not null,
  ends_at timestamptz(3) not null,
  state text not null default 'planned',
  -- The request for change the work carries out (change management will fill this in).
  change_reference text,
  created_by bigint references app_user (id),
  created_by_name text not null,
  -- When the covered CIs below were last worked out from the CMDB graph.
  covered_at timestamptz(3) not null default now(),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint maintenance_window_state_check check (state in ('planned', 'in_progress', 'completed', 'cancelled')),
  constraint maintenance_window_period_check check (ends_at > starts_at)
);
create index maintenance_window_starts_idx on maintenance_window (starts_at, id);
create index maintenance_window_period_idx on maintenance_window using gist (tstzrange(starts_at, ends_at)) where state <> 'cancelled';

-- The CIs the work is on.
create table maintenance_window_ci (
  window_id bigint not null references maintenance_window (id) on delete cascade,
  ci_id bigint not null constraint maintenance_window_ci_ci_fkey references configuration_item (id),
  primary key (window_id, ci_id)
);
create index maintenance_window_ci_ci_idx on maintenance_window_ci (ci_id);

-- Everything the work takes down: the window's CIs and every CI that fails with them under the
-- CMDB's resilience rule (docs/cmdb.md), each with the window CI it fails through. Worked out when
-- the window is created or changed, so monitoring's lookup during an alert storm is one probe.
create table maintenance_window_cover (
  window_id bigint not null references maintenance_window (id) on delete cascade,
  ci_id bigint not null references configuration_item (id) on delete cascade,
  origin_ci_id bigint not null,
  depth integer not null,
  primary key (window_id, ci_id)
);
create index maintenance_window_cover_ci_idx on maintenance_window_cover (ci_id, window_id);

-- A connection's CI, for the joins from CMDB coverage to connections.
create index connection_ci_idx on connection (ci_id) where ci_id is not null;

-- A loss of service of a connection, from an alert, an incident or maintenance. The organisation
-- and supplier are copied from the connection, so tenancy filters this row alone. `ended_at` is
-- null while it lasts; a voided outage (recorded in error, its incident cancelled) is kept for
-- the record and counts for nothing.
create table outage (
  id bigint generated always as identity primary key,
  connection_id bigint not null references connection (id),
  organisation_id bigint not null references organisation (id),
  supplier_id bigint references supplier (id),
  started_at timestamptz(3) not null,
  ended_at timestamptz(3),
  -- Started inside a maintenance window covering the connection (that window, if so). The
  -- availability report decides planned time from the windows themselves, instant by instant.
  planned boolean not null default false,
  maintenance_window_id bigint references maintenance_window (id),
  cause_kind text not null,
  -- Alerts belong to monitoring; their id is kept without a foreign key, as the CMDB keeps sites.
  alert_id bigint,
  incident_id bigint references incident (id),
  corrected_at timestamptz(3),
  voided_at timestamptz(3),
  void_reason text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint outage_cause_kind_check check (cause_kind in ('alert', 'incident', 'maintenance')),
  constraint outage_cause_check check (
    (cause_kind = 'alert') = (alert_id is not null)
    and (cause_kind = 'incident') = (incident_id is not null)
    and (cause_kind <> 'maintenance' or maintenance_window_id is not null)),
  constraint outage_period_check check (ended_at is null or ended_at >= started_at),
  constraint outage_void_check check ((voided_at is null) = (void_reason is null)),
  -- One cause never holds two overlapping outages of one connection (a single point range
  -- overlaps only itself: equality through GiST without the btree_gist extension).
  constraint outage_alert_once exclude using gist (
    int8range(alert_id, alert_id, '[]') with &&, int8range(connection_id, connection_id, '[]') with &&, tstzrange(started_at, ended_at) with &&)
    where (alert_id is not null and voided_at is null),
  constraint outage_incident_once exclude using gist (
    int8range(incident_id, incident_id, '[]') with &&, int8range(connection_id, connection_id, '[]') with &&, tstzrange(started_at, ended_at) with &&)
    where (incident_id is not null and voided_at is null),
  constraint outage_maintenance_once exclude using gist (
    int8range(maintenance_window_id, maintenance_window_id, '[]') with &&, int8range(connection_id, connection_id, '[]') with &&, tstzrange(started_at, ended_at) with &&)
    where (cause_kind = 'maintenance' and voided_at is null)
);
create index outage_connection_idx on outage (connection_id, started_at);
create index outage_started_idx on outage (started_at, id);
create index outage_organisation_idx on outage (organisation_id, started_at);
create index outage_supplier_idx on outage (supplier_id, started_at) where supplier_id is not null;
create index outage_incident_idx on outage (incident_id) where incident_id is not null;
create index outage_alert_idx on outage (alert_id) where alert_id is not null;
create index outage_window_idx on outage (maintenance_window_id) where maintenance_window_id is not null;
-- The report's question: which outages overlap the period (an open one reaches to infinity).
create index outage_period_idx on outage using gist (tstzrange(started_at, ended_at)) where voided_at is null;
