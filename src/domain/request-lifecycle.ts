/**
 * A service request's lifecycle (ISO/IEC 20000-1 8.6.2), with no I/O: the states and the steps
 * between them, who may take each step, when approval is needed and who may give it, the
 * fulfilment tasks each kind of request is done by, and the order they are worked in. The
 * service asks these functions and writes only when they answer no refusal.
 *
 *   submitted ─────────────────────────┐
 *   awaiting_approval → approved ──────┴→ in_fulfilment → fulfilled → closed
 *   awaiting_approval → rejected
 *   submitted, awaiting_approval, approved, in_fulfilment → cancelled
 *
 * A request that needs approval starts awaiting it; one that does not starts submitted. Working
 * its first task puts it in fulfilment; the last task done or skipped fulfils it; the customer
 * confirms (or the auto-close window passes: a setting, DEFAULT_AUTO_CLOSE_DAYS until changed) and it
 * is closed.
 */
import type { ConnectionState } from './connection-lifecycle.ts';

export const REQUEST_KINDS = ['new_connection', 'bandwidth_upgrade', 'move', 'cease', 'access'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const REQUEST_STATES = ['submitted', 'awaiting_approval', 'approved', 'rejected', 'in_fulfilment', 'fulfilled', 'closed', 'cancelled'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const NEXT_STATES: Readonly<Record<RequestState, readonly RequestState[]>> = {
  submitted: ['in_fulfilment', 'cancelled'],
  awaiting_approval: ['approved', 'rejected', 'cancelled'],
  approved: ['in_fulfilment', 'cancelled'],
  rejected: [],
  in_fulfilment: ['fulfilled', 'cancelled'],
  fulfilled: ['closed'],
  closed: [],
  cancelled: [],
};

/** States in which the request's tasks are worked. */
export const WORKING_STATES: readonly RequestState[] = ['submitted', 'approved', 'in_fulfilment'];
/** States from which nothing follows, or only closure: the request is no longer open. */
export const FINAL_STATES: readonly RequestState[] = ['rejected', 'closed', 'cancelled'];
export const OPEN_STATES: readonly RequestState[] = REQUEST_STATES.filter((s) => !FINAL_STATES.includes(s) && s !== 'fulfilled');

/** A fulfilled request closes by itself this many days after fulfilment unless the customer confirms first. */
export const DEFAULT_AUTO_CLOSE_DAYS = 5;
/**
 * The bounds of the auto-close window a service manager may set. At least a day: a shorter window
 * would close a request before a customer who works part-time has seen the e-mail asking them to
 * confirm. At most 60 days: beyond two months an unconfirmed request is not waiting for the
 * customer any more, it is lingering, and it holds the work out of the closed figures of two
 * monthly service reviews.
 */
export const AUTO_CLOSE_DAYS_MIN = 1;
export const AUTO_CLOSE_DAYS_MAX = 60;
const DAY_MS = 86_400_000;

/** When a request fulfilled at `fulfilledAt` closes by itself, under the window in force then. */
export function autoCloseAt(fulfilledAt: Date, days: number): Date {
  return new Date(fulfilledAt.getTime() + days * DAY_MS);
}

/** The whole days between fulfilment and closure by itself, for what the journal says. */
export function autoCloseDaysOf(fulfilledAt: Date, closesAt: Date): number {
  return Math.round((closesAt.getTime() - fulfilledAt.getTime()) / DAY_MS);
}

/** The roles that may approve or reject a request; never the request's own requester. */
export const APPROVER_ROLES = ['change_approver', 'service_manager', 'administrator'] as const;

/** Access is always approved; any other kind when its catalogue product says so. */
export function needsApproval(kind: RequestKind, productRequiresApproval: boolean): boolean {
  return kind === 'access' || productRequiresApproval;
}

/** The state a new request starts in. */
export function initialState(approvalRequired: boolean): RequestState {
  return approvalRequired ? 'awaiting_approval' : 'submitted';
}

/** A refusal: 403 when the caller may never do this, 422 when the request cannot do it now; always naming a field. */
export interface Refusal {
  status: 403 | 422;
  field: string;
  message: string;
}

const forbidden = (field: string, message: string): Refusal => ({ status: 403, field, message });
const unprocessable = (field: string, message: string): Refusal => ({ status: 422, field, message });

/** Who is acting, as far as the rules care. */
export interface Actor {
  userId: number;
  roles: readonly string[];
  /** A customer (their organisations only) rather than network staff. */
  customer: boolean;
}

// ---------------------------------------------------------------------------------------------
// Fulfilment tasks

export interface TaskTemplate {
  step: string;
  title: string;
  /** The connection state that completes this task by itself (a new connection's lifecycle). */
  completedBy?: ConnectionState;
  /** Completing this task takes the request's connection to this state (a cease). */
  drives?: ConnectionState;
  /**
   * Completing this task changes the connection in the inventory, in the same transaction: its
   * product (an upgrade, when the circuit's bandwidth is changed) or its site (a move, when the
   * service is switched over). Such a task is never skippable, so no request is fulfilled without it.
   */
  changes?: 'product' | 'site';
  skippable: boolean;
}

/** The tasks that fulfil each kind of request, in the order they are worked. */
export const TASK_PLANS: Readonly<Record<RequestKind, readonly TaskTemplate[]>> = {
  new_connection: [
    { step: 'quote_and_order', title: 'Quote and order the connection', completedBy: 'ordered', skippable: false },
    { step: 'survey', title: 'Survey the site', completedBy: 'surveyed', skippable: false },
    { step: 'install', title: 'Install the circuit', completedBy: 'installed', skippable: false },
    { step: 'go_live', title: 'Bring the connection live', completedBy: 'live', skippable: false },
  ],
  bandwidth_upgrade: [
    { step: 'quote_upgrade', title: 'Quote the upgrade', skippable: true },
    { step: 'order_upgrade', title: 'Order the upgrade from the supplier', skippable: false },
    { step: 'change_bandwidth', title: 'Change the bandwidth on the circuit', changes: 'product', skippable: false },
    { step: 'confirm_bandwidth', title: 'Confirm the new bandwidth with the customer', skippable: true },
  ],
  move: [
    { step: 'survey_new_site', title: 'Survey the new site', skippable: true },
    { step: 'install_new_site', title: 'Install at the new site', skippable: false },
    { step: 'switch_over', title: 'Move the service to the new site', changes: 'site', skippable: false },
    { step: 'recover_equipment', title: 'Recover the equipment from the old site', skippable: true },
  ],
  cease: [
    { step: 'cease_circuit', title: 'Cease the circuit', drives: 'ceased', skippable: false },
    { step: 'recover_equipment', title: 'Recover the equipment', skippable: true },
  ],
  access: [{ step: 'grant_access', title: 'Grant access', skippable: false }],
};

export function templateOf(kind: RequestKind, step: string): TaskTemplate | undefined {
  return TASK_PLANS[kind].find((t) => t.step === step);
}

export type TaskState = 'open' | 'done' | 'skipped';
export interface TaskSnapshot {
  id: number;
  position: number;
  step: string;
  title: string;
  state: TaskState;
}

export const isClosedTask = (t: TaskSnapshot) => t.state !== 'open';

/** Every task done or skipped (a request with no tasks is not fulfilled by that alone). */
export function allTasksClosed(tasks: readonly TaskSnapshot[]): boolean {
  return tasks.length > 0 && tasks.every(isClosedTask);
}

/** The task that is worked next: the first open one in order. */
export function nextTask(tasks: readonly TaskSnapshot[]): TaskSnapshot | undefined {
  return [...tasks].sort((a, b) => a.position - b.position).find((t) => !isClosedTask(t));
}

const CONNECTION_ORDER: readonly ConnectionState[] = ['requested', 'quoted', 'ordered', 'surveyed', 'installed', 'live', 'ceased'];

/**
 * The open tasks a connection reaching `state` completes: those completed by that state or by an
 * earlier one (the connection's steps come in order, so every earlier task is done by now).
 */
export function tasksCompletedByConnection(kind: RequestKind, tasks: readonly TaskSnapshot[], state: ConnectionState): TaskSnapshot[] {
  const reached = CONNECTION_ORDER.indexOf(state);
  if (reached < 0) return [];
  return tasks
    .filter((t) => !isClosedTask(t))
    .filter((t) => {
      const by = templateOf(kind, t.step)?.completedBy;
      return by !== undefined && CONNECTION_ORDER.indexOf(by) <= reached;
    })
    .sort((a, b) => a.position - b.position);
}

/**
 * Whether a person may complete or skip this task now. Tasks are worked in order: only the first
 * open task may be completed or skipped. A task a connection completes by itself is not
 * completed by hand; some tasks may not be skipped; a skip says why.
 */
export function checkTaskAction(
  request: { kind: RequestKind; state: RequestState; connectionId: number | null },
  tasks: readonly TaskSnapshot[],
  taskId: number,
  action: 'complete' | 'skip',
  actor: Actor,
  reason?: string,
): Refusal | null {
  if (actor.customer) return forbidden('taskId', 'The service desk works the fulfilment tasks; a customer follows them.');
  const task = tasks.find((t) => t.id === taskId);
  if (!task) return unprocessable('taskId', 'is not a task of this request');
  if (!WORKING_STATES.includes(request.state)) {
    const why = request.state === 'awaiting_approval' ? 'is awaiting approval; its tasks are worked once it is approved' : `is ${request.state}; its tasks can no longer change`;
    return unprocessable('state', `the request ${why}`);
  }
  if (isClosedTask(task)) return unprocessable('taskId', `is already ${task.state}`);
  const next = nextTask(tasks);
  if (next && next.id !== task.id) return unprocessable('taskId', `task ${next.position} (${next.title}) comes first`);
  const template = templateOf(request.kind, task.step);
  if (template?.completedBy) {
    const which = request.connectionId === null ? 'the connection' : `connection ${request.connectionId}`;
    return unprocessable('taskId', `completes itself when ${which} is ${template.completedBy}: take the connection through its lifecycle`);
  }
  if (action === 'skip') {
    if (template && !template.skippable) return unprocessable('taskId', `${task.title} cannot be skipped`);
    if (!reason || !reason.trim()) return unprocessable('reason', 'is required to skip a task');
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Approval

/** Whether this actor may approve or reject this request now; a rejection needs its reason. */
export function checkDecision(
  request: { state: RequestState; requesterId: number | null },
  actor: Actor,
  decision: 'approve' | 'reject',
  reason?: string,
): Refusal | null {
  if (actor.customer || !actor.roles.some((r) => (APPROVER_ROLES as readonly string[]).includes(r))) {
    return forbidden('role', 'Only a change approver, service manager or administrator approves or rejects requests.');
  }
  if (request.requesterId !== null && request.requesterId === actor.userId) return forbidden('approver', 'The requester cannot approve or reject their own request.');
  if (request.state !== 'awaiting_approval') {
    return unprocessable('state', `the request is ${request.state}; only a request awaiting approval is approved or rejected`);
  }
  if (decision === 'reject' && (!reason || !reason.trim())) return unprocessable('reason', 'is required to reject a request');
  return null;
}

// ---------------------------------------------------------------------------------------------
// Transitions taken by hand (POST /transitions): start fulfilment, cancel, confirm closure

/** The steps a person takes through /transitions; approval and fulfilment have their own ways. */
export const MANUAL_TARGETS: readonly RequestState[] = ['in_fulfilment', 'cancelled', 'closed'];

export interface RequestSnapshot {
  kind: RequestKind;
  state: RequestState;
  /** The linked connection's state, where there is one. */
  connectionState: ConnectionState | null;
  tasks: readonly TaskSnapshot[];
}

/**
 * Whether this actor may take the request to `to` now. Customers cancel their organisation's
 * requests before fulfilment and confirm fulfilled ones; the service desk also starts
 * fulfilment. A cancellation says why. A new connection already installed is not cancelled (it
 * is ceased through a cease request), nor is a cease whose circuit is already ceased.
 */
export function checkTransition(request: RequestSnapshot, to: RequestState, actor: Actor, reason?: string): Refusal | null {
  if (to === 'approved' || to === 'rejected') return unprocessable('to', `a request is ${to} through /approve or /reject, by an approver`);
  if (to === 'fulfilled') {
    const open = request.tasks.filter((t) => !isClosedTask(t)).length;
    return unprocessable('to', `a request is fulfilled when every task is done or skipped (${open} still open)`);
  }
  const allowed = NEXT_STATES[request.state].filter((s) => MANUAL_TARGETS.includes(s));
  if (!MANUAL_TARGETS.includes(to) || !NEXT_STATES[request.state].includes(to)) {
    const options = allowed.length ? `it can go to ${allowed.join(' or ')}` : 'nothing follows by hand';
    return unprocessable('to', `a ${request.state} request cannot become ${to}; ${options}`);
  }
  if (actor.customer && to === 'in_fulfilment') return forbidden('to', 'The service desk starts fulfilment.');
  if (to === 'cancelled') {
    if (!reason || !reason.trim()) return unprocessable('reason', 'is required to cancel a request');
    if (request.kind === 'new_connection' && request.connectionState && ['installed', 'live', 'ceased'].includes(request.connectionState)) {
      return unprocessable('to', `the connection is already ${request.connectionState}; ask for a cease instead`);
    }
    if (request.kind === 'cease' && request.tasks.some((t) => t.step === 'cease_circuit' && t.state === 'done')) {
      return unprocessable('to', 'the circuit is already ceased');
    }
    const changed = request.tasks.find((t) => t.state === 'done' && templateOf(request.kind, t.step)?.changes);
    if (changed) {
      const what = templateOf(request.kind, changed.step)!.changes === 'product' ? 'on its new product' : 'at its new site';
      return unprocessable('to', `the connection is already ${what} (task ${changed.position}, ${changed.title}); what is left is to finish the request`);
    }
  }
  return null;
}

/** The steps this actor could take by hand from here, for the API's `nextStates`. */
export function manualNextStates(request: RequestSnapshot, actor: Actor): RequestState[] {
  return MANUAL_TARGETS.filter((to) => checkTransition(request, to, actor, 'reason') === null);
}

// ---------------------------------------------------------------------------------------------
// What is asked for, per kind

export interface RequestShape {
  siteId?: number;
  organisationOdsCode?: string;
  connectionId?: number;
  productCode?: string;
  targetSiteId?: number;
  contractYears?: number;
  access?: unknown;
}

const NEEDS: Readonly<Record<RequestKind, { required: (keyof RequestShape)[]; allowed: (keyof RequestShape)[] }>> = {
  new_connection: { required: ['siteId', 'productCode'], allowed: ['siteId', 'productCode', 'contractYears'] },
  bandwidth_upgrade: { required: ['connectionId', 'productCode'], allowed: ['connectionId', 'productCode'] },
  move: { required: ['connectionId', 'targetSiteId'], allowed: ['connectionId', 'targetSiteId'] },
  cease: { required: ['connectionId'], allowed: ['connectionId'] },
  access: { required: ['access'], allowed: ['access', 'siteId', 'organisationOdsCode'] },
};

const WHY: Record<keyof RequestShape, string> = {
  siteId: 'the site',
  organisationOdsCode: 'the organisation',
  connectionId: 'the connection',
  productCode: 'the catalogue product',
  targetSiteId: 'the site to move to',
  contractYears: 'the contract length',
  access: 'who needs access, and to what',
};

/** The fields each kind needs, and those that do not apply to it, each named. */
export function checkShape(kind: RequestKind, input: RequestShape): Array<{ field: string; message: string }> {
  const found: Array<{ field: string; message: string }> = [];
  const need = NEEDS[kind];
  for (const field of need.required) if (input[field] === undefined) found.push({ field, message: `is required for a ${kind} request (${WHY[field]})` });
  for (const field of Object.keys(WHY) as (keyof RequestShape)[]) {
    if (input[field] !== undefined && !need.allowed.includes(field)) found.push({ field, message: `does not apply to a ${kind} request` });
  }
  if (kind === 'access' && input.siteId === undefined && input.organisationOdsCode === undefined) {
    found.push({ field: 'organisationOdsCode', message: 'is required for an access request without a site' });
  }
  if (input.siteId !== undefined && input.organisationOdsCode !== undefined) found.push({ field: 'organisationOdsCode', message: 'give the site or the organisation, not both' });
  return found;
}

/** The connection a bandwidth upgrade, move or cease acts on must be live. */
export function checkExistingConnection(kind: RequestKind, state: ConnectionState): Refusal | null {
  if (state === 'live') return null;
  const hint = kind === 'cease' && ['requested', 'quoted', 'ordered', 'surveyed'].includes(state) ? '; a connection not yet live is cancelled, not ceased' : '';
  return unprocessable('connectionId', `is ${state}; a ${kind} needs a live connection${hint}`);
}

/** The title a request gets when the requester gives none. */
export function defaultTitle(kind: RequestKind, parts: { site?: string; product?: string; connectionId?: number; targetSite?: string; accessTo?: string; accessFor?: string }): string {
  switch (kind) {
    case 'new_connection':
      return `New connection ${parts.product ?? ''} for ${parts.site ?? 'a site'}`.replace(/\s+/g, ' ');
    case 'bandwidth_upgrade':
      return `Upgrade connection ${parts.connectionId} to ${parts.product}`;
    case 'move':
      return `Move connection ${parts.connectionId} to ${parts.targetSite}`;
    case 'cease':
      return `Cease connection ${parts.connectionId}${parts.site ? ` at ${parts.site}` : ''}`;
    case 'access':
      return `Access to ${parts.accessTo} for ${parts.accessFor}`;
  }
}
