-- The network inventory: the sites where connections terminate (most of them imported from the
-- NHS ODS files), each ODS import's report, the suppliers with their contracts, regions and
-- contacts, and the service catalogue with every supplier's prices.

-- A place with an address and a location. `ods_code` names the ODS record the site came from
-- (the practice's own code for its main site, the branch's code for a branch surgery); `source`
-- says which ODS file lists it, so a newer file can close what it no longer lists.
create table site (
  id bigint generated always as identity primary key,
  organisation_id bigint not null references organisation (id),
  ods_code text,
  source text,
  kind text not null,
  name text not null,
  address text[] not null default '{}',
  postcode text,
  latitude double precision,
  longitude double precision,
  state text not null default 'active',
  opened_on date,
  closed_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  constraint site_ods_code_key unique (ods_code),
  constraint site_kind_check check (kind in ('main', 'branch_surgery', 'hospital', 'data_centre', 'office', 'other')),
  constraint site_source_check check (source in ('epraccur', 'ebranchs')),
  constraint site_state_check check (state in ('active', 'retired', 'closed', 'dormant', 'proposed')),
  constraint site_located_check check ((latitude is null) = (longitude is null)),
  constraint site_dates_check check (closed_on is null or opened_on is null or closed_on >= opened_on)
);
create index site_organisation_idx on site (organisation_id);
create index site_name_idx on site (name, id);
create index site_postcode_idx on site (postcode);

-- One row per ODS import: who ran it, on what, and what it did (the report, rejected lines
-- included), so "where did this record come from" is answerable after the fact.
create table ods_import (
  id bigint generated always as identity primary key,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  actor_name text not null,
  practices_file text not null,
  branches_file text,
  report jsonb not null
);

create table supplier (
  id bigint generated always as identity primary key,
  code text not null,
  name text not null,
  kind text not null,
  state text not null default 'active',
  website text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  constraint supplier_code_key unique (code),
  constraint supplier_kind_check check (kind in ('access', 'carrier', 'hardware', 'services')),
  constraint supplier_state_check check (state in ('active', 'suspended', 'exited'))
);

-- The regions (organisations of kind 'region') a supplier serves.
create table supplier_region (
  supplier_id bigint not null references supplier (id) on delete cascade,
  region_id bigint not null references organisation (id),
  primary key (supplier_id, region_id)
);

-- The underpinning contracts with a supplier.
create table supplier_contract (
  id bigint generated always as identity primary key,
  supplier_id bigint not null references supplier (id),
  reference text not null,
  title text not null,
  starts_on date not null,
  ends_on date,
  notice_days integer not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  constraint supplier_contract_reference_key unique (supplier_id, reference),
  constraint supplier_contract_dates_check check (ends_on is null or ends_on >= starts_on),
  constraint supplier_contract_notice_check check (notice_days >= 0)
);

create table supplier_contact (
  id bigint generated always as identity primary key,
  supplier_id bigint not null references supplier (id),
  name text not null,
  role text not null,
  email text,
  phone text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1
);
create index supplier_contact_supplier_idx on supplier_contact (supplier_id);

-- A service class: what availability and fix times a product promises. fix_minutes[p] is the
-- time to fix an incident of priority p (1 = most urgent).
create table service_class (
  id bigint generated always as identity primary key,
  code text not null,
  name text not null,
  availability_target numeric(6, 3) not null,
  fix_minutes integer[] not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  constraint service_class_code_key unique (code),
  constraint service_class_availability_check check (availability_target > 0 and availability_target <= 100),
  constraint service_class_fix_check check (cardinality(fix_minutes) between 1 and 5 and 0 < all (fix_minutes))
);

-- The service catalogue: connection offers and the services that are not connections.
create table product (
  id bigint generated always as identity primary key,
  code text not null,
  name text not null,
  kind text not null,
  access_technology text,
  bandwidth_down_kbps integer,
  bandwidth_up_kbps integer,
  resilience text,
  service_class_id bigint not null references service_class (id),
  description text,
  state text not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  constraint product_code_key unique (code),
  constraint product_kind_check check (kind in ('connection', 'service')),
  constraint product_state_check check (state in ('active', 'withdrawn')),
  constraint product_technology_check check (access_technology in ('adsl', 'fttc', 'fttp', 'ethernet_copper', 'ethernet_fibre', 'mobile', 'satellite')),
  constraint product_resilience_check check (resilience in ('single', 'resilient')),
  constraint product_connection_check check (
    (kind = 'connection') = (access_technology is not null and bandwidth_down_kbps is not null and bandwidth_up_kbps is not null and resilience is not null)
    and (kind = 'connection' or (access_technology is null and bandwidth_down_kbps is null and bandwidth_up_kbps is null and resilience is null))),
  constraint product_bandwidth_check check (bandwidth_down_kbps > 0 and bandwidth_up_kbps > 0)
);
create index product_service_class_idx on product (service_class_id);

-- A supplier's price book: what a product costs from this supplier, in a region (or every
-- region it serves when region_id is null), over a validity period.
create table supplier_price (
  id bigint generated always as identity primary key,
  supplier_id bigint not null references supplier (id),
  product_id bigint not null references product (id),
  region_id bigint references organisation (id),
  install_charge numeric(12, 2) not null,
  annual_rental numeric(12, 2) not null,
  lead_time_days integer not null,
  valid_from date not null,
  valid_to date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  constraint supplier_price_money_check check (install_charge >= 0 and annual_rental >= 0),
  constraint supplier_price_lead_time_check check (lead_time_days >= 0),
  constraint supplier_price_dates_check check (valid_to is null or valid_to >= valid_from)
);
create index supplier_price_supplier_idx on supplier_price (supplier_id, product_id, region_id, valid_from);
create index supplier_price_product_idx on supplier_price (product_id);
