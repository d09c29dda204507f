-- The platform base: organisations, people, sessions and tokens, idempotent creates, and the
-- journal that is at once every record's history and the hash-chained audit trail.
--
-- Timestamps are kept to the millisecond (timestamptz(3)): list cursors carry them as JavaScript
-- dates, and a value the cursor cannot represent exactly would make keyset pages skip or repeat.

create table organisation (
  id bigint generated always as identity primary key,
  ods_code text not null,
  name text not null,
  kind text not null,
  parent_id bigint references organisation (id),
  region text,
  postcode text,
  state text not null default 'active',
  opened_on date,
  closed_on date,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint organisation_ods_code_key unique (ods_code),
  constraint organisation_kind_check check (kind in (
    'network_provider', 'region', 'commissioner', 'trust', 'gp_practice', 'out_of_hours',
    'walk_in_centre', 'pharmacy', 'other_prescribing', 'other')),
  constraint organisation_state_check check (state in ('active', 'retired', 'closed', 'dormant', 'proposed')),
  constraint organisation_not_own_parent check (parent_id is distinct from id)
);
create index organisation_parent_idx on organisation (parent_id);
create index organisation_name_idx on organisation (name, id);
create index organisation_lower_name_idx on organisation (lower(name) text_pattern_ops);

create table app_user (
  id bigint generated always as identity primary key,
  username text not null,
  display_name text not null,
  email text,
  password_hash text,
  roles text[] not null,
  supplier_id bigint,
  active boolean not null default true,
  oidc_issuer text,
  oidc_subject text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint app_user_roles_check check (cardinality(roles) > 0 and roles <@ array[
    'administrator', 'service_desk_agent', 'service_manager', 'change_approver',
    'programme_manager', 'auditor', 'customer', 'supplier']::text[])
);
create unique index app_user_username_key on app_user (lower(username));
create unique index app_user_oidc_key on app_user (oidc_issuer, oidc_subject) where oidc_subject is not null;

-- The organisations a customer user may see (each with its children).
create table user_organisation (
  user_id bigint not null references app_user (id) on delete cascade,
  organisation_id bigint not null references organisation (id),
  primary key (user_id, organisation_id)
);
create index user_organisation_org_idx on user_organisation (organisation_id);

-- Session cookies and API tokens are stored only as SHA-256 digests: they are long random
-- secrets, so a slow password hash would add nothing but a cost to every request.
create table user_session (
  id text primary key,
  user_id bigint not null references app_user (id) on delete cascade,
  csrf_token text not null,
  via text not null default 'password',
  ip text,
  user_agent text,
  created_at timestamptz(3) not null default now(),
  expires_at timestamptz(3) not null
);
create index user_session_user_idx on user_session (user_id);

create table api_token (
  id bigint generated always as identity primary key,
  user_id bigint not null references app_user (id) on delete cascade,
  name text not null,
  secret_digest text not null,
  scopes text[] not null,
  created_at timestamptz(3) not null default now(),
  expires_at timestamptz(3),
  revoked_at timestamptz(3),
  last_used_at timestamptz(3),
  version integer not null default 1,
  constraint api_token_secret_key unique (secret_digest)
);
create index api_token_user_idx on api_token (user_id);

create table failed_login (
  id bigint generated always as identity primary key,
  at timestamptz(3) not null default now(),
  username text not null,
  ip text not null
);
create index failed_login_user_idx on failed_login (lower(username), at);
create index failed_login_ip_idx on failed_login (ip, at);

create table idempotency_key (
  principal text not null,
  key text not null,
  request_digest text not null,
  status integer,
  body jsonb,
  created_at timestamptz(3) not null default now(),
  primary key (principal, key)
);

-- One row per change of any record, and per security event. The application seals each row
-- (an HMAC over its content, keyed outside the database) in the writing transaction; a chainer
-- then links rows in commit order, in batches, so no request waits on a global lock.
create table journal (
  id bigint generated always as identity primary key,
  nonce uuid not null,
  at timestamptz(3) not null,
  actor_id bigint,
  actor_name text not null,
  action text not null,
  entity_type text not null,
  entity_id text not null,
  organisation_id bigint,
  supplier_id bigint,
  summary text,
  changes jsonb not null,
  seal text not null,
  chain_seq bigint,
  prev_hash text,
  chain_hash text,
  constraint journal_nonce_key unique (nonce),
  constraint journal_chain_seq_key unique (chain_seq)
);
create index journal_entity_idx on journal (entity_type, entity_id, id);
create index journal_unchained_idx on journal (id) where chain_seq is null;

create table journal_chain_head (
  singleton boolean primary key default true check (singleton),
  last_seq bigint not null,
  last_hash text not null,
  updated_at timestamptz(3) not null default now()
);
