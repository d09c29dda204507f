import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { failuresFrom, pathTo, requirementGroups, type Dependency } from '../../src/domain/ci-impact.ts';

const dep = (source: number, target: number, group: string | null = null): Dependency => ({ source, target, group });
const ids = (deps: Dependency[], origin: number, retired?: Set<number>) => failuresFrom(origin, deps, retired).map((f) => f.id).sort((a, b) => a - b);

/**
 * core 1 ─┬─ pop 10 ─┬─ conn 100 ── router 1000 (single-homed)
 *         │          └─ conn 101 ─┐
 *         └─ pop 11 ─── conn 102 ─┴─ router 1001 (dual-homed: 101 or 102)
 * service 5000 needs router 1000 and router 1001 (both).
 */
const network = [
  dep(10, 1), dep(11, 1),
  dep(100, 10), dep(101, 10), dep(102, 11),
  dep(1000, 100),
  dep(1001, 101, 'access'), dep(1001, 102, 'access'),
  dep(5000, 1000), dep(5000, 1001),
];

describe('requirement groups', () => {
  test('ungrouped relations are each required; grouped ones are alternatives', () => {
    assert.deepEqual(requirementGroups([dep(1, 2), dep(1, 3)]), [[2], [3]]);
    assert.deepEqual(requirementGroups([dep(1, 2, 'a'), dep(1, 3, 'a'), dep(1, 4)]), [[2, 3], [4]]);
    assert.deepEqual(requirementGroups([dep(1, 2, 'a'), dep(1, 3, 'b')]), [[2], [3]]);
  });
});

describe('what fails with a CI', () => {
  test('a PoP takes down single-homed sites, not dual-homed ones on another PoP', () => {
    assert.deepEqual(ids(network, 10), [10, 100, 101, 1000, 5000]);
    assert.deepEqual(ids(network, 11), [11, 102]);
  });

  test('a core node takes down everything below it, the dual-homed site included', () => {
    assert.deepEqual(ids(network, 1), [1, 10, 11, 100, 101, 102, 1000, 1001, 5000]);
  });

  test('a dual-homed site fails when both its connections fail, whichever round each fails in', () => {
    // Unequal arms: 102 fails at depth 1, 101 only at depth 2 (via 10 → 101).
    const diamond = [dep(10, 1), dep(101, 10), dep(102, 1), dep(1001, 101, 'access'), dep(1001, 102, 'access')];
    const failures = failuresFrom(1, diamond);
    assert.deepEqual(failures.map((f) => [f.id, f.depth, f.via]), [[1, 0, null], [10, 1, 1], [102, 1, 1], [101, 2, 10], [1001, 3, 101]]);
  });

  test('a retired alternative is no alternative: the remaining one is then required', () => {
    assert.deepEqual(ids(network, 11, new Set([101])), [11, 102, 1001, 5000]);
    assert.deepEqual(ids(network, 10, new Set([1000])), [10, 100, 101], 'a retired CI is never reported, nor what only it would take down');
  });

  test('a cycle does not loop forever', () => {
    assert.deepEqual(ids([dep(2, 1), dep(3, 2), dep(2, 3, 'x'), dep(2, 4, 'x')], 1), [1, 2, 3]);
  });

  test('path to a failed CI follows via back to the origin', () => {
    const failures = new Map(failuresFrom(1, network).map((f) => [f.id, f]));
    assert.deepEqual(pathTo(5000, failures), [1, 10, 100, 1000, 5000]);
    assert.deepEqual(pathTo(1, failures), [1]);
  });

  test('property: the result is closed under the rule, and every failure has a cause', () => {
    const graph = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom(null, 'a', 'b')), { maxLength: 40 })
      .map((edges) => edges.filter(([s, t]) => s !== t).map(([s, t, g]) => dep(s, t, g)));
    fc.assert(
      fc.property(graph, fc.integer({ min: 1, max: 12 }), (deps, origin) => {
        const failed = new Set(ids(deps, origin));
        const sources = new Set(deps.map((d) => d.source));
        // Closed: every CI whose group is all failed has failed.
        for (const s of sources) {
          const groups = requirementGroups(deps.filter((d) => d.source === s));
          if (groups.some((g) => g.every((t) => failed.has(t)))) assert.ok(failed.has(s), `${s} should have failed`);
        }
        // Least: every failed CI other than the origin has a group all failed.
        for (const f of failed) {
          if (f === origin) continue;
          const groups = requirementGroups(deps.filter((d) => d.source === f));
          assert.ok(groups.some((g) => g.every((t) => failed.has(t))), `${f} failed without cause`);
        }
      }),
    );
  });
});
