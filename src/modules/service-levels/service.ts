import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { addBusinessTime, calendarProblems, CalendarNeverOpensError, WEEKDAYS, type Closure, type WeeklyHours } from '../../domain/business-calendar.ts';
import { DEFAULT_PRIORITY_MATRIX } from '../../domain/priority-matrix.ts';
import { definitionLimitProblems, definitionTargetProblems, type DefinitionTarget } from '../../domain/sla-definitions.ts';
import { bankHolidayStatus, useBankHolidaysOf } from './holidays.ts';
import { moveClocksToCalendar, viewOf } from './engine.ts';
import { counted } from '../../domain/words.ts';
import { londonTime } from '../../domain/london-time.ts';
import {
  allCalendars, compliance, configuredPriorities, findCalendar, findDefinition, lockCalendar, lockDefinition, organisationByOds, serviceClassByCode, supplierByCode, teamByCode,
  type CalendarRow, type ClockWithDefinition, type DefinitionRow,
} from './queries.ts';
import type {
  CalendarView, ComplianceRequest, ComplianceView, CreateCalendar, CreateDefinition, DefinitionView, UpdateCalendar, UpdateDefinition,
} from './schemas.ts';

const MINUTE = 60_000;
const DAY = 24 * 3_600_000;

// ---- calendars ----------------------------------------------------------------------------------

type ApiClosure = CalendarView['closures'][number];
type ApiHours = CreateCalendar['hours'];

const toClosure = (c: ApiClosure): Closure =>
  c.kind === 'dates' ? { kind: 'dates', from: c.from, to: c.to, title: c.title } : { kind: 'period', start: Date.parse(c.start), end: Date.parse(c.end), title: c.title };
const fromClosure = (c: Closure): ApiClosure =>
  c.kind === 'dates' ? c : { kind: 'period', start: new Date(c.start).toISOString(), end: new Date(c.end).toISOString(), title: c.title };
const toHours = (h: ApiHours): WeeklyHours | '24x7' =>
  h === '24x7' ? '24x7' : (Object.fromEntries(WEEKDAYS.map((day) => [day, h[day] ?? []])) as WeeklyHours);

export function presentCalendar(row: CalendarRow): CalendarView {
  const holidays = row.bank_holidays ? bankHolidayStatus(row.bank_holidays) : { coverage: null, problem: null };
  return {
    name: row.name,
    description: row.description,
    timeZone: row.time_zone,
    hours: row.hours as ApiHours,
    bankHolidays: row.bank_holidays,
    bankHolidayCoverage: holidays.coverage,
    bankHolidayProblem: holidays.problem,
    closures: (row.closures as Closure[]).map(fromClosure),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

const CALENDAR_FIELDS = ['description', 'timeZone', 'hours', 'bankHolidays', 'closures'] as const;

/** Calendars are the desk's configuration: customers and suppliers see the calendar a clock counts in, on the clock. */
export function requireStaff(principal: Principal): void {
  if (principal.scope.kind !== 'network') throw problems.forbidden('Business calendars are the service desk’s configuration; each service level clock names the calendar it counts in.');
}

export async function getCalendar(ctx: AppContext, principal: Principal, name: string): Promise<CalendarRow> {
  requireStaff(principal);
  useBankHolidaysOf(ctx.config);
  const row = await findCalendar(ctx.db, name);
  if (!row) throw problems.notFound('business calendar with that name');
  return row;
}

function checkCalendar(c: { timeZone: string; hours: WeeklyHours | '24x7'; closures: Closure[] }, at: Date): void {
  const found = calendarProblems(c);
  if (c.hours !== '24x7' && WEEKDAYS.every((day) => (c.hours as WeeklyHours)[day].length === 0)) found.push({ field: 'hours', message: 'a calendar must be open at some time of the week' });
  if (found.length > 0) throw problems.invalidFields(found);
  // A clock in a calendar shut for years on end could never fall due: refuse it rather than the clocks.
  let opens: number;
  try {
    opens = addBusinessTime(c, at.getTime(), 1);
  } catch (error) {
    if (!(error instanceof CalendarNeverOpensError)) throw error;
    opens = Infinity;
  }
  if (opens - at.getTime() > 3660 * DAY) throw problems.invalid('closures', 'shut the calendar for ten years or more from now');
}

export async function createCalendar(tx: Tx, ctx: AppContext, principal: Principal, input: CreateCalendar): Promise<CalendarRow> {
  useBankHolidaysOf(ctx.config);
  const calendar = { timeZone: input.timeZone ?? 'Europe/London', hours: toHours(input.hours), closures: (input.closures ?? []).map(toClosure) };
  checkCalendar(calendar, new Date());
  const { id } = await tx
    .insertInto('business_calendar')
    .values({
      name: input.name,
      description: input.description ?? '',
      time_zone: calendar.timeZone,
      hours: JSON.stringify(calendar.hours),
      bank_holidays: input.bankHolidays ?? null,
      closures: JSON.stringify(calendar.closures),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = (await findCalendar(tx, input.name))!;
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: 'business_calendar',
    entityId: id,
    summary: `Business calendar ${input.name} created`,
    changes: changedFields(null, presentCalendar(created), CALENDAR_FIELDS),
  });
  return created;
}

/**
 * An edit applies from now to every clock counting in the calendar, running or paused: each gets
 * a calendarChanged event carrying the new version, and its warning and breach jobs move.
 */
export async function updateCalendar(ctx: AppContext, principal: Principal, name: string, expectedVersion: number, patch: UpdateCalendar, at = new Date()) {
  useBankHolidaysOf(ctx.config);
  return inTransaction(ctx, async (tx) => {
    const before = await lockCalendar(tx, name);
    if (!before) throw problems.notFound('business calendar with that name');
    if (before.version !== expectedVersion) throw problems.preconditionFailed();
    const calendar = {
      timeZone: patch.timeZone ?? before.time_zone,
      hours: patch.hours !== undefined ? toHours(patch.hours) : (before.hours as WeeklyHours | '24x7'),
      closures: patch.closures !== undefined ? patch.closures.map(toClosure) : (before.closures as Closure[]),
    };
    checkCalendar(calendar, at);
    await tx
      .updateTable('business_calendar')
      .set({
        description: patch.description ?? before.description,
        time_zone: calendar.timeZone,
        hours: JSON.stringify(calendar.hours),
        bank_holidays: patch.bankHolidays !== undefined ? patch.bankHolidays : before.bank_holidays,
        closures: JSON.stringify(calendar.closures),
        updated_at: new Date(),
        version: before.version + 1,
      })
      .where('id', '=', before.id)
      .execute();
    const after = (await findCalendar(tx, name))!;
    await ctx.journal.recordUpdate(tx, actorOf(principal), { entityType: 'business_calendar', entityId: before.id, before: presentCalendar(before), after: presentCalendar(after), fields: CALENDAR_FIELDS });
    const { moved, records } = await moveClocksToCalendar(tx, ctx, after, at);
    if (moved > 0) {
      await ctx.journal.record(tx, actorOf(principal), {
        action: 'sla_clocks_recalculated',
        entityType: 'business_calendar',
        entityId: before.id,
        summary: `${counted(moved, 'running service level clock')} ${moved === 1 ? 'counts' : 'count'} in version ${after.version} of ${name} from ${londonTime(at)}, on ${counted(records.length, 'record')}`,
        // Which records' due times moved, for an auditor tracing a due time back to the edit that moved it.
        changes: [{ field: 'records', before: null, after: records.join(', ') }],
      });
    }
    return after;
  });
}

// ---- definitions --------------------------------------------------------------------------------

type ApiTarget = CreateDefinition['targets'][number];

const toTarget = (t: ApiTarget): DefinitionTarget => ({
  priority: t.priority,
  calendar: t.calendar ?? null,
  responseMs: t.responseMinutes == null ? null : t.responseMinutes * MINUTE,
  resolutionMs: t.resolutionMinutes * MINUTE,
});

export function presentDefinition(row: DefinitionRow): DefinitionView {
  return {
    code: row.code,
    name: row.name,
    description: row.description,
    kind: row.kind,
    recordType: row.record_type,
    organisation: row.organisation_ods_code ? { odsCode: row.organisation_ods_code, name: row.organisation_name! } : null,
    team: row.team_code ? { code: row.team_code, name: row.team_name! } : null,
    supplier: row.supplier_code ? { code: row.supplier_code, name: row.supplier_name! } : null,
    serviceClass: row.service_class_code ? { code: row.service_class_code, name: row.service_class_name! } : null,
    calendar: row.calendar_name,
    warningFraction: Number(row.warning_fraction),
    targets: (row.targets as DefinitionTarget[]).map((t) => ({
      priority: t.priority,
      calendar: t.calendar ?? row.calendar_name,
      responseMinutes: t.responseMs === null ? null : t.responseMs / MINUTE,
      resolutionMinutes: t.resolutionMs / MINUTE,
    })),
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

const DEFINITION_FIELDS = ['name', 'description', 'kind', 'recordType', 'organisation', 'team', 'supplier', 'serviceClass', 'calendar', 'warningFraction', 'targets', 'active'] as const;

export async function getDefinition(ctx: AppContext, principal: Principal, code: string): Promise<DefinitionRow> {
  const row = await findDefinition(ctx.db, principal.scope, code);
  if (!row) throw problems.notFound('service level definition with that code');
  return row;
}

async function checkTargets(tx: Tx, definition: { calendar: string; targets: DefinitionTarget[] }): Promise<number> {
  const calendars = await allCalendars(tx);
  const priorities = (await configuredPriorities(tx)) ?? DEFAULT_PRIORITY_MATRIX.priorities;
  const found = definitionTargetProblems({ ...DEFAULT_PRIORITY_MATRIX, priorities }, definition, new Set(calendars.map((c) => c.name)));
  if (found.length > 0) throw problems.invalidFields(found);
  return calendars.find((c) => c.name === definition.calendar)!.id;
}

/** Another active definition with the same kind, record type and limits: most-specific-wins would tie. */
async function checkUnique(tx: Tx, d: { id?: number; kind: string; record_type: string; organisation_id: number | null; team_id: number | null; supplier_id: number | null; service_class_id: number | null }) {
  const same = (column: 'organisation_id' | 'team_id' | 'supplier_id' | 'service_class_id', value: number | null) =>
    (eb: any) => (value === null ? eb(column, 'is', null) : eb(column, '=', value));
  let query = tx
    .selectFrom('sla_definition')
    .select('code')
    .where('active', '=', true)
    .where('kind', '=', d.kind)
    .where('record_type', '=', d.record_type)
    .where(same('organisation_id', d.organisation_id))
    .where(same('team_id', d.team_id))
    .where(same('supplier_id', d.supplier_id))
    .where(same('service_class_id', d.service_class_id));
  if (d.id !== undefined) query = query.where('id', '<>', d.id);
  const other = await query.executeTakeFirst();
  if (other) throw problems.conflict('active', `the active definition ${other.code} already applies to the same records; deactivate it first`);
}

export async function createDefinition(tx: Tx, ctx: AppContext, principal: Principal, input: CreateDefinition): Promise<DefinitionRow> {
  const lookup = async <T>(field: string, code: string | undefined, find: (c: string) => Promise<T | undefined>, what: string) => {
    if (code === undefined) return null;
    const found = await find(code);
    if (!found) throw problems.unprocessable(field, `no ${what} has code ${code}`);
    return found;
  };
  const organisation = await lookup('organisationOdsCode', input.organisationOdsCode, (c) => organisationByOds(tx, c), 'organisation');
  const team = await lookup('teamCode', input.teamCode, (c) => teamByCode(tx, c), 'team');
  const supplier = await lookup('supplierCode', input.supplierCode, (c) => supplierByCode(tx, c), 'supplier');
  const serviceClass = await lookup('serviceClassCode', input.serviceClassCode, (c) => serviceClassByCode(tx, c), 'service class');
  const limits = { kind: input.kind, teamId: team?.id ?? null, supplierId: supplier?.id ?? null };
  const limitProblems = definitionLimitProblems(limits);
  if (limitProblems.length > 0) throw problems.invalidFields(limitProblems);
  const targets = input.targets.map(toTarget);
  const calendarId = await checkTargets(tx, { calendar: input.calendar, targets });
  const values = {
    kind: input.kind,
    record_type: input.recordType,
    organisation_id: organisation?.id ?? null,
    team_id: limits.teamId,
    supplier_id: limits.supplierId,
    service_class_id: serviceClass?.id ?? null,
  };
  if (input.active !== false) await checkUnique(tx, values);
  const { id } = await tx
    .insertInto('sla_definition')
    .values({
      code: input.code,
      name: input.name,
      description: input.description ?? '',
      ...values,
      calendar_id: calendarId,
      warning_fraction: input.warningFraction ?? 0.75,
      targets: JSON.stringify(targets),
      active: input.active ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = (await findDefinition(tx, { kind: 'network' }, input.code))!;
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'created',
    entityType: 'sla_definition',
    entityId: id,
    organisationId: created.organisation_id,
    supplierId: created.supplier_id,
    summary: `Service level definition ${input.code} (${input.kind}) created`,
    changes: changedFields(null, presentDefinition(created), DEFINITION_FIELDS),
  });
  return created;
}

/**
 * Clocks already running keep the terms they started under (a clock's target is copied onto it);
 * an edit applies to clocks started, or retargeted by a priority change, afterwards.
 */
export async function updateDefinition(ctx: AppContext, principal: Principal, code: string, expectedVersion: number, patch: UpdateDefinition): Promise<DefinitionRow> {
  return inTransaction(ctx, async (tx) => {
    if (!(await lockDefinition(tx, code))) throw problems.notFound('service level definition with that code');
    const before = (await findDefinition(tx, { kind: 'network' }, code))!;
    if (before.version !== expectedVersion) throw problems.preconditionFailed();
    const targets = patch.targets !== undefined ? patch.targets.map(toTarget) : (before.targets as DefinitionTarget[]);
    const calendarId = await checkTargets(tx, { calendar: patch.calendar ?? before.calendar_name, targets });
    const active = patch.active ?? before.active;
    if (active && !before.active) await checkUnique(tx, before);
    await tx
      .updateTable('sla_definition')
      .set({
        name: patch.name ?? before.name,
        description: patch.description ?? before.description,
        calendar_id: calendarId,
        warning_fraction: patch.warningFraction ?? before.warning_fraction,
        targets: JSON.stringify(targets),
        active,
        updated_at: new Date(),
        version: before.version + 1,
      })
      .where('id', '=', before.id)
      .execute();
    const after = (await findDefinition(tx, { kind: 'network' }, code))!;
    await ctx.journal.recordUpdate(tx, actorOf(principal), {
      entityType: 'sla_definition',
      entityId: before.id,
      organisationId: before.organisation_id,
      supplierId: before.supplier_id,
      before: presentDefinition(before),
      after: presentDefinition(after),
      fields: DEFINITION_FIELDS,
    });
    return after;
  });
}

// ---- clocks and compliance ---------------------------------------------------------------------

export function presentClock(row: ClockWithDefinition, now = Date.now()) {
  return { ...viewOf(row, now), recordType: row.record_type, recordId: row.record_id };
}

export async function complianceSummary(ctx: AppContext, principal: Principal, request: ComplianceRequest): Promise<ComplianceView> {
  const to = request.to ? new Date(request.to) : new Date();
  const from = request.from ? new Date(request.from) : new Date(to.getTime() - 30 * DAY);
  if (from >= to) throw problems.invalid('query.from', 'must be before `to`');
  const rows = await compliance(ctx.db, principal.scope, request, from, to);
  const counts = (met: number, breached: number) => ({ met, breached, total: met + breached, compliancePercent: met + breached === 0 ? null : Math.round((met / (met + breached)) * 10_000) / 100 });
  const groups = rows.map((r) => ({ key: r.key, name: r.name, ...counts(Number(r.met), Number(r.breached)) }));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    groupBy: request.groupBy ?? 'priority',
    groups,
    totals: counts(groups.reduce((s, g) => s + g.met, 0), groups.reduce((s, g) => s + g.breached, 0)),
  };
}
