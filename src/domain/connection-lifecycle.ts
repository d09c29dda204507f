/**
 * A connection's lifecycle, with no I/O: which steps may follow which, the date each step stamps,
 * and what a step needs before it may be taken. The service asks `checkTransition` and writes
 * only when it answers no problems.
 *
 *   requested → quoted → ordered → surveyed → installed → live → ceased
 *   requested, quoted, ordered, surveyed → cancelled
 */
export const CONNECTION_STATES = ['requested', 'quoted', 'ordered', 'surveyed', 'installed', 'live', 'ceased', 'cancelled'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export const NEXT_STATES: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  requested: ['quoted', 'ordered', 'cancelled'],
  quoted: ['ordered', 'cancelled'],
  ordered: ['surveyed', 'cancelled'],
  surveyed: ['installed', 'cancelled'],
  installed: ['live'],
  live: ['ceased'],
  ceased: [],
  cancelled: [],
};

/** The date field each state stamps when it is reached. */
export const STAMPED: Readonly<Record<ConnectionState, DateField>> = {
  requested: 'requestedOn',
  quoted: 'quotedOn',
  ordered: 'orderedOn',
  surveyed: 'surveyedOn',
  installed: 'installedOn',
  live: 'liveOn',
  ceased: 'ceasedOn',
  cancelled: 'cancelledOn',
};

export type DateField = 'requestedOn' | 'quotedOn' | 'orderedOn' | 'surveyedOn' | 'installedOn' | 'liveOn' | 'ceasedOn' | 'cancelledOn';

/** The steps a supplier's engineer may record on their own company's connections. */
export const SUPPLIER_STEPS: readonly ConnectionState[] = ['surveyed', 'installed'];

/** The steps that leave the connection holding nothing: its prefix is returned, its CI retired. */
export const CLOSING_STATES: readonly ConnectionState[] = ['ceased', 'cancelled'];

export interface LifecycleSnapshot {
  state: ConnectionState;
  dates: Partial<Record<DateField, string | null>>;
  supplierChosen: boolean;
  circuitReference: string | null;
  popChosen: boolean;
}

export interface TransitionRequest {
  to: ConnectionState;
  /** YYYY-MM-DD: when the step happened; today when absent. */
  at: string;
  circuitReference?: string | null;
  popGiven?: boolean;
}

export interface TransitionProblem {
  field: string;
  message: string;
}

/** The date of the latest step taken so far (requested is always taken). */
export function lastStepDate(snapshot: LifecycleSnapshot): string | null {
  let last: string | null = null;
  for (const state of CONNECTION_STATES) {
    const date = snapshot.dates[STAMPED[state]];
    if (date && (!last || date > last)) last = date;
  }
  return last;
}

/**
 * Problems with taking this step now, each naming the field to fix; empty when it may be taken.
 * `today` bounds `at`: a step cannot be recorded as happening in the future.
 */
export function checkTransition(snapshot: LifecycleSnapshot, request: TransitionRequest, today: string): TransitionProblem[] {
  const found: TransitionProblem[] = [];
  const allowed = NEXT_STATES[snapshot.state];
  if (!allowed.includes(request.to)) {
    const options = allowed.length ? `it can go to ${allowed.join(' or ')}` : 'it is final';
    return [{ field: 'to', message: `a ${snapshot.state} connection cannot become ${request.to}; ${options}` }];
  }
  if (request.at > today) found.push({ field: 'at', message: `is in the future (today is ${today})` });
  const last = lastStepDate(snapshot);
  if (last && request.at < last) found.push({ field: 'at', message: `is before the connection's previous step on ${last}` });
  if (request.to === 'ordered' && !snapshot.supplierChosen) found.push({ field: 'supplierId', message: 'no quote is chosen; order through /order or name a supplier' });
  const circuit = request.circuitReference ?? snapshot.circuitReference;
  if ((request.to === 'installed' || request.to === 'live') && !circuit) {
    found.push({ field: 'circuitReference', message: `the supplier's circuit reference is needed before ${request.to}` });
  }
  if (request.to === 'live' && !snapshot.popChosen && !request.popGiven) {
    found.push({ field: 'popId', message: 'the point of presence the connection hangs from is needed before live' });
  }
  return found;
}

/** Whether a connection in this state counts as open: it holds its site's leg. */
export function isOpen(state: ConnectionState): boolean {
  return !CLOSING_STATES.includes(state);
}

/** The date `days` after an ISO date (YYYY-MM-DD), in UTC. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
