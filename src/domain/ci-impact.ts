/**
 * What fails with a configuration item, as a pure rule. The CMDB answers this with one
 * recursive SQL query (modules/cmdb/impact-queries.ts); this is the same rule written plainly, so
 * that tests can check the query against it on any graph, diamonds and cycles included.
 *
 * The rule. A CI's "depends on" relations fall into requirement groups: relations that share a
 * redundancy group are alternatives (any one of them is enough), and a relation with no group is
 * a group of its own (it is required). A CI fails when the origin fails, or when all the members
 * of one of its groups have failed. A retired CI is no longer an alternative to anything: it
 * counts as failed as a member, and is never reported as affected.
 */

export interface Dependency {
  source: number;
  target: number;
  /** Relations of one source sharing a group are alternatives; null means required on its own. */
  group: string | null;
}

export interface Failure {
  id: number;
  /** Steps from the origin. */
  depth: number;
  /** The dependency whose failure completed this CI's failure; null for the origin. */
  via: number | null;
}

/** Requirement groups of one source: each a list of targets, any of which keeps the group up. */
export function requirementGroups(dependencies: readonly Dependency[]): number[][] {
  const groups = new Map<string, number[]>();
  dependencies.forEach((d, i) => {
    const key = d.group === null ? `edge:${i}` : `group:${d.group}`;
    groups.set(key, [...(groups.get(key) ?? []), d.target]);
  });
  return [...groups.values()];
}

/**
 * Every CI that fails with `origin`, in breadth-first rounds: round n holds the CIs whose last
 * needed dependency failed in round n - 1. `via` is the smallest such dependency, and `depth`
 * the round, matching the SQL query's choice exactly.
 */
export function failuresFrom(origin: number, dependencies: readonly Dependency[], retired: ReadonlySet<number> = new Set()): Failure[] {
  const bySource = new Map<number, Dependency[]>();
  const byTarget = new Map<number, Dependency[]>();
  for (const d of dependencies) {
    bySource.set(d.source, [...(bySource.get(d.source) ?? []), d]);
    byTarget.set(d.target, [...(byTarget.get(d.target) ?? []), d]);
  }
  const failed = new Map<number, Failure>([[origin, { id: origin, depth: 0, via: null }]]);
  const down = (id: number) => failed.has(id) || retired.has(id);
  let frontier = [origin];
  for (let depth = 1; frontier.length > 0; depth++) {
    const candidates = new Map<number, number>();
    for (const target of frontier) {
      for (const d of byTarget.get(target) ?? []) {
        if (failed.has(d.source) || retired.has(d.source)) continue;
        const groups = requirementGroups(bySource.get(d.source)!);
        if (!groups.some((members) => members.every(down))) continue;
        candidates.set(d.source, Math.min(candidates.get(d.source) ?? Infinity, d.target));
      }
    }
    frontier = [...candidates.keys()].sort((a, b) => a - b);
    for (const id of frontier) failed.set(id, { id, depth, via: candidates.get(id)! });
  }
  return [...failed.values()].sort((a, b) => a.depth - b.depth || a.id - b.id);
}

/** The origin first, then each step to the CI, following `via`. */
export function pathTo(id: number, failures: ReadonlyMap<number, Failure>): number[] {
  const path: number[] = [];
  for (let at: number | null = id; at !== null && path.length <= failures.size; at = failures.get(at)?.via ?? null) path.unshift(at);
  return path;
}
