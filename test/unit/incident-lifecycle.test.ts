import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { answeredState, clockSignals, INCIDENT_STATES, linkRefusal, movesFor, reopenUntil, transitionRefusal, type IncidentState, type Party, type TransitionFacts } from '../../src/domain/incident-lifecycle.ts';

const NOW = new Date('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;

/** Facts under which a move is refused only if the lifecycle itself forbids it. */
function facts(from: IncidentState, to: IncidentState, party: Party = 'desk', extra: Partial<TransitionFacts> = {}): TransitionFacts {
  return { from, to, party, heldBySupplier: true, resolutionCode: 'fixed_by_desk', resolvedAt: new Date(NOW.getTime() - HOUR), now: NOW, reopenWindowMs: 120 * HOUR, openChildren: 0, hasTeam: true, hasSupplier: true, hasNote: true, hasResolutionNotes: true, ...extra };
}

/** The lifecycle as the service desk describes it, written out move by move. */
const DESK_MOVES: Array<[IncidentState, IncidentState]> = [
  ['new', 'assigned'], ['new', 'in_progress'], ['new', 'pending_customer'], ['new', 'pending_supplier'], ['new', 'resolved'], ['new', 'cancelled'],
  ['assigned', 'in_progress'], ['assigned', 'pending_customer'], ['assigned', 'pending_supplier'], ['assigned', 'resolved'], ['assigned', 'cancelled'],
  ['in_progress', 'assigned'], ['in_progress', 'pending_customer'], ['in_progress', 'pending_supplier'], ['in_progress', 'resolved'], ['in_progress', 'cancelled'],
  ['pending_customer', 'in_progress'], ['pending_customer', 'pending_supplier'], ['pending_customer', 'resolved'], ['pending_customer', 'cancelled'],
  ['pending_supplier', 'in_progress'], ['pending_supplier', 'pending_customer'], ['pending_supplier', 'resolved'], ['pending_supplier', 'cancelled'],
  ['resolved', 'in_progress'], ['resolved', 'closed'],
];

describe('incident lifecycle', () => {
  test('every one of the 64 state pairs: the desk may make exactly the listed moves, and a refusal names the field `to`', () => {
    for (const from of INCIDENT_STATES) {
      for (const to of INCIDENT_STATES) {
        const allowed = DESK_MOVES.some(([f, t]) => f === from && t === to);
        const refusal = transitionRefusal(facts(from, to));
        if (allowed) assert.equal(refusal, null, `${from} → ${to} should be allowed: ${refusal?.message}`);
        else assert.equal(refusal?.field, 'to', `${from} → ${to} should be refused`);
      }
    }
  });

  test('closed and cancelled are final', () => {
    for (const to of INCIDENT_STATES) {
      assert.ok(transitionRefusal(facts('closed', to)));
      assert.ok(transitionRefusal(facts('cancelled', to)));
    }
  });

  test('a customer only confirms (closes) or reopens a resolved incident', () => {
    for (const from of INCIDENT_STATES) {
      for (const to of INCIDENT_STATES) {
        const allowed = from === 'resolved' && (to === 'closed' || to === 'in_progress');
        assert.equal(transitionRefusal(facts(from, to, 'customer')) === null, allowed, `customer ${from} → ${to}`);
      }
    }
    assert.equal(transitionRefusal(facts('new', 'closed', 'customer'))!.message, 'a customer may only confirm or reopen a resolved incident', "told what they may do, not the desk's moves");
    assert.deepEqual(movesFor('resolved', 'customer'), ['closed', 'in_progress']);
    assert.deepEqual(movesFor('in_progress', 'customer'), []);
  });

  test('a supplier only hands back or resolves what is handed to their company', () => {
    for (const from of INCIDENT_STATES) {
      for (const to of INCIDENT_STATES) {
        const allowed = from === 'pending_supplier' && (to === 'in_progress' || to === 'resolved');
        assert.equal(transitionRefusal(facts(from, to, 'supplier')) === null, allowed, `supplier ${from} → ${to}`);
      }
    }
    assert.match(transitionRefusal(facts('pending_supplier', 'resolved', 'supplier', { heldBySupplier: false }))!.message, /not handed to your company/);
  });

  test('each move asks for what it needs, naming the field', () => {
    assert.equal(transitionRefusal(facts('new', 'resolved', 'desk', { resolutionCode: null }))?.field, 'resolutionCode');
    assert.equal(transitionRefusal(facts('new', 'resolved', 'desk', { resolutionCode: null }))?.also, undefined, 'only what is missing is named');
    const bare = transitionRefusal(facts('new', 'resolved', 'desk', { resolutionCode: null, hasResolutionNotes: false }))!;
    assert.deepEqual([bare.field, ...(bare.also ?? []).map((a) => a.field)], ['resolutionCode', 'resolutionNotes'], 'a resolution lacking both names both at once');
    assert.equal(transitionRefusal(facts('new', 'assigned', 'desk', { hasTeam: false }))?.field, 'teamId');
    assert.equal(transitionRefusal(facts('new', 'pending_supplier', 'desk', { hasSupplier: false }))?.field, 'supplierId');
    assert.equal(transitionRefusal(facts('in_progress', 'pending_customer', 'desk', { hasNote: false }))?.field, 'note', 'the clock stops only on a question asked');
    assert.equal(transitionRefusal(facts('in_progress', 'resolved', 'desk', { hasResolutionNotes: false }))?.field, 'resolutionNotes', 'a resolution says what was done');
    assert.equal(transitionRefusal(facts('pending_supplier', 'resolved', 'supplier', { hasResolutionNotes: false }))?.field, 'resolutionNotes', 'the supplier’s too');
    assert.equal(transitionRefusal(facts('new', 'cancelled', 'desk', { hasNote: false }))?.field, 'note', 'a cancellation says why');
    assert.equal(transitionRefusal(facts('in_progress', 'resolved', 'desk', { hasNote: false })), null, 'a resolution with its notes needs no other note');
    for (const to of ['assigned', 'in_progress', 'pending_supplier'] as const) assert.equal(transitionRefusal(facts('new', to, 'desk', { hasNote: false, hasResolutionNotes: false })), null, `${to} needs no note`);
    assert.match(transitionRefusal(facts('resolved', 'closed', 'desk', { openChildren: 2 }))!.message, /2 linked incident/);
    assert.match(transitionRefusal(facts('in_progress', 'in_progress'))!.message, /already in progress/);
  });

  test('reopening is allowed up to the end of the window and not a millisecond after', () => {
    const resolvedAt = new Date(NOW.getTime() - 120 * HOUR);
    assert.equal(transitionRefusal(facts('resolved', 'in_progress', 'customer', { resolvedAt })), null, 'exactly at the end of the window');
    const late = transitionRefusal(facts('resolved', 'in_progress', 'customer', { resolvedAt: new Date(resolvedAt.getTime() - 1) }));
    assert.match(late!.message, /reopen window closed/);
    assert.equal(reopenUntil(resolvedAt, 120 * HOUR)!.getTime(), NOW.getTime());
    assert.equal(reopenUntil(null, HOUR), null);
  });

  test('what each move means for the service level clocks', () => {
    assert.deepEqual(clockSignals('new', 'assigned', false), ['responded']);
    assert.deepEqual(clockSignals('assigned', 'in_progress', true), []);
    assert.deepEqual(clockSignals('in_progress', 'pending_customer', true), ['paused']);
    assert.deepEqual(clockSignals('pending_customer', 'in_progress', true), ['resumed']);
    assert.deepEqual(clockSignals('pending_customer', 'resolved', true), ['resumed', 'resolved']);
    assert.deepEqual(clockSignals('in_progress', 'resolved', true), ['resolved']);
    assert.deepEqual(clockSignals('new', 'resolved', false), ['responded', 'resolved']);
    assert.deepEqual(clockSignals('resolved', 'in_progress', true), ['reopened']);
    assert.deepEqual(clockSignals('new', 'cancelled', false), ['cancelled']);
    // Waiting on a supplier does not stop the customer's clock: the supplier works for us.
    assert.deepEqual(clockSignals('in_progress', 'pending_supplier', true), []);
  });

  test('the customer’s answer returns the incident to whoever holds it, never in progress with nobody to work it', () => {
    assert.equal(answeredState({ hasTeam: false, hasAssignee: false }), 'new');
    assert.equal(answeredState({ hasTeam: true, hasAssignee: false }), 'assigned');
    assert.equal(answeredState({ hasTeam: true, hasAssignee: true }), 'in_progress');
    for (const to of ['new', 'assigned', 'in_progress'] as const) assert.deepEqual(clockSignals('pending_customer', to, true), ['resumed'], `the clocks resume on the way back to ${to}`);
  });

  test('links cannot make a loop', () => {
    assert.equal(linkRefusal(5, 5, [])?.field, 'incidentIds');
    assert.match(linkRefusal(5, 1, [3, 1])!.message, /loop/);
    assert.equal(linkRefusal(5, 2, [3, 1]), null);
  });
});
