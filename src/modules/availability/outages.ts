import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';

/**
 * Outages: each loss of service of a connection, with start and end, planned apart from unplanned
 * (CONTRACT STUB: the availability module fills this in). Monitoring opens and closes them from
 * alerts; the availability module itself records them from incidents (through incidentChanges in
 * src/modules/incidents/events.ts).
 */
export type OutageCause =
  | { kind: 'alert'; alertId: number }
  | { kind: 'incident'; incidentId: number }
  | { kind: 'maintenance'; windowId: number };

export interface OutageStart {
  connectionId: number;
  startedAt: Date;
  cause: OutageCause;
  /** Planned: inside a maintenance window. */
  planned: boolean;
  maintenanceWindowId?: number | null;
}

/** Opens an outage for the connection; if one from the same cause is already open, nothing changes. Returns its id. */
export async function openOutage(_tx: Tx, _ctx: AppContext, _start: OutageStart): Promise<number> {
  return 0;
}

/** Ends the open outage that this cause opened, at `endedAt`; false when there is none. */
export async function closeOutage(_tx: Tx, _ctx: AppContext, _cause: OutageCause, _endedAt: Date): Promise<boolean> {
  return false;
}
