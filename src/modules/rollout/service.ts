import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { addDays, forecast, weekStart, weeklyCounts } from '../../domain/rollout-forecast.ts';
import { burnUp, countsBy, findTarget, firstActivity, regionIdByCode, supplierIdByCode, targetFor, type Filter, type GroupCounts, type TargetRow } from './queries.ts';
import type { CreateTarget, Rollout, RolloutRequest, Target, UpdateTarget } from './schemas.ts';

export const ENTITY = 'rollout_target';

export function presentTarget(row: TargetRow): Target {
  return {
    id: row.id,
    name: row.name,
    targetCount: row.target_count,
    startsOn: row.starts_on,
    targetOn: row.target_on,
    region: row.region_code,
    supplier: row.supplier_code,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

const view = (row: TargetRow | undefined) =>
  row ? { name: row.name, targetCount: row.target_count, startsOn: row.starts_on, targetOn: row.target_on, region: row.region_code, supplier: row.supplier_code } : null;
const FIELDS = ['name', 'targetCount', 'startsOn', 'targetOn', 'region', 'supplier'] as const;

function checkDates(startsOn: string, targetOn: string): void {
  if (targetOn <= startsOn) throw problems.unprocessable('targetOn', 'must be after startsOn');
}

export async function getTarget(ctx: AppContext, id: number): Promise<TargetRow> {
  const row = await findTarget(ctx.db, id);
  if (!row) throw problems.notFound('roll-out target with that id');
  return row;
}

export async function createTarget(tx: Tx, ctx: AppContext, principal: Principal, input: CreateTarget): Promise<TargetRow> {
  checkDates(input.startsOn, input.targetOn);
  const region = input.region ? await regionIdByCode(tx, input.region) : null;
  if (input.region && !region) throw problems.unprocessable('region', `${input.region} is not a region`);
  const supplier = input.supplier ? await supplierIdByCode(tx, input.supplier) : null;
  if (input.supplier && !supplier) throw problems.unprocessable('supplier', `${input.supplier} is not a supplier`);
  const now = new Date();
  const { id } = await tx
    .insertInto('rollout_target')
    .values({ name: input.name, target_count: input.targetCount, starts_on: input.startsOn, target_on: input.targetOn, region_id: region?.id ?? null, supplier_id: supplier?.id ?? null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = (await findTarget(tx, id))!;
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: ENTITY,
    entityId: id,
    summary: `Roll-out target ${created.name}: ${created.target_count} live by ${created.target_on}`,
    changes: changedFields(null, view(created), FIELDS),
  });
  return created;
}

export async function updateTarget(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, patch: UpdateTarget): Promise<TargetRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await findTarget(tx, id);
    if (!before) throw problems.notFound('roll-out target with that id');
    checkDates(patch.startsOn ?? before.starts_on, patch.targetOn ?? before.target_on);
    const updated = await tx
      .updateTable('rollout_target')
      .set((eb) => ({ name: patch.name, target_count: patch.targetCount, starts_on: patch.startsOn, target_on: patch.targetOn, updated_at: new Date(), version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw problems.preconditionFailed();
    const after = (await findTarget(tx, id))!;
    await ctx.journal.recordUpdate(tx, actorOf(principal), { entityType: ENTITY, entityId: id, before: view(before), after: view(after), fields: FIELDS });
    return after;
  });
}

/** Where the straight target line stands at the end of a week: 0 at startsOn, targetCount at targetOn. */
function targetLine(target: TargetRow | undefined, weekEnds: string): number | null {
  if (!target) return null;
  const span = Date.parse(target.target_on) - Date.parse(target.starts_on);
  const done = Math.min(1, Math.max(0, (Date.parse(weekEnds) - Date.parse(target.starts_on)) / span));
  return Math.round(target.target_count * done);
}

/**
 * The roll-out as of a date: the weekly burn-up (ordered, installed, live, the target line), the
 * recent install rate and the forecast against the target; and the same per region and per
 * supplier, each group forecast against its share (its own target's date, or the programme's),
 * so a programme manager sees where it slips.
 */
export async function rollout(ctx: AppContext, request: RolloutRequest): Promise<Rollout> {
  const asOf = request.asOf ?? new Date().toISOString().slice(0, 10);
  const windowWeeks = request.windowWeeks ?? 8;
  const filter: Filter = { regionId: null, supplierId: null };
  if (request.region) {
    const region = await regionIdByCode(ctx.db, request.region);
    if (!region) throw problems.invalid('query.region', `${request.region} is not a region`);
    filter.regionId = region.id;
  }
  if (request.supplier) {
    const supplier = await supplierIdByCode(ctx.db, request.supplier);
    if (!supplier) throw problems.invalid('query.supplier', `${request.supplier} is not a supplier`);
    filter.supplierId = supplier.id;
  }
  const target = request.target ? await findTarget(ctx.db, request.target) : await targetFor(ctx.db, filter.regionId, filter.supplierId);
  if (request.target && !target) throw problems.invalid('query.target', 'is not a roll-out target');
  const since = addDays(weekStart(asOf), -7 * windowWeeks);
  const first = target?.starts_on ?? (await firstActivity(ctx.db, filter)) ?? since;
  const from = weekStart(first < asOf ? first : asOf);
  const [series, [all], regions, suppliers] = await Promise.all([
    burnUp(ctx.db, filter, from, asOf),
    countsBy(ctx.db, filter, asOf, since, 'all'),
    countsBy(ctx.db, filter, asOf, since, 'region'),
    countsBy(ctx.db, filter, asOf, since, 'supplier'),
  ]);
  const totals = all ?? { key: null, name: null, ordered: 0, installed: 0, live: 0, in_flight: 0, go_lives: null };
  const weekly = weeklyCounts(totals.go_lives ?? [], asOf, windowWeeks);
  const goal = target?.target_count ?? totals.live + totals.in_flight;
  const group = (g: GroupCounts) => {
    const recent = weeklyCounts(g.go_lives ?? [], asOf, windowWeeks);
    return {
      key: g.key,
      name: g.name,
      ordered: g.ordered,
      installed: g.installed,
      live: g.live,
      inFlight: g.in_flight,
      recentWeekly: recent,
      // A group's share of the goal: what it has live and in flight; its date, the programme's.
      forecast: forecast({ live: g.live, target: g.live + g.in_flight, asOf, weekly: recent, targetOn: target?.target_on ?? null }),
    };
  };
  return {
    asOf,
    filters: { region: request.region?.toUpperCase() ?? null, supplier: request.supplier?.toUpperCase() ?? null },
    target: target ? presentTarget(target) : null,
    totals: { ordered: totals.ordered, installed: totals.installed, live: totals.live, inFlight: totals.in_flight },
    recentWeekly: weekly,
    forecast: forecast({ live: totals.live, target: goal, asOf, weekly, targetOn: target?.target_on ?? null }),
    series: series.map((s) => ({ ...s, target: targetLine(target, addDays(s.week, 7) < asOf ? addDays(s.week, 7) : asOf) })),
    byRegion: regions.map(group),
    bySupplier: suppliers.map(group),
  };
}
