import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import { SYSTEM_ACTOR, SYSTEM_PRINCIPAL } from '../../core/access/principal.ts';
import { addDays } from '../../domain/connection-lifecycle.ts';
import { createBlock } from '../address-plan/service.ts';
import { createCi } from '../cmdb/service.ts';
import { requestConnection, orderIn, transitionConnection } from '../connections/service.ts';
import { createTarget } from '../rollout/service.ts';
import type { ConnectionState } from '../../domain/connection-lifecycle.ts';


/** A fixed-seed generator (mulberry32), so the demonstration's dates are the same every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCT = 'FTTC-80';
const STAGES: ConnectionState[] = ['requested', 'quoted', 'ordered', 'surveyed', 'installed', 'live', 'ceased', 'cancelled'];

/**
 * The roll-out in the demonstration: an address block, a PoP, a programme target, and connections
 * for sites in the regions the suppliers serve at every stage of their lifecycle, with dates over
 * the last half year drawn from a fixed seed. The sites of `liveAt` (the demonstration customers'
 * practices) come first and are live, so that their practice managers have a connection to upgrade,
 * move or cease. Returns a line to print.
 */
export async function loadDemonstrationConnections(ctx: AppContext, { count = 120, liveAt = [] }: { count?: number; liveAt?: string[] } = {}): Promise<string> {
  const random = seeded(18_000);
  const today = new Date().toISOString().slice(0, 10);
  const pop = await inTransaction(ctx, async (tx) => {
    await createBlock(tx, ctx, { actor: SYSTEM_ACTOR, scope: { kind: 'network' } }, { name: 'Demonstration site LANs', range: '10.128.0.0/12' });
    await createTarget(tx, ctx, SYSTEM_PRINCIPAL, { name: 'HSCN migration', targetCount: Math.round(count * 1.5), startsOn: addDays(today, -182), targetOn: addDays(today, 120) });
    return createCi(tx, ctx, { actor: SYSTEM_ACTOR, scope: { kind: 'network' } }, { kind: 'pop', name: 'PoP Leeds LDS1', state: 'live' });
  });
  const sites = await ctx.db
    .selectFrom('site')
    .innerJoin('organisation as org', 'org.id', 'site.organisation_id')
    .innerJoin('organisation as region', (j) => j.onRef('region.ods_code', '=', 'org.region').on('region.kind', '=', 'region'))
    .innerJoin('supplier_region as sr', 'sr.region_id', 'region.id')
    .select('site.id')
    .distinct()
    .where('site.state', '=', 'active')
    // Only where a supplier's price for the product holds over the whole half year quoted in.
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('supplier_price as p')
          .innerJoin('product', 'product.id', 'p.product_id')
          .select('p.id')
          .whereRef('p.supplier_id', '=', 'sr.supplier_id')
          .where('product.code', '=', PRODUCT)
          .where('p.valid_from', '<=', addDays(today, -200))
          .where((eb) => eb.or([eb('p.valid_to', 'is', null), eb('p.valid_to', '>=', today)])),
      ),
    )
    .select(sql<boolean>`org.ods_code = any(${liveAt}::text[])`.as('customers'))
    .orderBy('customers', 'desc')
    .orderBy('site.id')
    .limit(count)
    .execute();
  let made = 0;
  for (const [i, site] of sites.entries()) {
    // Later stages are commoner the earlier the request: a steady burn-up with a tail in flight.
    const requestedOn = addDays(today, -Math.round(20 + random() * 160));
    const stage = site.customers ? 'live' : STAGES[i % 17 === 5 ? 0 : i % 19 === 0 ? 7 : i % 23 === 0 ? 6 : Math.min(5, Math.floor(random() * 3 + (addDays(requestedOn, 100) < today ? 3 : 1)))]!;
    const row = await inTransaction(ctx, (tx) => requestConnection(tx, ctx, SYSTEM_PRINCIPAL, { siteId: site.id, productCode: PRODUCT, requestedOn }));
    made++;
    let at = requestedOn;
    let version = row.version;
    const next = (days: number) => (at = [addDays(at, days), today].sort()[0]!);
    for (const to of STAGES.slice(1, STAGES.indexOf(stage === 'cancelled' ? 'ordered' : stage === 'ceased' ? 'live' : stage) + 1)) {
      const days = to === 'quoted' ? 2 + random() * 5 : to === 'ordered' ? 3 + random() * 10 : to === 'surveyed' ? 5 + random() * 10 : to === 'installed' ? 8 + random() * 25 : 1 + random() * 4;
      const when = next(Math.round(days));
      const body = { to, at: when, circuitReference: to === 'installed' ? `DEMO-${row.id}` : undefined, popId: to === 'live' ? pop.id : undefined };
      const after = to === 'ordered' ? await inTransaction(ctx, (tx) => orderIn(tx, ctx, SYSTEM_PRINCIPAL, row.id, version, { at: when })) : await transitionConnection(ctx, SYSTEM_PRINCIPAL, row.id, version, body);
      version = after.version;
    }
    if (stage === 'cancelled' || stage === 'ceased') await transitionConnection(ctx, SYSTEM_PRINCIPAL, row.id, version, { to: stage, at: next(3) });
  }
  return `${made} connections at every stage of their lifecycle, and the HSCN migration target`;
}
