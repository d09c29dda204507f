import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import * as clock from '../../core/clock.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import {
  addDays,
  checkTransition,
  CLOSING_STATES,
  NEXT_STATES,
  STAMPED,
  SUPPLIER_STEPS,
  type ConnectionState,
  type DateField,
  type LifecycleSnapshot,
} from '../../domain/connection-lifecycle.ts';
import { bestValue, DEFAULT_RULES, type BestValue, type ScoredQuote } from '../../domain/best-value.ts';
import { allocate, releaseHolder } from '../address-plan/service.ts';
import { CI_ENTITY, createCi, createRelation } from '../cmdb/service.ts';
import {
  connectionProduct,
  deliveryRecords,
  findConnection,
  holderOf,
  lockConnection,
  openConnectionsOfSite,
  popCi,
  pricesFor,
  siteForRequest,
  siteRouterOf,
  storedQuotes,
  type ConnectionRow,
  type StoredQuoteRow,
} from './queries.ts';
import type { Connection, CreateConnection, Order, Quote, Quotes, Transition } from './schemas.ts';

export const ENTITY = 'connection';

const money = (n: number | string) => Number(n).toFixed(2);

const DATE_COLUMNS: Record<DateField, 'requested_on' | 'quoted_on' | 'ordered_on' | 'surveyed_on' | 'installed_on' | 'live_on' | 'ceased_on' | 'cancelled_on'> = {
  requestedOn: 'requested_on',
  quotedOn: 'quoted_on',
  orderedOn: 'ordered_on',
  surveyedOn: 'surveyed_on',
  installedOn: 'installed_on',
  liveOn: 'live_on',
  ceasedOn: 'ceased_on',
  cancelledOn: 'cancelled_on',
};

/** The steps the caller may take a connection through from `state`: a customer requests connections, and a supplier's engineer records only their own steps. */
function stepsFor(principal: Principal, state: ConnectionState): ConnectionState[] {
  if (principal.scope.kind === 'organisations' || !principal.permissions.has('connections:write')) return [];
  const next = [...NEXT_STATES[state]];
  return principal.scope.kind === 'supplier' ? next.filter((to) => SUPPLIER_STEPS.includes(to)) : next;
}

export function presentConnection(row: ConnectionRow, principal: Principal): Connection {
  const state = row.state as ConnectionState;
  const priced = row.install_charge !== null && row.annual_rental !== null;
  return {
    id: row.id,
    state,
    leg: row.leg,
    site: { id: row.site_id, name: row.site_name },
    organisation: { odsCode: row.organisation_ods_code, name: row.organisation_name },
    region: row.region_ods_code,
    product: { code: row.product_code, name: row.product_name, resilience: row.product_resilience },
    supplier: row.supplier_id !== null ? { id: row.supplier_id, code: row.supplier_code!, name: row.supplier_name! } : null,
    circuitReference: row.circuit_reference,
    pop: row.pop_ci_id !== null ? { id: row.pop_ci_id, name: row.pop_name! } : null,
    addressBlock: row.allocation_id !== null && row.prefix ? { allocationId: row.allocation_id, prefix: row.prefix } : null,
    ciId: row.ci_id,
    price: priced
      ? {
          installCharge: money(row.install_charge!),
          annualRental: money(row.annual_rental!),
          contractYears: row.contract_years,
          totalOverTerm: money(Number(row.install_charge) + Number(row.annual_rental) * row.contract_years),
        }
      : null,
    expectedLiveOn: row.expected_live_on,
    choiceReason: row.choice_reason,
    dates: {
      requestedOn: row.requested_on,
      quotedOn: row.quoted_on,
      orderedOn: row.ordered_on,
      surveyedOn: row.surveyed_on,
      installedOn: row.installed_on,
      liveOn: row.live_on,
      ceasedOn: row.ceased_on,
      cancelledOn: row.cancelled_on,
    },
    nextStates: stepsFor(principal, state),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

function journalView(row: ConnectionRow | undefined) {
  return row
    ? {
        state: row.state,
        site: row.site_id,
        leg: row.leg,
        product: row.product_code,
        supplier: row.supplier_code,
        circuitReference: row.circuit_reference,
        pop: row.pop_ci_id,
        prefix: row.prefix,
        ci: row.ci_id,
        installCharge: row.install_charge,
        annualRental: row.annual_rental,
        contractYears: row.contract_years,
        expectedLiveOn: row.expected_live_on,
        requestedOn: row.requested_on,
        quotedOn: row.quoted_on,
        orderedOn: row.ordered_on,
        surveyedOn: row.surveyed_on,
        installedOn: row.installed_on,
        liveOn: row.live_on,
        ceasedOn: row.ceased_on,
        cancelledOn: row.cancelled_on,
      }
    : null;
}
const JOURNAL_FIELDS = [
  'state', 'site', 'leg', 'product', 'supplier', 'circuitReference', 'pop', 'prefix', 'ci', 'installCharge', 'annualRental', 'contractYears', 'expectedLiveOn',
  'requestedOn', 'quotedOn', 'orderedOn', 'surveyedOn', 'installedOn', 'liveOn', 'ceasedOn', 'cancelledOn',
] as const;

export async function journal(tx: Tx, ctx: AppContext, principal: Principal, action: string, before: ConnectionRow | undefined, after: ConnectionRow, summary: string) {
  await ctx.journal.record(tx, actorOf(principal), {
    action,
    entityType: ENTITY,
    entityId: after.id,
    organisationId: after.organisation_id,
    supplierId: after.supplier_id,
    summary,
    changes: changedFields(journalView(before), journalView(after), JOURNAL_FIELDS),
  });
}

/** n3sp keeps the address plan and the CMDB in step with the connection, on the caller's behalf. */
export const writerFor = (principal: Principal) => ({ actor: actorOf(principal), scope: { kind: 'network' as const } });

export async function getConnection(ctx: AppContext, principal: Principal, id: number): Promise<ConnectionRow> {
  const row = await findConnection(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('connection with that id');
  return row;
}

/**
 * A connection request for a site. A site holds one open connection, or two when both are of a
 * resilient product; the site row is locked so two requests for one site cannot both take leg 1.
 */
export async function requestConnection(tx: Tx, ctx: AppContext, principal: Principal, input: CreateConnection): Promise<ConnectionRow> {
  if (principal.scope.kind === 'supplier') throw problems.forbidden('Suppliers do not request connections.');
  const site = await siteForRequest(tx, principal.scope, input.siteId);
  if (!site) throw problems.unprocessable('siteId', 'is not a site you may request a connection for');
  if (site.state !== 'active') throw problems.unprocessable('siteId', `the site is ${site.state}`);
  const product = await connectionProduct(tx, input.productCode);
  if (!product || product.kind !== 'connection') throw problems.unprocessable('productCode', 'is not a connection product in the catalogue');
  if (product.state !== 'active') throw problems.unprocessable('productCode', 'is withdrawn');
  const open = await openConnectionsOfSite(tx, site.id);
  if (open.length >= 2) throw problems.conflict('siteId', 'the site already has two open connections');
  if (open.length === 1 && (open[0]!.resilience !== 'resilient' || product.resilience !== 'resilient')) {
    throw problems.conflict('siteId', `the site already has connection ${open[0]!.id}; a second is allowed only as the other half of a resilient pair`);
  }
  const leg = open.length === 1 ? 3 - open[0]!.leg : 1;
  const requestedOn = input.requestedOn ?? clock.today();
  if (requestedOn > clock.today()) throw problems.unprocessable('requestedOn', 'is in the future');
  const now = clock.now();
  const { id } = await tx
    .insertInto('connection')
    .values({
      site_id: site.id,
      organisation_id: site.organisation_id,
      region_id: site.region_id,
      product_id: product.id,
      leg,
      contract_years: input.contractYears ?? DEFAULT_RULES.contractYears,
      requested_on: requestedOn,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = (await findConnection(tx, { kind: 'network' }, id))!;
  await journal(tx, ctx, principal, 'requested', undefined, created, `${product.code} requested for ${site.name}`);
  return created;
}

/** Prices the connection now from every supplier serving its region. */
async function priceNow(tx: Tx, row: ConnectionRow, on: string, contractYears: number): Promise<BestValue & { names: Map<number, string> }> {
  const prices = await pricesFor(tx, row.product_id, row.region_id, on);
  const records = await deliveryRecords(tx, prices.map((p) => p.supplier_id));
  const result = bestValue(
    prices.map((p) => ({
      supplierId: p.supplier_id,
      supplierCode: p.supplier_code,
      priceId: p.price_id,
      installCharge: Number(p.install_charge),
      annualRental: Number(p.annual_rental),
      leadTimeDays: p.lead_time_days,
      delivery: records.get(p.supplier_id) ?? null,
    })),
    { ...DEFAULT_RULES, contractYears },
  );
  return { ...result, names: new Map(prices.map((p) => [p.supplier_id, p.supplier_name])) };
}

function presentScored(q: ScoredQuote, names: Map<number, string>, years: number, chosen: boolean): Quote {
  return {
    rank: q.rank,
    chosen,
    supplier: { id: q.supplierId, code: q.supplierCode, name: names.get(q.supplierId) ?? q.supplierCode },
    priceId: q.priceId,
    installCharge: money(q.installCharge),
    annualRental: money(q.annualRental),
    leadTimeDays: q.leadTimeDays,
    contractYears: years,
    totalCost: money(q.totalCost),
    leadTimePenalty: money(q.leadTimePenalty),
    deliveryFactor: q.deliveryFactor,
    score: money(q.score),
  };
}

function presentStored(q: StoredQuoteRow): Quote {
  return {
    rank: q.rank,
    chosen: q.chosen,
    supplier: { id: q.supplier_id, code: q.supplier_code, name: q.supplier_name },
    priceId: q.price_id,
    installCharge: money(q.install_charge),
    annualRental: money(q.annual_rental),
    leadTimeDays: q.lead_time_days,
    contractYears: q.contract_years,
    totalCost: money(q.total_cost),
    leadTimePenalty: money(q.lead_time_penalty),
    deliveryFactor: Number(q.delivery_factor),
    score: money(q.score),
  };
}

/**
 * The connection's quotes: those kept when it was quoted or ordered, else priced now. Supplier
 * prices are commercial: staff see every quote; a customer or a supplier's engineer sees only
 * the chosen one (the price the customer pays, the order their company holds).
 */
export async function getQuotes(ctx: AppContext, principal: Principal, id: number): Promise<Quotes> {
  const row = await getConnection(ctx, principal, id);
  const stored = await storedQuotes(ctx.db, id);
  let result: Quotes;
  if (stored.length) {
    const quotes = stored.map(presentStored);
    const winner = quotes.find((q) => q.chosen) ?? quotes[0] ?? null;
    result = { connectionId: id, stored: true, quotes, winner, reason: row.choice_reason ?? '' };
  } else {
    const priced = await priceNow(ctx.db as unknown as Tx, row, clock.today(), row.contract_years);
    const quotes = priced.quotes.map((q) => presentScored(q, priced.names, row.contract_years, false));
    result = { connectionId: id, stored: false, quotes, winner: quotes[0] ?? null, reason: priced.reason };
  }
  if (principal.scope.kind !== 'network') {
    const shown = result.quotes.filter((q) => q.chosen);
    const w = shown[0];
    const reason = w ? `${w.supplier.name}: £${w.installCharge} to install and £${w.annualRental} a year over ${w.contractYears} years (£${money(Number(w.installCharge) + Number(w.annualRental) * w.contractYears)} in all).` : 'No supplier is chosen yet.';
    return { ...result, quotes: shown, winner: w ?? null, reason };
  }
  return result;
}

async function storeQuotes(tx: Tx, connectionId: number, result: BestValue, years: number, chosenSupplierId: number | null): Promise<void> {
  await tx.deleteFrom('connection_quote').where('connection_id', '=', connectionId).execute();
  if (!result.quotes.length) return;
  await tx
    .insertInto('connection_quote')
    .values(
      result.quotes.map((q) => ({
        connection_id: connectionId,
        supplier_id: q.supplierId,
        price_id: q.priceId,
        install_charge: q.installCharge,
        annual_rental: q.annualRental,
        lead_time_days: q.leadTimeDays,
        contract_years: years,
        total_cost: q.totalCost,
        lead_time_penalty: q.leadTimePenalty,
        delivery_factor: q.deliveryFactor,
        score: q.score,
        rank: q.rank,
        chosen: q.supplierId === chosenSupplierId,
        quoted_at: clock.now(),
      })),
    )
    .execute();
}

function snapshotOf(row: ConnectionRow): LifecycleSnapshot {
  return {
    state: row.state as ConnectionState,
    dates: { requestedOn: row.requested_on, quotedOn: row.quoted_on, orderedOn: row.ordered_on, surveyedOn: row.surveyed_on, installedOn: row.installed_on, liveOn: row.live_on, ceasedOn: row.ceased_on, cancelledOn: row.cancelled_on },
    supplierChosen: row.supplier_id !== null,
    circuitReference: row.circuit_reference,
    popChosen: row.pop_ci_id !== null,
  };
}

/** Who may take which step: customers request only; a supplier's engineer records survey and install. */
function checkActor(principal: Principal, to: ConnectionState): void {
  if (principal.scope.kind === 'organisations') throw problems.forbidden('Customers request connections; the service desk takes them through their lifecycle.');
  if (principal.scope.kind === 'supplier' && !SUPPLIER_STEPS.includes(to)) {
    throw problems.forbidden(`A supplier's engineer records only ${SUPPLIER_STEPS.join(' and ')}.`);
  }
}

async function checkPop(tx: Tx, popId: number | undefined): Promise<number | undefined> {
  if (popId === undefined) return undefined;
  const pop = await popCi(tx, popId);
  if (!pop || pop.kind !== 'pop') throw problems.unprocessable('popId', 'is not a point-of-presence configuration item');
  return pop.id;
}

export interface CiPatch {
  state?: string;
  externalRef?: string;
  name?: string;
  siteId?: number;
  /** Merged onto the CI's attributes: the connection's product, prefix and leg as they now are. */
  attributes?: Record<string, unknown>;
}
const CI_FIELDS = ['state', 'externalRef', 'name', 'siteId', 'attributes'] as const;

/**
 * Changes the connection's CI in the caller's transaction, journaled as a CMDB change. The CMDB
 * has no in-transaction update, and the connection's CI follows the connection, so it is done here.
 */
export async function changeCi(tx: Tx, ctx: AppContext, principal: Principal, row: ConnectionRow, patch: CiPatch) {
  if (row.ci_id === null) return;
  const found = await tx.selectFrom('configuration_item').select(['state', 'external_ref', 'name', 'site_id', 'attributes']).where('id', '=', row.ci_id).executeTakeFirst();
  if (!found) return;
  const before = { state: found.state, externalRef: found.external_ref, name: found.name, siteId: found.site_id, attributes: found.attributes as Record<string, unknown> };
  const after = {
    state: patch.state ?? before.state,
    externalRef: patch.externalRef ?? before.externalRef,
    name: patch.name ?? before.name,
    siteId: patch.siteId ?? before.siteId,
    attributes: patch.attributes ? { ...before.attributes, ...patch.attributes } : before.attributes,
  };
  const changes = changedFields(before, after, CI_FIELDS);
  if (!changes.length) return;
  await tx
    .updateTable('configuration_item')
    .set((eb) => ({
      state: after.state,
      external_ref: after.externalRef,
      name: after.name,
      site_id: after.siteId,
      attributes: JSON.stringify(after.attributes),
      updated_at: clock.now(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', row.ci_id)
    .execute();
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'updated',
    entityType: CI_ENTITY,
    entityId: row.ci_id,
    organisationId: row.organisation_id,
    supplierId: row.supplier_id,
    summary: `Connection ${row.id} ${row.state}: CI ${changes.map((c) => c.field).join(', ')} changed`,
    changes,
  });
}

async function relateToPop(tx: Tx, ctx: AppContext, principal: Principal, ciId: number | null, popId: number | undefined, previous: number | null) {
  if (ciId === null || popId === undefined || popId === previous) return;
  await createRelation(tx, ctx, writerFor(principal), { sourceId: ciId, targetId: popId, kind: 'depends_on' });
}

/**
 * The site's router depends on the connection's CI, so an outage of the connection reaches the
 * site; a site the CMDB has no router for gets one, in `routerState` (planned while the connection
 * is only ordered, live when a live connection moves in). The two legs of a resilient product share
 * the site's redundancy group, so losing one leg is not an outage of the site.
 */
export async function hangFromSiteRouter(
  tx: Tx,
  ctx: AppContext,
  principal: Principal,
  row: ConnectionRow,
  ciId: number,
  routerState: 'planned' | 'live',
): Promise<void> {
  const writer = writerFor(principal);
  const router =
    (await siteRouterOf(tx, row.site_id)) ??
    (await createCi(tx, ctx, writer, {
      kind: 'site_router',
      name: `Router ${row.site_name}`.slice(0, 200),
      organisationOdsCode: row.organisation_ods_code,
      siteId: row.site_id,
      state: routerState,
    }));
  await createRelation(tx, ctx, writer, {
    sourceId: router.id,
    targetId: ciId,
    kind: 'depends_on',
    redundancyGroup: row.product_resilience === 'resilient' ? `site-${row.site_id}-access` : undefined,
  });
}

/**
 * Orders the connection: prices it from every supplier serving its region, picks the best value
 * (or the named supplier's quote), keeps every quote with its breakdown, allocates its prefix and
 * creates its CI (the site router depends on it; it depends on its PoP), all in one transaction.
 */
export async function orderConnection(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: Order): Promise<ConnectionRow> {
  return inTransaction(ctx, (tx) => orderIn(tx, ctx, principal, id, expectedVersion, input));
}

export async function orderIn(tx: Tx, ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: Order): Promise<ConnectionRow> {
  const before = await lockConnection(tx, principal.scope, id);
  if (!before) throw problems.notFound('connection with that id');
  checkActor(principal, 'ordered');
  if (before.version !== expectedVersion) throw problems.preconditionFailed();
  const at = input.at ?? clock.today();
  const found = checkTransition({ ...snapshotOf(before), supplierChosen: true }, { to: 'ordered', at }, clock.today());
  if (found.length) throw problems.unprocessable(found[0]!.field, found[0]!.message);
  const popId = await checkPop(tx, input.popId);
  const years = input.contractYears ?? before.contract_years;
  const priced = await priceNow(tx, before, at, years);
  if (!priced.winner) throw problems.unprocessable('supplierId', `no supplier serving region ${before.region_ods_code ?? '(none)'} prices ${before.product_code}`);
  let chosen = priced.winner;
  let reason = priced.reason;
  if (input.supplierId !== undefined) {
    const named = priced.quotes.find((q) => q.supplierId === input.supplierId);
    if (!named) throw problems.unprocessable('supplierId', 'has no quote for this product in this region');
    if (named !== priced.winner) {
      chosen = named;
      reason = `Ordered from ${named.supplierCode} as asked (score £${money(named.score)}, rank ${named.rank}); the best value was: ${priced.reason}`;
    }
  }
  await storeQuotes(tx, id, priced, years, chosen.supplierId);
  const writer = writerFor(principal);
  const allocation = await allocate(tx, ctx, writer, {
    holder: holderOf(id),
    bandwidthMbps: (before.product_bandwidth_kbps ?? 1000) / 1000,
    resilient: before.product_resilience === 'resilient',
    organisationOdsCode: before.organisation_ods_code,
    siteId: before.site_id,
  });
  const ci = await createCi(tx, ctx, writer, {
    kind: 'connection',
    name: `Connection ${id} ${before.site_name}`.slice(0, 200),
    organisationOdsCode: before.organisation_ods_code,
    supplierId: chosen.supplierId,
    siteId: before.site_id,
    state: 'planned',
    attributes: { connectionId: id, product: before.product_code, prefix: allocation.prefix, leg: before.leg },
  });
  await hangFromSiteRouter(tx, ctx, principal, before, ci.id, 'planned');
  await relateToPop(tx, ctx, principal, ci.id, popId, null);
  await tx
    .updateTable('connection')
    .set((eb) => ({
      state: 'ordered',
      supplier_id: chosen.supplierId,
      price_id: chosen.priceId,
      install_charge: chosen.installCharge,
      annual_rental: chosen.annualRental,
      lead_time_days: chosen.leadTimeDays,
      contract_years: years,
      expected_live_on: addDays(at, chosen.leadTimeDays),
      choice_reason: reason,
      quoted_on: before.quoted_on ?? at,
      ordered_on: at,
      ci_id: ci.id,
      pop_ci_id: popId ?? before.pop_ci_id,
      updated_at: clock.now(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .execute();
  const after = (await findConnection(tx, { kind: 'network' }, id))!;
  await journal(tx, ctx, principal, 'ordered', before, after, `Ordered from ${chosen.supplierCode}: ${reason}`);
  await announce(tx, ctx, { principal, before, after });
  return after;
}

/** One step of the lifecycle, validated, dated and journaled; ordering goes through orderIn. */
export async function transitionConnection(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: Transition): Promise<ConnectionRow> {
  return inTransaction(ctx, (tx) => transitionIn(tx, ctx, principal, id, expectedVersion, input));
}

/** The same step inside the caller's transaction (a service request ceasing its connection). */
export async function transitionIn(tx: Tx, ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: Transition): Promise<ConnectionRow> {
  if (input.to === 'ordered') {
    return orderIn(tx, ctx, principal, id, expectedVersion, { supplierId: input.supplierId, contractYears: input.contractYears, popId: input.popId, at: input.at });
  }
  const before = await lockConnection(tx, principal.scope, id);
  if (!before) throw problems.notFound('connection with that id');
  checkActor(principal, input.to);
  if (before.version !== expectedVersion) throw problems.preconditionFailed();
  if (input.supplierId !== undefined) throw problems.invalid('supplierId', 'applies only when ordering');
  if (input.contractYears !== undefined && input.to !== 'quoted') throw problems.invalid('contractYears', 'applies only when quoting or ordering');
  if (input.popId !== undefined && before.ci_id === null) throw problems.unprocessable('popId', 'a point of presence is chosen once the connection is ordered');
  const at = input.at ?? clock.today();
  const popId = await checkPop(tx, input.popId);
  const found = checkTransition(snapshotOf(before), { to: input.to, at, circuitReference: input.circuitReference, popGiven: popId !== undefined }, clock.today());
  if (found.length) throw problems.invalidFields(found);
  const set: Record<string, unknown> = { state: input.to, [DATE_COLUMNS[STAMPED[input.to]]]: at };
  if (input.circuitReference !== undefined) set.circuit_reference = input.circuitReference;
  if (popId !== undefined) set.pop_ci_id = popId;
  if (input.to === 'quoted') {
    const years = input.contractYears ?? before.contract_years;
    const priced = await priceNow(tx, before, at, years);
    if (!priced.winner) throw problems.unprocessable('to', `no supplier serving region ${before.region_ods_code ?? '(none)'} prices ${before.product_code}`);
    await storeQuotes(tx, id, priced, years, null);
    Object.assign(set, {
      contract_years: years,
      install_charge: priced.winner.installCharge,
      annual_rental: priced.winner.annualRental,
      lead_time_days: priced.winner.leadTimeDays,
      expected_live_on: addDays(at, priced.winner.leadTimeDays),
      choice_reason: priced.reason,
    });
  }
  await tx
    .updateTable('connection')
    .set((eb) => ({ ...set, updated_at: clock.now(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
  let after = (await findConnection(tx, { kind: 'network' }, id))!;
  await relateToPop(tx, ctx, principal, after.ci_id, popId, before.pop_ci_id);
  if (input.to === 'installed' || (input.circuitReference && after.ci_id !== null)) await changeCi(tx, ctx, principal, after, { externalRef: after.circuit_reference ?? undefined });
  if (input.to === 'live') await changeCi(tx, ctx, principal, after, { state: 'live' });
  if (CLOSING_STATES.includes(input.to)) {
    await releaseHolder(tx, ctx, writerFor(principal), holderOf(id));
    await changeCi(tx, ctx, principal, after, { state: 'retired' });
    after = (await findConnection(tx, { kind: 'network' }, id))!;
  }
  await journal(tx, ctx, principal, input.to, before, after, `${before.state} → ${input.to} on ${at}`);
  await announce(tx, ctx, { principal, before, after });
  return after;
}

/**
 * Who else follows a connection's lifecycle (the service request that asked for it, or one that
 * ceases it) without the connections module knowing them: each listener runs inside the step's
 * transaction, after the step is written and journaled, so what it changes commits with the step
 * or not at all, and a listener's refusal refuses the step.
 */
export interface ConnectionChange {
  principal: Principal;
  before: ConnectionRow;
  after: ConnectionRow;
}
export type ConnectionChangeListener = (tx: Tx, ctx: AppContext, change: ConnectionChange) => Promise<void>;
const changeListeners: ConnectionChangeListener[] = [];
export const connectionChanges = {
  listen(listener: ConnectionChangeListener): void {
    if (!changeListeners.includes(listener)) changeListeners.push(listener);
  },
};
export async function announce(tx: Tx, ctx: AppContext, change: ConnectionChange): Promise<void> {
  for (const listener of changeListeners) await listener(tx, ctx, change);
}
