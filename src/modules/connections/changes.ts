import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import * as clock from '../../core/clock.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { Problem, problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { checkMove, checkUpgrade, isProblem, legAtSite, type ChangeProblem } from '../../domain/connection-changes.ts';
import { allocate, releaseHolder } from '../address-plan/service.ts';
import { RELATION_ENTITY } from '../cmdb/service.ts';
import {
  connectionProduct,
  findConnection,
  holderOf,
  lockConnection,
  openConnectionsOfSite,
  routerLinksOf,
  siteForRequest,
  supplierPriceFor,
  type ConnectionRow,
} from './queries.ts';
import { announce, changeCi, hangFromSiteRouter, journal, writerFor } from './service.ts';
import type { Move, Upgrade } from './schemas.ts';

const mbps = (kbps: number | null) => `${(kbps ?? 0) / 1000} Mbit/s`;

function refuse(problem: ChangeProblem | null): void {
  if (!problem) return;
  throw problem.status === 409 ? problems.conflict(problem.field, problem.message) : problems.unprocessable(problem.field, problem.message);
}

/** Customers ask for an upgrade or a move through a service request; the desk carries it out. */
function checkActor(principal: Principal, what: string): void {
  if (principal.scope.kind !== 'network') {
    throw problems.forbidden(`The service desk ${what} a connection; a customer asks for it with a service request.`);
  }
}

function mustBeLive(row: ConnectionRow, what: string): void {
  if (row.state !== 'live') throw problems.unprocessable('state', `the connection is ${row.state}; only a live connection is ${what}`);
}

async function lockForChange(tx: Tx, principal: Principal, id: number, expectedVersion: number, what: string): Promise<ConnectionRow> {
  const before = await lockConnection(tx, principal.scope, id);
  if (!before) throw problems.notFound('connection with that id');
  checkActor(principal, what);
  if (before.version !== expectedVersion) throw problems.preconditionFailed();
  return before;
}

// ---------------------------------------------------------------------------------------------
// Upgrade

/**
 * Whether the connection may move to this product now, and what its own supplier charges for it.
 * The upgrade is delivered on the same circuit by the same supplier, so that supplier must price
 * the product in the connection's region today; the rental follows that price. A service request
 * asks this when it is raised, and the upgrade asks it again when it is made.
 */
export async function planUpgrade(tx: Tx, row: ConnectionRow, productCode: string) {
  mustBeLive(row, 'upgraded');
  const product = await connectionProduct(tx, productCode);
  if (!product) throw problems.unprocessable('productCode', 'is not a product in the catalogue');
  refuse(
    checkUpgrade(
      { code: row.product_code, bandwidthDownKbps: row.product_bandwidth_kbps, resilience: row.product_resilience },
      { code: product.code, kind: product.kind, state: product.state, bandwidthDownKbps: product.bandwidth_down_kbps, resilience: product.resilience },
    ),
  );
  const price = row.supplier_id === null ? undefined : await supplierPriceFor(tx, row.supplier_id, product.id, row.region_id, clock.today());
  if (!price) {
    throw problems.unprocessable('productCode', `${row.supplier_code ?? 'the connection’s supplier'} has no price for ${product.code} in region ${row.region_ods_code ?? '(none)'} today; an upgrade is delivered by the circuit’s own supplier`);
  }
  return { product, price };
}

export async function upgradeConnection(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: Upgrade): Promise<ConnectionRow> {
  return inTransaction(ctx, (tx) => upgradeIn(tx, ctx, principal, id, expectedVersion, input));
}

/**
 * Puts a live connection on a faster product in the caller's transaction (a service request's
 * "change the bandwidth" task): the product and the supplier's price for it change, the rental
 * with it; the one-off install charge and the contract term stay as they were agreed. The site's
 * prefix is kept: renumbering a practice's network is not part of a bandwidth change. The CI's
 * attributes follow, and the change is journaled on the connection and announced to its listeners.
 */
export async function upgradeIn(tx: Tx, ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: Upgrade): Promise<ConnectionRow> {
  const before = await lockForChange(tx, principal, id, expectedVersion, 'upgrades');
  const { product, price } = await planUpgrade(tx, before, input.productCode);
  await tx
    .updateTable('connection')
    .set((eb) => ({ product_id: product.id, price_id: price.price_id, annual_rental: price.annual_rental, updated_at: clock.now(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
  const after = (await findConnection(tx, { kind: 'network' }, id))!;
  await changeCi(tx, ctx, principal, after, { attributes: { product: after.product_code } });
  const summary = `Upgraded from ${before.product_code} (${mbps(before.product_bandwidth_kbps)}) to ${after.product_code} (${mbps(after.product_bandwidth_kbps)}): £${Number(price.annual_rental).toFixed(2)} a year from ${price.supplier_code}`;
  await journal(tx, ctx, principal, 'upgraded', before, after, summary);
  await announce(tx, ctx, { principal, before, after });
  return after;
}

// ---------------------------------------------------------------------------------------------
// Move

/**
 * Whether the connection may move to the site now, and on which leg: a live connection, to
 * another active site of its organisation with room for it (one open connection a site, or the
 * two halves of a resilient pair). The site row is locked, so two moves or requests for it queue.
 */
export async function planMove(tx: Tx, row: ConnectionRow, targetSiteId: number) {
  mustBeLive(row, 'moved');
  const site = await siteForRequest(tx, { kind: 'network' }, targetSiteId);
  if (!site) throw problems.unprocessable('targetSiteId', 'is not a site');
  refuse(checkMove({ siteId: row.site_id, organisationId: row.organisation_id }, { id: site.id, organisationId: site.organisation_id, state: site.state }));
  const leg = legAtSite({ resilience: row.product_resilience }, await openConnectionsOfSite(tx, site.id));
  if (isProblem(leg)) refuse(leg);
  return { site, leg: (leg as { leg: number }).leg };
}

export async function moveConnection(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: Move): Promise<ConnectionRow> {
  return inTransaction(ctx, (tx) => moveIn(tx, ctx, principal, id, expectedVersion, input));
}

/**
 * Moves a live connection to another site of its organisation in the caller's transaction (a
 * service request's "move the service" task). The connection keeps its supplier, circuit
 * reference, PoP, product and price; it takes the site, its region and a leg there. Its prefix is
 * returned and a new one allocated for the new site, so the address plan never says a live prefix
 * addresses a building the service has left. Its CI moves to the site and hangs from the new
 * site's router (created if the CMDB has none) instead of the old one.
 */
export async function moveIn(tx: Tx, ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: Move): Promise<ConnectionRow> {
  const before = await lockForChange(tx, principal, id, expectedVersion, 'moves');
  const { site, leg } = await planMove(tx, before, input.targetSiteId);
  await tx
    .updateTable('connection')
    .set((eb) => ({ site_id: site.id, region_id: site.region_id, leg, updated_at: clock.now(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
  await readdress(tx, ctx, principal, before, site);
  const after = (await findConnection(tx, { kind: 'network' }, id))!;
  await changeCi(tx, ctx, principal, after, {
    siteId: site.id,
    name: `Connection ${id} ${site.name}`.slice(0, 200),
    attributes: { prefix: after.prefix, leg: after.leg },
  });
  await rehang(tx, ctx, principal, after);
  await journal(tx, ctx, principal, 'moved', before, after, `Moved from ${before.site_name} to ${site.name} (leg ${leg})`);
  await announce(tx, ctx, { principal, before, after });
  return after;
}

/** Returns the old site's prefix and allocates one for the new site, sized for the product. */
async function readdress(tx: Tx, ctx: AppContext, principal: Principal, before: ConnectionRow, site: { id: number; organisation_ods_code: string }) {
  const writer = writerFor(principal);
  const released = await releaseHolder(tx, ctx, writer, holderOf(before.id));
  if (released.length === 0) return;
  try {
    await allocate(tx, ctx, writer, {
      holder: holderOf(before.id),
      bandwidthMbps: (before.product_bandwidth_kbps ?? 1000) / 1000,
      resilient: before.product_resilience === 'resilient',
      organisationOdsCode: site.organisation_ods_code,
      siteId: site.id,
    });
  } catch (error) {
    // The address plan names its own field (bandwidthMbps, blockId); to the caller it is the move that cannot be addressed.
    if (error instanceof Problem && error.status === 422) throw problems.unprocessable('targetSiteId', `no prefix can be allocated for the new site: ${error.errors?.[0]?.message ?? error.detail}`);
    throw error;
  }
}

/** The site router of the old site no longer depends on the connection; the new site's does. */
async function rehang(tx: Tx, ctx: AppContext, principal: Principal, after: ConnectionRow) {
  if (after.ci_id === null) return;
  for (const link of await routerLinksOf(tx, after.ci_id)) {
    await tx.deleteFrom('ci_relation').where('id', '=', link.id).execute();
    await ctx.journal.record(tx, actorOf(principal), {
      action: 'deleted',
      entityType: RELATION_ENTITY,
      entityId: link.id,
      organisationId: after.organisation_id,
      supplierId: after.supplier_id,
      summary: `${link.router_name} no longer depends on connection ${after.id}: it moved to ${after.site_name}`,
      changes: changedFields(
        { kind: link.kind, source: link.source_id, target: link.target_id, redundancyGroup: link.redundancy_group },
        null,
        ['kind', 'source', 'target', 'redundancyGroup'],
      ),
    });
  }
  await hangFromSiteRouter(tx, ctx, principal, after, after.ci_id, 'live');
}
