/** What the monitoring API answers (src/modules/monitoring/schemas.ts). */
export interface Alert {
  id: number;
  source: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  endsAt: string | null;
  alertname: string;
  severity: string | null;
  summary: string | null;
  labels: Record<string, string>;
  ci: { id: number; name: string; kind: string } | null;
  site: { id: number; name: string } | null;
  mappedBy: string | null;
  group: { id: number; kind: string; state: string } | null;
  incident: { id: number; number: string; state: string; major: boolean } | null;
  disposition: string | null;
  receivedAt: string;
  updatedAt: string;
}

export interface AlertGroup {
  id: number;
  kind: 'site' | 'ci' | 'major';
  state: 'open' | 'clearing' | 'cleared';
  reason: string | null;
  ci: { id: number; name: string; kind: string };
  site: { id: number; name: string } | null;
  incident: { id: number; number: string; state: string; title: string; major: boolean };
  openedIncident: boolean;
  parentGroupId: number | null;
  alertCount: number;
  firingCount: number;
  siteCount: number;
  resolveDueAt: string | null;
  updatedAt: string;
}

export const GROUP_KIND_LABELS: Record<string, string> = { major: 'Major incident', site: 'Site incident', ci: 'CI incident' };
export const GROUP_STATE_LABELS: Record<string, string> = { open: 'open', clearing: 'cleared: resolution proposed', cleared: 'done' };
