/** The availability and maintenance shapes as the API gives them (src/modules/availability|maintenance/schemas.ts). */

export interface Figures {
  connections: number;
  met: number;
  missed: number;
  periodMs: number;
  downMs: number;
  plannedMs: number;
  unplannedMs: number;
  measuredMs: number;
  /** Percent, or null when nothing was measured. */
  availability: number | null;
  target: number | null;
}

export interface Group {
  key: string;
  name: string;
  figures: Figures;
}

export interface Report {
  period: { label: string; from: string; to: string; asOf: string; complete: boolean };
  groupBy: string;
  total: Figures;
  items: Group[];
  nextCursor: string | null;
}

export interface Months {
  groupBy: string;
  asOf: string;
  months: Array<{ month: string; from: string; to: string; total: Figures; groups: Group[] }>;
}

export interface Miss {
  connection: { id: number; siteId: number; siteName: string; leg: number };
  organisation: { odsCode: string; name: string };
  supplier: { code: string; name: string } | null;
  product: { code: string; name: string };
  target: number;
  figures: Figures;
  allowedUnplannedMs: number;
  overByMs: number;
}

export interface Outage {
  id: number;
  connection: { id: number; siteId: number; siteName: string; ciId: number | null };
  organisation: { odsCode: string; name: string };
  supplier: { id: number; code: string; name: string } | null;
  startedAt: string;
  endedAt: string | null;
  durationMs: number;
  planned: boolean;
  maintenanceWindow: { id: number; title: string } | null;
  cause: { kind: string; alertId: number | null; incident: { id: number; number: string } | null; windowId: number | null };
  correctedAt: string | null;
  voided: { at: string; reason: string } | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface MaintenanceWindow {
  id: number;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  state: 'planned' | 'in_progress' | 'completed' | 'cancelled';
  nextStates: string[];
  active: boolean;
  changeReference: string | null;
  createdBy: string;
  cis: Array<{ id: number; kind: string; name: string }>;
  affected: { cis: number; connections: number; organisations: number; sites: number };
  coveredAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface AffectedConnection {
  id: number;
  site: { id: number; name: string };
  organisation: { odsCode: string; name: string };
  ciId: number;
  through: { id: number; name: string };
}
