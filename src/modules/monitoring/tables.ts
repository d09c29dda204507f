import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { Tables } from '../../core/db/tables.ts';
import type { Tx } from '../../core/journal/journal.ts';

type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** migrations/0011_monitoring.sql */
export interface AlertPayloadTable {
  id: Generated<number>;
  source: string;
  endpoint: 'alertmanager' | 'events';
  received_at: Stamp;
  received_by: number | null;
  accepted: boolean;
  reason: string | null;
  alert_count: Generated<number>;
  changed_count: Generated<number>;
  group_key: string | null;
  body: string;
}

export interface AlertMappingRuleTable {
  id: Generated<number>;
  position: number;
  label: string;
  lookup: 'ci' | 'ci_id' | 'circuit' | 'site';
  ci_kind: string | null;
  pattern: string | null;
  active: Generated<boolean>;
  created_at: Stamp;
  updated_at: Stamp;
  version: Generated<number>;
}

export type GroupKind = 'site' | 'ci' | 'major';
export type GroupState = 'open' | 'clearing' | 'cleared';

export interface AlertGroupTable {
  id: Generated<number>;
  kind: GroupKind;
  ci_id: number;
  site_id: number | null;
  incident_id: number;
  opened_incident: boolean;
  parent_group_id: number | null;
  reason: string | null;
  state: Generated<GroupState>;
  cleared_at: MaybeStamp;
  resolve_due_at: MaybeStamp;
  organisation_id: number | null;
  created_at: Stamp;
  updated_at: Stamp;
}

export interface AlertTable {
  id: Generated<number>;
  source: string;
  fingerprint: string;
  starts_at: Stamp;
  status: 'firing' | 'resolved';
  ends_at: MaybeStamp;
  alertname: string;
  severity: string | null;
  summary: string | null;
  labels: Json<Record<string, string>>;
  annotations: Json<Record<string, string>>;
  generator_url: string | null;
  ci_id: number | null;
  site_id: number | null;
  organisation_id: number | null;
  mapped_by: string | null;
  first_payload_id: number;
  last_payload_id: number;
  received_at: Stamp;
  updated_at: Stamp;
  pending: Generated<boolean>;
  group_id: number | null;
  maintenance_window_id: number | null;
  disposition: string | null;
}

export type AlertRow = Selectable<AlertTable>;
export type AlertGroupRow = Selectable<AlertGroupTable>;
export type MappingRuleRow = Selectable<AlertMappingRuleTable>;

export type MonitoringTables = {
  alert_payload: AlertPayloadTable;
  alert_mapping_rule: AlertMappingRuleTable;
  alert_group: AlertGroupTable;
  alert: AlertTable;
};

/** Monitoring's tables are its own, kept out of the shared table types like the job queue's. */
export function monitoringTables(db: Tx) {
  return (db as Kysely<Tables>).withTables<MonitoringTables>();
}
