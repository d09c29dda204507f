import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { paginate, mapPage, type PageRequest } from '../http/pagination.ts';
import { Nullable } from '../http/schemas.ts';
import type { JournalChange } from '../db/tables.ts';

export const JournalEntrySchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String(),
    action: Type.String(),
    summary: Nullable(Type.String()),
    changes: Type.Array(Type.Object({ field: Type.String(), before: Type.Unknown(), after: Type.Unknown() })),
    chained: Type.Boolean({ description: 'Linked into the audit hash chain yet' }),
  },
  { $id: 'JournalEntry' },
);

/**
 * A record's history, newest first. Callers check that the caller may see the record itself
 * first; the journal then needs no scope of its own. `hiddenActions` leaves out entries the
 * caller's side may not read (a team's internal targets, for a customer).
 */
export async function recordHistory(db: Db, entityType: string, entityId: string | number, page: PageRequest, hiddenActions: readonly string[] = []) {
  let query = db
    .selectFrom('journal')
    .select(['id', 'at', 'actor_name', 'action', 'summary', 'changes', 'chain_seq'])
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', String(entityId));
  if (hiddenActions.length > 0) query = query.where('action', 'not in', hiddenActions);
  const rows = await paginate(query, { columns: { id: 'id' }, tie: 'id', tieKey: 'id', defaultSort: '-id' }, page);
  return mapPage(rows, (r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor_name,
    action: r.action,
    summary: r.summary,
    changes: r.changes as unknown as JournalChange[],
    chained: r.chain_seq !== null,
  }));
}
