import type { AppContext } from '../../core/context.ts';
import type { Db } from '../../core/db/database.ts';
import type { PageRequest } from '../../core/http/pagination.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Principal } from '../../core/access/principal.ts';
import { serviceSettings } from '../../core/service-settings.ts';
import { problems } from '../../core/errors.ts';
import { DEFAULT_PRIORITY_MATRIX, matrixProblems } from '../../domain/priority-matrix.ts';
import { definitionsLacking } from '../service-levels/queries.ts';
import type { IncidentSettings } from './schemas.ts';

const KEY = 'incidents';

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = {
  matrix: DEFAULT_PRIORITY_MATRIX,
  // Five days: long enough to notice a fault came back after a weekend.
  reopenWindowHours: 120,
  defaultImpact: 'medium',
  defaultUrgency: 'medium',
};

const store = serviceSettings(KEY, DEFAULT_INCIDENT_SETTINGS);

/** Every incident read consults these; see core/service-settings.ts for how long a process keeps them. */
export function forgetIncidentSettings(db: object): void {
  store.forget(db);
}

/** Every change to the settings, newest first. */
export function incidentSettingsHistory(db: Db, page: PageRequest) {
  return store.history(db, page);
}

/** The settings in force, with their version for If-Match; the defaults until someone saves. */
export function incidentSettings(db: Db | Tx, owner: object = db): Promise<{ settings: IncidentSettings; version: number }> {
  return store.read(db, owner);
}

export function settingsProblems(s: IncidentSettings) {
  const found = matrixProblems(s.matrix).map((p) => ({ field: `matrix.${p.field}`, message: p.message }));
  if (!s.matrix.impacts.includes(s.defaultImpact)) found.push({ field: 'defaultImpact', message: 'must be one of the matrix impacts' });
  if (!s.matrix.urgencies.includes(s.defaultUrgency)) found.push({ field: 'defaultUrgency', message: 'must be one of the matrix urgencies' });
  return found;
}

/**
 * Saves new settings; incidents already open keep their priority until someone changes them. A
 * priority the matrix gives must have targets in every active service level definition, or its
 * incidents would run without clocks: a new priority is added to the list first, then given
 * targets, then given cells.
 */
export async function saveIncidentSettings(tx: Tx, ctx: AppContext, principal: Principal, expected: number, next: IncidentSettings) {
  const found = settingsProblems(next);
  if (found.length > 0) throw problems.invalidFields(found);
  const cells = next.matrix.impacts.flatMap((impact) => next.matrix.urgencies.map((urgency) => ({ impact, urgency, priority: next.matrix.cells[impact]![urgency]! })));
  const lacking = await definitionsLacking(tx, [...new Set(cells.map((c) => c.priority))]);
  const uncovered = cells.flatMap(({ impact, urgency, priority }) => {
    const without = lacking.filter((d) => d.missing.includes(priority)).map((d) => d.code);
    return without.length > 0 ? [{ field: `matrix.cells.${impact}.${urgency}`, message: `${priority} has no targets in ${without.join(', ')}; give it targets there first` }] : [];
  });
  if (uncovered.length > 0) throw problems.invalidFields(uncovered);
  return store.save(tx, ctx, principal, expected, next);
}
