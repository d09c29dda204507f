/**
 * Incident priority = impact × urgency, looked up in a matrix the service owner configures, and
 * the service level targets that follow from a priority. Levels are listed most severe first, so
 * "earlier in the list" always means "needs attention sooner".
 */

export interface PriorityMatrix {
  /** How widely the service is affected, most severe first. */
  impacts: string[];
  /** How soon the business needs it back, most urgent first. */
  urgencies: string[];
  /** Highest priority first. */
  priorities: string[];
  /** cells[impact][urgency] = priority. */
  cells: Record<string, Record<string, string>>;
}

export interface PriorityTargets {
  priority: string;
  /** The name of the business calendar the targets are counted in, e.g. '24x7' or 'office-hours'. */
  calendar: string;
  /** Business time to first response, in milliseconds. */
  responseMs: number;
  /** Business time to resolution, in milliseconds. */
  resolutionMs: number;
}

export interface Problem { field: string; message: string }

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The ITIL-style 3 × 3 matrix onto P1..P5. */
export const DEFAULT_PRIORITY_MATRIX: PriorityMatrix = {
  impacts: ['high', 'medium', 'low'],
  urgencies: ['high', 'medium', 'low'],
  priorities: ['P1', 'P2', 'P3', 'P4', 'P5'],
  cells: {
    high: { high: 'P1', medium: 'P2', low: 'P3' },
    medium: { high: 'P2', medium: 'P3', low: 'P4' },
    low: { high: 'P3', medium: 'P4', low: 'P5' },
  },
};

/**
 * Starting figures, all configurable. P1 is the published "severity 1 resolved within 5 hours",
 * round the clock; the rest count office hours (10.5 hours a day), so P5's 120 hours run past two
 * working weeks.
 */
export const DEFAULT_PRIORITY_TARGETS: PriorityTargets[] = [
  { priority: 'P1', calendar: '24x7', responseMs: 15 * MINUTE, resolutionMs: 5 * HOUR },
  { priority: 'P2', calendar: 'office-hours', responseMs: 30 * MINUTE, resolutionMs: 8 * HOUR },
  { priority: 'P3', calendar: 'office-hours', responseMs: 2 * HOUR, resolutionMs: 24 * HOUR },
  { priority: 'P4', calendar: 'office-hours', responseMs: 4 * HOUR, resolutionMs: 60 * HOUR },
  { priority: 'P5', calendar: 'office-hours', responseMs: 8 * HOUR, resolutionMs: 120 * HOUR },
];

/** The priority for an impact and an urgency; throws naming the unknown level. */
export function priorityOf(matrix: PriorityMatrix, impact: string, urgency: string): string {
  if (!matrix.impacts.includes(impact)) throw new RangeError(`unknown impact ${impact}; expected one of ${matrix.impacts.join(', ')}`);
  if (!matrix.urgencies.includes(urgency)) throw new RangeError(`unknown urgency ${urgency}; expected one of ${matrix.urgencies.join(', ')}`);
  return matrix.cells[impact][urgency];
}

export function targetsFor(targets: PriorityTargets[], priority: string): PriorityTargets {
  const found = targets.find((t) => t.priority === priority);
  if (!found) throw new RangeError(`no service level targets for priority ${priority}`);
  return found;
}

/**
 * Problems with a matrix: every cell defined with a known priority, and no cell ranked above a
 * cell of more severe impact or more urgent urgency, since an incident that gets worse must never
 * drop in the queue.
 */
export function matrixProblems(matrix: PriorityMatrix): Problem[] {
  const problems: Problem[] = [
    ...levelProblems('impacts', matrix.impacts),
    ...levelProblems('urgencies', matrix.urgencies),
    ...levelProblems('priorities', matrix.priorities),
  ];
  if (problems.length > 0) return problems;
  const rank = (impact: string, urgency: string) => matrix.priorities.indexOf(matrix.cells[impact]?.[urgency]);
  for (const impact of matrix.impacts) {
    for (const urgency of matrix.urgencies) {
      const field = `cells.${impact}.${urgency}`;
      const priority = matrix.cells[impact]?.[urgency];
      if (priority === undefined) problems.push({ field, message: 'every impact and urgency needs a priority' });
      else if (!matrix.priorities.includes(priority)) problems.push({ field, message: `unknown priority ${priority}` });
    }
  }
  if (problems.length > 0) return problems;
  matrix.impacts.forEach((impact, i) => matrix.urgencies.forEach((urgency, u) => {
    const here = rank(impact, urgency);
    if (i > 0 && here < rank(matrix.impacts[i - 1], urgency)) problems.push({ field: `cells.${impact}.${urgency}`, message: `ranks above the more severe impact ${matrix.impacts[i - 1]}` });
    if (u > 0 && here < rank(impact, matrix.urgencies[u - 1])) problems.push({ field: `cells.${impact}.${urgency}`, message: `ranks above the more urgent urgency ${matrix.urgencies[u - 1]}` });
  }));
  return problems;
}

/**
 * Problems with a target table: one row per priority of the matrix, response within resolution,
 * and no lower priority promised faster than a higher one. Calendars are checked by name only;
 * whether the name exists is for the caller who holds the calendars.
 */
export function targetProblems(matrix: PriorityMatrix, targets: PriorityTargets[]): Problem[] {
  const problems: Problem[] = [];
  for (const priority of matrix.priorities) {
    const count = targets.filter((t) => t.priority === priority).length;
    if (count !== 1) problems.push({ field: `targets.${priority}`, message: count === 0 ? 'every priority needs targets' : 'a priority has one row of targets' });
  }
  targets.forEach((t, i) => {
    const field = `targets[${i}]`;
    if (!matrix.priorities.includes(t.priority)) problems.push({ field: `${field}.priority`, message: `unknown priority ${t.priority}` });
    if (!(t.responseMs > 0) || !Number.isFinite(t.responseMs)) problems.push({ field: `${field}.responseMs`, message: 'must be a positive duration' });
    if (!(t.resolutionMs > 0) || !Number.isFinite(t.resolutionMs)) problems.push({ field: `${field}.resolutionMs`, message: 'must be a positive duration' });
    else if (t.resolutionMs < t.responseMs) problems.push({ field: `${field}.resolutionMs`, message: 'cannot be shorter than the response' });
    if (t.calendar === '') problems.push({ field: `${field}.calendar`, message: 'name the calendar the targets count in' });
  });
  if (problems.length > 0) return problems;
  const ordered = matrix.priorities.map((p) => targetsFor(targets, p));
  ordered.forEach((t, i) => {
    if (i === 0) return;
    const higher = ordered[i - 1];
    if (t.resolutionMs < higher.resolutionMs && t.calendar === higher.calendar) {
      problems.push({ field: `targets.${t.priority}.resolutionMs`, message: `is shorter than the higher priority ${higher.priority}: a lower priority may not be resolved faster` });
    }
  });
  return problems;
}

function levelProblems(field: string, levels: string[]): Problem[] {
  if (levels.length === 0) return [{ field, message: 'needs at least one level' }];
  if (new Set(levels).size !== levels.length) return [{ field, message: 'levels must be distinct' }];
  if (levels.some((l) => l.trim() === '')) return [{ field, message: 'levels must be named' }];
  return [];
}
