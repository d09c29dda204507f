import type { AppContext } from '../../core/context.ts';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { DEFAULT_PRIORITY_MATRIX, matrixProblems } from '../../domain/priority-matrix.ts';
import type { IncidentSettings } from './schemas.ts';

const KEY = 'incidents';

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = {
  matrix: DEFAULT_PRIORITY_MATRIX,
  // Five days: long enough to notice a fault came back after a weekend.
  reopenWindowHours: 120,
  defaultImpact: 'medium',
  defaultUrgency: 'medium',
};

/**
 * Every incident read and change consults the settings, so each process keeps them for a few
 * seconds (per database). A change made here is seen at once here; another n3sp process sees it
 * within SETTINGS_TTL_MS. Read with `fresh` where a stale matrix would be wrong (saving).
 */
const SETTINGS_TTL_MS = 5_000;
const cache = new WeakMap<object, { value: { settings: IncidentSettings; version: number }; until: number }>();

export function forgetIncidentSettings(db: object): void {
  cache.delete(db);
}

/** The settings in force, with their version for If-Match; the defaults until someone saves. */
export async function incidentSettings(db: Db | Tx, owner: object = db): Promise<{ settings: IncidentSettings; version: number }> {
  const hit = cache.get(owner);
  if (hit && hit.until > Date.now()) return hit.value;
  const row = await db.selectFrom('service_setting').select(['value', 'version']).where('key', '=', KEY).executeTakeFirst();
  const value = row ? { settings: row.value as IncidentSettings, version: row.version } : { settings: DEFAULT_INCIDENT_SETTINGS, version: 0 };
  cache.set(owner, { value, until: Date.now() + SETTINGS_TTL_MS });
  return value;
}

export function settingsProblems(s: IncidentSettings) {
  const found = matrixProblems(s.matrix).map((p) => ({ field: `matrix.${p.field}`, message: p.message }));
  if (!s.matrix.impacts.includes(s.defaultImpact)) found.push({ field: 'defaultImpact', message: 'must be one of the matrix impacts' });
  if (!s.matrix.urgencies.includes(s.defaultUrgency)) found.push({ field: 'defaultUrgency', message: 'must be one of the matrix urgencies' });
  return found;
}

/** Saves new settings; incidents already open keep their priority until someone changes them. */
export async function saveIncidentSettings(tx: Tx, ctx: AppContext, principal: Principal, expected: number, next: IncidentSettings) {
  const found = settingsProblems(next);
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
    before: (current?.value as IncidentSettings | undefined) ?? DEFAULT_INCIDENT_SETTINGS,
    after: next,
    fields: ['matrix', 'reopenWindowHours', 'defaultImpact', 'defaultUrgency'],
  });
  return { settings: next, version: saved.version };
}
