import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_PRIORITY_MATRIX, DEFAULT_PRIORITY_TARGETS, matrixProblems, priorityOf, targetProblems, targetsFor, type PriorityMatrix,
} from '../../src/domain/priority-matrix.ts';

const HOUR = 3_600_000;

/** An ITIL-style four-level scheme, priorities 1..4, as some customers contract for. */
const fourLevels: PriorityMatrix = {
  impacts: ['extensive', 'significant', 'moderate', 'minor'],
  urgencies: ['critical', 'high', 'medium', 'low'],
  priorities: ['1', '2', '3', '4'],
  cells: {
    extensive: { critical: '1', high: '1', medium: '2', low: '2' },
    significant: { critical: '1', high: '2', medium: '2', low: '3' },
    moderate: { critical: '2', high: '2', medium: '3', low: '4' },
    minor: { critical: '2', high: '3', medium: '4', low: '4' },
  },
};

describe('priority from impact and urgency', () => {
  test('the default matrix: high × high is P1, low × low is P5, high impact but low urgency is P3', () => {
    assert.equal(priorityOf(DEFAULT_PRIORITY_MATRIX, 'high', 'high'), 'P1');
    assert.equal(priorityOf(DEFAULT_PRIORITY_MATRIX, 'low', 'low'), 'P5');
    assert.equal(priorityOf(DEFAULT_PRIORITY_MATRIX, 'high', 'low'), 'P3');
    assert.deepEqual(matrixProblems(DEFAULT_PRIORITY_MATRIX), []);
  });

  test('a configured four-level matrix works the same way', () => {
    assert.deepEqual(matrixProblems(fourLevels), []);
    assert.equal(priorityOf(fourLevels, 'significant', 'critical'), '1');
    assert.equal(priorityOf(fourLevels, 'minor', 'medium'), '4');
  });

  test('an unknown impact or urgency is refused, naming the levels expected', () => {
    assert.throws(() => priorityOf(DEFAULT_PRIORITY_MATRIX, 'catastrophic', 'high'), /unknown impact catastrophic; expected one of high, medium, low/);
    assert.throws(() => priorityOf(DEFAULT_PRIORITY_MATRIX, 'high', 'yesterday'), /unknown urgency yesterday/);
  });

  test('a matrix with a missing cell, an unknown priority or repeated levels is refused cell by cell', () => {
    const missing: PriorityMatrix = { ...DEFAULT_PRIORITY_MATRIX, cells: { ...DEFAULT_PRIORITY_MATRIX.cells, low: { high: 'P3', medium: 'P4' } } };
    assert.deepEqual(matrixProblems(missing), [{ field: 'cells.low.low', message: 'every impact and urgency needs a priority' }]);
    const unknown: PriorityMatrix = { ...DEFAULT_PRIORITY_MATRIX, cells: { ...DEFAULT_PRIORITY_MATRIX.cells, low: { high: 'P3', medium: 'P4', low: 'P9' } } };
    assert.deepEqual(matrixProblems(unknown).map((p) => p.field), ['cells.low.low']);
    assert.deepEqual(matrixProblems({ ...DEFAULT_PRIORITY_MATRIX, urgencies: ['high', 'high'] }), [{ field: 'urgencies', message: 'levels must be distinct' }]);
    assert.deepEqual(matrixProblems({ ...DEFAULT_PRIORITY_MATRIX, priorities: [] }).map((p) => p.field), ['priorities']);
  });

  test('a matrix where a worse incident would drop in the queue is refused', () => {
    const inverted: PriorityMatrix = { ...DEFAULT_PRIORITY_MATRIX, cells: { ...DEFAULT_PRIORITY_MATRIX.cells, medium: { high: 'P1', medium: 'P3', low: 'P4' } } };
    // Ties are allowed: medium impact × high urgency may share P1 with high × high.
    assert.deepEqual(matrixProblems(inverted), []);
    const wrong: PriorityMatrix = { ...DEFAULT_PRIORITY_MATRIX, cells: { ...DEFAULT_PRIORITY_MATRIX.cells, low: { high: 'P3', medium: 'P2', low: 'P5' } } };
    assert.deepEqual(matrixProblems(wrong), [
      { field: 'cells.low.medium', message: 'ranks above the more severe impact medium' },
      { field: 'cells.low.medium', message: 'ranks above the more urgent urgency high' },
    ]);
  });

  test('property: validation accepts exactly the matrices in which raising impact or urgency never lowers the priority', () => {
    const levels = ['a', 'b', 'c', 'd'];
    const priorities = ['P1', 'P2', 'P3', 'P4', 'P5'];
    const toMatrix = (rankAt: (r: number, c: number) => number): PriorityMatrix => ({
      impacts: levels, urgencies: levels, priorities,
      cells: Object.fromEntries(levels.map((i, r) => [i, Object.fromEntries(levels.map((u, c) => [u, priorities[rankAt(r, c)]]))])),
    });
    const monotone = (m: PriorityMatrix) => levels.every((i, r) => levels.every((u, c) => {
      const rank = priorities.indexOf(priorityOf(m, i, u));
      return (r === 0 || rank >= priorities.indexOf(priorityOf(m, levels[r - 1], u))) && (c === 0 || rank >= priorities.indexOf(priorityOf(m, i, levels[c - 1])));
    }));
    // Built to be monotone: each cell at least as low as the cells above and to its left.
    const built = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 16, maxLength: 16 }).map((steps) => {
      const ranks: number[][] = [];
      return toMatrix((r, c) => {
        ranks[r] ??= [];
        ranks[r][c] = Math.min(4, Math.max(ranks[r - 1]?.[c] ?? 0, ranks[r][c - 1] ?? 0) + steps[r * 4 + c]);
        return ranks[r][c];
      });
    });
    const random = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 16, maxLength: 16 }).map((ranks) => toMatrix((r, c) => ranks[r * 4 + c]));
    fc.assert(fc.property(fc.oneof(built, random), (m) => {
      assert.equal(matrixProblems(m).length === 0, monotone(m));
    }), { numRuns: 300 });
  });
});

describe('service level targets per priority', () => {
  test('the defaults: P1 resolved within 5 hours round the clock, P5 over two working weeks of office hours', () => {
    assert.deepEqual(targetProblems(DEFAULT_PRIORITY_MATRIX, DEFAULT_PRIORITY_TARGETS), []);
    const p1 = targetsFor(DEFAULT_PRIORITY_TARGETS, priorityOf(DEFAULT_PRIORITY_MATRIX, 'high', 'high'));
    assert.deepEqual([p1.calendar, p1.resolutionMs], ['24x7', 5 * HOUR]);
    assert.ok(targetsFor(DEFAULT_PRIORITY_TARGETS, 'P5').resolutionMs > 10 * 10.5 * HOUR);
    assert.throws(() => targetsFor(DEFAULT_PRIORITY_TARGETS, 'P9'), /no service level targets for priority P9/);
  });

  test('a target table missing a priority, resolving before responding, or promising P4 faster than P3 is refused', () => {
    const [p1, p2, p3, p4, p5] = DEFAULT_PRIORITY_TARGETS;
    assert.deepEqual(targetProblems(DEFAULT_PRIORITY_MATRIX, [p1, p2, p3, p4]), [{ field: 'targets.P5', message: 'every priority needs targets' }]);
    assert.deepEqual(targetProblems(DEFAULT_PRIORITY_MATRIX, [p1, { ...p2, resolutionMs: 10 * 60_000 }, p3, p4, p5]).map((p) => p.field), ['targets[1].resolutionMs']);
    assert.deepEqual(targetProblems(DEFAULT_PRIORITY_MATRIX, [p1, p2, p3, { ...p4, resolutionMs: 12 * HOUR }, p5]).map((p) => p.field), ['targets.P4.resolutionMs']);
    assert.deepEqual(targetProblems(DEFAULT_PRIORITY_MATRIX, [...DEFAULT_PRIORITY_TARGETS, p5]), [{ field: 'targets.P5', message: 'a priority has one row of targets' }]);
  });
});
