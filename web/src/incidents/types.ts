/** The incident shapes as the API gives them (src/modules/incidents/schemas.ts), and their words. */
import { CATEGORIES, INCIDENT_STATES, OPEN_STATES, RESOLUTION_CODES, STATE_LABELS } from '../../../src/domain/incident-lifecycle.ts';

export { CATEGORIES, INCIDENT_STATES, OPEN_STATES, RESOLUTION_CODES };

export interface Ref {
  id: number;
  code: string;
  name: string;
}

export interface IncidentSummary {
  id: number;
  number: string;
  title: string;
  state: string;
  priority: string;
  impact: string;
  urgency: string;
  category: string;
  source: string;
  organisation: { odsCode: string; name: string };
  site: { id: number; name: string } | null;
  team: Ref | null;
  assignee: { id: number; name: string } | null;
  supplier: Ref | null;
  major: boolean;
  parent: { id: number; number: string; title: string } | null;
  slaDueAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A queue row: the incident with its standing against its SLA targets, which only the queue reads. */
export interface IncidentQueueRow extends IncidentSummary {
  slaBreached: boolean;
  slaWarning: boolean;
  responseDueAt: string | null;
}

export interface Clock {
  id: number;
  kind: string;
  metric: string;
  definition: Ref;
  calendar: string;
  targetMs: number;
  state: string;
  elapsedBusinessMs: number;
  pausedMs: number;
  remainingMs: number;
  dueAt: string | null;
  warnAt: string | null;
  breachedAt: string | null;
  stoppedAt: string | null;
}

export interface Incident extends IncidentSummary {
  description: string;
  caller: { id: number | null; name: string; email: string | null } | null;
  connectionId: number | null;
  cis: Array<{ id: number; name: string; kind: string }>;
  supplierReference: string | null;
  handedOffAt: string | null;
  supplierAcceptedAt: string | null;
  resolutionCode: string | null;
  resolutionNotes: string | null;
  respondedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  reopenCount: number;
  reopenUntil: string | null;
  children: Array<{ id: number; number: string; title: string; state: string }>;
  clocks: Clock[];
  nextStates: string[];
}

export interface Note {
  id: number;
  kind: string;
  customerVisible: boolean;
  body: string;
  author: string;
  source: string;
  createdAt: string;
}

export interface Team {
  id: number;
  code: string;
  name: string;
  active: boolean;
  members: Array<{ id: number; username: string; name: string; email: string | null }>;
  openIncidents: number;
}

export interface EmailMessage {
  id: number;
  direction: 'out' | 'in';
  event: string | null;
  audience: string;
  from: { address: string; userId: number | null };
  to: Array<{ address: string; name: string | null }>;
  subject: string;
  text: string;
  state: string;
  reason: string | null;
  createdAt: string;
  sentAt: string | null;
  receivedAt: string | null;
}

export interface IncidentSettings {
  matrix: { impacts: string[]; urgencies: string[]; priorities: string[]; cells: Record<string, Record<string, string>> };
  reopenWindowHours: number;
  defaultImpact: string;
  defaultUrgency: string;
}

export { STATE_LABELS };
export const stateLabel = (state: string) => (STATE_LABELS as Record<string, string>)[state] ?? state.replace(/_/g, ' ');

/** The same states as the customer reads them in the portal. */
const CUSTOMER_STATE_LABELS: Record<string, string> = {
  new: 'Received',
  assigned: 'Being looked at',
  in_progress: 'Being worked on',
  pending_customer: 'Waiting for your answer',
  pending_supplier: 'With our engineers',
  resolved: 'Resolved: please confirm',
  closed: 'Closed',
  cancelled: 'Cancelled',
};
export const customerStateLabel = (state: string) => CUSTOMER_STATE_LABELS[state] ?? stateLabel(state);

const STATE_COLOURS: Record<string, string> = {
  new: 'blue',
  assigned: 'blue',
  in_progress: 'blue',
  pending_customer: 'yellow',
  pending_supplier: 'yellow',
  resolved: 'green',
  closed: 'grey',
  cancelled: 'grey',
};
export const stateColour = (state: string) => STATE_COLOURS[state] ?? 'grey';
export const isOpenState = (state: string) => (OPEN_STATES as readonly string[]).includes(state);

const RESOLUTION_LABELS: Record<string, string> = {
  fixed_by_supplier: 'Fixed by the supplier',
  fixed_by_desk: 'Fixed by the service desk',
  configuration_change: 'Configuration change',
  hardware_replaced: 'Hardware replaced',
  power_restored: 'Power restored',
  no_fault_found: 'No fault found',
  duplicate: 'Duplicate of another incident',
  user_error: 'User error',
  resolved_with_parent: 'Resolved with its parent incident',
  workaround: 'Workaround in place',
};
export const resolutionLabel = (code: string) => RESOLUTION_LABELS[code] ?? code.replace(/_/g, ' ');

const CATEGORY_LABELS: Record<string, string> = {
  connectivity: 'Connectivity',
  performance: 'Performance',
  hardware: 'Hardware',
  dns: 'DNS',
  security: 'Security',
  access: 'Access',
  email: 'E-mail',
  telephony: 'Telephony',
  other: 'Other',
};
export const categoryLabel = (c: string) => CATEGORY_LABELS[c] ?? c;

export const NOTE_KIND_LABELS: Record<string, string> = {
  comment: 'Comment',
  work_note: 'Work note (internal)',
  question: 'Question to the caller',
  answer: 'Answer from the caller',
  resolution: 'Resolution',
  major_update: 'Major incident update',
};

const CLOCK_KIND_LABELS: Record<string, string> = { sla: 'SLA (customer)', ola: 'OLA (team)', underpinning: 'Underpinning (supplier)' };
export const clockKindLabel = (k: string) => CLOCK_KIND_LABELS[k] ?? k;
const METRIC_LABELS: Record<string, string> = { response: 'Response', resolution: 'Resolution' };
export const metricLabel = (m: string) => METRIC_LABELS[m] ?? m;
const CLOCK_STATE_LABELS: Record<string, string> = { running: 'Running', warning: 'Warning', paused: 'Paused', met: 'Met', breached: 'Breached', cancelled: 'Cancelled' };
export const clockStateLabel = (s: string) => CLOCK_STATE_LABELS[s] ?? s;
const CLOCK_STATE_COLOURS: Record<string, string> = { running: 'blue', warning: 'yellow', paused: 'grey', met: 'green', breached: 'red', cancelled: 'grey' };
export const clockStateColour = (s: string) => CLOCK_STATE_COLOURS[s] ?? 'grey';

/** A level of the priority matrix (high, medium, low…) as a word with a capital. */
export const levelLabel = (level: string) => level.charAt(0).toUpperCase() + level.slice(1).replace(/_/g, ' ');

/** What an urgency means to a practice, for the portal. */
const URGENCY_HINTS: Record<string, string> = {
  high: 'work has stopped',
  medium: 'work is affected',
  low: 'an inconvenience, work carries on',
};
export const urgencyText = (level: string) => (URGENCY_HINTS[level] ? `${levelLabel(level)}: ${URGENCY_HINTS[level]}` : levelLabel(level));

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A span of time in words: "2 d 4 h", "3 h 15 min", "12 min", "under a minute". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return 'under a minute';
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

export type DueLevel = 'breached' | 'warning' | 'ok' | 'none';

/**
 * How worried to be about a due time in a list: breached once the instant has passed (or the
 * server says a target is breached), warning while the server says a clock is past its warning
 * point, otherwise ok. `late` is the wall-clock time since the instant passed, in words. The time
 * left is not worked out here: the wall-clock time to the instant is not the business time left
 * on the clock, which only the record's clocks give (Clocks.tsx).
 */
export function dueLevel(dueAt: string | null, now: number, standing: { breached?: boolean; warning?: boolean } = {}): { level: DueLevel; late: string | null } {
  if (!dueAt) return { level: standing.breached ? 'breached' : 'none', late: null };
  const left = Date.parse(dueAt) - now;
  if (left < 0) return { level: 'breached', late: formatDuration(left) };
  return { level: standing.breached ? 'breached' : standing.warning ? 'warning' : 'ok', late: null };
}

export const etagOf = (version: number) => `"${version}"`;
