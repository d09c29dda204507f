import type { AppContext } from '../../core/context.ts';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { RESOLUTION_CODES } from '../../domain/incident-lifecycle.ts';
import { DEFAULT_CORRELATION_SETTINGS, settingsProblems, type CorrelationSettings } from '../../domain/correlation.ts';
import { incidentSettings } from '../incidents/settings.ts';

const KEY = 'monitoring';
const FIELDS = Object.keys(DEFAULT_CORRELATION_SETTINGS) as Array<keyof CorrelationSettings>;

/** The correlation settings in force, with their version for If-Match; the defaults until someone saves. */
export async function monitoringSettings(db: Db | Tx): Promise<{ settings: CorrelationSettings; version: number }> {
  const row = await db.selectFrom('service_setting').select(['value', 'version']).where('key', '=', KEY).executeTakeFirst();
  // Fields added in later versions take their defaults in settings saved before them.
  return row ? { settings: { ...DEFAULT_CORRELATION_SETTINGS, ...(row.value as Partial<CorrelationSettings>) }, version: row.version } : { settings: DEFAULT_CORRELATION_SETTINGS, version: 0 };
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
  const current = await tx.selectFrom('service_setting').select(['value', 'version']).where('key', '=', KEY).forUpdate().executeTakeFirst();
  if ((current?.version ?? 0) !== expected) throw problems.preconditionFailed();
  const value = JSON.stringify(next);
  const saved = current
    ? await tx.updateTable('service_setting').set({ value, version: expected + 1, updated_at: new Date() }).where('key', '=', KEY).returning('version').executeTakeFirstOrThrow()
    : await tx.insertInto('service_setting').values({ key: KEY, value, updated_at: new Date() }).returning('version').executeTakeFirstOrThrow();
  await ctx.journal.recordUpdate(tx, actorOf(principal), {
    entityType: 'service_setting',
    entityId: KEY,
    before: { ...DEFAULT_CORRELATION_SETTINGS, ...((current?.value as Partial<CorrelationSettings> | undefined) ?? {}) },
    after: next,
    fields: FIELDS,
  });
  return { settings: next, version: saved.version };
}
