/** Service requests as the API gives them (src/modules/service-requests/schemas.ts), with their words. */
import { OPEN_STATES } from '../../../src/domain/request-lifecycle.ts';

export interface Named {
  id: number;
  name: string;
}

export interface RequestSummary {
  id: number;
  number: string;
  kind: string;
  title: string;
  state: string;
  priority: string;
  organisation: { odsCode: string; name: string };
  site: Named | null;
  connection: { id: number; state: string } | null;
  product: { code: string; name: string } | null;
  requester: Named | null;
  team: { id: number; code: string; name: string } | null;
  assignee: Named | null;
  approvalRequired: boolean;
  slaDueAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A list row: the request with its standing against its SLA targets, which only the list reads. */
export interface RequestListRow extends RequestSummary {
  slaBreached: boolean;
  slaWarning: boolean;
  /** When its SLA response target falls due while it runs (unanswered); null once answered. */
  responseDueAt: string | null;
}

export interface RequestTask {
  id: number;
  position: number;
  step: string;
  title: string;
  state: 'open' | 'done' | 'skipped';
  completesItself: string | null;
  skippable: boolean;
  team: { id: number; code: string; name: string } | null;
  assignee: Named | null;
  completedAt: string | null;
  completedBy: Named | null;
  notes: string | null;
  skippedReason: string | null;
}

export interface RequestNote {
  id: number;
  customerVisible: boolean;
  body: string;
  author: { id: number | null; name: string };
  source: string;
  createdAt: string;
}

export interface RequestClock {
  id: number;
  kind: string;
  metric: string;
  definition: { code: string; name: string };
  state: string;
  targetMs: number;
  elapsedBusinessMs: number;
  dueAt: string | null;
  breachedAt: string | null;
}

/** A request's standing against its SLA targets, read from its clocks as the list reads it from the server. */
export function slaStandingOf(clocks: RequestClock[]): { breached: boolean; warning: boolean } {
  const sla = clocks.filter((c) => c.kind === 'sla');
  const breached = sla.some((c) => c.state === 'breached' || c.breachedAt !== null);
  return { breached, warning: !breached && sla.some((c) => c.state === 'warning') };
}

/** Which of its SLA targets the request's next due time (`slaDueAt`) is: its response, or its fulfilment. */
export function dueLabelOf(r: { slaDueAt: string | null; clocks: RequestClock[] }): string {
  const next = r.slaDueAt === null ? undefined : r.clocks.find((c) => c.kind === 'sla' && c.dueAt !== null && Date.parse(c.dueAt) === Date.parse(r.slaDueAt!));
  return next?.metric === 'response' ? 'Response due' : next ? 'Fulfilment due' : 'Due';
}

export interface ServiceRequest extends RequestSummary {
  description: string;
  details: {
    contractYears?: number;
    targetProduct?: { code: string; name: string; bandwidthDownKbps: number | null };
    fromProduct?: { code: string; bandwidthDownKbps: number | null };
    targetSite?: Named;
    fromSite?: Named;
    access?: { name: string; email: string | null; to: string };
  };
  approval: { decidedBy: Named | null; decidedAt: string | null; rejectionReason: string | null };
  fulfilledAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  cancellationReason: string | null;
  closesAutomaticallyAt: string | null;
  tasks: RequestTask[];
  notes: RequestNote[];
  clocks: RequestClock[];
  nextStates: string[];
}

/** A product a request may name (GET /request-catalogue): the catalogue's active connection products. */
export interface RequestableProduct {
  code: string;
  name: string;
  accessTechnology: string | null;
  bandwidthDownKbps: number | null;
  bandwidthUpKbps: number | null;
  resilience: string | null;
  requiresApproval: boolean;
}

export const REQUEST_KIND_LABELS: Record<string, string> = {
  new_connection: 'New connection',
  bandwidth_upgrade: 'Bandwidth upgrade',
  move: 'Move',
  cease: 'Cease',
  access: 'Access',
};

export const REQUEST_STATE_LABELS: Record<string, string> = {
  submitted: 'Submitted',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  rejected: 'Rejected',
  in_fulfilment: 'In fulfilment',
  fulfilled: 'Fulfilled',
  closed: 'Closed',
  cancelled: 'Cancelled',
};

const STATE_COLOURS: Record<string, string> = {
  submitted: 'blue',
  awaiting_approval: 'yellow',
  approved: 'blue',
  in_fulfilment: 'blue',
  fulfilled: 'green',
  closed: 'grey',
  rejected: 'grey',
  cancelled: 'grey',
};

export const requestKindLabel = (kind: string) => REQUEST_KIND_LABELS[kind] ?? kind;
export const requestStateLabel = (state: string) => REQUEST_STATE_LABELS[state] ?? state;
export const requestStateColour = (state: string) => STATE_COLOURS[state] ?? 'grey';
/** Whether the request is still to be fulfilled, so that its SLA clocks may run. */
export const isOpenRequestState = (state: string) => (OPEN_STATES as readonly string[]).includes(state);

