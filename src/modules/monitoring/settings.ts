import type { AppContext } from '../../core/context.ts';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Principal } from '../../core/access/principal.ts';
import { serviceSettings, type Versioned } from '../../core/service-settings.ts';
import { problems } from '../../core/errors.ts';
import { RESOLUTION_CODES } from '../../domain/incident-lifecycle.ts';
import { DEFAULT_CORRELATION_SETTINGS, settingsProblems, type CorrelationSettings } from '../../domain/correlation.ts';
import { incidentSettings } from '../incidents/settings.ts';

/**
 * Not cached: correlation and intake read them once in their own transaction, and a save must
 * apply from the next correlation run in every process, not a few seconds later.
 */
const store = serviceSettings('monitoring', DEFAULT_CORRELATION_SETTINGS, { cacheMs: 0 });

/** The correlation settings in force, with their version for If-Match; the defaults until someone saves. */
export function monitoringSettings(db: Db | Tx): Promise<Versioned<CorrelationSettings>> {
  return store.read(db);
}

/** Saves new settings (If-Match); they apply from the next correlation run. Journalled. */
export async function saveMonitoringSettings(tx: Tx, ctx: AppContext, principal: Principal, expected: number, next: CorrelationSettings) {
  const found = settingsProblems(next, RESOLUTION_CODES);
  const { settings: incident } = await incidentSettings(tx);
  for (const field of ['siteImpact', 'majorImpact'] as const) {
    if (!incident.matrix.impacts.includes(next[field])) found.push({ field, message: `must be an impact of the priority matrix: ${incident.matrix.impacts.join(', ')}` });
  }
  for (const field of ['siteUrgency', 'majorUrgency'] as const) {
    if (!incident.matrix.urgencies.includes(next[field])) found.push({ field, message: `must be an urgency of the priority matrix: ${incident.matrix.urgencies.join(', ')}` });
  }
  if (next.networkOrganisation !== null) {
    const org = await tx.selectFrom('organisation').select('id').where('ods_code', '=', next.networkOrganisation.toUpperCase()).executeTakeFirst();
    if (!org) found.push({ field: 'networkOrganisation', message: 'is not a known organisation' });
  }
  if (found.length > 0) throw problems.invalidFields(found);
  return store.save(tx, ctx, principal, expected, next);
}
