-- Monitoring intake and correlation (docs/monitoring.md): every payload a monitoring system
-- posted (kept whether it was read or refused, with the reason), the alerts in them (one row per
-- alert instance: source, fingerprint and start), the rules that map an alert's labels to a
-- configuration item, and the correlation groups that tie alerts to the incident n3sp opened or
-- updated for them. The correlation settings live in service_setting under the key 'monitoring'.

-- A payload as received, before anything was made of it: the inspection log of the intake.
create table alert_payload (
  id bigint generated always as identity primary key,
  -- 'alertmanager' (the webhook, version 4) or the source named in a generic event payload.
  source text not null check (source <> ''),
  endpoint text not null check (endpoint in ('alertmanager', 'events')),
  received_at timestamptz(3) not null default now(),
  -- The API token's user that posted it.
  received_by bigint references app_user (id),
  accepted boolean not null,
  -- Why it was refused: the field and what is wrong with it.
  reason text,
  -- Alerts in the payload, and how many of them changed an alert row (new, or now resolved).
  alert_count integer not null default 0,
  changed_count integer not null default 0,
  -- Alertmanager's groupKey, for finding a group's deliveries.
  group_key text,
  -- The body as sent (cut at 1 MiB; refused bodies are kept as text, they may not be JSON).
  body text not null,
  constraint alert_payload_reason_check check (accepted or reason is not null)
);
create index alert_payload_received_idx on alert_payload (received_at, id);
create index alert_payload_refused_idx on alert_payload (received_at, id) where not accepted;

-- Which labels name which configuration item, tried in `position` order: the first rule whose
-- label is present and whose value finds a CI maps the alert.
--   lookup 'ci'      : a CI whose external reference, or else name, is the value (of `ci_kind` if set)
--   lookup 'ci_id'   : the value is a CI's id
--   lookup 'circuit' : the connection whose circuit reference is the value → its CI
--   lookup 'site'    : the site whose ODS code is the value → its site router CI (or another CI of the site)
-- `pattern`, when set, is a regular expression whose first group is the value looked up
-- (e.g. '^([^:]+)' takes the host from instance="router1:9100").
create table alert_mapping_rule (
  id bigint generated always as identity primary key,
  position integer not null,
  label text not null check (label ~ '^[a-zA-Z_][a-zA-Z0-9_]*$'),
  lookup text not null check (lookup in ('ci', 'ci_id', 'circuit', 'site')),
  ci_kind text,
  pattern text,
  active boolean not null default true,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint alert_mapping_rule_position_key unique (position)
);

insert into alert_mapping_rule (position, label, lookup, ci_kind, pattern) values
  (10, 'n3sp_ci', 'ci_id', null, null),
  (20, 'circuit', 'circuit', null, null),
  (30, 'site', 'site', null, null),
  (40, 'pop', 'ci', 'pop', null),
  (50, 'instance', 'ci', null, '^([^:]+)');

-- What n3sp tracks for one incident it opened or updated from alerts: a site's incident, a lone
-- CI's incident, or a major incident on a shared upstream CI. Alerts belong to one group.
--   open     : alerts are firing
--   clearing : every alert has resolved; resolution is proposed and, if configured, due at resolve_due_at
--   cleared  : done with (resolved by n3sp or by a person, or the incident was closed)
create table alert_group (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('site', 'ci', 'major')),
  -- The CI the incident is about: the site's alerting CI, the lone CI, or the major incident's root.
  ci_id bigint not null references configuration_item (id),
  site_id bigint references site (id),
  incident_id bigint not null references incident (id),
  -- False when n3sp attached to an incident someone else logged: then it only proposes resolving it.
  opened_incident boolean not null,
  -- A site group whose incident was linked under a major incident.
  parent_group_id bigint references alert_group (id),
  -- Why a major incident: 'the root is alerting' or 'the only shared dependency'.
  reason text,
  state text not null default 'open' check (state in ('open', 'clearing', 'cleared')),
  cleared_at timestamptz(3),
  resolve_due_at timestamptz(3),
  organisation_id bigint references organisation (id),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  constraint alert_group_site_check check ((kind = 'site') = (site_id is not null))
);
-- One live group per major root, per site and per lone CI: a storm correlated by two processes
-- still makes one major incident (the correlation job also holds an advisory lock).
create unique index alert_group_major_key on alert_group (ci_id) where kind = 'major' and state <> 'cleared';
create unique index alert_group_site_key on alert_group (site_id) where kind = 'site' and state <> 'cleared';
create unique index alert_group_ci_key on alert_group (ci_id) where kind = 'ci' and state <> 'cleared';
create index alert_group_incident_idx on alert_group (incident_id);
create index alert_group_updated_idx on alert_group (updated_at, id);

-- One alert instance. Alertmanager identifies an alert by its fingerprint (a hash of its labels)
-- and an occurrence by startsAt: the same (source, fingerprint, starts_at) delivered again, by
-- a resend of the group or by a clustered peer, is the same row.
create table alert (
  id bigint generated always as identity primary key,
  source text not null,
  fingerprint text not null check (fingerprint <> ''),
  starts_at timestamptz(3) not null,
  status text not null check (status in ('firing', 'resolved')),
  ends_at timestamptz(3),
  alertname text not null default '',
  severity text,
  summary text,
  labels jsonb not null default '{}',
  annotations jsonb not null default '{}',
  generator_url text,
  -- The CI its labels mapped to (none: unmapped), and where that CI is.
  ci_id bigint references configuration_item (id),
  site_id bigint references site (id),
  organisation_id bigint references organisation (id),
  mapped_by text,
  first_payload_id bigint not null references alert_payload (id),
  last_payload_id bigint not null references alert_payload (id),
  received_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  -- Waiting for the correlation job (new, or newly resolved).
  pending boolean not null default true,
  group_id bigint references alert_group (id),
  -- A maintenance window covered it: no incident, the outage is planned.
  maintenance_window_id bigint,
  -- What correlation made of it, for the console: 'site incident', 'linked to major', 'unmapped', …
  disposition text,
  constraint alert_occurrence_key unique (source, fingerprint, starts_at),
  constraint alert_ends_check check (status = 'firing' or ends_at is not null)
);
create index alert_pending_idx on alert (id) where pending;
create index alert_firing_idx on alert (ci_id) where status = 'firing';
create index alert_ci_idx on alert (ci_id, starts_at, id);
create index alert_group_idx on alert (group_id);
create index alert_fingerprint_idx on alert (source, fingerprint, ends_at);
create index alert_starts_idx on alert (starts_at, id);
create index alert_updated_idx on alert (updated_at, id);
