import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PRIORITY_MATRIX, DEFAULT_PRIORITY_TARGETS } from '../../src/domain/priority-matrix.ts';
import {
  chooseDefinitions, definitionLimitProblems, definitionTargetProblems, targetOf, type DefinitionTarget, type DefinitionTerms, type RecordFacts,
} from '../../src/domain/sla-definitions.ts';

const HOUR = 3_600_000;
const targets: DefinitionTarget[] = DEFAULT_PRIORITY_TARGETS.map((t) => ({ ...t, calendar: t.calendar === 'office-hours' ? null : t.calendar }));

let nextId = 1;
function definition(overrides: Partial<DefinitionTerms>): DefinitionTerms {
  return {
    id: nextId++, kind: 'sla', recordType: 'incident', organisationId: null, teamId: null, supplierId: null, serviceClassId: null,
    calendar: 'office-hours', targets, active: true, ...overrides,
  };
}

// A practice (id 30) under a primary care network (20) under an integrated care board (10).
const facts: RecordFacts = { recordType: 'incident', organisationLineage: [30, 20, 10], teamId: 7, supplierId: 4, serviceClassId: 2 };

describe('choosing definitions: the most specific wins', () => {
  const standard = definition({ });
  const board = definition({ organisationId: 10 });
  const practice = definition({ organisationId: 30 });
  const gold = definition({ serviceClassId: 2 });
  const practiceGold = definition({ organisationId: 30, serviceClassId: 2 });
  const otherPractice = definition({ organisationId: 99 });
  const requests = definition({ recordType: 'service_request', organisationId: 30 });
  const retired = definition({ organisationId: 30, serviceClassId: 2, active: false });

  test('with only the default, the default', () => {
    assert.equal(chooseDefinitions([standard, otherPractice, requests], facts).sla, standard);
  });

  test('a service class SLA over the default; an organisation’s over a service class’s; its own over a parent’s; both over either', () => {
    assert.equal(chooseDefinitions([standard, gold], facts).sla, gold);
    assert.equal(chooseDefinitions([standard, gold, board], facts).sla, board);
    assert.equal(chooseDefinitions([standard, gold, board, practice], facts).sla, practice);
    assert.equal(chooseDefinitions([practiceGold, standard, gold, board, practice, retired], facts).sla, practiceGold);
  });

  test('a limit that does not match rules a definition out, and an inactive one never applies', () => {
    assert.equal(chooseDefinitions([otherPractice, retired], facts).sla, null);
    assert.equal(chooseDefinitions([definition({ serviceClassId: 3 })], facts).sla, null);
  });

  test('an OLA for the holding team over a general OLA; none without a team', () => {
    const anyTeam = definition({ kind: 'ola' });
    const desk = definition({ kind: 'ola', teamId: 7 });
    const network = definition({ kind: 'ola', teamId: 8 });
    assert.equal(chooseDefinitions([anyTeam, desk, network], facts).ola, desk);
    assert.equal(chooseDefinitions([anyTeam, network], facts).ola, anyTeam);
    assert.equal(chooseDefinitions([anyTeam, desk], { ...facts, teamId: null }).ola, null);
  });

  test('the supplier’s underpinning contract applies only while the record is handed to that supplier', () => {
    const openreach = definition({ kind: 'underpinning', supplierId: 4 });
    const other = definition({ kind: 'underpinning', supplierId: 5 });
    assert.equal(chooseDefinitions([openreach, other], facts).underpinning, openreach);
    assert.equal(chooseDefinitions([openreach, other], { ...facts, supplierId: 5 }).underpinning, other);
    assert.equal(chooseDefinitions([openreach, other], { ...facts, supplierId: null }).underpinning, null);
  });

  test('equally specific definitions: the older wins', () => {
    const a = definition({ organisationId: 20 });
    const b = definition({ organisationId: 20 });
    assert.equal(chooseDefinitions([b, a], facts).sla, a);
  });
});

describe('targets', () => {
  const d = definition({});

  test('each priority’s target counts in the row’s calendar, else the definition’s', () => {
    assert.deepEqual(targetOf(d, 'P1', 'resolution'), { targetMs: 5 * HOUR, calendar: '24x7' });
    assert.deepEqual(targetOf(d, 'P2', 'response'), { targetMs: 0.5 * HOUR, calendar: 'office-hours' });
    assert.equal(targetOf(d, 'P9', 'resolution'), null);
    const noResponse = definition({ targets: targets.map((t) => ({ ...t, responseMs: null })) });
    assert.equal(targetOf(noResponse, 'P1', 'response'), null);
  });

  test('the default targets pass; gaps, unknown calendars and inversions are named by field', () => {
    const known = new Set(['24x7', 'office-hours']);
    assert.deepEqual(definitionTargetProblems(DEFAULT_PRIORITY_MATRIX, d, known), []);
    const missing = definitionTargetProblems(DEFAULT_PRIORITY_MATRIX, { ...d, targets: targets.slice(1) }, known);
    assert.deepEqual(missing.map((p) => p.field), ['targets.P1']);
    const unknown = definitionTargetProblems(DEFAULT_PRIORITY_MATRIX, { calendar: 'weekends', targets: targets.map((t, i) => (i === 2 ? { ...t, calendar: 'nights' } : t)) }, known);
    assert.deepEqual(unknown.map((p) => p.field), ['calendar', 'targets[2].calendar']);
    const inverted = definitionTargetProblems(DEFAULT_PRIORITY_MATRIX, { ...d, targets: targets.map((t, i) => (i === 3 ? { ...t, responseMs: t.resolutionMs + 1 } : t)) }, known);
    assert.deepEqual(inverted.map((p) => p.field), ['targets[3].resolutionMinutes']);
    const noResponses = definitionTargetProblems(DEFAULT_PRIORITY_MATRIX, { ...d, targets: targets.map((t) => ({ ...t, responseMs: null })) }, known);
    assert.deepEqual(noResponses, [], 'a definition may set resolution targets only');
  });

  test('only an OLA names a team, only an underpinning contract a supplier', () => {
    assert.deepEqual(definitionLimitProblems({ kind: 'sla', teamId: 1, supplierId: 2 }).map((p) => p.field), ['teamCode', 'supplierCode']);
    assert.deepEqual(definitionLimitProblems({ kind: 'ola', teamId: 1, supplierId: null }), []);
    assert.deepEqual(definitionLimitProblems({ kind: 'underpinning', teamId: null, supplierId: 2 }), []);
  });
});
