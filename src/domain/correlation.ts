/**
 * Correlating alerts on the CI graph, as pure rules. The monitoring module gathers the firing
 * alerts, the dependency relations above them and the open major incidents; these functions say
 * which alerts belong to one major incident on a shared upstream CI, which sites stand alone, and
 * when an alert that fires again is the same fault flapping.
 *
 * The rule. A site is *explained* by an upstream CI R when one of the site's alerting CIs fails
 * with R by the CMDB's resilience rule (domain/ci-impact.ts: redundancy groups, retired CIs). R
 * becomes the root of a major incident when it explains at least `minSites` sites and either R is
 * alerting itself, or R is the only shared dependency that explains them — the nearest CI that
 * does, and one whose dependent sites are mostly (`inferredRootMinShare`) alerting, so that three
 * unrelated faults among a core node's thousand sites do not blame the core node. Among several
 * roots the one explaining the most alerting sites and CIs wins, then an alerting one, then the
 * nearest (the one whose failure takes down the fewest CIs). An open major incident keeps
 * collecting the sites its root explains, so a storm arriving over minutes stays one incident.
 */
import type { Dependency } from './ci-impact.ts';

export interface CorrelationSettings {
  /** Wait this long after an alert arrives before correlating, so a storm is seen as one batch. */
  settleSeconds: number;
  /** Alerts that started within this many minutes of the batch may join a major incident. */
  windowMinutes: number;
  /** How many sites make "many sites". */
  minSites: number;
  /** For a root that is not alerting: the share of the sites depending on it that must be alerting. */
  inferredRootMinShare: number;
  /** An alert that fires again within this many minutes of resolving reuses its incident. */
  dampingMinutes: number;
  /** Resolve what n3sp opened this many minutes after its alerts all cleared; null proposes only. */
  autoResolveMinutes: number | null;
  /** The resolution code n3sp gives when it resolves. */
  autoResolveCode: string;
  siteImpact: string;
  siteUrgency: string;
  majorImpact: string;
  majorUrgency: string;
  /** The organisation (ODS code) major incidents and lone network CIs are logged under; by
   *  default the first organisation of kind network_provider. */
  networkOrganisation: string | null;
}

export const DEFAULT_CORRELATION_SETTINGS: CorrelationSettings = {
  settleSeconds: 10,
  windowMinutes: 15,
  minSites: 3,
  inferredRootMinShare: 0.5,
  dampingMinutes: 10,
  autoResolveMinutes: 15,
  autoResolveCode: 'no_fault_found',
  siteImpact: 'medium',
  siteUrgency: 'high',
  majorImpact: 'high',
  majorUrgency: 'high',
  networkOrganisation: null,
};

/** Settings that cannot work, field by field. */
export function settingsProblems(s: CorrelationSettings, resolutionCodes: readonly string[]): Array<{ field: string; message: string }> {
  const found: Array<{ field: string; message: string }> = [];
  if (s.autoResolveMinutes !== null && s.autoResolveMinutes < s.dampingMinutes) {
    found.push({ field: 'autoResolveMinutes', message: `must be at least dampingMinutes (${s.dampingMinutes}), or a flapping alert would resolve and reopen its incident` });
  }
  if (!resolutionCodes.includes(s.autoResolveCode)) found.push({ field: 'autoResolveCode', message: `must be one of ${resolutionCodes.join(', ')}` });
  return found;
}

// -----------------------------------------------------------------------------------------------
// Failure sets over a subgraph, indexed once.

/**
 * `failuresFrom` of domain/ci-impact.ts for many origins over one set of relations: the indexes
 * are built once, and each origin's walk reuses them. Same rule, same result (a unit test checks).
 */
export function failureWalker(dependencies: readonly Dependency[], retired: ReadonlySet<number> = new Set()) {
  const bySource = new Map<number, Dependency[]>();
  const byTarget = new Map<number, number[]>();
  for (const d of dependencies) {
    let s = bySource.get(d.source);
    if (!s) bySource.set(d.source, (s = []));
    s.push(d);
    let t = byTarget.get(d.target);
    if (!t) byTarget.set(d.target, (t = []));
    t.push(d.source);
  }
  const groupsOf = new Map<number, number[][]>();
  const groups = (source: number) => {
    let g = groupsOf.get(source);
    if (!g) {
      const keyed = new Map<string, number[]>();
      bySource.get(source)!.forEach((d, i) => {
        const key = d.group === null ? `edge:${i}` : `group:${d.group}`;
        const members = keyed.get(key);
        if (members) members.push(d.target);
        else keyed.set(key, [d.target]);
      });
      groupsOf.set(source, (g = [...keyed.values()]));
    }
    return g;
  };
  return (origin: number): Set<number> => {
    const failed = new Set<number>([origin]);
    const down = (id: number) => failed.has(id) || retired.has(id);
    let frontier = [origin];
    while (frontier.length > 0) {
      const next = new Set<number>();
      for (const target of frontier) {
        for (const source of byTarget.get(target) ?? []) {
          if (failed.has(source) || retired.has(source) || next.has(source)) continue;
          if (groups(source).some((members) => members.every(down))) next.add(source);
        }
      }
      frontier = [...next];
      for (const id of frontier) failed.add(id);
    }
    return failed;
  };
}

// -----------------------------------------------------------------------------------------------
// Correlation.

export interface AlertingSite {
  siteId: number;
  /** The site's CIs with firing alerts. */
  ciIds: number[];
}

export interface CorrelationInput {
  /** Sites with firing alerts that may join a major incident. */
  sites: AlertingSite[];
  /** Network CIs (no site) with firing alerts. */
  alertingInfra: number[];
  /** Every depends_on relation of every CI above the alerting ones (complete requirement groups). */
  dependencies: Dependency[];
  retired?: ReadonlySet<number>;
  /** Which CIs are network CIs (no site): only those can be a shared root. */
  infrastructure: ReadonlySet<number>;
  /** Major incidents already open, by root CI. */
  openMajors: Array<{ groupId: number; rootCiId: number }>;
  /** For roots that are not alerting: how many sites depend on them (see `inferredCandidates`). */
  dependentSites?: ReadonlyMap<number, number>;
  minSites: number;
  inferredRootMinShare: number;
}

export interface MajorDecision {
  /** The open major group it joins, or null for a new major incident. */
  groupId: number | null;
  rootCiId: number;
  reason: 'root alerting' | 'only shared dependency' | 'open major incident';
  sites: number[];
  /** Alerting network CIs that fail with the root (the root itself included when alerting). */
  infra: number[];
}

export interface CorrelationResult {
  majors: MajorDecision[];
  /** Sites no shared root explains: each opens or updates its own incident. */
  isolatedSites: number[];
  /** Alerting network CIs no major incident covers: each opens or updates its own incident. */
  isolatedInfra: number[];
}

interface Candidate {
  root: number;
  failing: Set<number>;
  alerting: boolean;
}

function explainedBy(failing: ReadonlySet<number>, sites: readonly AlertingSite[]): number[] {
  return sites.filter((s) => s.ciIds.some((c) => failing.has(c))).map((s) => s.siteId);
}

function candidatesOf(input: CorrelationInput): Candidate[] {
  const walk = failureWalker(input.dependencies, input.retired);
  const alerting = new Set(input.alertingInfra);
  const roots = new Set<number>([...input.alertingInfra]);
  for (const d of input.dependencies) if (input.infrastructure.has(d.target)) roots.add(d.target);
  return [...roots].sort((a, b) => a - b).map((root) => ({ root, failing: walk(root), alerting: alerting.has(root) }));
}

/**
 * Network CIs that are not alerting but explain at least `minSites` of the alerting sites: the
 * caller counts the sites depending on each (one query) before calling `correlate`.
 */
export function inferredCandidates(input: Omit<CorrelationInput, 'dependentSites'>): number[] {
  return candidatesOf(input)
    .filter((c) => !c.alerting && explainedBy(c.failing, input.sites).length >= input.minSites)
    .map((c) => c.root);
}

export function correlate(input: CorrelationInput): CorrelationResult {
  const candidates = candidatesOf(input);
  const byRoot = new Map(candidates.map((c) => [c.root, c]));
  const walk = failureWalker(input.dependencies, input.retired);
  let unassigned = [...input.sites].sort((a, b) => a.siteId - b.siteId);
  let infraLeft = new Set(input.alertingInfra);
  const majors: MajorDecision[] = [];

  const take = (failing: Set<number>, root: number) => {
    const sites = new Set(explainedBy(failing, unassigned));
    unassigned = unassigned.filter((s) => !sites.has(s.siteId));
    const infra = [...infraLeft].filter((c) => failing.has(c)).sort((a, b) => a - b);
    infraLeft = new Set([...infraLeft].filter((c) => !failing.has(c) && c !== root));
    return { sites: [...sites], infra };
  };

  // An open major incident keeps what its root explains.
  for (const open of [...input.openMajors].sort((a, b) => a.groupId - b.groupId)) {
    const failing = byRoot.get(open.rootCiId)?.failing ?? walk(open.rootCiId);
    const { sites, infra } = take(failing, open.rootCiId);
    if (sites.length > 0 || infra.length > 0) majors.push({ groupId: open.groupId, rootCiId: open.rootCiId, reason: 'open major incident', sites, infra });
  }

  // Then new roots, best first, until none qualifies.
  for (;;) {
    let best: { c: Candidate; sites: number; score: number } | null = null;
    for (const c of candidates) {
      const sites = explainedBy(c.failing, unassigned).length;
      if (sites < input.minSites) continue;
      if (!c.alerting) {
        const dependents = input.dependentSites?.get(c.root);
        if (!dependents || sites / dependents < input.inferredRootMinShare) continue;
      }
      const infra = [...infraLeft].filter((x) => c.failing.has(x)).length;
      const score = sites + infra;
      if (
        !best ||
        score > best.score ||
        (score === best.score && c.alerting && !best.c.alerting) ||
        (score === best.score && c.alerting === best.c.alerting && c.failing.size < best.c.failing.size)
      ) {
        best = { c, sites, score };
      }
    }
    if (!best) break;
    const { sites, infra } = take(best.c.failing, best.c.root);
    majors.push({ groupId: null, rootCiId: best.c.root, reason: best.c.alerting ? 'root alerting' : 'only shared dependency', sites, infra });
  }

  return { majors, isolatedSites: unassigned.map((s) => s.siteId), isolatedInfra: [...infraLeft].sort((a, b) => a - b) };
}

// -----------------------------------------------------------------------------------------------
// Flapping and clearing.

/**
 * Whether an alert firing again is the same fault flapping: its previous occurrence resolved no
 * more than the damping window before this one started (or had not yet ended when it started).
 */
export function isFlap(previousEndsAt: Date | null, startsAt: Date, dampingMs: number): boolean {
  if (previousEndsAt === null) return false;
  return startsAt.getTime() - previousEndsAt.getTime() <= dampingMs;
}

/** When n3sp resolves what it opened, once the last alert cleared at `clearedAt`; null: only proposes. */
export function resolveDueAt(clearedAt: Date, settings: Pick<CorrelationSettings, 'autoResolveMinutes'>): Date | null {
  return settings.autoResolveMinutes === null ? null : new Date(clearedAt.getTime() + settings.autoResolveMinutes * 60_000);
}
