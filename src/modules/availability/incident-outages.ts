import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import * as clock from '../../core/clock.ts';
import { OPEN_STATES, type IncidentState } from '../../domain/incident-lifecycle.ts';
import { incidentChanges, type IncidentChange, type IncidentFacts } from '../incidents/events.ts';
import { closeOutage, openOutage, outagesOf, voidOutages, type OutageCause } from './outages.ts';

/**
 * An incident on a connection (a connection named, category connectivity) is a loss of service of
 * that connection: it opens an outage from the incident's creation and ends it at the incident's
 * resolution, in the incident's own transaction.
 * - Reopened: a new outage from the moment of reopening (the time between resolution and reopening
 *   is not known to have been down; the desk can move the start back, journalled, if it was).
 * - Cancelled, recategorised away from connectivity, or moved off the connection: its outages are
 *   voided (kept, journalled, counting for nothing).
 * - Recategorised to connectivity: the outage is recorded from the incident's creation, and ended
 *   at its resolution if it is already resolved.
 * Closing a resolved incident changes nothing.
 */
export function losesService(facts: IncidentFacts): boolean {
  return facts.connectionId !== null && facts.category === 'connectivity' && facts.state !== 'cancelled';
}

const isOpen = (facts: IncidentFacts) => OPEN_STATES.includes(facts.state as IncidentState);

export async function followIncident(tx: Tx, ctx: AppContext, { before, after }: IncidentChange): Promise<void> {
  if (!losesService(after) && !(before && losesService(before))) return;
  const cause: OutageCause = { kind: 'incident', incidentId: after.id };
  if (!losesService(after)) {
    const reason =
      after.state === 'cancelled' ? `${after.number} was cancelled` : after.connectionId === null ? `${after.number} no longer names a connection` : `${after.number} is no longer a connectivity incident`;
    await voidOutages(tx, ctx, cause, reason);
    return;
  }
  let outages = await outagesOf(tx, cause);
  const elsewhere = outages.filter((o) => Number(o.connection_id) !== after.connectionId);
  if (elsewhere.length > 0) {
    await voidOutages(tx, ctx, cause, `${after.number} moved to connection ${after.connectionId}`);
    outages = [];
  }
  const last = outages[outages.length - 1];
  if (!last) {
    await openOutage(tx, ctx, { connectionId: after.connectionId!, startedAt: after.createdAt, cause, planned: false });
    if (!isOpen(after) && after.resolvedAt) await closeOutage(tx, ctx, cause, after.resolvedAt);
    return;
  }
  if (isOpen(after) && last.ended_at !== null) {
    const reopenedAt = new Date(Math.max(clock.now().getTime(), new Date(last.ended_at).getTime()));
    await openOutage(tx, ctx, { connectionId: after.connectionId!, startedAt: reopenedAt, cause, planned: false });
  } else if (!isOpen(after) && last.ended_at === null && after.resolvedAt) {
    await closeOutage(tx, ctx, cause, after.resolvedAt);
  }
}

incidentChanges.listen(followIncident);
