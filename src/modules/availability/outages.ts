import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import * as clock from '../../core/clock.ts';
import { SYSTEM_ACTOR, type Actor } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { coveringWindows } from '../maintenance/windows.ts';

/**
 * Outages: each loss of service of a connection, with start and end, planned apart from unplanned.
 * Monitoring opens and closes them from alerts; the availability module itself records them from
 * incidents (incident-outages.ts, through incidentChanges in src/modules/incidents/events.ts).
 * Both run inside the caller's transaction and journal every change there.
 */
export type OutageCause =
  | { kind: 'alert'; alertId: number }
  | { kind: 'incident'; incidentId: number }
  | { kind: 'maintenance'; windowId: number };

export interface OutageStart {
  connectionId: number;
  startedAt: Date;
  cause: OutageCause;
  /**
   * Planned: inside a maintenance window. Kept for the caller's convenience only: this module
   * decides `planned` itself from the windows covering the connection at `startedAt`, so that the
   * flag on the record and the availability report always agree.
   */
  planned: boolean;
  maintenanceWindowId?: number | null;
  /** Who records it, for the journal; n3sp itself by default. */
  actor?: Actor;
}

export const OUTAGE_ENTITY = 'outage';

const CAUSE_COLUMN = { alert: 'alert_id', incident: 'incident_id', maintenance: 'maintenance_window_id' } as const;

export function causeId(cause: OutageCause): number {
  return cause.kind === 'alert' ? cause.alertId : cause.kind === 'incident' ? cause.incidentId : cause.windowId;
}

export function describeCause(cause: OutageCause): string {
  return cause.kind === 'alert' ? `alert ${cause.alertId}` : cause.kind === 'incident' ? `incident ${cause.incidentId}` : `maintenance window ${cause.windowId}`;
}

/** The columns that name the cause on an outage row, for a WHERE clause. */
function causeIs(cause: OutageCause) {
  return sql`o.cause_kind = ${cause.kind} and ${sql.ref(`o.${CAUSE_COLUMN[cause.kind]}`)} = ${causeId(cause)}`;
}

export interface OutageJournalView {
  startedAt: string;
  endedAt: string | null;
  planned: boolean;
  maintenanceWindow: number | null;
  voided: string | null;
}
export const OUTAGE_FIELDS = ['startedAt', 'endedAt', 'planned', 'maintenanceWindow', 'voided'] as const;

export interface OutageFacts {
  id: number;
  connection_id: number;
  organisation_id: number;
  supplier_id: number | null;
  started_at: Date;
  ended_at: Date | null;
  planned: boolean;
  maintenance_window_id: number | null;
  void_reason: string | null;
}

export function outageJournalView(o: OutageFacts | null): OutageJournalView | null {
  return o
    ? {
        startedAt: new Date(o.started_at).toISOString(),
        endedAt: o.ended_at ? new Date(o.ended_at).toISOString() : null,
        planned: o.planned,
        maintenanceWindow: o.maintenance_window_id === null ? null : Number(o.maintenance_window_id),
        voided: o.void_reason,
      }
    : null;
}

export async function journalOutage(tx: Tx, ctx: AppContext, actor: Actor, action: string, before: OutageFacts | null, after: OutageFacts, summary: string): Promise<void> {
  await ctx.journal.record(tx, actor, {
    action,
    entityType: OUTAGE_ENTITY,
    entityId: after.id,
    organisationId: after.organisation_id,
    supplierId: after.supplier_id,
    summary,
    changes: changedFields(outageJournalView(before), outageJournalView(after), OUTAGE_FIELDS),
  });
}

const FACTS = sql`o.id, o.connection_id, o.organisation_id, o.supplier_id, o.started_at, o.ended_at, o.planned, o.maintenance_window_id, o.void_reason`;

/** Whether a maintenance window covering the connection's CI is active at `at`, and which. */
export async function plannedAt(tx: Tx, ciId: number | null, at: Date): Promise<number | null> {
  if (ciId === null) return null;
  const found = await coveringWindows(tx, [ciId], at);
  return found.get(ciId)?.windowId ?? null;
}

/**
 * Opens an outage for the connection; if one from the same cause is already open, nothing changes.
 * If the cause's last outage on the connection ended after `startedAt` (an alert resolved and
 * firing again, delivered out of order), that one is reopened rather than a second overlapping it.
 * Returns its id.
 */
export async function openOutage(tx: Tx, ctx: AppContext, start: OutageStart): Promise<number> {
  const connection = await tx.selectFrom('connection').select(['id', 'organisation_id', 'supplier_id', 'ci_id']).where('id', '=', start.connectionId).executeTakeFirst();
  if (!connection) throw problems.unprocessable('connectionId', 'is not a connection');
  const actor = start.actor ?? SYSTEM_ACTOR;
  const coveringWindow = await plannedAt(tx, connection.ci_id, start.startedAt);
  const cause = start.cause;
  const windowId = cause.kind === 'maintenance' ? cause.windowId : coveringWindow;
  const at = clock.now();
  const inserted = await sql<OutageFacts>`insert into outage as o (connection_id, organisation_id, supplier_id, started_at, planned, maintenance_window_id, cause_kind, alert_id, incident_id, created_at, updated_at)
    values (${connection.id}, ${connection.organisation_id}, ${connection.supplier_id}, ${start.startedAt}, ${coveringWindow !== null}, ${windowId},
      ${cause.kind}, ${cause.kind === 'alert' ? cause.alertId : null}, ${cause.kind === 'incident' ? cause.incidentId : null}, ${at}, ${at})
    on conflict do nothing
    returning ${FACTS}`.execute(tx);
  const created = inserted.rows[0];
  if (created) {
    await journalOutage(tx, ctx, actor, 'opened', null, created, `Outage of connection ${connection.id} from ${describeCause(cause)}${created.planned ? ', inside maintenance' : ''}`);
    return Number(created.id);
  }
  // The cause already holds an outage of this connection overlapping [startedAt, ∞).
  const existing = await sql<OutageFacts>`select ${FACTS} from outage o
    where ${causeIs(cause)} and o.connection_id = ${connection.id} and o.voided_at is null
      and (o.ended_at is null or o.ended_at > ${start.startedAt})
    order by o.started_at desc limit 1 for update`.execute(tx);
  const found = existing.rows[0];
  if (!found) throw new Error(`outage for ${describeCause(cause)} on connection ${connection.id} conflicts with nothing that can be found`);
  if (found.ended_at === null) return Number(found.id);
  const reopened = await sql<OutageFacts>`update outage o set ended_at = null, updated_at = ${at}, version = version + 1 where o.id = ${found.id} returning ${FACTS}`.execute(tx);
  await journalOutage(tx, ctx, actor, 'reopened', found, reopened.rows[0]!, `Outage of connection ${connection.id} reopened: ${describeCause(cause)} again`);
  return Number(found.id);
}

/**
 * Ends the open outage that this cause opened, at `endedAt`; false when there is none. An alert
 * on a PoP opens outages on every connection behind it: without `connectionId` all of them end.
 * An end before the start (clocks disagreeing) ends it at its start: a zero-length outage.
 */
export async function closeOutage(tx: Tx, ctx: AppContext, cause: OutageCause, endedAt: Date, connectionId?: number, actor: Actor = SYSTEM_ACTOR): Promise<boolean> {
  const open = await sql<OutageFacts>`select ${FACTS} from outage o
    where ${causeIs(cause)} and o.ended_at is null and o.voided_at is null ${connectionId === undefined ? sql`` : sql`and o.connection_id = ${connectionId}`}
    order by o.id for update`.execute(tx);
  for (const before of open.rows) {
    const closed = await sql<OutageFacts>`update outage o set ended_at = greatest(o.started_at, ${endedAt}::timestamptz), updated_at = ${clock.now()}, version = version + 1
      where o.id = ${before.id} returning ${FACTS}`.execute(tx);
    await journalOutage(tx, ctx, actor, 'closed', before, closed.rows[0]!, `Outage of connection ${before.connection_id} ended (${describeCause(cause)})`);
  }
  return open.rows.length > 0;
}

/** Voids every live outage of the cause: recorded for the record, counting for nothing. */
export async function voidOutages(tx: Tx, ctx: AppContext, cause: OutageCause, reason: string, actor: Actor = SYSTEM_ACTOR): Promise<number> {
  const live = await sql<OutageFacts>`select ${FACTS} from outage o where ${causeIs(cause)} and o.voided_at is null order by o.id for update`.execute(tx);
  for (const before of live.rows) {
    const voided = await sql<OutageFacts>`update outage o set voided_at = ${clock.now()}, void_reason = ${reason}, updated_at = ${clock.now()}, version = version + 1
      where o.id = ${before.id} returning ${FACTS}`.execute(tx);
    await journalOutage(tx, ctx, actor, 'voided', before, voided.rows[0]!, `Outage of connection ${before.connection_id} voided: ${reason}`);
  }
  return live.rows.length;
}

/** The live (not voided) outages of a cause, oldest first. */
export async function outagesOf(tx: Tx, cause: OutageCause): Promise<OutageFacts[]> {
  const result = await sql<OutageFacts>`select ${FACTS} from outage o where ${causeIs(cause)} and o.voided_at is null order by o.started_at, o.id`.execute(tx);
  return result.rows;
}
