/**
 * An incident's lifecycle (ISO/IEC 20000-1 8.6.1): which state may follow which, who may move
 * it there, what the move needs, and what it means for the service level clocks. Pure: the
 * incidents service asks these questions and does the I/O.
 */

import { countedIs } from './words.ts';

export const INCIDENT_STATES = ['new', 'assigned', 'in_progress', 'pending_customer', 'pending_supplier', 'resolved', 'closed', 'cancelled'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** The three kinds of people who act on an incident. */
export type Party = 'desk' | 'customer' | 'supplier';

export const OPEN_STATES: readonly IncidentState[] = ['new', 'assigned', 'in_progress', 'pending_customer', 'pending_supplier'];
export const FINAL_STATES: readonly IncidentState[] = ['closed', 'cancelled'];

/**
 * Every move the desk may make. Hand-off to a supplier and assignment have their own actions
 * (they need a supplier or a team), but end in states listed here too so that one table answers
 * "may this follow that".
 */
export const NEXT_STATES: Record<IncidentState, readonly IncidentState[]> = {
  new: ['assigned', 'in_progress', 'pending_customer', 'pending_supplier', 'resolved', 'cancelled'],
  assigned: ['in_progress', 'pending_customer', 'pending_supplier', 'resolved', 'cancelled'],
  in_progress: ['assigned', 'pending_customer', 'pending_supplier', 'resolved', 'cancelled'],
  pending_customer: ['in_progress', 'pending_supplier', 'resolved', 'cancelled'],
  pending_supplier: ['in_progress', 'pending_customer', 'resolved', 'cancelled'],
  resolved: ['in_progress', 'closed'],
  closed: [],
  cancelled: [],
};

/**
 * What each party may do beyond the desk's table. A customer closes or reopens their own
 * resolved incident; a supplier holding the incident hands it back or resolves it. Anything
 * else they want goes through a note.
 */
const PARTY_MOVES: Record<Exclude<Party, 'desk'>, Partial<Record<IncidentState, readonly IncidentState[]>>> = {
  customer: { resolved: ['closed', 'in_progress'] },
  supplier: { pending_supplier: ['in_progress', 'resolved'] },
};

export interface TransitionFacts {
  from: IncidentState;
  to: IncidentState;
  party: Party;
  /** For a supplier: whether the incident is handed to their company now. */
  heldBySupplier?: boolean;
  resolutionCode?: string | null;
  /** When the incident was resolved, for a reopen. */
  resolvedAt?: Date | null;
  now: Date;
  reopenWindowMs: number;
  /** Open children: a parent is not closed while they are open. */
  openChildren?: number;
  hasTeam?: boolean;
  hasSupplier?: boolean;
  /** Whether the move carries a note for the caller: waiting on them needs the question they are to answer. */
  hasNote?: boolean;
  /** Whether a resolution says what was done (its notes, or the move's note). */
  hasResolutionNotes?: boolean;
}

export interface Refusal {
  field: string;
  message: string;
  /** Other fields the same move lacks, so that one answer names everything to put right. */
  also?: Array<{ field: string; message: string }>;
}

/** Why a move cannot be made, naming the field at fault; null when it may. */
export function transitionRefusal(f: TransitionFacts): Refusal | null {
  if (f.from === f.to) return { field: 'to', message: `the incident is already ${label(f.to)}` };
  // A customer or a supplier is told what they may do, not the desk's moves.
  if (f.party !== 'desk') {
    const mine = PARTY_MOVES[f.party][f.from] ?? [];
    if (!mine.includes(f.to) || !NEXT_STATES[f.from].includes(f.to)) {
      return { field: 'to', message: f.party === 'customer' ? 'a customer may only confirm or reopen a resolved incident' : 'a supplier may only hand back or resolve an incident handed to them' };
    }
    if (f.party === 'supplier' && !f.heldBySupplier) return { field: 'to', message: 'the incident is not handed to your company' };
  }
  if (!NEXT_STATES[f.from].includes(f.to)) {
    const allowed = NEXT_STATES[f.from];
    return { field: 'to', message: allowed.length ? `${label(f.from)} may move only to ${allowed.map(label).join(', ')}` : `a ${label(f.from)} incident does not change` };
  }
  if (f.to === 'assigned' && !f.hasTeam) return { field: 'teamId', message: 'assign the incident to a team' };
  if (f.to === 'pending_supplier' && !f.hasSupplier) return { field: 'supplierId', message: 'hand the incident to a supplier' };
  if (f.to === 'resolved') {
    // The record of a resolution is what an auditor and the next agent read: a code alone says too little.
    const missing = [
      ...(f.resolutionCode ? [] : [{ field: 'resolutionCode', message: 'say how the incident was resolved' }]),
      ...(f.hasResolutionNotes ? [] : [{ field: 'resolutionNotes', message: 'say what was done to resolve it' }]),
    ];
    if (missing.length > 0) return { ...missing[0]!, ...(missing.length > 1 ? { also: missing.slice(1) } : {}) };
  }
  if (f.to === 'cancelled' && !f.hasNote) return { field: 'note', message: 'say why the incident is cancelled' };
  // Waiting on the customer stops the clock, so it needs something the customer can answer.
  if (f.to === 'pending_customer' && !f.hasNote) return { field: 'note', message: 'ask the caller the question the incident waits on' };
  if (f.from === 'resolved' && f.to === 'in_progress') {
    const until = reopenUntil(f.resolvedAt ?? null, f.reopenWindowMs);
    if (until !== null && f.now > until) return { field: 'to', message: `the reopen window closed at ${until.toISOString()}; report a new incident` };
  }
  if (f.to === 'closed' && (f.openChildren ?? 0) > 0) return { field: 'to', message: `${countedIs(f.openChildren!, 'linked incident')} still open` };
  return null;
}

/** Who holds an incident, as far as its state is concerned. */
export interface Holder {
  /** A resolver team holds it. */
  hasTeam: boolean;
  /** A named member of that team works it. */
  hasAssignee: boolean;
}

/**
 * Where the customer's answer takes an incident that waited on them: back to whoever holds it, so
 * that its state says who works it next. No team: new, in the service desk's queue (the customer
 * reads "Received"); a team but no one of it named: assigned, in the team's queue ("Being looked
 * at"); a named member: in progress ("Being worked on"). Never in progress with nobody to work it.
 * A move out of waiting on the customer: the clocks resume (`clockSignals`).
 */
export function answeredState(holder: Holder): IncidentState {
  if (!holder.hasTeam) return 'new';
  return holder.hasAssignee ? 'in_progress' : 'assigned';
}

/** Until when a resolved incident may be reopened; after it, it closes by itself. */
export function reopenUntil(resolvedAt: Date | null, reopenWindowMs: number): Date | null {
  return resolvedAt ? new Date(resolvedAt.getTime() + reopenWindowMs) : null;
}

/** What a move means for the service level clocks, in the order they apply. */
export type ClockSignal = 'paused' | 'resumed' | 'responded' | 'resolved' | 'reopened' | 'cancelled';

export function clockSignals(from: IncidentState, to: IncidentState, alreadyResponded: boolean): ClockSignal[] {
  const signals: ClockSignal[] = [];
  if (!alreadyResponded && to !== 'new' && to !== 'cancelled') signals.push('responded');
  if (from === 'pending_customer' && to !== 'pending_customer') signals.push('resumed');
  if (from === 'resolved' && to === 'in_progress') signals.push('reopened');
  if (to === 'pending_customer') signals.push('paused');
  if (to === 'resolved') signals.push('resolved');
  if (to === 'cancelled') signals.push('cancelled');
  return signals;
}

/** The next states a party would be offered in the record page. */
export function movesFor(state: IncidentState, party: Party): IncidentState[] {
  if (party === 'desk') return [...NEXT_STATES[state]];
  return [...(PARTY_MOVES[party][state] ?? [])];
}

export function isOpen(state: IncidentState): boolean {
  return OPEN_STATES.includes(state);
}

/** Each state as the desk calls it, on the pages, in the journal and in messages. */
export const STATE_LABELS: Record<IncidentState, string> = {
  new: 'New',
  assigned: 'Assigned',
  in_progress: 'In progress',
  pending_customer: 'Waiting on the customer',
  pending_supplier: 'With the supplier',
  resolved: 'Resolved',
  closed: 'Closed',
  cancelled: 'Cancelled',
};

/** A state in the middle of a sentence ("the incident is already waiting on the customer"). */
export function label(state: IncidentState): string {
  return STATE_LABELS[state].toLowerCase();
}

/** A parent may not be linked below one of its own descendants, nor an incident below itself. */
export function linkRefusal(parentId: number, childId: number, ancestorsOfParent: readonly number[]): Refusal | null {
  if (parentId === childId) return { field: 'incidentIds', message: 'an incident cannot be linked to itself' };
  if (ancestorsOfParent.includes(childId)) return { field: 'incidentIds', message: 'linking would make a loop of parents' };
  return null;
}

export const RESOLUTION_CODES = [
  'fixed_by_supplier',
  'fixed_by_desk',
  'configuration_change',
  'hardware_replaced',
  'power_restored',
  'no_fault_found',
  'duplicate',
  'user_error',
  'resolved_with_parent',
  'workaround',
] as const;

export const CATEGORIES = ['connectivity', 'performance', 'hardware', 'dns', 'security', 'access', 'email', 'telephony', 'other'] as const;
