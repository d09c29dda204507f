import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { failuresFrom, type Dependency } from '../../src/domain/ci-impact.ts';
import { correlate, DEFAULT_CORRELATION_SETTINGS, failureWalker, inferredCandidates, isFlap, resolveDueAt, settingsProblems, type CorrelationInput } from '../../src/domain/correlation.ts';
import { RESOLUTION_CODES } from '../../src/domain/incident-lifecycle.ts';

const dep = (source: number, target: number, group: string | null = null): Dependency => ({ source, target, group });

/**
 * core 1 ─┬─ pop 10 ── conn 100+i ── router 200+i   (sites 1..5, single-homed on pop 10)
 *         ├─ pop 11 ── conn 110+i ── router 210+i   (sites 11..15, on pop 11)
 *         └─ pop 12 ─┐
 *   pop 10 ──────────┴─ conn 120/121 ── router 220  (site 20: dual-homed on pops 10 and 12)
 * Site s's CIs are its connection and router.
 */
function network() {
  const deps: Dependency[] = [dep(10, 1), dep(11, 1), dep(12, 1)];
  const siteOf = new Map<number, number>();
  for (let i = 1; i <= 5; i++) {
    deps.push(dep(100 + i, 10), dep(200 + i, 100 + i));
    siteOf.set(100 + i, i).set(200 + i, i);
    deps.push(dep(110 + i, 11), dep(210 + i, 110 + i));
    siteOf.set(110 + i, 10 + i).set(210 + i, 10 + i);
  }
  deps.push(dep(120, 10), dep(121, 12), dep(220, 120, 'access'), dep(220, 121, 'access'));
  siteOf.set(120, 20).set(121, 20).set(220, 20);
  return { deps, siteOf, infrastructure: new Set([1, 10, 11, 12]) };
}

function input(alertingCis: number[], extra: Partial<CorrelationInput> = {}): CorrelationInput {
  const { deps, siteOf, infrastructure } = network();
  const sites = new Map<number, number[]>();
  const infra: number[] = [];
  for (const ci of alertingCis) {
    const site = siteOf.get(ci);
    if (site === undefined) infra.push(ci);
    else sites.set(site, [...(sites.get(site) ?? []), ci]);
  }
  return {
    sites: [...sites].map(([siteId, ciIds]) => ({ siteId, ciIds })),
    alertingInfra: infra,
    dependencies: deps,
    infrastructure,
    openMajors: [],
    minSites: 3,
    inferredRootMinShare: 0.5,
    ...extra,
  };
}

describe('the failure walker is failuresFrom over many origins', () => {
  test('same sets on random graphs with redundancy groups and retired CIs', () => {
    const graph = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 25 }), fc.constantFrom(null, 'a', 'b')), { maxLength: 60 })
      .map((edges) => edges.filter(([s, t]) => s > t).map(([s, t, g]) => dep(s, t, g)));
    fc.assert(
      fc.property(graph, fc.integer({ min: 1, max: 25 }), fc.uniqueArray(fc.integer({ min: 1, max: 25 }), { maxLength: 3 }), (deps, origin, retired) => {
        const gone = new Set(retired.filter((r) => r !== origin));
        const expected = failuresFrom(origin, deps, gone).map((f) => f.id).sort((a, b) => a - b);
        assert.deepEqual([...failureWalker(deps, gone)(origin)].sort((a, b) => a - b), expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('correlation on the CI graph', () => {
  test('sites failing together with their PoP alerting: one major incident on the PoP, the PoP among its alerts', () => {
    const result = correlate(input([10, 201, 202, 203, 101]));
    assert.equal(result.majors.length, 1);
    assert.deepEqual(result.majors[0], { groupId: null, rootCiId: 10, reason: 'root alerting', sites: [1, 2, 3], infra: [10] });
    assert.deepEqual(result.isolatedSites, []);
    assert.deepEqual(result.isolatedInfra, []);
  });

  test('the PoP silent but the only shared dependency of most of its sites: major incident on the PoP', () => {
    const base = input([201, 202, 203, 204]);
    assert.deepEqual(inferredCandidates(base), [1, 10], 'the core node and the PoP explain them');
    // Pop 10 has 6 sites behind it, 4 alerting; the core node has 11.
    const result = correlate({ ...base, dependentSites: new Map([[10, 6], [1, 11]]) });
    assert.equal(result.majors.length, 1);
    assert.equal(result.majors[0]!.rootCiId, 10, 'the nearest shared dependency, not the core node');
    assert.equal(result.majors[0]!.reason, 'only shared dependency');
  });

  test('a few faults among many sites blame no silent shared dependency', () => {
    const base = input([201, 202, 203]);
    const result = correlate({ ...base, dependentSites: new Map([[10, 100], [1, 300]]) });
    assert.deepEqual(result.majors, []);
    assert.deepEqual(result.isolatedSites, [1, 2, 3]);
  });

  test('fewer sites than the threshold stay isolated, and a lone PoP alert is its own', () => {
    const result = correlate(input([10, 201, 202]));
    assert.deepEqual(result.majors, []);
    assert.deepEqual(result.isolatedSites, [1, 2]);
    assert.deepEqual(result.isolatedInfra, [10]);
  });

  test('a core node failure that takes two PoPs: one major incident on the core node, not two on the PoPs', () => {
    const result = correlate(input([1, 10, 11, 201, 202, 203, 211, 212, 213]));
    assert.equal(result.majors.length, 1);
    assert.equal(result.majors[0]!.rootCiId, 1);
    assert.deepEqual(result.majors[0]!.sites, [1, 2, 3, 11, 12, 13]);
    assert.deepEqual(result.majors[0]!.infra, [1, 10, 11]);
  });

  test('two PoPs failing on their own: two major incidents', () => {
    const result = correlate(input([10, 11, 201, 202, 203, 211, 212, 213]));
    assert.deepEqual(result.majors.map((m) => [m.rootCiId, m.sites]).sort(), [[10, [1, 2, 3]], [11, [11, 12, 13]]]);
  });

  test('a dual-homed site is not explained by one of its PoPs', () => {
    const result = correlate(input([10, 201, 202, 203, 220]));
    assert.deepEqual(result.majors[0]!.sites, [1, 2, 3]);
    assert.deepEqual(result.isolatedSites, [20]);
  });

  test('an open major incident keeps collecting the sites its root explains, even one at a time', () => {
    const result = correlate(input([204], { openMajors: [{ groupId: 7, rootCiId: 10 }] }));
    assert.deepEqual(result.majors, [{ groupId: 7, rootCiId: 10, reason: 'open major incident', sites: [4], infra: [] }]);
    assert.deepEqual(result.isolatedSites, []);
  });

  test('the threshold is configurable', () => {
    assert.equal(correlate(input([10, 201, 202], { minSites: 2 })).majors.length, 1);
    assert.equal(correlate(input([10, 201, 202, 203], { minSites: 4 })).majors.length, 0);
  });

  test('whatever the alerts, every alerting site and CI is accounted for exactly once', () => {
    const cis = [1, 10, 11, 12, ...[1, 2, 3, 4, 5].flatMap((i) => [100 + i, 200 + i, 110 + i, 210 + i]), 120, 121, 220];
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...cis), { maxLength: 20 }), fc.integer({ min: 2, max: 5 }), (alerting, minSites) => {
        const i = input(alerting, { minSites });
        const result = correlate({ ...i, dependentSites: new Map([[10, 6], [11, 5], [12, 1], [1, 11]]) });
        const sites = [...result.majors.flatMap((m) => m.sites), ...result.isolatedSites].sort((a, b) => a - b);
        assert.deepEqual(sites, i.sites.map((s) => s.siteId).sort((a, b) => a - b));
        const infra = [...result.majors.flatMap((m) => m.infra), ...result.isolatedInfra].sort((a, b) => a - b);
        assert.deepEqual(infra, [...i.alertingInfra].sort((a, b) => a - b));
        for (const m of result.majors) assert.ok(m.sites.length >= minSites);
      }),
      { numRuns: 300 },
    );
  });
});

describe('flapping and resolution', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
  test('firing again within the damping window is the same fault', () => {
    assert.equal(isFlap(at(0), at(10), 10 * 60_000), true);
    assert.equal(isFlap(at(0), at(11), 10 * 60_000), false);
    assert.equal(isFlap(at(5), at(3), 10 * 60_000), true, 'started again before the resolution was even sent');
    assert.equal(isFlap(null, at(3), 10 * 60_000), false);
  });

  test('resolution is due after the configured delay, or never when only proposed', () => {
    assert.deepEqual(resolveDueAt(at(0), { autoResolveMinutes: 15 }), at(15));
    assert.equal(resolveDueAt(at(0), { autoResolveMinutes: null }), null);
  });

  test('settings that would resolve a flapping fault before it flaps again are refused', () => {
    assert.deepEqual(settingsProblems(DEFAULT_CORRELATION_SETTINGS, RESOLUTION_CODES), []);
    assert.equal(settingsProblems({ ...DEFAULT_CORRELATION_SETTINGS, autoResolveMinutes: 5, dampingMinutes: 10 }, RESOLUTION_CODES)[0]!.field, 'autoResolveMinutes');
    assert.equal(settingsProblems({ ...DEFAULT_CORRELATION_SETTINGS, autoResolveCode: 'magic' }, RESOLUTION_CODES)[0]!.field, 'autoResolveCode');
  });
});
