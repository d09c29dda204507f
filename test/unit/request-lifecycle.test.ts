import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allTasksClosed,
  checkDecision,
  checkExistingConnection,
  checkShape,
  checkTaskAction,
  checkTransition,
  defaultTitle,
  FINAL_STATES,
  initialState,
  manualNextStates,
  MANUAL_TARGETS,
  needsApproval,
  NEXT_STATES,
  nextTask,
  REQUEST_KINDS,
  REQUEST_STATES,
  TASK_PLANS,
  tasksCompletedByConnection,
  type Actor,
  type RequestSnapshot,
  type RequestState,
  type TaskSnapshot,
} from '../../src/domain/request-lifecycle.ts';

const agent: Actor = { userId: 10, roles: ['service_desk_agent'], customer: false };
const approver: Actor = { userId: 11, roles: ['change_approver'], customer: false };
const customer: Actor = { userId: 12, roles: ['customer'], customer: true };

const tasksOf = (kind: keyof typeof TASK_PLANS, states: TaskSnapshot['state'][] = []): TaskSnapshot[] =>
  TASK_PLANS[kind].map((t, i) => ({ id: 100 + i, position: i + 1, step: t.step, title: t.title, state: states[i] ?? 'open' }));

const snap = (over: Partial<RequestSnapshot> = {}): RequestSnapshot => ({ kind: 'access', state: 'submitted', connectionState: null, tasks: tasksOf('access'), ...over });

test('states: rejected, closed and cancelled are final; fulfilled leads only to closed', () => {
  for (const s of REQUEST_STATES) assert.equal(NEXT_STATES[s].length === 0, FINAL_STATES.includes(s), s);
  assert.deepEqual(NEXT_STATES.fulfilled, ['closed']);
  assert.equal(initialState(true), 'awaiting_approval');
  assert.equal(initialState(false), 'submitted');
});

test('every manual transition from every state: allowed exactly where the lifecycle and the role allow, refused naming the field', () => {
  const expected: Record<RequestState, RequestState[]> = {
    submitted: ['in_fulfilment', 'cancelled'],
    awaiting_approval: ['cancelled'],
    approved: ['in_fulfilment', 'cancelled'],
    rejected: [],
    in_fulfilment: ['cancelled'],
    fulfilled: ['closed'],
    closed: [],
    cancelled: [],
  };
  for (const from of REQUEST_STATES) {
    for (const to of REQUEST_STATES) {
      const refusal = checkTransition(snap({ state: from }), to, agent, 'because');
      if (expected[from].includes(to)) assert.equal(refusal, null, `${from} → ${to}`);
      else {
        assert.ok(refusal, `${from} → ${to} must be refused`);
        assert.equal(refusal.field, 'to', `${from} → ${to}`);
        assert.equal(refusal.status, 422);
      }
    }
    assert.deepEqual(manualNextStates(snap({ state: from }), agent), expected[from], from);
  }
});

test('approval and fulfilment are never taken by hand: the refusal says how they happen', () => {
  assert.match(checkTransition(snap({ state: 'awaiting_approval' }), 'approved', agent)!.message, /\/approve or \/reject/);
  assert.match(checkTransition(snap({ state: 'in_fulfilment' }), 'fulfilled', agent)!.message, /every task is done or skipped \(1 still open\)/);
  assert.match(checkTransition(snap({ state: 'closed' }), 'cancelled', agent, 'x')!.message, /nothing follows by hand/);
});

test('customers cancel and confirm, but do not start fulfilment', () => {
  assert.equal(checkTransition(snap(), 'cancelled', customer, 'no longer needed'), null);
  assert.equal(checkTransition(snap({ state: 'fulfilled' }), 'closed', customer), null);
  const start = checkTransition(snap(), 'in_fulfilment', customer)!;
  assert.equal(start.status, 403);
  assert.equal(start.field, 'to');
  assert.deepEqual(manualNextStates(snap(), customer), ['cancelled']);
});

test('a cancellation needs its reason; a new connection past survey, or a ceased circuit, is not cancelled', () => {
  assert.deepEqual(checkTransition(snap(), 'cancelled', agent), { status: 422, field: 'reason', message: 'is required to cancel a request' });
  assert.equal(checkTransition(snap(), 'cancelled', agent, '   ')!.field, 'reason');
  const nc = (connectionState: RequestSnapshot['connectionState']) => snap({ kind: 'new_connection', state: 'in_fulfilment', connectionState, tasks: tasksOf('new_connection') });
  for (const state of ['requested', 'quoted', 'ordered', 'surveyed'] as const) assert.equal(checkTransition(nc(state), 'cancelled', agent, 'x'), null, state);
  for (const state of ['installed', 'live'] as const) {
    const r = checkTransition(nc(state), 'cancelled', agent, 'x')!;
    assert.equal(r.field, 'to');
    assert.match(r.message, /ask for a cease instead/);
  }
  const cease = snap({ kind: 'cease', state: 'in_fulfilment', connectionState: 'ceased', tasks: tasksOf('cease', ['done']) });
  assert.match(checkTransition(cease, 'cancelled', agent, 'x')!.message, /already ceased/);
  assert.equal(checkTransition({ ...cease, tasks: tasksOf('cease') }, 'cancelled', agent, 'x'), null);
  // Once the connection has been changed, the request is finished, not cancelled.
  const upgraded = snap({ kind: 'bandwidth_upgrade', state: 'in_fulfilment', connectionState: 'live', tasks: tasksOf('bandwidth_upgrade', ['skipped', 'done', 'done']) });
  assert.match(checkTransition(upgraded, 'cancelled', agent, 'x')!.message, /already on its new product \(task 3, Change the bandwidth on the circuit\)/);
  assert.equal(checkTransition({ ...upgraded, tasks: tasksOf('bandwidth_upgrade', ['skipped', 'done']) }, 'cancelled', agent, 'x'), null);
  const moved = snap({ kind: 'move', state: 'in_fulfilment', connectionState: 'live', tasks: tasksOf('move', ['done', 'done', 'done']) });
  assert.match(checkTransition(moved, 'cancelled', customer, 'x')!.message, /already at its new site/);
});

test('the tasks that change the connection are never skippable, so no upgrade or move is fulfilled without its change', () => {
  const changing = Object.entries(TASK_PLANS).flatMap(([kind, plan]) => plan.filter((t) => t.changes).map((t) => ({ kind, ...t })));
  assert.deepEqual(changing.map((t) => [t.kind, t.step, t.changes]), [['bandwidth_upgrade', 'change_bandwidth', 'product'], ['move', 'switch_over', 'site']]);
  for (const t of changing) assert.equal(t.skippable, false, t.step);
});

test('approval: access always; other kinds when the product says so', () => {
  for (const kind of REQUEST_KINDS) {
    assert.equal(needsApproval(kind, true), true);
    assert.equal(needsApproval(kind, false), kind === 'access', kind);
  }
});

test('deciding: approvers only, never the requester, only while awaiting approval, and a rejection says why', () => {
  const waiting = { state: 'awaiting_approval' as const, requesterId: 12 };
  for (const roles of [['change_approver'], ['service_manager'], ['administrator']]) {
    assert.equal(checkDecision(waiting, { userId: 50, roles, customer: false }, 'approve'), null, roles[0]);
  }
  for (const roles of [['service_desk_agent'], ['programme_manager'], ['auditor']]) {
    assert.deepEqual(checkDecision(waiting, { userId: 50, roles, customer: false }, 'approve')?.status, 403, roles[0]);
  }
  assert.equal(checkDecision(waiting, { ...customer, roles: ['customer', 'change_approver'] }, 'approve')?.status, 403, 'a customer never approves');
  const own = checkDecision({ ...waiting, requesterId: approver.userId }, approver, 'approve')!;
  assert.equal(own.status, 403);
  assert.equal(own.field, 'approver');
  for (const state of REQUEST_STATES.filter((s) => s !== 'awaiting_approval')) {
    const r = checkDecision({ state, requesterId: 12 }, approver, 'approve')!;
    assert.equal(r.field, 'state', state);
    assert.equal(r.status, 422);
  }
  assert.deepEqual(checkDecision(waiting, approver, 'reject'), { status: 422, field: 'reason', message: 'is required to reject a request' });
  assert.equal(checkDecision(waiting, approver, 'reject', 'Not funded this year'), null);
});

test('task plans: every kind has tasks; only the connection-driven and essential ones refuse a skip', () => {
  for (const kind of REQUEST_KINDS) assert.ok(TASK_PLANS[kind].length > 0, kind);
  assert.deepEqual(TASK_PLANS.new_connection.map((t) => t.completedBy), ['ordered', 'surveyed', 'installed', 'live']);
  assert.deepEqual(TASK_PLANS.cease.map((t) => [t.step, t.drives ?? null, t.skippable]), [['cease_circuit', 'ceased', false], ['recover_equipment', null, true]]);
  assert.deepEqual(TASK_PLANS.access.map((t) => t.step), ['grant_access']);
});

test('tasks are worked in order, only while the request is worked, by staff, and a skip says why', () => {
  const req = { kind: 'bandwidth_upgrade' as const, state: 'approved' as RequestState, connectionId: 5 };
  const tasks = tasksOf('bandwidth_upgrade');
  assert.equal(checkTaskAction(req, tasks, 100, 'complete', agent), null);
  assert.deepEqual(checkTaskAction(req, tasks, 101, 'complete', agent), { status: 422, field: 'taskId', message: 'task 1 (Quote the upgrade) comes first' });
  assert.equal(checkTaskAction(req, tasks, 100, 'skip', agent)!.field, 'reason');
  assert.equal(checkTaskAction(req, tasks, 100, 'skip', agent, 'quoted by phone'), null);
  assert.equal(checkTaskAction(req, tasks, 100, 'complete', customer)!.status, 403);
  assert.equal(checkTaskAction(req, tasks, 999, 'complete', agent)!.field, 'taskId');
  const second = tasksOf('bandwidth_upgrade', ['skipped']);
  assert.equal(checkTaskAction(req, second, 101, 'complete', agent), null, 'a skipped task lets the next be worked');
  assert.match(checkTaskAction(req, second, 101, 'skip', agent, 'x')!.message, /cannot be skipped/);
  assert.match(checkTaskAction(req, second, 100, 'complete', agent)!.message, /already skipped/);
  for (const state of REQUEST_STATES) {
    const r = checkTaskAction({ ...req, state }, tasks, 100, 'complete', agent);
    if (['submitted', 'approved', 'in_fulfilment'].includes(state)) assert.equal(r, null, state);
    else assert.equal(r!.field, 'state', state);
  }
  assert.match(checkTaskAction({ ...req, state: 'awaiting_approval' }, tasks, 100, 'complete', agent)!.message, /awaiting approval/);
});

test("a new connection's tasks are completed by its connection, not by hand", () => {
  const req = { kind: 'new_connection' as const, state: 'approved' as RequestState, connectionId: 7 };
  const tasks = tasksOf('new_connection');
  assert.deepEqual(checkTaskAction(req, tasks, 100, 'complete', agent), {
    status: 422,
    field: 'taskId',
    message: 'completes itself when connection 7 is ordered: take the connection through its lifecycle',
  });
  assert.equal(checkTaskAction(req, tasks, 100, 'skip', agent, 'x')!.field, 'taskId');
  assert.deepEqual(tasksCompletedByConnection('new_connection', tasks, 'quoted'), []);
  assert.deepEqual(tasksCompletedByConnection('new_connection', tasks, 'ordered').map((t) => t.step), ['quote_and_order']);
  assert.deepEqual(tasksCompletedByConnection('new_connection', tasks, 'installed').map((t) => t.step), ['quote_and_order', 'survey', 'install'], 'earlier open tasks are caught up');
  const done = tasksOf('new_connection', ['done', 'done', 'done']);
  assert.deepEqual(tasksCompletedByConnection('new_connection', done, 'live').map((t) => t.step), ['go_live']);
  assert.deepEqual(tasksCompletedByConnection('new_connection', done, 'cancelled'), []);
  assert.deepEqual(tasksCompletedByConnection('bandwidth_upgrade', tasksOf('bandwidth_upgrade'), 'live'), [], 'manual plans are not driven');
});

test('allTasksClosed and nextTask', () => {
  assert.equal(allTasksClosed([]), false);
  assert.equal(allTasksClosed(tasksOf('cease', ['done', 'skipped'])), true);
  assert.equal(allTasksClosed(tasksOf('cease', ['done'])), false);
  assert.equal(nextTask(tasksOf('cease', ['done']))!.step, 'recover_equipment');
  assert.equal(nextTask(tasksOf('cease', ['done', 'done'])), undefined);
});

test('what each kind must and must not be given, each field named', () => {
  assert.deepEqual(checkShape('new_connection', { siteId: 1, productCode: 'P' }), []);
  assert.deepEqual(checkShape('new_connection', {}).map((p) => p.field), ['siteId', 'productCode']);
  assert.deepEqual(checkShape('new_connection', { siteId: 1, productCode: 'P', connectionId: 4 }).map((p) => p.field), ['connectionId']);
  assert.deepEqual(checkShape('bandwidth_upgrade', { connectionId: 1 }).map((p) => p.field), ['productCode']);
  assert.deepEqual(checkShape('move', { connectionId: 1, targetSiteId: 2 }), []);
  assert.deepEqual(checkShape('move', { connectionId: 1, siteId: 2 }).map((p) => p.field), ['targetSiteId', 'siteId']);
  assert.deepEqual(checkShape('cease', { connectionId: 1, contractYears: 3 }).map((p) => p.field), ['contractYears']);
  assert.deepEqual(checkShape('access', { access: {}, organisationOdsCode: 'A81001' }), []);
  assert.deepEqual(checkShape('access', { access: {} }).map((p) => p.field), ['organisationOdsCode']);
  assert.deepEqual(checkShape('access', { access: {}, siteId: 3, organisationOdsCode: 'A1' }).map((p) => p.field), ['organisationOdsCode']);
  for (const p of checkShape('cease', {})) assert.match(p.message, /is required for a cease request/);
});

test('upgrades, moves and ceases act on a live connection, towards something valid', () => {
  assert.equal(checkExistingConnection('cease', 'live'), null);
  assert.match(checkExistingConnection('cease', 'ordered')!.message, /cancelled, not ceased/);
  assert.equal(checkExistingConnection('move', 'ceased')!.field, 'connectionId');
});

test('default titles say what is asked', () => {
  assert.equal(defaultTitle('new_connection', { site: 'Elm Surgery', product: 'FTTP-330' }), 'New connection FTTP-330 for Elm Surgery');
  assert.equal(defaultTitle('cease', { connectionId: 4, site: 'Elm Surgery' }), 'Cease connection 4 at Elm Surgery');
  assert.equal(defaultTitle('access', { accessTo: 'the portal', accessFor: 'Dr Shah' }), 'Access to the portal for Dr Shah');
  assert.deepEqual(MANUAL_TARGETS, ['in_fulfilment', 'cancelled', 'closed']);
});
