import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { SYSTEM_PRINCIPAL } from '../../core/access/principal.ts';
import { addNoteIn } from '../incidents/service.ts';

/** A work note by n3sp on an incident, in the correlation job's transaction; a finished incident takes none. */
export async function workNote(tx: Tx, ctx: AppContext, incidentId: number, body: string): Promise<void> {
  const row = await tx.selectFrom('incident').select('state').where('id', '=', incidentId).executeTakeFirst();
  if (!row || row.state === 'closed' || row.state === 'cancelled') return;
  await addNoteIn(tx, ctx, SYSTEM_PRINCIPAL, incidentId, { kind: 'work_note', body }, 'system');
}
