import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import * as clock from '../../core/clock.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, SYSTEM_ACTOR, type Actor as JournalActor, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { cancel as cancelJob, schedule } from '../../core/jobs/queue.ts';
import { jobHandlers } from '../../core/jobs/registry.ts';
import {
  allTasksClosed,
  autoCloseAt,
  autoCloseDaysOf,
  DEFAULT_AUTO_CLOSE_DAYS,
  checkDecision,
  checkExistingConnection,
  checkTaskAction,
  checkTransition,
  tasksCompletedByConnection,
  templateOf,
  WORKING_STATES,
  type RequestKind,
  type RequestState,
} from '../../domain/request-lifecycle.ts';
import type { ConnectionState } from '../../domain/connection-lifecycle.ts';
import { counted } from '../../domain/words.ts';
import { recordClockEvent, type RecordEvent } from '../service-levels/clocks.ts';
import { requestSettings } from './settings.ts';
import { emailReplies } from '../notifications/notify.ts';
import { connectionChanges, transitionIn, type ConnectionChange } from '../connections/service.ts';
import { moveIn, upgradeIn } from '../connections/changes.ts';
import { lockConnection } from '../connections/queries.ts';
import { linkedConnectionId, lockRequestsOfConnection, tasksOf, userById, userSeesOrganisation, type RequestRow, type TaskRow } from './queries.ts';
import type { RequestDetails } from './schemas.ts';
import {
  actorFacts,
  insertNote,
  isStaff,
  journal,
  journalEvent,
  linkNewConnection,
  mustLock,
  refuse,
  reload,
  requesterOf,
  setDue,
  snapshotOf,
  subjectOf,
  tell,
  ENTITY,
} from './service.ts';

const CLOSE_JOB = 'service_request.close';
const closeKey = (id: number) => `${CLOSE_JOB}:${id}`;

/**
 * n3sp takes a request's connection through its lifecycle on the person's behalf: the request's
 * rules have already decided that they may (a customer cancelling their own organisation's
 * request cancels the connection it asked for). The journal still names the person.
 */
const onBehalfOf = (principal: Principal): Principal => ({ ...principal, scope: { kind: 'network' } });

async function clockEvent(tx: Tx, ctx: AppContext, row: RequestRow, event: RecordEvent): Promise<void> {
  await setDue(tx, row.id, await recordClockEvent(tx, ctx, subjectOf(row), event, clock.now()));
}

/** Moves the request to a state, stamping what that state stamps (fulfilment is stamped by advance, with its close time); returns the row after. */
async function moveTo(tx: Tx, id: number, to: RequestState, extra: Record<string, unknown> = {}): Promise<RequestRow> {
  const now = clock.now();
  const stamps: Record<string, unknown> = {};
  if (to === 'closed') stamps.closed_at = now;
  if (to === 'cancelled') stamps.cancelled_at = now;
  await tx
    .updateTable('service_request')
    .set((eb) => ({ state: to, ...stamps, ...extra, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
  return reload(tx, id);
}

/**
 * After a task closes: the first worked task puts the request in fulfilment, the last one fulfils
 * it (clocks stopped, requester told, closure scheduled unless they confirm first).
 */
async function advance(tx: Tx, ctx: AppContext, actor: JournalActor, id: number): Promise<void> {
  let row = await reload(tx, id);
  if (row.state === 'submitted' || row.state === 'approved') {
    const after = await moveTo(tx, id, 'in_fulfilment');
    await journal(tx, ctx, actor, 'in_fulfilment', row, after, 'Fulfilment started with its first task');
    await clockEvent(tx, ctx, after, 'responded');
    row = after;
  }
  if (row.state !== 'in_fulfilment' || !allTasksClosed(snapshotOf(row, await tasksOf(tx, id)).tasks)) return;
  // The window in force now is the request's for good: its row, its job and its e-mail agree.
  const { autoCloseDays } = (await requestSettings.read(tx, ctx.db)).settings;
  const fulfilledAt = clock.now();
  const after = await moveTo(tx, id, 'fulfilled', { fulfilled_at: fulfilledAt, closes_at: autoCloseAt(fulfilledAt, autoCloseDays) });
  await journal(tx, ctx, actor, 'fulfilled', row, after, 'Every task is done or skipped: fulfilled');
  await clockEvent(tx, ctx, after, 'resolved');
  await schedule(tx, { kind: CLOSE_JOB, runAt: after.closes_at!, payload: { requestId: id }, dedupeKey: closeKey(id) });
  await tell(
    tx,
    ctx,
    after,
    'resolution',
    requesterOf(after),
    `fulfilled: ${after.title}`,
    `${after.number} is fulfilled. Please confirm in the portal; it closes by itself in ${counted(autoCloseDays, 'day')} otherwise.`,
  );
}

/** Marks a task done or skipped, journaled on the request. */
async function closeTask(tx: Tx, ctx: AppContext, principal: { actor: JournalActor; userId: number | null }, row: RequestRow, task: TaskRow, to: 'done' | 'skipped', text: string | null) {
  await tx
    .updateTable('request_task')
    .set((eb) => ({
      state: to,
      completed_at: clock.now(),
      completed_by: principal.userId,
      notes: to === 'done' ? text : null,
      skipped_reason: to === 'skipped' ? text : null,
      updated_at: clock.now(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', task.id)
    .execute();
  const field = `task ${task.position} (${task.title})`;
  await journalEvent(tx, ctx, principal.actor, row, to === 'done' ? 'task_completed' : 'task_skipped', `${task.title}: ${to}${text ? ` (${text})` : ''}`, [{ field, before: 'open', after: to }]);
}

// ---------------------------------------------------------------------------------------------
// Approval

/** An approver approves; a new connection is then requested in the network inventory and linked. */
export async function approveRequest(ctx: AppContext, principal: Principal, id: number, comment?: string): Promise<RequestRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await mustLock(tx, principal, id);
    const refused = checkDecision({ state: before.state as RequestState, requesterId: before.requester_id }, actorFacts(principal), 'approve');
    if (refused) refuse(refused);
    let after = await moveTo(tx, id, 'approved', { approved_by: principal.userId, approved_at: clock.now() });
    await journal(tx, ctx, actorOf(principal), 'approved', before, after, `Approved by ${principal.displayName}${comment ? `: ${comment}` : ''}`);
    await clockEvent(tx, ctx, after, 'responded');
    if (after.kind === 'new_connection' && after.connection_id === null) after = await linkNewConnection(tx, ctx, principal, after, after.product_code!);
    await tell(tx, ctx, after, 'customer_update', requesterOf(after), `approved: ${after.title}`, `${after.number} is approved${comment ? `: ${comment}` : ''}. Its fulfilment starts now.`);
    return reload(tx, id);
  });
}

/** An approver rejects, saying why; the requester is told. Its clocks stop, neither met nor breached. */
export async function rejectRequest(ctx: AppContext, principal: Principal, id: number, reason: string): Promise<RequestRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await mustLock(tx, principal, id);
    const refused = checkDecision({ state: before.state as RequestState, requesterId: before.requester_id }, actorFacts(principal), 'reject', reason);
    if (refused) refuse(refused);
    const after = await moveTo(tx, id, 'rejected', { approved_by: principal.userId, approved_at: clock.now(), rejection_reason: reason });
    await journal(tx, ctx, actorOf(principal), 'rejected', before, after, `Rejected by ${principal.displayName}: ${reason}`);
    await clockEvent(tx, ctx, after, 'cancelled');
    await tell(tx, ctx, after, 'customer_update', requesterOf(after), `rejected: ${after.title}`, `${after.number} is rejected: ${reason}`);
    return reload(tx, id);
  });
}

// ---------------------------------------------------------------------------------------------
// Transitions by hand

/**
 * Starts fulfilment, cancels (with a reason) or confirms closure. Cancelling a new connection's
 * request cancels the connection it asked for, through the connection's own lifecycle; the
 * connection is locked before the request, the order its own steps lock them in.
 */
export async function transitionRequest(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: { to: RequestState; reason?: string }): Promise<RequestRow> {
  return inTransaction(ctx, async (tx) => {
    const connectionId = await linkedConnectionId(tx, principal.scope, id);
    if (connectionId === undefined) throw problems.notFound('service request with that id');
    if (connectionId !== null) await lockConnection(tx, { kind: 'network' }, connectionId);
    const before = await mustLock(tx, principal, id);
    if (before.version !== expectedVersion) throw problems.preconditionFailed();
    const refused = checkTransition(snapshotOf(before, await tasksOf(tx, id)), input.to, actorFacts(principal), input.reason);
    if (refused) refuse(refused);
    const actor = actorOf(principal);
    if (input.to === 'in_fulfilment') {
      const after = await moveTo(tx, id, 'in_fulfilment');
      await journal(tx, ctx, actor, 'in_fulfilment', before, after, `Fulfilment started by ${principal.displayName}`);
      await clockEvent(tx, ctx, after, 'responded');
    } else if (input.to === 'cancelled') {
      const after = await moveTo(tx, id, 'cancelled', { cancellation_reason: input.reason });
      await journal(tx, ctx, actor, 'cancelled', before, after, `Cancelled by ${principal.displayName}: ${input.reason}`);
      await clockEvent(tx, ctx, after, 'cancelled');
      if (after.kind === 'new_connection' && after.connection_id !== null) {
        const connection = await lockConnection(tx, { kind: 'network' }, after.connection_id);
        if (connection && ['requested', 'quoted', 'ordered', 'surveyed'].includes(connection.state)) {
          await transitionIn(tx, ctx, onBehalfOf(principal), connection.id, connection.version, { to: 'cancelled', at: laterOf(clock.today(), connection) });
        }
      }
      if (isStaff(principal)) await tell(tx, ctx, after, 'customer_update', requesterOf(after), `cancelled: ${after.title}`, `${after.number} is cancelled: ${input.reason}`);
    } else if (input.to === 'closed') {
      const after = await moveTo(tx, id, 'closed');
      const who = isStaff(principal) ? principal.displayName : `${principal.displayName}, who confirmed it`;
      await journal(tx, ctx, actor, 'closed', before, after, `Closed by ${who}`);
      await cancelJob(tx, closeKey(id));
    }
    return reload(tx, id);
  });
}

/** A step is dated today, or on the connection's last step when that is (oddly) later. */
function laterOf(day: string, connection: { requested_on: string; quoted_on: string | null; ordered_on: string | null; surveyed_on: string | null }): string {
  return [day, connection.requested_on, connection.quoted_on, connection.ordered_on, connection.surveyed_on].filter((d): d is string => !!d).sort().at(-1)!;
}

// ---------------------------------------------------------------------------------------------
// Tasks

/**
 * Completes or skips the next task. Completing a cease's "cease the circuit" ceases the
 * connection through its lifecycle in the same transaction; completing an upgrade's "change the
 * bandwidth" or a move's "move the service" changes the connection's product or site (see
 * changeConnection); the last task fulfils the request.
 */
export async function workTask(ctx: AppContext, principal: Principal, id: number, taskId: number, action: 'complete' | 'skip', text?: string): Promise<RequestRow> {
  return inTransaction(ctx, async (tx) => {
    const connectionId = await linkedConnectionId(tx, principal.scope, id);
    if (connectionId === undefined) throw problems.notFound('service request with that id');
    if (connectionId !== null) await lockConnection(tx, { kind: 'network' }, connectionId);
    const row = await mustLock(tx, principal, id);
    const tasks = await tasksOf(tx, id);
    const refused = checkTaskAction(
      { kind: row.kind as RequestKind, state: row.state as RequestState, connectionId: row.connection_id },
      snapshotOf(row, tasks).tasks,
      taskId,
      action,
      actorFacts(principal),
      text,
    );
    if (refused) {
      if (refused.field === 'taskId' && refused.message === 'is not a task of this request') throw problems.notFound('task with that id on this request');
      refuse(refused);
    }
    const task = tasks.find((t) => t.id === taskId)!;
    await closeTask(tx, ctx, { actor: actorOf(principal), userId: principal.userId || null }, row, task, action === 'complete' ? 'done' : 'skipped', text ?? null);
    const template = templateOf(row.kind as RequestKind, task.step);
    if (action === 'complete' && template?.changes && row.connection_id !== null) await changeConnection(tx, ctx, principal, row, template.changes);
    const drives = template?.drives;
    if (action === 'complete' && drives && row.connection_id !== null) {
      const connection = await lockConnection(tx, { kind: 'network' }, row.connection_id);
      if (connection && connection.state !== drives) {
        await transitionIn(tx, ctx, onBehalfOf(principal), connection.id, connection.version, { to: drives as 'ceased', at: clock.today() });
      }
    }
    await advance(tx, ctx, actorOf(principal), id);
    return reload(tx, id);
  });
}

/**
 * Puts the request's connection on the product, or at the site, the request asked for, through
 * the connections service in the task's transaction, and journals it on the request too. Whatever
 * the connection refuses (ceased meanwhile, the product withdrawn or no longer priced by its
 * supplier, the site closed or full) refuses the task, naming the request's field, and the
 * transaction takes nothing with it.
 */
async function changeConnection(tx: Tx, ctx: AppContext, principal: Principal, row: RequestRow, change: 'product' | 'site'): Promise<void> {
  const connection = (await lockConnection(tx, { kind: 'network' }, row.connection_id!))!;
  const notLive = checkExistingConnection(row.kind as RequestKind, connection.state as ConnectionState);
  if (notLive) throw problems.unprocessable(notLive.field, `connection ${connection.id} ${notLive.message}`);
  const by = onBehalfOf(principal);
  if (change === 'product') {
    const after = await upgradeIn(tx, ctx, by, connection.id, connection.version, { productCode: row.product_code! });
    await journalEvent(tx, ctx, actorOf(principal), row, 'connection_upgraded', `Connection ${connection.id} is now on ${after.product_code}`, [
      { field: 'connection.product', before: connection.product_code, after: after.product_code },
    ]);
  } else {
    const target = (row.details as RequestDetails).targetSite!;
    const after = await moveIn(tx, ctx, by, connection.id, connection.version, { targetSiteId: target.id });
    await journalEvent(tx, ctx, actorOf(principal), row, 'connection_moved', `Connection ${connection.id} is now at ${after.site_name}`, [
      { field: 'connection.site', before: { id: connection.site_id, name: connection.site_name }, after: { id: after.site_id, name: after.site_name } },
    ]);
  }
}

// ---------------------------------------------------------------------------------------------
// The connection's lifecycle drives the requests linked to it

/**
 * Runs inside every connection step's transaction. A new connection's request has its tasks
 * completed as the connection is ordered, surveyed, installed and goes live (live fulfils it),
 * and is cancelled with it; a cease request's "cease the circuit" completes when the connection is
 * ceased by any route.
 */
async function followConnection(tx: Tx, ctx: AppContext, change: ConnectionChange): Promise<void> {
  const { before, after, principal } = change;
  if (before.state === after.state) return;
  const who = { actor: actorOf(principal), userId: principal.userId || null };
  for (const id of await lockRequestsOfConnection(tx, after.id, ['new_connection'])) {
    const row = await reload(tx, id);
    if (after.state === 'cancelled') {
      const cancelled = await moveTo(tx, id, 'cancelled', { cancellation_reason: `connection ${after.id} was cancelled` });
      await journal(tx, ctx, who.actor, 'cancelled', row, cancelled, `Connection ${after.id} was cancelled, and with it this request`);
      await clockEvent(tx, ctx, cancelled, 'cancelled');
      await tell(tx, ctx, cancelled, 'customer_update', requesterOf(cancelled), `cancelled: ${cancelled.title}`, `Connection ${after.id} was cancelled, and with it ${cancelled.number}.`);
      continue;
    }
    if (!WORKING_STATES.includes(row.state as RequestState)) continue;
    const tasks = await tasksOf(tx, id);
    for (const snapshot of tasksCompletedByConnection('new_connection', snapshotOf(row, tasks).tasks, after.state as never)) {
      const task = tasks.find((t) => t.id === snapshot.id)!;
      await closeTask(tx, ctx, who, row, task, 'done', `connection ${after.id} ${after.state}`);
    }
    await advance(tx, ctx, who.actor, id);
  }
  if (after.state === 'ceased') {
    for (const id of await lockRequestsOfConnection(tx, after.id, ['cease'])) {
      const row = await reload(tx, id);
      if (!WORKING_STATES.includes(row.state as RequestState)) continue;
      const task = (await tasksOf(tx, id)).find((t) => t.step === 'cease_circuit' && t.state === 'open');
      if (!task) continue;
      await closeTask(tx, ctx, who, row, task, 'done', `connection ${after.id} ceased`);
      await advance(tx, ctx, who.actor, id);
    }
  }
}
connectionChanges.listen(followConnection);

// ---------------------------------------------------------------------------------------------
// Closure by itself, and replies by e-mail

/**
 * A fulfilled request the customer has not confirmed closes when its close job comes due: the
 * auto-close window in force when it was fulfilled (its closes_at) after fulfilment.
 */
jobHandlers.register<{ requestId: number }>(CLOSE_JOB, async (tx, job, ctx) => {
  const id = job.payload.requestId;
  const locked = await tx.selectFrom('service_request').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!locked) return;
  const before = await reload(tx, id);
  if (before.state !== 'fulfilled') return;
  const after = await moveTo(tx, id, 'closed');
  const days = before.fulfilled_at && before.closes_at ? autoCloseDaysOf(before.fulfilled_at, before.closes_at) : DEFAULT_AUTO_CLOSE_DAYS;
  await journal(tx, ctx, SYSTEM_ACTOR, 'closed', before, after, `Closed by itself ${counted(days, 'day')} after fulfilment, unconfirmed`);
});
export const closeJobKind = CLOSE_JOB;

/**
 * A reply to one of the request's e-mails becomes a note. Only the requester, a customer of the
 * request's organisation, or a member of staff may add one this way: anyone else who learns a
 * request number gets nothing onto it. A customer's reply is visible to their organisation; a
 * member of staff's is internal, since what staff are sent (an approval asked for, an assignment)
 * may quote what the customer must not read. A finished request takes no more replies.
 */
emailReplies.handle('service_request', async (tx, ctx, reply) => {
  const locked = await tx.selectFrom('service_request').select('id').where('id', '=', reply.recordId).forUpdate().executeTakeFirst();
  if (!locked) throw problems.notFound('service request with that number');
  const row = await reload(tx, reply.recordId);
  if (['rejected', 'closed', 'cancelled'].includes(row.state)) throw problems.unprocessable('recordId', `${row.number} is ${row.state}; raise a new request in the portal`);
  const user = reply.fromUserId !== null ? await userById(tx, reply.fromUserId) : undefined;
  const byStaff = !!user && user.active && user.supplier_id === null && user.roles.some((r) => r !== 'customer' && r !== 'supplier');
  const allowed =
    byStaff ||
    (user && user.active && (user.id === row.requester_id || (await userSeesOrganisation(tx, user.id, row.organisation_id)))) ||
    (!!row.requester_email && row.requester_email.toLowerCase() === reply.from.toLowerCase());
  if (!allowed) throw problems.forbidden(`${reply.from} may not add to ${row.number}.`);
  const name = user?.display_name ?? reply.from;
  await insertNote(tx, ctx, row, { actor: { id: user?.id ?? null, name }, authorName: name, visible: !byStaff, body: reply.text, source: 'email', byStaff });
});

export { ENTITY };
