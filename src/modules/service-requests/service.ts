import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import * as clock from '../../core/clock.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Db } from '../../core/db/database.ts';
import { actorOf, type Actor as JournalActor, type Principal } from '../../core/access/principal.ts';
import { STAFF_ROLES } from '../../core/access/roles.ts';
import { Problem, problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import {
  checkExistingConnection,
  checkShape,
  defaultTitle,
  initialState,
  manualNextStates,
  needsApproval,
  OPEN_STATES,
  TASK_PLANS,
  templateOf,
  type Actor,
  type Refusal,
  type RequestKind,
  type RequestSnapshot,
  type RequestState,
  type TaskSnapshot,
  type TaskState,
} from '../../domain/request-lifecycle.ts';
import type { ConnectionState } from '../../domain/connection-lifecycle.ts';
import { checkMove } from '../../domain/connection-changes.ts';
import { alarmSentence, clockAlarms, clocksOf, slaDueAtOf, startClocks, subjectChanged, type ClockSubject, type ClockSummary, type ClockView } from '../service-levels/clocks.ts';
import { notify, type NotificationEvent, type Recipient } from '../notifications/notify.ts';
import { alarmRecipients } from '../notifications/queries.ts';
import { requestConnection } from '../connections/service.ts';
import { planUpgrade } from '../connections/changes.ts';
import { findConnection } from '../connections/queries.ts';
import {
  approversToTell,
  connectionInScope,
  findRequest,
  isTeamMember,
  lockRequest,
  notesOf,
  organisationInScope,
  productByCode,
  siteInScope,
  tasksOf,
  teamById,
  userById,
  type NoteRow,
  type RequestRow,
  type RequestSummaryRow,
  type TaskRow,
} from './queries.ts';
import type { CreateNote, CreateRequest, Request, RequestableProduct, RequestDetails, RequestNote, RequestSummary, RequestTask, UpdateRequest, UpdateTask } from './schemas.ts';

export const ENTITY = 'service_request';

const iso = (d: Date | null | undefined) => (d instanceof Date ? d.toISOString() : null);
/** 'infinity' comes back from the database as a number: no due time. */
const dueOf = (d: Date | number) => (d instanceof Date ? d.toISOString() : null);

export const isStaff = (p: Principal) => p.scope.kind === 'network';
export const actorFacts = (p: Principal): Actor => ({ userId: p.userId, roles: p.roles, customer: !isStaff(p) });

/** A refusal from the pure rules, as problem details naming its field. */
export function refuse(r: Refusal | { status: 409 | 422; field: string; message: string }): never {
  if (r.status === 403) throw new Problem(403, 'forbidden', 'Not allowed', r.message, [{ field: r.field, message: r.message }]);
  if (r.status === 409) throw problems.conflict(r.field, r.message);
  throw problems.unprocessable(r.field, r.message);
}

// ---------------------------------------------------------------------------------------------
// Presenting

export function presentSummary(row: RequestSummaryRow): RequestSummary {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    title: row.title,
    state: row.state,
    priority: row.priority,
    organisation: { odsCode: row.organisation_ods_code, name: row.organisation_name },
    site: row.site_id !== null ? { id: row.site_id, name: row.site_name ?? '' } : null,
    connection: row.connection_id !== null ? { id: row.connection_id, state: row.connection_state ?? '' } : null,
    product: row.product_id !== null ? { code: row.product_code ?? '', name: row.product_name ?? '' } : null,
    requester: row.requester_id !== null || row.requester_name ? { id: row.requester_id ?? 0, name: row.requester_display_name ?? row.requester_name ?? '' } : null,
    team: row.team_id !== null ? { id: row.team_id, code: row.team_code ?? '', name: row.team_name ?? '' } : null,
    assignee: row.assignee_id !== null ? { id: row.assignee_id, name: row.assignee_name ?? '' } : null,
    approvalRequired: row.approval_required,
    slaDueAt: dueOf(row.sla_due_at as Date | number),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export function presentTask(kind: RequestKind, t: TaskRow): RequestTask {
  const template = templateOf(kind, t.step);
  return {
    id: t.id,
    position: t.position,
    step: t.step,
    title: t.title,
    state: t.state,
    completesItself: template?.completedBy ?? null,
    skippable: template?.skippable ?? true,
    team: t.team_id !== null ? { id: t.team_id, code: t.team_code ?? '', name: t.team_name ?? '' } : null,
    assignee: t.assignee_id !== null ? { id: t.assignee_id, name: t.assignee_name ?? '' } : null,
    completedAt: iso(t.completed_at),
    completedBy: t.completed_by !== null ? { id: t.completed_by, name: t.completer_name ?? '' } : null,
    notes: t.notes,
    skippedReason: t.skipped_reason,
    version: t.version,
  };
}

export function presentNote(n: NoteRow): RequestNote {
  return {
    id: n.id,
    customerVisible: n.customer_visible,
    body: n.body,
    author: { id: n.author_id, name: n.author_name },
    source: n.source,
    createdAt: n.created_at.toISOString(),
  };
}

export const taskSnapshots = (tasks: TaskRow[]): TaskSnapshot[] =>
  tasks.map((t) => ({ id: t.id, position: t.position, step: t.step, title: t.title, state: t.state as TaskState }));

export function snapshotOf(row: RequestRow, tasks: TaskRow[]): RequestSnapshot {
  return { kind: row.kind as RequestKind, state: row.state as RequestState, connectionState: (row.connection_state as ConnectionState | null) ?? null, tasks: taskSnapshots(tasks) };
}

/** The request as the caller may see it: its tasks, its clocks, and the notes they may read. */
export async function detailOf(db: Db | Tx, principal: Principal, row: RequestRow): Promise<Request> {
  const [tasks, notes, clocks] = await Promise.all([tasksOf(db, row.id), notesOf(db, row.id, isStaff(principal)), clocksOf(db, 'service_request', [row.id])]);
  return {
    ...presentSummary(row),
    description: row.description,
    details: row.details as RequestDetails,
    approval: {
      decidedBy: row.approved_by !== null ? { id: row.approved_by, name: row.approver_name ?? '' } : null,
      decidedAt: iso(row.approved_at),
      rejectionReason: row.rejection_reason,
    },
    fulfilledAt: iso(row.fulfilled_at),
    closedAt: iso(row.closed_at),
    cancelledAt: iso(row.cancelled_at),
    cancellationReason: row.cancellation_reason,
    // The close time it was given at fulfilment: a later change of the window does not move it.
    closesAutomaticallyAt: row.state === 'fulfilled' ? iso(row.closes_at) : null,
    tasks: tasks.map((t) => presentTask(row.kind as RequestKind, t)),
    notes: notes.map(presentNote),
    clocks: clocks.get(row.id) ?? [],
    // Only moves the caller may make: an auditor reads every request and moves none.
    nextStates: principal.permissions.has('requests:write') ? manualNextStates(snapshotOf(row, tasks), actorFacts(principal)) : [],
  };
}

export async function getRequest(ctx: AppContext, principal: Principal, id: number): Promise<RequestRow> {
  const row = await findRequest(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('service request with that id');
  return row;
}

export async function mustLock(tx: Tx, principal: Principal, id: number): Promise<RequestRow> {
  const row = await lockRequest(tx, principal.scope, id);
  if (!row) throw problems.notFound('service request with that id');
  return row;
}

export const reload = async (tx: Tx, id: number) => (await findRequest(tx, { kind: 'network' }, id))!;

// ---------------------------------------------------------------------------------------------
// Journal, clocks and e-mail: every change goes through these, in the change's transaction

/** What the history shows of a request: people, sites and teams by name, as its readers know them. */
function journalView(row: RequestRow) {
  return {
    state: row.state,
    title: row.title,
    description: row.description,
    priority: row.priority,
    site: row.site_name,
    connection: row.connection_id,
    product: row.product_code,
    team: row.team_name,
    assignee: row.assignee_name,
    approvalRequired: row.approval_required,
    decidedBy: row.approver_name,
    rejectionReason: row.rejection_reason,
    fulfilledAt: row.fulfilled_at,
    closesAt: row.closes_at,
    closedAt: row.closed_at,
    cancellationReason: row.cancellation_reason,
    details: row.details,
  };
}
const JOURNAL_FIELDS = [
  'state', 'title', 'description', 'priority', 'site', 'connection', 'product', 'team', 'assignee', 'approvalRequired', 'decidedBy', 'rejectionReason', 'fulfilledAt', 'closesAt', 'closedAt', 'cancellationReason', 'details',
] as const;

/** Journals a change to the request itself, naming the fields that changed. */
export async function journal(tx: Tx, ctx: AppContext, actor: JournalActor, action: string, before: RequestRow | null, after: RequestRow, summary: string): Promise<void> {
  await ctx.journal.record(tx, actor, {
    action,
    entityType: ENTITY,
    entityId: after.id,
    organisationId: after.organisation_id,
    summary,
    changes: changedFields(before ? journalView(before) : null, journalView(after), JOURNAL_FIELDS),
  });
}

/** Journals something that happened on the request (a task, a note) with the changes given. */
export async function journalEvent(tx: Tx, ctx: AppContext, actor: JournalActor, row: { id: number; organisation_id: number }, action: string, summary: string, changes: Array<{ field: string; before: unknown; after: unknown }>) {
  await ctx.journal.record(tx, actor, { action, entityType: ENTITY, entityId: row.id, organisationId: row.organisation_id, summary, changes });
}

export function subjectOf(row: RequestRow): ClockSubject {
  return {
    recordType: 'service_request',
    recordId: row.id,
    recordNumber: row.number,
    priority: row.priority,
    organisationId: row.organisation_id,
    teamId: row.team_id,
    supplierId: null,
    productId: row.product_id,
  };
}

/** Keeps the next SLA due time (response or fulfilment) on the row, so the list sorts by it with an index. */
export async function setDue(tx: Tx, id: number, summary: ClockSummary): Promise<void> {
  await tx
    .updateTable('service_request')
    .set({ sla_due_at: slaDueAtOf(summary) })
    .where('id', '=', id)
    .execute();
}

export function requesterOf(row: RequestRow): Recipient[] {
  return row.requester_email ? [{ address: row.requester_email, name: row.requester_display_name }] : [];
}

/** Sends (after commit) an e-mail about the request, when there is anyone to send it to; the
 *  notifications module puts the request's number in the subject. */
export async function tell(tx: Tx, ctx: AppContext, row: RequestRow, event: NotificationEvent, to: Recipient[], subject: string, text: string): Promise<void> {
  if (to.length === 0) return;
  await notify(tx, ctx, {
    recordType: 'service_request',
    recordId: row.id,
    recordNumber: row.number,
    organisationId: row.organisation_id,
    supplierId: null,
    event,
    to,
    subject,
    text,
  });
}

/**
 * A service level warning or breach on an open request, told to whoever works it: its assignee,
 * else its team's address. A request with neither waits in the service desk's queue, so the
 * desk's agents and managers are told instead. Times are London wall time.
 */
export async function tellClockAlarm(tx: Tx, ctx: AppContext, requestId: number, alarm: 'warning' | 'breach', clock: Pick<ClockView, 'kind' | 'metric' | 'dueAt' | 'breachedAt' | 'definition'>): Promise<void> {
  const row = await findRequest(tx, { kind: 'network' }, requestId);
  if (!row || !OPEN_STATES.includes(row.state as RequestState)) return;
  const assignee = row.assignee_id === null ? undefined : await userById(tx, row.assignee_id);
  const team = row.team_id === null ? undefined : await teamById(tx, row.team_id);
  const holders: Recipient[] =
    assignee?.active && assignee.email ? [{ address: assignee.email, name: assignee.display_name }] : team?.email ? [{ address: team.email, name: team.name }] : [];
  const { to, why } = await alarmRecipients(tx, holders, row.team_name);
  const said = alarmSentence(alarm, clock, { metric: clock.metric === 'resolution' ? 'fulfilment' : clock.metric, of: row.number });
  await tell(tx, ctx, row, alarm, to, `${alarm === 'breach' ? 'service level breached' : 'service level warning'}: ${row.title}`, `${said}${why}\n\n${row.number}: ${row.title}\nPriority ${row.priority}, now ${row.state.replace(/_/g, ' ')}.`);
}
clockAlarms.listen('service_request', (tx, ctx, alarm) => tellClockAlarm(tx, ctx, alarm.recordId, alarm.alarm, alarm.clock));

// ---------------------------------------------------------------------------------------------
// Creating a request

/** What the kind needs, looked up and checked within the caller's scope. */
async function resolveRequest(tx: Tx, principal: Principal, input: CreateRequest) {
  const kind = input.kind as RequestKind;
  const shape = checkShape(kind, input);
  if (shape.length) throw problems.invalidFields(shape);
  const scope = principal.scope;
  let organisationId: number;
  let siteId: number | null = null;
  let productId: number | null = null;
  let connectionId: number | null = null;
  let requiresApproval = false;
  const details: RequestDetails = {};
  let titleParts: Parameters<typeof defaultTitle>[1] = {};

  if (kind === 'new_connection') {
    const site = await siteInScope(tx, scope, input.siteId!);
    if (!site) throw problems.unprocessable('siteId', 'is not a site you may ask for a connection for');
    if (site.state !== 'active') throw problems.unprocessable('siteId', `the site is ${site.state}`);
    const product = await productByCode(tx, input.productCode!);
    if (!product || product.kind !== 'connection') throw problems.unprocessable('productCode', 'is not a connection product in the catalogue');
    if (product.state !== 'active') throw problems.unprocessable('productCode', 'is withdrawn');
    organisationId = site.organisation_id;
    siteId = site.id;
    productId = product.id;
    requiresApproval = product.requires_approval;
    if (input.contractYears !== undefined) details.contractYears = input.contractYears;
    titleParts = { site: site.name, product: product.code };
  } else if (kind === 'access') {
    const a = input.access!;
    details.access = { name: a.name, email: a.email ?? null, to: a.to };
    if (input.siteId !== undefined) {
      const site = await siteInScope(tx, scope, input.siteId);
      if (!site) throw problems.unprocessable('siteId', 'is not a site of your organisations');
      organisationId = site.organisation_id;
      siteId = site.id;
    } else {
      const org = await organisationInScope(tx, scope, input.organisationOdsCode!);
      if (!org) throw problems.unprocessable('organisationOdsCode', 'is not an organisation you may ask on behalf of');
      if (org.state === 'closed') throw problems.unprocessable('organisationOdsCode', 'the organisation is closed');
      organisationId = org.id;
    }
    titleParts = { accessTo: a.to, accessFor: a.name };
  } else {
    const connection = await connectionInScope(tx, scope, input.connectionId!);
    if (!connection) throw problems.unprocessable('connectionId', 'is not a connection of your organisations');
    const notLive = checkExistingConnection(kind, connection.state as ConnectionState);
    if (notLive) refuse(notLive);
    const pending = await tx
      .selectFrom('service_request')
      .select(['number', 'kind'])
      .where('connection_id', '=', connection.id)
      .where('kind', 'in', ['bandwidth_upgrade', 'move', 'cease'])
      .where('state', 'in', [...OPEN_STATES])
      .executeTakeFirst();
    if (pending) throw problems.conflict('connectionId', `connection ${connection.id} already has ${pending.kind} request ${pending.number} open`);
    organisationId = connection.organisation_id;
    connectionId = connection.id;
    siteId = connection.site_id;
    productId = connection.product_id;
    requiresApproval = connection.requires_approval;
    titleParts = { connectionId: connection.id, site: connection.site_name };
    if (kind === 'bandwidth_upgrade') {
      const target = await productByCode(tx, input.productCode!);
      if (!target) throw problems.unprocessable('productCode', 'is not a product in the catalogue');
      // The connection's own rules (faster, same resilience, priced by its supplier) answer now, not when the desk reaches the task.
      await planUpgrade(tx, (await findConnection(tx, { kind: 'network' }, connection.id))!, target.code);
      productId = target.id;
      requiresApproval = target.requires_approval;
      details.fromProduct = { code: connection.product_code, bandwidthDownKbps: connection.bandwidth_down_kbps };
      details.targetProduct = { code: target.code, name: target.name, bandwidthDownKbps: target.bandwidth_down_kbps };
      titleParts.product = target.code;
    }
    if (kind === 'move') {
      const target = await siteInScope(tx, scope, input.targetSiteId!);
      if (!target) throw problems.unprocessable('targetSiteId', 'is not a site of your organisations');
      const wrong = checkMove({ siteId: connection.site_id, organisationId: connection.organisation_id }, { id: target.id, organisationId: target.organisation_id, state: target.state });
      if (wrong) refuse(wrong);
      details.fromSite = { id: connection.site_id, name: connection.site_name };
      details.targetSite = { id: target.id, name: target.name };
      titleParts.targetSite = target.name;
    }
  }
  return { kind, organisationId, siteId, productId, connectionId, details, approvalRequired: needsApproval(kind, requiresApproval), title: input.title ?? defaultTitle(kind, titleParts) };
}

/**
 * A request from the catalogue. It starts awaiting approval when its product (or its kind) needs
 * it, else submitted; its fulfilment tasks are laid out at once so the requester sees the plan.
 * A new connection that needs no approval is requested in the network inventory in the same
 * transaction and linked, so its lifecycle drives the request from the start.
 */
export async function createRequest(tx: Tx, ctx: AppContext, principal: Principal, input: CreateRequest): Promise<RequestRow> {
  if (principal.scope.kind === 'supplier') throw problems.forbidden('Suppliers do not raise service requests.');
  // How urgent a request is, against the others, is the desk's call (it orders their queue and
  // sets the clocks' targets): a customer's requests start at P4, and the desk re-prioritises.
  if (!isStaff(principal) && input.priority !== undefined) throw problems.unprocessable('priority', 'is set by the service desk');
  const r = await resolveRequest(tx, principal, input);
  const now = clock.now();
  const { id } = await tx
    .insertInto('service_request')
    .values({
      kind: r.kind,
      title: r.title,
      description: input.description ?? '',
      requester_id: principal.userId || null,
      requester_name: principal.displayName,
      organisation_id: r.organisationId,
      site_id: r.siteId,
      product_id: r.productId,
      connection_id: r.connectionId,
      details: JSON.stringify(r.details),
      priority: input.priority ?? 'P4',
      state: initialState(r.approvalRequired),
      approval_required: r.approvalRequired,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('request_task')
    .values(TASK_PLANS[r.kind].map((t, i) => ({ request_id: id, position: i + 1, step: t.step, title: t.title, created_at: now, updated_at: now })))
    .execute();
  let row = await reload(tx, id);
  const how = r.approvalRequired ? 'awaiting approval' : 'submitted';
  await journal(tx, ctx, actorOf(principal), 'created', null, row, `${row.number} ${how}: ${row.title}`);
  if (r.kind === 'new_connection' && !r.approvalRequired) row = await linkNewConnection(tx, ctx, principal, row, input.productCode!);
  await setDue(tx, id, await startClocks(tx, ctx, subjectOf(row), now));
  if (r.approvalRequired) await askApprovers(tx, ctx, row);
  return reload(tx, id);
}

/** Requests the connection a new_connection request asks for, through the connections service, and links it. */
export async function linkNewConnection(tx: Tx, ctx: AppContext, principal: Principal, row: RequestRow, productCode: string): Promise<RequestRow> {
  const details = row.details as RequestDetails;
  const connection = await requestConnection(tx, ctx, principal, { siteId: row.site_id!, productCode, contractYears: details.contractYears });
  await tx.updateTable('service_request').set({ connection_id: connection.id }).where('id', '=', row.id).execute();
  const after = await reload(tx, row.id);
  await journal(tx, ctx, actorOf(principal), 'connection_linked', row, after, `Connection ${connection.id} requested for ${connection.site_name}; its lifecycle now drives this request`);
  return after;
}

async function askApprovers(tx: Tx, ctx: AppContext, row: RequestRow): Promise<void> {
  const approvers = await approversToTell(tx);
  await tell(
    tx,
    ctx,
    row,
    'assignment',
    approvers.filter((a) => a.id !== row.requester_id).map((a) => ({ address: a.email!, name: a.display_name })),
    `approval needed: ${row.title}`,
    `${row.requester_display_name ?? row.requester_name ?? 'Someone'} asks for: ${row.title}.\nOrganisation: ${row.organisation_name} (${row.organisation_ods_code}).\nPlease approve or reject it.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Assignment and other changes by the service desk

/** A team to assign to: one that exists and is active. */
async function checkTeam(tx: Tx, field: string, teamId: number | null): Promise<number | null> {
  if (teamId === null) return null;
  const team = await teamById(tx, teamId);
  if (!team || !team.active) throw problems.unprocessable(field, 'is not an active team');
  return team.id;
}

/** An assignee: an active member of the network's staff, and of the team when there is one. */
async function checkAssignee(tx: Tx, field: string, userId: number | null, teamId: number | null): Promise<number | null> {
  if (userId === null) return null;
  const user = await userById(tx, userId);
  const works = user?.roles.some((r) => r !== 'auditor' && (STAFF_ROLES as readonly string[]).includes(r));
  if (!user || !user.active || !works) {
    throw problems.unprocessable(field, 'is not an active member of staff who can work requests');
  }
  if (teamId !== null && !(await isTeamMember(tx, teamId, userId))) throw problems.unprocessable(field, 'is not a member of the assigned team');
  return user.id;
}

function staffOnly(principal: Principal, what: string): void {
  if (!isStaff(principal)) throw problems.forbidden(`The service desk ${what}; a customer adds notes.`);
}

/** Title, description, priority and assignment; the clocks follow the priority and the team. */
export async function updateRequest(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, patch: UpdateRequest): Promise<RequestRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await mustLock(tx, principal, id);
    staffOnly(principal, 'changes and assigns requests');
    if (before.version !== expectedVersion) throw problems.preconditionFailed();
    if (['rejected', 'closed', 'cancelled'].includes(before.state)) throw problems.unprocessable('state', `the request is ${before.state}; it no longer changes`);
    const teamId = patch.teamId === undefined ? before.team_id : await checkTeam(tx, 'teamId', patch.teamId);
    let assigneeId = patch.assigneeId === undefined ? before.assignee_id : await checkAssignee(tx, 'assigneeId', patch.assigneeId, teamId);
    // A new team without a named assignee: whoever held it stays only if they are in that team.
    if (patch.assigneeId === undefined && patch.teamId !== undefined && assigneeId !== null && teamId !== null && !(await isTeamMember(tx, teamId, assigneeId))) assigneeId = null;
    await tx
      .updateTable('service_request')
      .set((eb) => ({
        title: patch.title,
        description: patch.description,
        priority: patch.priority,
        team_id: teamId,
        assignee_id: assigneeId,
        updated_at: clock.now(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .execute();
    const after = await reload(tx, id);
    const changes = changedFields(journalView(before), journalView(after), JOURNAL_FIELDS);
    await journalEvent(tx, ctx, actorOf(principal), after, 'updated', `Changed ${changes.map((c) => c.field).join(', ') || 'nothing'}`, changes);
    if (before.priority !== after.priority || before.team_id !== after.team_id) {
      await setDue(tx, id, await subjectChanged(tx, ctx, subjectOf(before), subjectOf(after), clock.now()));
    }
    if (after.assignee_id !== null && after.assignee_id !== before.assignee_id && after.assignee_id !== principal.userId) {
      const assignee = await userById(tx, after.assignee_id);
      if (assignee?.email) await tell(tx, ctx, after, 'assignment', [{ address: assignee.email, name: assignee.display_name }], `assigned to you: ${after.title}`, `${principal.displayName} assigned ${after.number} to you.`);
    }
    return reload(tx, id);
  });
}

/** Assigns one fulfilment task to a team and, optionally, one of its members. */
export async function updateTask(ctx: AppContext, principal: Principal, id: number, taskId: number, patch: UpdateTask): Promise<RequestRow> {
  return inTransaction(ctx, async (tx) => {
    const row = await mustLock(tx, principal, id);
    staffOnly(principal, 'assigns fulfilment tasks');
    const task = (await tasksOf(tx, id)).find((t) => t.id === taskId);
    if (!task) throw problems.notFound('task with that id on this request');
    if (task.state !== 'open') throw problems.unprocessable('taskId', `is already ${task.state}`);
    const teamId = patch.teamId === undefined ? task.team_id : await checkTeam(tx, 'teamId', patch.teamId);
    const assigneeId = patch.assigneeId === undefined ? task.assignee_id : await checkAssignee(tx, 'assigneeId', patch.assigneeId, teamId);
    await tx
      .updateTable('request_task')
      .set((eb) => ({ team_id: teamId, assignee_id: assigneeId, updated_at: clock.now(), version: eb('version', '+', 1) }))
      .where('id', '=', taskId)
      .execute();
    const after = (await tasksOf(tx, id)).find((t) => t.id === taskId)!;
    // The team and the person by name, as the request's readers know them (not by code or id).
    const changes = changedFields(
      { [`task ${task.position} team`]: task.team_name, [`task ${task.position} assignee`]: task.assignee_name },
      { [`task ${task.position} team`]: after.team_name, [`task ${task.position} assignee`]: after.assignee_name },
      [`task ${task.position} team`, `task ${task.position} assignee`],
    );
    await journalEvent(tx, ctx, actorOf(principal), row, 'task_assigned', `Task ${task.position} (${task.title}) assigned`, changes);
    await tx.updateTable('service_request').set((eb) => ({ updated_at: clock.now(), version: eb('version', '+', 1) })).where('id', '=', id).execute();
    if (after.assignee_id !== null && after.assignee_id !== task.assignee_id && after.assignee_id !== principal.userId) {
      const assignee = await userById(tx, after.assignee_id);
      if (assignee?.email) await tell(tx, ctx, row, 'assignment', [{ address: assignee.email, name: assignee.display_name }], `task assigned to you: ${task.title}`, `${principal.displayName} assigned task ${task.position} (${task.title}) of ${row.number} to you.`);
    }
    return reload(tx, id);
  });
}

// ---------------------------------------------------------------------------------------------
// Notes

/**
 * A note on the request. A customer's note is always visible to their organisation and the desk;
 * a member of staff chooses (internal by default). Internal notes never reach a customer: not in
 * the request, not in a search match, and their words are kept out of the journal a customer reads.
 */
export async function addNote(
  tx: Tx,
  ctx: AppContext,
  principal: Principal,
  id: number,
  input: CreateNote,
  source: 'web' | 'api' | 'email' = 'api',
): Promise<NoteRow> {
  const row = await mustLock(tx, principal, id);
  if (!isStaff(principal) && input.customerVisible === false) throw problems.unprocessable('customerVisible', "a customer's notes are always visible to the service desk and their organisation");
  const visible = isStaff(principal) ? (input.customerVisible ?? false) : true;
  return insertNote(tx, ctx, row, { actor: actorOf(principal), authorName: principal.displayName, visible, body: input.body, source, byStaff: isStaff(principal) });
}

/** What the journal says of an internal note instead of its words. */
const INTERNAL_NOTE_WORDS = 'added (its words are for the service desk, with the notes)';

export async function insertNote(
  tx: Tx,
  ctx: AppContext,
  row: RequestRow,
  note: { actor: JournalActor; authorName: string; visible: boolean; body: string; source: 'web' | 'api' | 'email' | 'system'; byStaff: boolean },
): Promise<NoteRow> {
  const created = await tx
    .insertInto('service_request_note')
    .values({ request_id: row.id, customer_visible: note.visible, body: note.body, author_id: note.actor.id, author_name: note.authorName, source: note.source, created_at: clock.now() })
    .returning(['id', 'customer_visible', 'body', 'author_id', 'author_name', 'source', 'created_at'])
    .executeTakeFirstOrThrow();
  // The note's words, as its readers read them; an internal note's stay out of the journal, which
  // the customer may read (the note row keeps them). The note's id is no reader's business.
  await journalEvent(tx, ctx, note.actor, row, note.visible ? 'note_added' : 'internal_note_added', note.visible ? `Note by ${note.authorName}` : `Internal note by ${note.authorName}`, [
    { field: 'note', before: null, after: note.visible ? note.body : INTERNAL_NOTE_WORDS },
  ]);
  await tx.updateTable('service_request').set((eb) => ({ updated_at: clock.now(), version: eb('version', '+', 1) })).where('id', '=', row.id).execute();
  if (note.visible && note.byStaff) {
    await tell(tx, ctx, row, 'customer_update', requesterOf(row), `update: ${row.title}`, `${note.authorName} wrote:\n\n${note.body}`);
  } else if (note.visible && row.assignee_id !== null) {
    const assignee = await userById(tx, row.assignee_id);
    if (assignee?.email) await tell(tx, ctx, row, 'assignment', [{ address: assignee.email, name: assignee.display_name }], `the customer wrote: ${row.title}`, `${note.authorName} wrote:\n\n${note.body}`);
  }
  return created;
}

export function presentRequestableProduct(row: {
  code: string;
  name: string;
  access_technology: string | null;
  bandwidth_down_kbps: number | null;
  bandwidth_up_kbps: number | null;
  resilience: string | null;
  requires_approval: boolean;
}): RequestableProduct {
  return {
    code: row.code,
    name: row.name,
    accessTechnology: row.access_technology,
    bandwidthDownKbps: row.bandwidth_down_kbps,
    bandwidthUpKbps: row.bandwidth_up_kbps,
    resilience: row.resilience,
    requiresApproval: row.requires_approval,
  };
}
