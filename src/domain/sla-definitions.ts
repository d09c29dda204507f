import { targetProblems, type PriorityMatrix, type Problem } from './priority-matrix.ts';

/**
 * Which service level definitions apply to a record, and what a definition promises for a
 * priority. Pure: the caller loads the definitions and the record's facts.
 *
 * Three kinds run side by side on one record (ISO/IEC 20000-1 8.3.3):
 * - `sla` — the promise to the customer, always one;
 * - `ola` — an operational level agreement with the internal team holding the record;
 * - `underpinning` — the contract with the supplier the record is handed to.
 */

export const DEFINITION_KINDS = ['sla', 'ola', 'underpinning'] as const;
export type DefinitionKind = (typeof DEFINITION_KINDS)[number];
/** What people call each kind, in a sentence. */
export const DEFINITION_KIND_NAMES: Record<DefinitionKind, string> = { sla: 'SLA', ola: 'OLA', underpinning: 'underpinning contract' };
export const CLOCK_METRICS = ['response', 'resolution'] as const;
export type ClockMetric = (typeof CLOCK_METRICS)[number];

/** One priority's targets. A null response means the definition sets no response target. */
export interface DefinitionTarget {
  priority: string;
  /** The calendar these targets count in; null: the definition's own. */
  calendar: string | null;
  responseMs: number | null;
  resolutionMs: number;
}

export interface DefinitionTerms {
  id: number;
  kind: DefinitionKind;
  recordType: string;
  /** Limits: a definition applies only where every limit it sets matches the record. */
  organisationId: number | null;
  teamId: number | null;
  supplierId: number | null;
  serviceClassId: number | null;
  calendar: string;
  targets: DefinitionTarget[];
  active: boolean;
}

export interface RecordFacts {
  recordType: string;
  /** The record's organisation first, then its parent, and so on up to the top. */
  organisationLineage: number[];
  teamId: number | null;
  supplierId: number | null;
  serviceClassId: number | null;
}

export interface ChosenDefinitions<D extends DefinitionTerms = DefinitionTerms> {
  sla: D | null;
  ola: D | null;
  underpinning: D | null;
}

/**
 * The most specific active definition of each kind whose limits all match the record. Specificity,
 * most significant first: naming the record's team (OLA) or supplier (underpinning); naming its
 * organisation — its own before a parent's, nearer before further; naming its service class.
 * Ties cannot arise between active definitions (the database allows one per set of limits), but
 * the lowest id would win. An OLA applies only while a team holds the record, an underpinning
 * contract only while a supplier does.
 */
export function chooseDefinitions<D extends DefinitionTerms>(definitions: readonly D[], facts: RecordFacts): ChosenDefinitions<D> {
  const best = (kind: DefinitionKind): D | null => {
    if (kind === 'ola' && facts.teamId === null) return null;
    if (kind === 'underpinning' && facts.supplierId === null) return null;
    let chosen: { definition: D; rank: number[] } | null = null;
    for (const definition of definitions) {
      if (definition.kind !== kind || !definition.active || definition.recordType !== facts.recordType) continue;
      const rank = rankOf(definition, facts);
      if (rank === null) continue;
      if (!chosen || compareRanks(rank, chosen.rank) > 0 || (compareRanks(rank, chosen.rank) === 0 && definition.id < chosen.definition.id)) chosen = { definition, rank };
    }
    return chosen?.definition ?? null;
  };
  return { sla: best('sla'), ola: best('ola'), underpinning: best('underpinning') };
}

/** Null when a limit does not match; otherwise how specific the match is (higher is more). */
function rankOf(d: DefinitionTerms, facts: RecordFacts): number[] | null {
  if (d.teamId !== null && d.teamId !== facts.teamId) return null;
  if (d.supplierId !== null && d.supplierId !== facts.supplierId) return null;
  if (d.serviceClassId !== null && d.serviceClassId !== facts.serviceClassId) return null;
  let organisation = 0;
  if (d.organisationId !== null) {
    const distance = facts.organisationLineage.indexOf(d.organisationId);
    if (distance < 0) return null;
    organisation = 1000 - distance;
  }
  return [d.teamId !== null || d.supplierId !== null ? 1 : 0, organisation, d.serviceClassId !== null ? 1 : 0];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The target and calendar a definition sets for one metric at one priority; null when it sets none. */
export function targetOf(definition: Pick<DefinitionTerms, 'calendar' | 'targets'>, priority: string, metric: ClockMetric): { targetMs: number; calendar: string } | null {
  const row = definition.targets.find((t) => t.priority === priority);
  if (!row) return null;
  const targetMs = metric === 'response' ? row.responseMs : row.resolutionMs;
  return targetMs === null ? null : { targetMs, calendar: row.calendar ?? definition.calendar };
}

/**
 * Problems with a definition's targets: one row per priority of the matrix, positive durations,
 * a response no later than the resolution, no lower priority resolved faster than a higher one on
 * the same calendar (the priority-matrix rules), and every calendar named known.
 */
export function definitionTargetProblems(
  matrix: PriorityMatrix,
  definition: Pick<DefinitionTerms, 'calendar' | 'targets'>,
  knownCalendars: ReadonlySet<string>,
): Problem[] {
  const problems: Problem[] = [];
  if (!knownCalendars.has(definition.calendar)) problems.push({ field: 'calendar', message: `no business calendar is named ${definition.calendar}` });
  definition.targets.forEach((t, i) => {
    if (t.calendar !== null && !knownCalendars.has(t.calendar)) problems.push({ field: `targets[${i}].calendar`, message: `no business calendar is named ${t.calendar}` });
  });
  const asPriorityTargets = definition.targets.map((t) => ({
    priority: t.priority,
    calendar: t.calendar ?? definition.calendar,
    // No response target: checked as if it were the resolution, which every rule accepts.
    responseMs: t.responseMs ?? t.resolutionMs,
    resolutionMs: t.resolutionMs,
  }));
  for (const p of targetProblems(matrix, asPriorityTargets)) problems.push({ field: p.field.replace(/Ms$/, 'Minutes'), message: p.message });
  return problems;
}

/** Problems with the limits a definition sets for its kind. */
export function definitionLimitProblems(d: Pick<DefinitionTerms, 'kind' | 'teamId' | 'supplierId'>): Problem[] {
  const problems: Problem[] = [];
  if (d.kind !== 'ola' && d.teamId !== null) problems.push({ field: 'teamCode', message: 'only an OLA is limited to a team' });
  if (d.kind !== 'underpinning' && d.supplierId !== null) problems.push({ field: 'supplierCode', message: 'only an underpinning contract is limited to a supplier' });
  return problems;
}
