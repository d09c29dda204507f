/**
 * What may change on a live connection besides its lifecycle, with no I/O: an upgrade to a faster
 * product, and a move to another site of the same organisation. The connections service asks these
 * before it writes; a service request asks the same ones when it is raised, so the customer hears
 * "no" at once rather than when the desk reaches the task.
 */

export interface ChangeProblem {
  status: 409 | 422;
  field: string;
  message: string;
}

const unprocessable = (field: string, message: string): ChangeProblem => ({ status: 422, field, message });
const conflict = (field: string, message: string): ChangeProblem => ({ status: 409, field, message });

export interface ProductFacts {
  code: string;
  kind: string;
  state: string;
  bandwidthDownKbps: number | null;
  resilience: string | null;
}

/**
 * An upgrade is to another active connection product with more bandwidth down, and the same
 * resilience. A downgrade is refused: it is a change to the contract (early-termination terms, a
 * new price book line), not a change to the circuit, and the desk asks for it as a new connection
 * and a cease. Resilience is kept because it is the number of circuits, not their speed: a second
 * leg is a new connection at the site; giving one up is a cease of that leg.
 */
export function checkUpgrade(current: Omit<ProductFacts, 'kind' | 'state'>, target: ProductFacts): ChangeProblem | null {
  if (target.kind !== 'connection') return unprocessable('productCode', 'is not a connection product');
  if (target.state !== 'active') return unprocessable('productCode', 'is withdrawn');
  if (target.code === current.code) return unprocessable('productCode', `is the connection's product already`);
  const from = current.bandwidthDownKbps ?? 0;
  const to = target.bandwidthDownKbps ?? 0;
  if (to <= from) return unprocessable('productCode', `offers ${to} kbit/s down, no more than the ${from} kbit/s of ${current.code}; an upgrade raises the bandwidth`);
  if (target.resilience !== current.resilience) {
    return unprocessable(
      'productCode',
      `is ${target.resilience ?? 'of no resilience'} and ${current.code} is ${current.resilience ?? 'of none'}; an upgrade keeps the circuits as they are (a second leg is a new connection, dropping one a cease)`,
    );
  }
  return null;
}

/**
 * A move is to another active site of the same organisation. Another organisation's site would
 * hand the contract, the bills and the tenancy of the connection's history to someone else: that
 * is a cease and a new connection, not a move.
 */
export function checkMove(current: { siteId: number; organisationId: number }, target: { id: number; organisationId: number; state: string }): ChangeProblem | null {
  if (target.id === current.siteId) return unprocessable('targetSiteId', 'is where the connection is already');
  if (target.organisationId !== current.organisationId) return unprocessable('targetSiteId', "is not a site of the connection's organisation");
  if (target.state !== 'active') return unprocessable('targetSiteId', `the site is ${target.state}`);
  return null;
}

/**
 * The leg a moving connection takes at the site it moves to, under the rule every site keeps: one
 * open connection, or two when both are of a resilient product (legs 1 and 2).
 */
export function legAtSite(moving: { resilience: string | null }, open: ReadonlyArray<{ id: number; leg: number; resilience: string | null }>): { leg: number } | ChangeProblem {
  if (open.length === 0) return { leg: 1 };
  if (open.length >= 2) return conflict('targetSiteId', 'the site already has two open connections');
  const there = open[0]!;
  if (there.resilience !== 'resilient' || moving.resilience !== 'resilient') {
    return conflict('targetSiteId', `the site already has connection ${there.id}; a second is allowed only as the other half of a resilient pair`);
  }
  return { leg: 3 - there.leg };
}

export const isProblem = (x: { leg: number } | ChangeProblem): x is ChangeProblem => 'field' in x;
