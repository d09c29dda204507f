import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';

/**
 * What other modules may learn of an incident's changes, inside the transaction that makes them:
 * availability records a connection's loss of service from the incidents raised on it, without
 * incidents knowing that availability exists.
 */
export interface IncidentFacts {
  id: number;
  number: string;
  state: string;
  source: string;
  category: string;
  organisationId: number;
  siteId: number | null;
  connectionId: number | null;
  supplierId: number | null;
  major: boolean;
  parentId: number | null;
  createdAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

export interface IncidentChange {
  /** Null when the incident was just logged. */
  before: IncidentFacts | null;
  after: IncidentFacts;
}

export type IncidentListener = (tx: Tx, ctx: AppContext, change: IncidentChange) => Promise<void>;

const listeners: IncidentListener[] = [];

export const incidentChanges = {
  listen(listener: IncidentListener): void {
    listeners.push(listener);
  },
  async tell(tx: Tx, ctx: AppContext, change: IncidentChange): Promise<void> {
    for (const listener of listeners) await listener(tx, ctx, change);
  },
};
