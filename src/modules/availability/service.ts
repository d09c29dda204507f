import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import { actorOf, type Principal, type Scope } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { mapPage, type PageOf } from '../../core/http/pagination.ts';
import { allowedDowntime, datePeriod, monthOf, monthPeriod, monthsBetween, addMonths, type Interval } from '../../domain/availability.ts';
import { journalOutage, plannedAt, type OutageFacts } from './outages.ts';
import { allGroups, findOutage, lockOutage, missedPage, reportPage, type OutageRow } from './queries.ts';
import type { GroupBy, GroupRow, MissedRow, ReportFilters, ReportParams } from './report-queries.ts';
import type { CorrectOutage, MissedRequest, MonthsRequest, Outage, ReportRequest } from './schemas.ts';

/** Time, injectable so tests can ask about a month as if it were over or still going. */
export interface Clock {
  now?: Date;
}

// ---------------------------------------------------------------------------------------------
// Outages.

export function presentOutage(row: OutageRow, scope: Scope, now = new Date()): Outage {
  const end = row.ended_at ?? now;
  // A supplier's engineer sees that an incident caused the outage, but not which, unless it was handed to them.
  const incidentShown = row.incident_id !== null && (scope.kind !== 'supplier' || row.incident_supplier_id === scope.supplierId);
  return {
    id: row.id,
    connection: { id: row.connection_id, siteId: row.site_id, siteName: row.site_name, ciId: row.ci_id },
    organisation: { odsCode: row.ods_code, name: row.organisation_name },
    supplier: row.supplier_id !== null ? { id: row.supplier_id, code: row.supplier_code!, name: row.supplier_name! } : null,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at ? row.ended_at.toISOString() : null,
    durationMs: Math.max(0, end.getTime() - row.started_at.getTime()),
    planned: row.planned,
    maintenanceWindow: row.maintenance_window_id !== null ? { id: row.maintenance_window_id, title: row.window_title ?? '' } : null,
    cause: {
      kind: row.cause_kind,
      alertId: row.alert_id,
      incident: incidentShown ? { id: row.incident_id!, number: row.incident_number! } : null,
      windowId: row.cause_kind === 'maintenance' ? row.maintenance_window_id : null,
    },
    correctedAt: row.corrected_at ? row.corrected_at.toISOString() : null,
    voided: row.voided_at ? { at: row.voided_at.toISOString(), reason: row.void_reason ?? '' } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export async function getOutage(ctx: AppContext, principal: Principal, id: number): Promise<OutageRow> {
  const row = await findOutage(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('outage with that id');
  return row;
}

/**
 * The desk corrects an outage: when service was really lost (a customer says the line was down
 * two hours before they rang), when it came back, or that it was recorded in error (voided: kept,
 * counting for nothing). With If-Match and a reason, journalled with the before and after; the
 * outage is marked corrected. Whether it started inside maintenance is worked out again from the
 * new start. A start in the future, an end before the start or after now, or a period overlapping
 * another outage of the same cause on the connection is refused.
 */
export async function correctOutage(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: CorrectOutage, clock: Clock = {}): Promise<OutageRow> {
  return inTransaction(ctx, async (tx) => {
    const now = clock.now ?? new Date();
    const before = await lockOutage(tx, principal.scope, id);
    if (!before) throw problems.notFound('outage with that id');
    if (principal.scope.kind !== 'network') throw problems.forbidden('The service desk corrects outages.');
    if (before.version !== expectedVersion) throw problems.preconditionFailed();
    if (before.voided_at) throw problems.conflict('void', 'a voided outage does not change');
    if (input.startedAt === undefined && input.endedAt === undefined && !input.void) throw problems.invalid('startedAt', 'give startedAt, endedAt or void');
    const startedAt = input.startedAt !== undefined ? new Date(input.startedAt) : before.started_at;
    const endedAt = input.endedAt !== undefined ? new Date(input.endedAt) : before.ended_at;
    if (startedAt > now) throw problems.unprocessable('startedAt', 'is in the future');
    if (endedAt && endedAt > now) throw problems.unprocessable('endedAt', 'is in the future');
    if (endedAt && endedAt < startedAt) throw problems.unprocessable(input.endedAt !== undefined ? 'endedAt' : 'startedAt', 'the outage would end before it starts');
    let windowId = before.maintenance_window_id;
    let planned = before.planned;
    if (input.startedAt !== undefined) {
      windowId = await plannedAt(tx, before.ci_id, startedAt);
      planned = windowId !== null;
      if (before.cause_kind === 'maintenance') windowId = before.maintenance_window_id;
    }
    await tx
      .updateTable('outage')
      .set({
        started_at: startedAt,
        ended_at: endedAt,
        planned,
        maintenance_window_id: windowId,
        ...(input.void ? { voided_at: now, void_reason: input.reason } : { corrected_at: now }),
        updated_at: now,
        version: before.version + 1,
      })
      .where('id', '=', id)
      .execute();
    const after = (await findOutage(tx, { kind: 'network' }, id))!;
    await journalOutage(tx, ctx, actorOf(principal), input.void ? 'voided' : 'corrected', before as OutageFacts, after as OutageFacts, `${input.void ? 'Voided' : 'Corrected'}: ${input.reason}`);
    return after;
  });
}

// ---------------------------------------------------------------------------------------------
// The report.

const DAY = 86_400_000;
export const LONGEST_PERIOD_DAYS = 1100;
export const MOST_MONTHS = 36;

interface Period extends Interval {
  label: string;
}

/** The period asked for: a month, two dates (both included), or the current month. */
export function periodOf(request: { period?: string; from?: string; to?: string }, now: Date): Period {
  if (request.period && (request.from || request.to)) throw problems.invalid('query.period', 'give a month, or from and to, not both');
  let period: Period;
  if (request.from || request.to) {
    if (!request.from) throw problems.invalid('query.from', 'is required with to');
    if (!request.to) throw problems.invalid('query.to', 'is required with from');
    if (request.to < request.from) throw problems.invalid('query.to', 'is before from');
    let interval: Interval;
    try {
      interval = datePeriod(request.from, request.to);
    } catch {
      throw problems.invalid('query.from', 'is not a date');
    }
    if (interval.end - interval.start > LONGEST_PERIOD_DAYS * DAY) throw problems.invalid('query.to', `a period lasts at most ${LONGEST_PERIOD_DAYS} days`);
    period = { ...interval, label: `${request.from} to ${request.to}` };
  } else {
    const month = request.period ?? monthOf(now.getTime());
    period = { ...monthPeriod(month), label: month };
  }
  if (period.start > now.getTime()) throw problems.unprocessable('period', 'has not begun yet');
  return period;
}

function filtersOf(request: ReportFilters): ReportFilters {
  const { organisation, supplier, product, region, siteId, connectionId } = request;
  return { organisation, supplier, product, region, siteId, connectionId };
}

export interface FiguresOut {
  connections: number;
  met: number;
  missed: number;
  periodMs: number;
  downMs: number;
  plannedMs: number;
  unplannedMs: number;
  measuredMs: number;
  availability: number | null;
  target: number | null;
}

/** The same arithmetic as domain/availability.ts, on the sums the SQL gives. */
function figuresOf(sums: { connections: number; met: number; period: string | number; down: string | number; planned: string | number; targetMin: string | null; targetMax: string | null }): FiguresOut {
  const periodMs = Number(sums.period);
  const downMs = Number(sums.down);
  const plannedMs = Number(sums.planned);
  const measuredMs = periodMs - plannedMs;
  const unplannedMs = downMs - plannedMs;
  const targetMin = sums.targetMin === null ? null : Number(sums.targetMin);
  return {
    connections: sums.connections,
    met: sums.met,
    missed: sums.connections - sums.met,
    periodMs,
    downMs,
    plannedMs,
    unplannedMs,
    measuredMs,
    availability: measuredMs > 0 ? 100 * (1 - unplannedMs / measuredMs) : null,
    target: targetMin !== null && targetMin === Number(sums.targetMax) ? targetMin : null,
  };
}

const NOTHING: FiguresOut = { connections: 0, met: 0, missed: 0, periodMs: 0, downMs: 0, plannedMs: 0, unplannedMs: 0, measuredMs: 0, availability: null, target: null };

const groupFigures = (r: GroupRow) =>
  figuresOf({ connections: r.connections, met: r.met, period: r.period_ms, down: r.down_ms, planned: r.planned_ms, targetMin: r.target_min, targetMax: r.target_max });
const totalFigures = (r: GroupRow) =>
  figuresOf({ connections: r.total_connections, met: r.total_met, period: r.total_period_ms, down: r.total_down_ms, planned: r.total_planned_ms, targetMin: r.total_target_min, targetMax: r.total_target_max });

function paramsOf(principal: Principal, period: Interval & { label: string }, filters: ReportFilters, now: Date): ReportParams {
  return { buckets: [{ label: period.label, start: new Date(period.start), end: new Date(period.end) }], asOf: now, scope: principal.scope, filters: filtersOf(filters) };
}

function periodOut(period: Period, now: Date) {
  return { label: period.label, from: new Date(period.start).toISOString(), to: new Date(period.end).toISOString(), asOf: now.toISOString(), complete: period.end <= now.getTime() };
}

/**
 * Availability for a period, grouped: the total over every connection the caller may see (and
 * the filters keep), and a page of groups, worst first by default. Each group's key is the filter
 * value that drills into it.
 */
export async function availabilityReport(ctx: AppContext, principal: Principal, request: ReportRequest, clock: Clock = {}) {
  const now = clock.now ?? new Date();
  const period = periodOf(request, now);
  const groupBy = (request.groupBy ?? 'network') as GroupBy;
  const params = paramsOf(principal, period, request, now);
  const page = await reportPage(ctx.db, params, groupBy, request);
  let total = page.items[0] ? totalFigures(page.items[0]) : NOTHING;
  if (!page.items[0] && request.cursor) {
    const whole = await reportPage(ctx.db, params, 'network', { limit: 1 });
    total = whole.items[0] ? totalFigures(whole.items[0]) : NOTHING;
  }
  return {
    period: periodOut(period, now),
    groupBy,
    total,
    items: page.items.map((r) => ({ key: r.key, name: r.name, figures: groupFigures(r) })),
    nextCursor: page.nextCursor,
  };
}

/** Month by month, from `from` to `to` (a year to the current month by default), per group. */
export async function availabilityMonths(ctx: AppContext, principal: Principal, request: MonthsRequest, clock: Clock = {}) {
  const now = clock.now ?? new Date();
  const current = monthOf(now.getTime());
  const to = request.to ?? (request.from && addMonths(request.from, 11) < current ? addMonths(request.from, 11) : current);
  const from = request.from ?? addMonths(to, -11);
  if (to < from) throw problems.invalid('query.to', 'is before from');
  if (from > current) throw problems.unprocessable('from', 'has not begun yet');
  const months = monthsBetween(from, to < current ? to : current);
  if (months.length > MOST_MONTHS) throw problems.invalid('query.to', `at most ${MOST_MONTHS} months`);
  const groupBy = (request.groupBy ?? 'network') as GroupBy;
  const params: ReportParams = {
    buckets: months.map((m) => ({ label: m, start: new Date(monthPeriod(m).start), end: new Date(monthPeriod(m).end) })),
    asOf: now,
    scope: principal.scope,
    filters: filtersOf(request),
  };
  const rows = await allGroups(ctx.db, params, groupBy);
  return {
    groupBy,
    asOf: now.toISOString(),
    months: params.buckets.map((b) => {
      const mine = rows.filter((r) => r.bucket === b.label);
      return {
        month: b.label,
        from: b.start.toISOString(),
        to: b.end.toISOString(),
        total: mine[0] ? totalFigures(mine[0]) : NOTHING,
        groups: mine.map((r) => ({ key: r.key, name: r.name, figures: groupFigures(r) })),
      };
    }),
  };
}

function presentMiss(r: MissedRow) {
  const target = Number(r.target);
  const figures = figuresOf({ connections: 1, met: 0, period: r.period_ms, down: r.down_ms, planned: r.planned_ms, targetMin: r.target, targetMax: r.target });
  const allowed = allowedDowntime(figures.measuredMs, target);
  return {
    connection: { id: r.id, siteId: r.site_id, siteName: r.site_name, leg: r.leg },
    organisation: { odsCode: r.ods_code, name: r.organisation_name },
    supplier: r.supplier_code ? { code: r.supplier_code, name: r.supplier_name! } : null,
    product: { code: r.product_code, name: r.product_name },
    target,
    figures,
    allowedUnplannedMs: allowed,
    overByMs: figures.unplannedMs - allowed,
  };
}

/** The connections that missed their own target over the period, worst first. */
export async function missedTargets(ctx: AppContext, principal: Principal, request: MissedRequest, clock: Clock = {}): Promise<PageOf<ReturnType<typeof presentMiss>>> {
  const now = clock.now ?? new Date();
  const period = periodOf(request, now);
  return mapPage(await missedPage(ctx.db, paramsOf(principal, period, request, now), request), presentMiss);
}

/** For the journal route: checks the caller may see the outage. */
export async function outageForHistory(ctx: AppContext, principal: Principal, id: number): Promise<number> {
  const row = await getOutage(ctx, principal, id);
  return row.id;
}
