-- Connections (one site's circuit, with its validated lifecycle and the quotes it was chosen
-- from) and the roll-out programme's targets. The organisation and region are copied from the
-- site when the connection is requested, so tenancy and the roll-out report filter on one row.

create table connection (
  id bigint generated always as identity primary key,
  site_id bigint not null references site (id),
  organisation_id bigint not null references organisation (id),
  region_id bigint references organisation (id),
  product_id bigint not null references product (id),
  -- 1, or 2 for the second access of a resilient pair.
  leg smallint not null default 1,
  supplier_id bigint references supplier (id),
  price_id bigint references supplier_price (id),
  circuit_reference text,
  pop_ci_id bigint references configuration_item (id),
  ci_id bigint references configuration_item (id),
  state text not null default 'requested',
  contract_years integer not null default 3,
  install_charge numeric(12, 2),
  annual_rental numeric(12, 2),
  lead_time_days integer,
  expected_live_on date,
  choice_reason text,
  requested_on date not null,
  quoted_on date,
  ordered_on date,
  surveyed_on date,
  installed_on date,
  live_on date,
  ceased_on date,
  cancelled_on date,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint connection_state_check check (state in ('requested', 'quoted', 'ordered', 'surveyed', 'installed', 'live', 'ceased', 'cancelled')),
  constraint connection_leg_check check (leg in (1, 2)),
  constraint connection_contract_years_check check (contract_years between 1 and 10),
  constraint connection_ordered_check check (state in ('requested', 'quoted', 'cancelled') or (supplier_id is not null and ordered_on is not null)),
  constraint connection_installed_check check (state not in ('installed', 'live', 'ceased') or circuit_reference is not null)
);
-- At most one open connection per site and leg: a site has one, or two for a resilient product.
create unique index connection_site_leg_key on connection (site_id, leg) where state not in ('ceased', 'cancelled');
create unique index connection_circuit_key on connection (supplier_id, circuit_reference) where circuit_reference is not null;
create index connection_organisation_idx on connection (organisation_id);
create index connection_supplier_idx on connection (supplier_id) where supplier_id is not null;
create index connection_state_idx on connection (state, id);
create index connection_updated_idx on connection (updated_at, id);
create index connection_region_idx on connection (region_id);

-- Every quote a connection was offered, with its best-value breakdown; one is chosen on order.
create table connection_quote (
  id bigint generated always as identity primary key,
  connection_id bigint not null references connection (id) on delete cascade,
  supplier_id bigint not null references supplier (id),
  price_id bigint not null references supplier_price (id),
  install_charge numeric(12, 2) not null,
  annual_rental numeric(12, 2) not null,
  lead_time_days integer not null,
  contract_years integer not null,
  total_cost numeric(14, 2) not null,
  lead_time_penalty numeric(14, 2) not null,
  delivery_factor numeric(6, 4) not null,
  score numeric(14, 2) not null,
  rank integer not null,
  chosen boolean not null default false,
  quoted_at timestamptz(3) not null default now()
);
create index connection_quote_connection_idx on connection_quote (connection_id, rank);

-- A roll-out target: so many connections live by a date, for the programme or one region or supplier.
create table rollout_target (
  id bigint generated always as identity primary key,
  name text not null,
  target_count integer not null,
  starts_on date not null,
  target_on date not null,
  region_id bigint references organisation (id),
  supplier_id bigint references supplier (id),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint rollout_target_name_key unique (name),
  constraint rollout_target_count_check check (target_count > 0),
  constraint rollout_target_dates_check check (target_on > starts_on)
);
