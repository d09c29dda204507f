import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, checkTransition, CONNECTION_STATES, isOpen, lastStepDate, NEXT_STATES, STAMPED, type LifecycleSnapshot } from '../../src/domain/connection-lifecycle.ts';

const base = (over: Partial<LifecycleSnapshot> = {}): LifecycleSnapshot => ({
  state: 'requested',
  dates: { requestedOn: '2025-03-03' },
  supplierChosen: false,
  circuitReference: null,
  popChosen: false,
  ...over,
});
const TODAY = '2025-06-30';

test('every state names its next states and a date field; only ceased and cancelled are final', () => {
  for (const s of CONNECTION_STATES) {
    assert.ok(STAMPED[s].endsWith('On'));
    assert.equal(NEXT_STATES[s].length === 0, s === 'ceased' || s === 'cancelled', s);
    assert.equal(isOpen(s), s !== 'ceased' && s !== 'cancelled');
  }
});

test('the happy path is allowed step by step and every other pair is refused naming "to"', () => {
  const ready = { supplierChosen: true, circuitReference: 'CCT-1', popChosen: true };
  for (const from of CONNECTION_STATES) {
    for (const to of CONNECTION_STATES) {
      const found = checkTransition(base({ state: from, ...ready }), { to, at: '2025-04-01' }, TODAY);
      if (NEXT_STATES[from].includes(to)) assert.deepEqual(found, [], `${from} → ${to}`);
      else {
        assert.equal(found.length, 1, `${from} → ${to}`);
        assert.equal(found[0]!.field, 'to');
      }
    }
  }
  assert.deepEqual(NEXT_STATES.requested, ['quoted', 'ordered', 'cancelled']);
  assert.deepEqual(NEXT_STATES.installed, ['live']);
  assert.deepEqual(NEXT_STATES.live, ['ceased']);
});

test('a date in the future or before the previous step is refused naming "at"', () => {
  assert.deepEqual(checkTransition(base(), { to: 'quoted', at: '2025-07-01' }, TODAY), [{ field: 'at', message: 'is in the future (today is 2025-06-30)' }]);
  const early = checkTransition(base({ state: 'quoted', dates: { requestedOn: '2025-03-03', quotedOn: '2025-03-10' } }), { to: 'cancelled', at: '2025-03-09' }, TODAY);
  assert.deepEqual(early, [{ field: 'at', message: "is before the connection's previous step on 2025-03-10" }]);
  assert.deepEqual(checkTransition(base(), { to: 'quoted', at: '2025-03-03' }, TODAY), [], 'the same day as the previous step is fine');
});

test('ordering needs a supplier; installing and going live need a circuit reference; live needs a PoP', () => {
  assert.equal(checkTransition(base(), { to: 'ordered', at: TODAY }, TODAY)[0]!.field, 'supplierId');
  const surveyed = base({ state: 'surveyed', supplierChosen: true, dates: { requestedOn: '2025-03-03', surveyedOn: '2025-04-01' } });
  assert.deepEqual(checkTransition(surveyed, { to: 'installed', at: TODAY }, TODAY).map((p) => p.field), ['circuitReference']);
  assert.deepEqual(checkTransition(surveyed, { to: 'installed', at: TODAY, circuitReference: 'CCT-9' }, TODAY), []);
  const installed = { ...surveyed, state: 'installed' as const, circuitReference: 'CCT-9' };
  assert.deepEqual(checkTransition(installed, { to: 'live', at: TODAY }, TODAY).map((p) => p.field), ['popId']);
  assert.deepEqual(checkTransition(installed, { to: 'live', at: TODAY, popGiven: true }, TODAY), []);
  assert.deepEqual(checkTransition({ ...installed, popChosen: true }, { to: 'live', at: TODAY }, TODAY), []);
  // Several problems at once are all named.
  assert.deepEqual(checkTransition({ ...surveyed }, { to: 'installed', at: '2025-03-01' }, TODAY).map((p) => p.field), ['at', 'circuitReference']);
});

test('lastStepDate and addDays', () => {
  assert.equal(lastStepDate(base({ dates: { requestedOn: '2025-03-03', quotedOn: '2025-03-05', orderedOn: null } })), '2025-03-05');
  assert.equal(addDays('2025-02-27', 2), '2025-03-01');
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2025-12-31', 1), '2026-01-01');
  assert.equal(addDays('2025-03-29', 2), '2025-03-31', 'no daylight-saving slip');
});
