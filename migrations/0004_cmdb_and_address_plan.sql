-- The CMDB (configuration items and the typed relations between them) and the address plan
-- (private blocks carved into per-site prefixes). Both stand alone: sites, suppliers and
-- connections refer to them, not the other way round, so site_id and supplier_id carry no
-- foreign key here.

create table configuration_item (
  id bigint generated always as identity primary key,
  kind text not null,
  name text not null,
  external_ref text,
  organisation_id bigint references organisation (id),
  supplier_id bigint,
  site_id bigint,
  attributes jsonb not null default '{}',
  state text not null default 'live',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint configuration_item_kind_check check (kind in (
    'site_router', 'connection', 'pop', 'core_node', 'core_link', 'service', 'location', 'other')),
  constraint configuration_item_state_check check (state in ('planned', 'live', 'maintenance', 'retired')),
  constraint configuration_item_attributes_check check (jsonb_typeof(attributes) = 'object')
);
-- An external reference (a supplier's circuit reference, a router's hostname) names one CI of a kind.
create unique index configuration_item_external_ref_key on configuration_item (kind, external_ref) where external_ref is not null;
create index configuration_item_name_idx on configuration_item (name, id);
create index configuration_item_kind_idx on configuration_item (kind, name, id);
create index configuration_item_updated_idx on configuration_item (updated_at, id);
create index configuration_item_organisation_idx on configuration_item (organisation_id) where organisation_id is not null;
create index configuration_item_site_idx on configuration_item (site_id) where site_id is not null;
create index configuration_item_supplier_idx on configuration_item (supplier_id) where supplier_id is not null;
-- Impact analysis asks of every CI it passes whether it is retired: a probe into this (nearly
-- empty) index rather than a visit to the row.
create index configuration_item_retired_idx on configuration_item (id) where state = 'retired';

-- A relation reads "source <kind> target": a site router depends_on a connection. Only
-- depends_on carries failure; its redundancy_group marks alternatives (see docs/cmdb.md).
create table ci_relation (
  id bigint generated always as identity primary key,
  source_id bigint not null references configuration_item (id) on delete cascade,
  target_id bigint not null references configuration_item (id) on delete cascade,
  kind text not null,
  redundancy_group text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint ci_relation_kind_check check (kind in ('depends_on', 'connects_to', 'located_at', 'provided_by')),
  constraint ci_relation_no_self_loop check (source_id <> target_id),
  constraint ci_relation_group_check check (
    redundancy_group is null or (kind = 'depends_on' and length(redundancy_group) between 1 and 50)),
  constraint ci_relation_key unique (source_id, target_id, kind)
);
-- connects_to has no direction: A connects_to B and B connects_to A are the same relation.
create unique index ci_relation_connects_key on ci_relation (least(source_id, target_id), greatest(source_id, target_id)) where kind = 'connects_to';
-- The impact walk goes from a failed CI to what depends on it, then reads each dependant's groups;
-- the root-cause walk goes the other way. Both indexes cover their walk (index-only scans).
create index ci_relation_dependants_idx on ci_relation (target_id) include (source_id, redundancy_group) where kind = 'depends_on';
create index ci_relation_dependencies_idx on ci_relation (source_id) include (target_id, redundancy_group, id) where kind = 'depends_on';
create index ci_relation_target_idx on ci_relation (target_id, kind);

-- Blocks of private IPv4 space. Blocks never overlap one another (GiST over inet_ops is in
-- core PostgreSQL and in PGlite; no extension needed).
create table address_block (
  id bigint generated always as identity primary key,
  name text not null,
  range cidr not null,
  sizing jsonb,
  state text not null default 'open',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint address_block_name_key unique (name),
  constraint address_block_range_ref unique (id, range),
  constraint address_block_ipv4_check check (family(range) = 4),
  constraint address_block_state_check check (state in ('open', 'closed')),
  constraint address_block_sizing_check check (sizing is null or jsonb_typeof(sizing) = 'array'),
  constraint address_block_no_overlap exclude using gist (range inet_ops with &&)
);

-- A prefix given to a holder (a connection, by reference) until it is released. The block's
-- range is copied in under a composite foreign key, so "inside its block" is a plain CHECK; the
-- exclusion constraint makes overlapping live prefixes impossible, whatever the code does. The
-- allocator still locks the block row, so concurrent allocations queue instead of failing.
create table address_allocation (
  id bigint generated always as identity primary key,
  block_id bigint not null,
  block_range cidr not null,
  prefix cidr not null,
  holder text not null,
  purpose text not null default 'site_lan',
  organisation_id bigint references organisation (id),
  site_id bigint,
  allocated_at timestamptz(3) not null default now(),
  released_at timestamptz(3),
  updated_at timestamptz(3) not null default now(),
  version integer not null default 1,
  constraint address_allocation_block_fk foreign key (block_id, block_range) references address_block (id, range),
  constraint address_allocation_in_block check (prefix <<= block_range),
  constraint address_allocation_release_check check (released_at is null or released_at >= allocated_at),
  constraint address_allocation_no_overlap exclude using gist (prefix inet_ops with &&) where (released_at is null)
);
create unique index address_allocation_holder_key on address_allocation (holder, purpose) where released_at is null;
create index address_allocation_live_idx on address_allocation (block_id, prefix) where released_at is null;
create index address_allocation_block_idx on address_allocation (block_id, allocated_at, id);
create index address_allocation_organisation_idx on address_allocation (organisation_id) where organisation_id is not null;
