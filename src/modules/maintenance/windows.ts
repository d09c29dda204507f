import type { Tx } from '../../core/journal/journal.ts';

/**
 * Maintenance windows as monitoring sees them (CONTRACT STUB: the maintenance module fills this in).
 * Planned work on CIs over a period suppresses incidents for alerts on those CIs and on
 * everything that depends on them, and the downtime counts as planned.
 */
export interface CoveringWindow {
  windowId: number;
  title: string;
  /** The CI the window names; the alerting CI is it or depends on it. */
  plannedCiId: number;
  endsAt: Date;
}

/** For each CI, the active maintenance window that covers it at `at` (directly or through what it depends on), if any. */
export async function coveringWindows(_tx: Tx, ciIds: number[], _at: Date): Promise<Map<number, CoveringWindow>> {
  return new Map(ciIds.flatMap(() => []));
}
