import type { ColumnType, Generated } from 'kysely';

/** Columns the database fills in, and timestamps (written as Date or SQL, read as Date). */
type Id = Generated<number>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface OrganisationTable {
  id: Id;
  ods_code: string;
  name: string;
  kind: string;
  parent_id: number | null;
  region: string | null;
  postcode: string | null;
  state: Generated<string>;
  opened_on: string | null;
  closed_on: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface AppUserTable {
  id: Id;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  roles: string[];
  supplier_id: number | null;
  active: Generated<boolean>;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface UserOrganisationTable {
  user_id: number;
  organisation_id: number;
}

export interface UserSessionTable {
  id: string;
  user_id: number;
  csrf_token: string;
  via: Generated<string>;
  ip: string | null;
  user_agent: string | null;
  created_at: Stamp;
  expires_at: Stamp;
}

export interface ApiTokenTable {
  id: Id;
  user_id: number;
  name: string;
  secret_digest: string;
  scopes: string[];
  created_at: Stamp;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  version: Generated<number>;
}

export interface FailedLoginTable {
  id: Id;
  at: Stamp;
  username: string;
  ip: string;
}

export interface IdempotencyKeyTable {
  principal: string;
  key: string;
  request_digest: string;
  status: number | null;
  body: Json<unknown> | null;
  created_at: Stamp;
}

export interface JournalChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface JournalTable {
  id: Id;
  nonce: string;
  at: Date;
  actor_id: number | null;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: string;
  organisation_id: number | null;
  supplier_id: number | null;
  summary: string | null;
  changes: Json<JournalChange[]>;
  seal: string;
  chain_seq: number | null;
  prev_hash: string | null;
  chain_hash: string | null;
}

export interface JournalChainHeadTable {
  singleton: Generated<boolean>;
  last_seq: number;
  last_hash: string;
  updated_at: Stamp;
}

export interface SchemaMigrationTable {
  name: string;
  checksum: string;
  applied_at: Stamp;
}

export interface OidcLoginTable {
  state_digest: string;
  browser_digest: string;
  code_verifier: string;
  nonce: string;
  redirect_uri: string;
  created_at: Stamp;
  expires_at: Stamp;
}

export interface SiteTable {
  id: Id;
  organisation_id: number;
  ods_code: string | null;
  source: string | null;
  kind: string;
  name: string;
  address: ColumnType<string[], string[] | undefined, string[]>;
  postcode: string | null;
  latitude: number | null;
  longitude: number | null;
  state: Generated<string>;
  opened_on: string | null;
  closed_on: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface OdsImportTable {
  id: Id;
  started_at: Date;
  finished_at: Date;
  actor_name: string;
  practices_file: string;
  branches_file: string | null;
  report: Json<unknown>;
}

export interface SupplierTable {
  id: Id;
  code: string;
  name: string;
  kind: string;
  state: Generated<string>;
  website: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface SupplierRegionTable {
  supplier_id: number;
  region_id: number;
}

export interface SupplierContractTable {
  id: Id;
  supplier_id: number;
  reference: string;
  title: string;
  starts_on: string;
  ends_on: string | null;
  notice_days: number;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface SupplierContactTable {
  id: Id;
  supplier_id: number;
  name: string;
  role: string;
  email: string | null;
  phone: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface ServiceClassTable {
  id: Id;
  code: string;
  name: string;
  /** numeric, read as a string so that 99.950 stays exact. */
  availability_target: ColumnType<string, string | number, string | number>;
  fix_minutes: number[];
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface ProductTable {
  id: Id;
  code: string;
  name: string;
  kind: string;
  access_technology: string | null;
  bandwidth_down_kbps: number | null;
  bandwidth_up_kbps: number | null;
  resilience: string | null;
  service_class_id: number;
  description: string | null;
  requires_approval: Generated<boolean>;
  state: Generated<string>;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface SupplierPriceTable {
  id: Id;
  supplier_id: number;
  product_id: number;
  region_id: number | null;
  install_charge: ColumnType<string, string | number, string | number>;
  annual_rental: ColumnType<string, string | number, string | number>;
  lead_time_days: number;
  valid_from: string;
  valid_to: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface Tables {
  organisation: OrganisationTable;
  app_user: AppUserTable;
  user_organisation: UserOrganisationTable;
  user_session: UserSessionTable;
  api_token: ApiTokenTable;
  failed_login: FailedLoginTable;
  idempotency_key: IdempotencyKeyTable;
  journal: JournalTable;
  journal_chain_head: JournalChainHeadTable;
  schema_migration: SchemaMigrationTable;
  oidc_login: OidcLoginTable;
  site: SiteTable;
  ods_import: OdsImportTable;
  supplier: SupplierTable;
  supplier_region: SupplierRegionTable;
  supplier_contract: SupplierContractTable;
  supplier_contact: SupplierContactTable;
  service_class: ServiceClassTable;
  product: ProductTable;
  supplier_price: SupplierPriceTable;
  configuration_item: ConfigurationItemTable;
  ci_relation: CiRelationTable;
  address_block: AddressBlockTable;
  address_allocation: AddressAllocationTable;
  connection: ConnectionTable;
  connection_quote: ConnectionQuoteTable;
  rollout_target: RolloutTargetTable;
  service_setting: ServiceSettingTable;
  team: TeamTable;
  team_member: TeamMemberTable;
  incident: IncidentTable;
  incident_ci: IncidentCiTable;
  incident_note: IncidentNoteTable;
  service_request: ServiceRequestTable;
  request_task: RequestTaskTable;
  service_request_note: ServiceRequestNoteTable;
  business_calendar: BusinessCalendarTable;
  sla_definition: SlaDefinitionTable;
  sla_subject: SlaSubjectTable;
  sla_clock: SlaClockTable;
}

/** The CMDB (migration 0004): configuration items and the typed relations between them. */
export interface ConfigurationItemTable {
  id: Id;
  kind: string;
  name: string;
  external_ref: string | null;
  organisation_id: number | null;
  supplier_id: number | null;
  site_id: number | null;
  attributes: Json<Record<string, unknown>>;
  state: Generated<string>;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface CiRelationTable {
  id: Id;
  source_id: number;
  target_id: number;
  kind: string;
  redundancy_group: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

/** The address plan (migration 0004): cidr columns read and written as 'a.b.c.d/n' text. */
export interface AddressBlockTable {
  id: Id;
  name: string;
  range: string;
  sizing: ColumnType<Array<{ upToMbps: number; prefixLength: number }> | null, string | null, string | null>;
  state: Generated<string>;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface AddressAllocationTable {
  id: Id;
  block_id: number;
  block_range: string;
  prefix: string;
  holder: string;
  purpose: Generated<string>;
  organisation_id: number | null;
  site_id: number | null;
  allocated_at: Stamp;
  released_at: Date | null;
  updated_at: Stamp;
  version: Generated<number>;
}

/** Connections and the roll-out programme (migration 0005). */
type Money = ColumnType<string, string | number, string | number>;

export interface ConnectionTable {
  id: Id;
  site_id: number;
  organisation_id: number;
  region_id: number | null;
  product_id: number;
  leg: Generated<number>;
  supplier_id: number | null;
  price_id: number | null;
  circuit_reference: string | null;
  pop_ci_id: number | null;
  ci_id: number | null;
  state: Generated<string>;
  contract_years: Generated<number>;
  install_charge: ColumnType<string | null, string | number | null, string | number | null>;
  annual_rental: ColumnType<string | null, string | number | null, string | number | null>;
  lead_time_days: number | null;
  expected_live_on: string | null;
  choice_reason: string | null;
  requested_on: string;
  quoted_on: string | null;
  ordered_on: string | null;
  surveyed_on: string | null;
  installed_on: string | null;
  live_on: string | null;
  ceased_on: string | null;
  cancelled_on: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface ConnectionQuoteTable {
  id: Id;
  connection_id: number;
  supplier_id: number;
  price_id: number;
  install_charge: Money;
  annual_rental: Money;
  lead_time_days: number;
  contract_years: number;
  total_cost: Money;
  lead_time_penalty: Money;
  delivery_factor: Money;
  score: Money;
  rank: number;
  chosen: Generated<boolean>;
  quoted_at: Stamp;
}

export interface RolloutTargetTable {
  id: Id;
  name: string;
  target_count: number;
  starts_on: string;
  target_on: string;
  region_id: number | null;
  supplier_id: number | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** Generated by the database (tsvector search columns): never written, rarely read. */
type ReadOnly<T> = ColumnType<T, never, never>;

// Incidents and service requests (migration 0007).
export interface ServiceSettingTable {
  key: string;
  value: Json<unknown>;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface TeamTable {
  id: Id;
  code: string;
  name: string;
  email: string | null;
  active: Generated<boolean>;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface TeamMemberTable {
  team_id: number;
  user_id: number;
}

export interface IncidentTable {
  id: Id;
  number: Generated<string>;
  title: string;
  description: Generated<string>;
  source: Generated<string>;
  caller_id: number | null;
  caller_name: string | null;
  caller_email: string | null;
  organisation_id: number;
  site_id: number | null;
  connection_id: number | null;
  category: string;
  impact: string;
  urgency: string;
  priority: string;
  state: Generated<string>;
  team_id: number | null;
  assignee_id: number | null;
  supplier_id: number | null;
  supplier_reference: string | null;
  handed_off_at: MaybeStamp;
  supplier_accepted_at: MaybeStamp;
  resolution_code: string | null;
  resolution_notes: string | null;
  responded_at: MaybeStamp;
  resolved_at: MaybeStamp;
  closed_at: MaybeStamp;
  cancelled_at: MaybeStamp;
  reopen_count: Generated<number>;
  major: Generated<boolean>;
  parent_id: number | null;
  sla_due_at: Stamp;
  search: ReadOnly<string>;
  /** Migration 0013: every note's words, and the customer-visible notes' words. */
  notes_search: Generated<string>;
  public_notes_search: Generated<string>;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface IncidentCiTable {
  incident_id: number;
  ci_id: number;
}

export interface IncidentNoteTable {
  id: Id;
  incident_id: number;
  kind: string;
  customer_visible: boolean;
  body: string;
  author_id: number | null;
  author_name: string;
  source: Generated<string>;
  search: ReadOnly<string>;
  created_at: Stamp;
}

export interface ServiceRequestTable {
  id: Id;
  number: Generated<string>;
  kind: string;
  title: string;
  description: Generated<string>;
  requester_id: number | null;
  requester_name: string | null;
  organisation_id: number;
  site_id: number | null;
  product_id: number | null;
  connection_id: number | null;
  details: Json<Record<string, unknown>>;
  priority: Generated<string>;
  state: Generated<string>;
  approval_required: Generated<boolean>;
  approved_by: number | null;
  approved_at: MaybeStamp;
  rejection_reason: string | null;
  team_id: number | null;
  assignee_id: number | null;
  fulfilled_at: MaybeStamp;
  closed_at: MaybeStamp;
  /** Migration 0010. */
  cancelled_at: MaybeStamp;
  cancellation_reason: string | null;
  /** Migration 0016: when a fulfilled request closes by itself, under the window in force at fulfilment. */
  closes_at: MaybeStamp;
  sla_due_at: Stamp;
  search: ReadOnly<string>;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface RequestTaskTable {
  id: Id;
  request_id: number;
  position: number;
  title: string;
  team_id: number | null;
  assignee_id: number | null;
  state: Generated<string>;
  completed_at: MaybeStamp;
  completed_by: number | null;
  notes: string | null;
  /** Migration 0010. */
  step: Generated<string>;
  skipped_reason: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface ServiceRequestNoteTable {
  id: Id;
  request_id: number;
  customer_visible: boolean;
  body: string;
  author_id: number | null;
  author_name: string;
  source: Generated<string>;
  /** Migration 0010. */
  search: ReadOnly<string>;
  created_at: Stamp;
}

// Service levels (migration 0008): calendars, definitions and the clocks on records.
export interface BusinessCalendarTable {
  id: Id;
  name: string;
  description: Generated<string>;
  time_zone: Generated<string>;
  /** '24x7' or weekly opening hours (src/domain/business-calendar.ts). */
  hours: Json<unknown>;
  bank_holidays: string | null;
  closures: Json<unknown[]>;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface SlaDefinitionTable {
  id: Id;
  code: string;
  name: string;
  description: Generated<string>;
  kind: string;
  record_type: string;
  organisation_id: number | null;
  team_id: number | null;
  supplier_id: number | null;
  service_class_id: number | null;
  calendar_id: number;
  /** numeric, read as a string. */
  warning_fraction: ColumnType<string, string | number | undefined, string | number>;
  targets: Json<unknown[]>;
  active: Generated<boolean>;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface SlaSubjectTable {
  record_type: string;
  record_id: number;
  record_number: string;
  organisation_id: number;
  team_id: number | null;
  supplier_id: number | null;
  product_id: number | null;
  priority: string;
  paused_since: MaybeStamp;
  responded_at: MaybeStamp;
  resolved_at: MaybeStamp;
  cancelled_at: MaybeStamp;
  created_at: Stamp;
  updated_at: Stamp;
}

export interface SlaClockTable {
  id: Id;
  record_type: string;
  record_id: number;
  definition_id: number;
  kind: string;
  metric: string;
  priority: string;
  organisation_id: number;
  supplier_id: number | null;
  team_id: number | null;
  calendar_id: number;
  calendar: Json<unknown>;
  target_ms: number;
  warning_fraction: ColumnType<string, string | number, string | number>;
  events: Json<unknown[]>;
  state: string;
  elapsed_ms: Generated<number>;
  paused_ms: Generated<number>;
  due_at: MaybeStamp;
  warn_at: MaybeStamp;
  started_at: Stamp;
  stopped_at: MaybeStamp;
  warned_at: MaybeStamp;
  breached_at: MaybeStamp;
  evaluated_at: Stamp;
  created_at: Stamp;
  updated_at: Stamp;
}

/** Maintenance windows and outages (migration 0012), merged into Tables. */
export interface Tables {
  maintenance_window: MaintenanceWindowTable;
  maintenance_window_ci: MaintenanceWindowCiTable;
  maintenance_window_cover: MaintenanceWindowCoverTable;
  outage: OutageTable;
}

export interface MaintenanceWindowTable {
  id: Id;
  title: string;
  description: Generated<string>;
  starts_at: Stamp;
  ends_at: Stamp;
  state: Generated<string>;
  change_reference: string | null;
  created_by: number | null;
  created_by_name: string;
  covered_at: Stamp;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export interface MaintenanceWindowCiTable {
  window_id: number;
  ci_id: number;
}

export interface MaintenanceWindowCoverTable {
  window_id: number;
  ci_id: number;
  origin_ci_id: number;
  depth: number;
}

export interface OutageTable {
  id: Id;
  connection_id: number;
  organisation_id: number;
  supplier_id: number | null;
  started_at: Stamp;
  ended_at: MaybeStamp;
  planned: Generated<boolean>;
  maintenance_window_id: number | null;
  cause_kind: string;
  alert_id: number | null;
  incident_id: number | null;
  corrected_at: MaybeStamp;
  voided_at: MaybeStamp;
  void_reason: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}
