import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { SYSTEM_ACTOR } from '../../core/access/principal.ts';

/**
 * A work note by n3sp on an incident, in the caller's transaction: the same row, version bump and
 * journal entry as the incidents module's own work notes (addNoteIn in incidents/service.ts).
 * That function is not exported and `addNote` opens a transaction of its own, which a job handler
 * cannot nest; until incidents exports its in-transaction note, this writes the same thing.
 */
export async function workNote(tx: Tx, ctx: AppContext, incidentId: number, body: string): Promise<void> {
  const row = await tx.selectFrom('incident').select(['id', 'state', 'version', 'organisation_id', 'supplier_id']).where('id', '=', incidentId).forUpdate().executeTakeFirst();
  if (!row || row.state === 'closed' || row.state === 'cancelled') return;
  const note = await tx
    .insertInto('incident_note')
    .values({ incident_id: row.id, kind: 'work_note', customer_visible: false, body, author_id: null, author_name: SYSTEM_ACTOR.name, source: 'system' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.updateTable('incident').set({ updated_at: new Date(), version: row.version + 1 }).where('id', '=', row.id).execute();
  await ctx.journal.record(tx, SYSTEM_ACTOR, {
    action: 'work_note',
    entityType: 'incident',
    entityId: row.id,
    organisationId: row.organisation_id,
    supplierId: row.supplier_id,
    summary: 'Work note added',
    changes: [{ field: 'workNote', before: null, after: note.id }],
  });
}
