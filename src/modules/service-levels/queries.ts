import { sql, type Expression, type Insertable, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { SlaClockTable, SlaSubjectTable } from '../../core/db/tables.ts';
import { compiledOnce, planOnce } from '../../core/db/prepared.ts';
import { SCHEDULE_SELECTED } from '../../core/jobs/queue.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope, visibleOrganisations } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { ClockRecordType } from './clocks.ts';
import type { ClockMetric } from '../../domain/sla-definitions.ts';
import type { ClockListRequest, ComplianceRequest, DefinitionListRequest } from './schemas.ts';

/**
 * All of the service level module's SQL. Calendars are the desk's configuration (staff only, checked
 * by the service). A customer sees the SLAs that may apply to their organisations and the SLA clocks
 * on their organisations' records; a supplier's engineer the underpinning contracts and clocks with
 * their company and the SLA clocks of records handed to it. OLAs are internal to the desk.
 */

// ---- calendars ----------------------------------------------------------------------------------

export type CalendarRow = NonNullable<Awaited<ReturnType<typeof findCalendar>>>;

export function findCalendar(db: Db | Tx, name: string) {
  return db.selectFrom('business_calendar').selectAll().select('updated_at as updatedAt').where('name', '=', name).executeTakeFirst();
}

/**
 * A clock takes a snapshot of its calendar as it starts, and an edit moves the clocks it can see:
 * a clock started from the old version by a transaction that commits after the edit would count
 * in the old version for good. So an edit holds this lock alone, from before it reads the calendar
 * until it commits, and every read of the clock terms holds it shared (`clockTerms`): a clock
 * starts either before the edit, which then moves it, or after it, in the new version.
 */
const CALENDAR_EDITS = sql`hashtext('n3sp.business_calendar.edit')`;

/** A calendar to edit, locked, once every clock starting from the calendars as they stand has committed. */
export async function lockCalendar(tx: Tx, name: string) {
  await sql`select pg_advisory_xact_lock(${CALENDAR_EDITS})`.execute(tx);
  return tx.selectFrom('business_calendar').selectAll().select('updated_at as updatedAt').where('name', '=', name).forUpdate().executeTakeFirst();
}

export function allCalendars(db: Db | Tx) {
  return db.selectFrom('business_calendar').selectAll().select('updated_at as updatedAt').execute();
}

export function listCalendars(db: Db, page: PageRequest) {
  const query = db.selectFrom('business_calendar').selectAll().select('updated_at as updatedAt');
  return paginate(query, { columns: { name: 'name' }, tie: 'id', tieKey: 'id', defaultSort: 'name' }, page);
}

// ---- definitions --------------------------------------------------------------------------------

function definitionScope(scope: Scope): Expression<SqlBool> {
  switch (scope.kind) {
    case 'network':
      return sql<SqlBool>`true`;
    case 'organisations':
      return sql<SqlBool>`d.kind = 'sla' and (d.organisation_id is null or d.organisation_id in (${visibleOrganisations(scope.organisationIds)}))`;
    case 'supplier':
      return sql<SqlBool>`d.kind = 'underpinning' and (d.supplier_id is null or d.supplier_id = ${scope.supplierId})`;
  }
}

function selectDefinitions(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('sla_definition as d')
    .innerJoin('business_calendar as cal', 'cal.id', 'd.calendar_id')
    .leftJoin('organisation as org', 'org.id', 'd.organisation_id')
    .leftJoin('team', 'team.id', 'd.team_id')
    .leftJoin('supplier', 'supplier.id', 'd.supplier_id')
    .leftJoin('service_class as class', 'class.id', 'd.service_class_id')
    .selectAll('d')
    .select([
      'cal.name as calendar_name',
      'org.ods_code as organisation_ods_code',
      'org.name as organisation_name',
      'team.code as team_code',
      'team.name as team_name',
      'supplier.code as supplier_code',
      'supplier.name as supplier_name',
      'class.code as service_class_code',
      'class.name as service_class_name',
    ])
    .where(definitionScope(scope));
}

export type DefinitionRow = Awaited<ReturnType<ReturnType<typeof selectDefinitions>['executeTakeFirstOrThrow']>>;

export function findDefinition(db: Db | Tx, scope: Scope, code: string) {
  return selectDefinitions(db, scope).where('d.code', '=', code.toUpperCase()).executeTakeFirst();
}

export function lockDefinition(tx: Tx, code: string) {
  return tx.selectFrom('sla_definition').select('id').where('code', '=', code.toUpperCase()).forUpdate().executeTakeFirst();
}

export function listDefinitions(db: Db, scope: Scope, request: DefinitionListRequest & PageRequest) {
  let query = selectDefinitions(db, scope);
  if (request.kind) query = query.where('d.kind', '=', request.kind);
  if (request.recordType) query = query.where('d.record_type', '=', request.recordType);
  if (request.active !== undefined) query = query.where('d.active', '=', request.active);
  return paginate(query, { columns: { code: 'd.code' }, tie: 'd.id', tieKey: 'id', defaultSort: 'code' }, request);
}

export const organisationByOds = (tx: Tx, odsCode: string) =>
  tx.selectFrom('organisation').select(['id', 'ods_code', 'name']).where('ods_code', '=', odsCode.toUpperCase()).executeTakeFirst();
export const teamByCode = (tx: Tx, code: string) => tx.selectFrom('team').select(['id', 'code', 'name']).where('code', '=', code.toLowerCase()).executeTakeFirst();
export const supplierByCode = (tx: Tx, code: string) => tx.selectFrom('supplier').select(['id', 'code', 'name']).where('code', '=', code.toUpperCase()).executeTakeFirst();
export const serviceClassByCode = (tx: Tx, code: string) =>
  tx.selectFrom('service_class').select(['id', 'code', 'name']).where('code', '=', code.toUpperCase()).executeTakeFirst();

/** The active definitions that set no targets for some of these priorities, each with those it lacks. */
export async function definitionsLacking(db: Db | Tx, priorities: string[]): Promise<Array<{ code: string; missing: string[] }>> {
  const rows = await db.selectFrom('sla_definition').select(['code', 'targets']).where('active', '=', true).orderBy('code').execute();
  return rows
    .map((row) => ({ code: row.code, missing: priorities.filter((p) => !(row.targets as Array<{ priority: string }>).some((t) => t.priority === p)) }))
    .filter((d) => d.missing.length > 0);
}

/** The priorities in force: the incident priority matrix's, or the default scheme until one is saved. */
export async function configuredPriorities(db: Db | Tx): Promise<string[] | null> {
  const row = await db.selectFrom('service_setting').select('value').where('key', '=', 'incidents').executeTakeFirst();
  const priorities = (row?.value as { matrix?: { priorities?: unknown } } | undefined)?.matrix?.priorities;
  return Array.isArray(priorities) && priorities.every((p) => typeof p === 'string') ? priorities : null;
}

// ---- the records the clocks run on --------------------------------------------------------------

export type SubjectRow = Selectable<SlaSubjectTable>;

export function lockSubject(tx: Tx, recordType: ClockRecordType, recordId: number): Promise<SubjectRow | undefined> {
  return tx.selectFrom('sla_subject').selectAll().where('record_type', '=', recordType).where('record_id', '=', recordId).forUpdate().executeTakeFirst();
}

export function findSubject(db: Db | Tx, recordType: string, recordId: number): Promise<SubjectRow | undefined> {
  return db.selectFrom('sla_subject').selectAll().where('record_type', '=', recordType).where('record_id', '=', recordId).executeTakeFirst();
}

/** What the clocks need of a definition: which records it covers, its targets and warning fraction. */
export type ClockDefinition = Pick<
  DefinitionRow,
  'id' | 'code' | 'kind' | 'record_type' | 'organisation_id' | 'team_id' | 'supplier_id' | 'service_class_id' | 'calendar_name' | 'targets' | 'active' | 'warning_fraction'
>;
/** What the clocks need of a calendar: its identity and the hours a snapshot is taken of. */
export type ClockCalendar = Pick<CalendarRow, 'id' | 'name' | 'time_zone' | 'hours' | 'closures' | 'bank_holidays'>;

export interface ClockTerms {
  definitions: ClockDefinition[];
  calendars: ClockCalendar[];
  /** The record's organisation and every organisation above it, nearest first. */
  organisationLineage: number[];
  serviceClassId: number | null;
}

/**
 * Everything that decides which clocks a record has, in one round trip (a new record's clocks
 * start on every create): the active definitions for its type, the calendars, its organisation's
 * lineage and its product's service class. Read while no calendar edit is under way (`CALENDAR_EDITS`):
 * when one is, the read waits for it to commit and is made again, from the new version.
 */
export async function clockTerms(db: Db | Tx, recordType: string, organisationId: number, productId: number | null | undefined): Promise<ClockTerms> {
  const terms = await readClockTerms(db, recordType, organisationId, productId);
  if (terms) return terms;
  await sql`select pg_advisory_xact_lock_shared(${CALENDAR_EDITS})`.execute(db);
  return (await readClockTerms(db, recordType, organisationId, productId))!;
}

/** The clock terms, or undefined when a calendar edit is under way (their calendars may be about to change). */
async function readClockTerms(db: Db | Tx, recordType: string, organisationId: number, productId: number | null | undefined): Promise<ClockTerms | undefined> {
  const { rows } = await sql<{ steady: boolean; definitions: ClockDefinition[]; calendars: ClockCalendar[]; lineage: Array<number | string>; service_class_id: number | null }>`
    select pg_try_advisory_xact_lock_shared(${CALENDAR_EDITS}) as steady,
      (select coalesce(jsonb_agg(jsonb_build_object(
                'id', d.id, 'code', d.code, 'kind', d.kind, 'record_type', d.record_type, 'organisation_id', d.organisation_id,
                'team_id', d.team_id, 'supplier_id', d.supplier_id, 'service_class_id', d.service_class_id, 'calendar_name', cal.name,
                'targets', d.targets, 'active', d.active, 'warning_fraction', d.warning_fraction::text) order by d.id), '[]'::jsonb)
         from sla_definition d join business_calendar cal on cal.id = d.calendar_id
        where d.record_type = ${recordType} and d.active) as definitions,
      (select coalesce(jsonb_agg(jsonb_build_object(
                'id', c.id, 'name', c.name, 'time_zone', c.time_zone, 'hours', c.hours, 'closures', c.closures, 'bank_holidays', c.bank_holidays)
                order by c.id), '[]'::jsonb)
         from business_calendar c) as calendars,
      array(with recursive up (id, parent_id, depth) as (
              select id, parent_id, 0 from organisation where id = ${organisationId}
              union all
              select o.id, o.parent_id, up.depth + 1 from organisation o join up on o.id = up.parent_id where up.depth < 20
            ) select id from up order by depth) as lineage,
      (select service_class_id from product where id = ${productId ?? null}::bigint) as service_class_id ${planOnce}`.execute(db);
  const row = rows[0]!;
  if (!row.steady) return undefined;
  return {
    definitions: row.definitions,
    calendars: row.calendars,
    organisationLineage: row.lineage.map(Number),
    serviceClassId: row.service_class_id === null ? null : Number(row.service_class_id),
  };
}

// ---- clocks -------------------------------------------------------------------------------------

export type ClockRow = Selectable<SlaClockTable>;

/** A record's clocks, locked in id order (as every writer locks them, so two never deadlock). */
export function lockClocksOfRecord(tx: Tx, recordType: string, recordId: number): Promise<ClockRow[]> {
  return tx.selectFrom('sla_clock').selectAll().where('record_type', '=', recordType).where('record_id', '=', recordId).orderBy('id').forUpdate().execute();
}

/** The records with a clock still running or paused in a calendar, by type and id, with the numbers people quote (not locked). */
export async function recordsCountingOnCalendar(db: Db | Tx, calendarId: number): Promise<Array<{ recordType: ClockRecordType; recordId: number; recordNumber: string }>> {
  const rows = await db
    .selectFrom('sla_subject as subject')
    .select(['subject.record_type', 'subject.record_id', 'subject.record_number'])
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('sla_clock')
          .select('sla_clock.id')
          .whereRef('sla_clock.record_type', '=', 'subject.record_type')
          .whereRef('sla_clock.record_id', '=', 'subject.record_id')
          .where('sla_clock.calendar_id', '=', calendarId)
          .where('sla_clock.stopped_at', 'is', null),
      ),
    )
    .orderBy('subject.record_type')
    .orderBy('subject.record_id')
    .execute();
  return rows.map((r) => ({ recordType: r.record_type as ClockRecordType, recordId: r.record_id, recordNumber: r.record_number }));
}

/**
 * The records' own rows, locked in id order: a change to a record locks its row before its clocks,
 * so anything else that moves a record's clocks takes them in that order too. A record type's
 * table is named after it (`incident`, `service_request`), with its copy of the clocks' summary in
 * `sla_due_at` (ClockSummary).
 */
export async function lockRecords(tx: Tx, recordType: ClockRecordType, ids: number[]): Promise<void> {
  await sql`select id from ${sql.table(recordType)} where id = any(${ids}::bigint[]) order by id for update`.execute(tx);
}

/**
 * Each record's copy of its next due time (`sla_due_at`), in one statement, after its clocks moved
 * without the record changing (its version and journal stay as they are). Rows whose due time
 * stands are not written.
 */
export async function keepDueTimes(tx: Tx, recordType: ClockRecordType, dues: Array<{ id: number; due: Date | 'infinity' }>): Promise<void> {
  await sql`update ${sql.table(recordType)} as record set sla_due_at = d.due
    from jsonb_to_recordset(${JSON.stringify(dues)}::jsonb) as d(id bigint, due timestamptz)
    where record.id = d.id and record.sla_due_at is distinct from d.due`.execute(tx);
}

/**
 * Every clock of the records with a clock still running or paused in a calendar — those on other
 * calendars too, since a record's next due time is taken over all its clocks — locked in id order
 * in one statement (the order every writer locks clocks in, so two never deadlock).
 */
export function lockClocksOfRecordsOnCalendar(tx: Tx, calendarId: number): Promise<ClockRow[]> {
  return tx
    .selectFrom('sla_clock')
    .selectAll()
    .where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('record_type', 'record_id'),
        'in',
        selectFrom('sla_clock as counting')
          .select(['counting.record_type', 'counting.record_id'])
          .where('counting.calendar_id', '=', calendarId)
          .where('counting.stopped_at', 'is', null)
          .$asTuple('record_type', 'record_id'),
      ),
    )
    .orderBy('id')
    .forUpdate()
    .execute();
}

/**
 * The clock for its job, locked. The job's own row is locked meanwhile, and a record change holding
 * the clock may be about to move that job: waiting for it could deadlock. So the wait is short —
 * long enough for another job on the same clock to finish, shorter than the server's deadlock check
 * (1 s by default), so that it is always the job that gives way. Null when the wait ran out.
 */
export async function lockClockForJob(tx: Tx, id: number): Promise<ClockRow | undefined | null> {
  await sql`set local lock_timeout = '300ms'`.execute(tx);
  try {
    return await tx.selectFrom('sla_clock').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') return null;
    throw error;
  } finally {
    await sql`set local lock_timeout to default`.execute(tx).catch(() => undefined);
  }
}

/** A new clock's timer: the job of `kind` that runs at `runAt` for the clock of that kind and metric. */
export interface NewTimer {
  clockKind: string;
  metric: string;
  kind: string;
  runAt: Date;
}

const CLOCK_COLUMNS = [
  'record_type', 'record_id', 'definition_id', 'kind', 'metric', 'priority', 'organisation_id', 'supplier_id', 'team_id', 'calendar_id',
  'calendar', 'target_ms', 'warning_fraction', 'events', 'started_at', 'state', 'elapsed_ms', 'paused_ms', 'due_at', 'warn_at',
  'stopped_at', 'evaluated_at', 'created_at', 'updated_at',
];
const SUBJECT_COLUMNS = ['record_type', 'record_id', 'record_number', 'organisation_id', 'team_id', 'supplier_id', 'product_id', 'priority', 'responded_at', 'created_at', 'updated_at'];

/** The select list of new rows read from JSON as `v`, their record's id and number taken from the row `record`. */
function selectNew(columns: string[], record: string): string {
  const from: Record<string, string> = { record_id: `${record}.id`, record_number: `${record}.number` };
  return columns.map((c) => from[c] ?? `v.${c}`).join(', ');
}

/** A new record's clock subject, clocks and timers, as the JSON the statements read (the record's id and number are the statement's). */
export interface ClockWriteValues {
  subject: string;
  clocks: string;
  timers: string;
}

type Cte = RawBuilder<Record<string, unknown>>;

/**
 * A record's new clocks and their timers, as common table expressions of a statement in which
 * `record` (a table expression before them) is the record, with its id. Rows go as JSON read into
 * the tables' own row types, so that the text is the same however many clocks start (and is
 * planned once per connection). The clocks' expression must be named `sla_clock`: the timers read
 * it by that name, and so does any read of the record's clocks later in the statement, which then
 * reads the clocks just written. With `newSubject`, the clocks are written only if the subject
 * named `sla_subject` was. A timer's job is keyed `<job kind>:<clock id>` (engine.ts).
 */
function clockAndTimerWrites(record: string, values: { clocks: unknown; timers: unknown }, newSubject: boolean): { clocks: Cte; timers: Cte } {
  return {
    clocks: sql`(insert into sla_clock (${sql.raw(CLOCK_COLUMNS.join(', '))}) select ${sql.raw(selectNew(CLOCK_COLUMNS, record))}
      from ${sql.table(record)}, jsonb_populate_recordset(null::sla_clock, ${values.clocks}::jsonb) as v
      ${newSubject ? sql`where exists (select from sla_subject)` : sql``} returning *)`,
    timers: sql`(${sql.raw(SCHEDULE_SELECTED)} select t.kind, jsonb_build_object('clockId', c.id), t.run_at, t.kind || ':' || c.id, 20
      from sla_clock as c join jsonb_to_recordset(${values.timers}::jsonb) as t(clock_kind text, metric text, kind text, run_at timestamptz)
        on t.clock_kind = c.kind and t.metric = c.metric)`,
  };
}

/**
 * A new record's clock subject, clocks and timers, as common table expressions of the statement
 * that writes the record (`record`, with its id and number): name them `sla_subject`, `sla_clock`
 * and anything for the timers, in that order. A subject the record has already (a retried start)
 * is kept, and then no clocks are written.
 */
export function clockWritesFor(record: string, values: { subject: unknown; clocks: unknown; timers: unknown }): { subject: Cte; clocks: Cte; timers: Cte } {
  return {
    subject: sql`(insert into sla_subject (${sql.raw(SUBJECT_COLUMNS.join(', '))}) select ${sql.raw(selectNew(SUBJECT_COLUMNS, record))}
      from ${sql.table(record)}, jsonb_populate_record(null::sla_subject, ${values.subject}::jsonb) as v
      on conflict (record_type, record_id) do nothing returning record_id)`,
    ...clockAndTimerWrites(record, values, true),
  };
}

const theRecord = (id: unknown, number: unknown = '') => sql<{ id: number; number: string }>`(select ${id}::bigint as id, ${number}::text as number)`;

const startedClocks = compiledOnce((db, _shape: null, recordId: number, clocks: string, timers: string) => {
  const writes = clockAndTimerWrites('record', { clocks, timers }, false);
  return db.with('record', () => theRecord(recordId)).with('sla_clock', () => writes.clocks).with('sla_timer', () => writes.timers).selectFrom('sla_clock').selectAll().modifyEnd(planOnce);
});

const startedRecord = compiledOnce((db, _shape: null, recordId: number, recordNumber: string, subject: string, clocks: string, timers: string) => {
  const writes = clockWritesFor('record', { subject, clocks, timers });
  return db
    .with('record', () => theRecord(recordId, recordNumber))
    .with('sla_subject', () => writes.subject)
    .with('sla_clock', () => writes.clocks)
    .with('sla_timer', () => writes.timers)
    .selectNoFrom(sql<boolean>`exists (select from sla_subject)`.as('started'))
    .modifyEnd(planOnce);
});

/** A new clock's row, its timeline and calendar as they are (they go inside the statement's JSON). */
export type NewClock = Omit<Insertable<SlaClockTable>, 'calendar' | 'events'> & { calendar: unknown; events: unknown[] };

/** New clocks' timers as the statements read them. */
export const timerValues = (timers: NewTimer[]) => JSON.stringify(timers.map((t) => ({ clock_kind: t.clockKind, metric: t.metric, kind: t.kind, run_at: t.runAt })));

/** Clocks started on a record that has its clock subject, with their timers, in one round trip. */
export async function insertClocks(tx: Tx, recordId: number, clocks: NewClock[], timers: NewTimer[]): Promise<ClockRow[]> {
  return (await startedClocks(tx, null, recordId, JSON.stringify(clocks), timerValues(timers))) as unknown as ClockRow[];
}

/** A new record's clock subject, clocks and timers in one round trip; false, and nothing written, when it had its subject already. */
export async function insertSubjectAndClocks(tx: Tx, recordId: number, recordNumber: string, values: ClockWriteValues): Promise<boolean> {
  return (await startedRecord(tx, null, recordId, recordNumber, values.subject, values.clocks, values.timers))[0]!.started;
}

const clockColumns = ['d.code as definition_code', 'd.name as definition_name'] as const;

export function clocksOfRecords(db: Db | Tx, recordType: string, recordIds: number[]) {
  return db
    .selectFrom('sla_clock as c')
    .innerJoin('sla_definition as d', 'd.id', 'c.definition_id')
    .selectAll('c')
    .select(clockColumns)
    .where('c.record_type', '=', recordType)
    .where('c.record_id', 'in', recordIds)
    .orderBy('c.record_id')
    .orderBy('c.id')
    .execute();
}

export type ClockWithDefinition = Awaited<ReturnType<typeof clocksOfRecords>>[number];

/**
 * A record's clocks, as `clocksOfRecords` reads them, as one jsonb array: for a query that reads
 * them beside the record in the same round trip. `clockRowsFromJson` turns them back into rows.
 */
export function clocksJsonOf(recordType: string, recordId: Expression<number>) {
  return sql<unknown[]>`(select coalesce(jsonb_agg(to_jsonb(c) || jsonb_build_object('definition_code', d.code, 'definition_name', d.name) order by c.id), '[]'::jsonb)
    from sla_clock as c join sla_definition as d on d.id = c.definition_id where c.record_type = ${recordType} and c.record_id = ${recordId})`;
}

const CLOCK_INSTANTS = ['due_at', 'warn_at', 'started_at', 'stopped_at', 'warned_at', 'breached_at', 'evaluated_at', 'created_at', 'updated_at'] as const;

/** The rows of `clocksJsonOf`: jsonb carries instants as text and numeric as a number, the row types do not. */
export function clockRowsFromJson(json: unknown[]): ClockWithDefinition[] {
  return (json as Array<Record<string, unknown>>).map((clock) => {
    const row: Record<string, unknown> = { ...clock, warning_fraction: String(clock.warning_fraction) };
    for (const column of CLOCK_INSTANTS) row[column] = clock[column] == null ? null : new Date(clock[column] as string);
    return row as ClockWithDefinition;
  });
}

/** Customers see SLA clocks only; a supplier SLA and underpinning clocks, not the desk's OLAs. */
function clockScope(scope: Scope): Expression<SqlBool> {
  const tenancy = inScope(scope, { organisation: 'c.organisation_id', supplier: 'c.supplier_id' });
  switch (scope.kind) {
    case 'network':
      return tenancy;
    case 'organisations':
      return sql<SqlBool>`${tenancy} and c.kind = 'sla'`;
    case 'supplier':
      return sql<SqlBool>`${tenancy} and c.kind in ('sla', 'underpinning')`;
  }
}

export function listClocks(db: Db, scope: Scope, request: ClockListRequest & PageRequest) {
  let query = db
    .selectFrom('sla_clock as c')
    .innerJoin('sla_definition as d', 'd.id', 'c.definition_id')
    .selectAll('c')
    .select(clockColumns)
    .where(clockScope(scope));
  if (request.recordType) query = query.where('c.record_type', '=', request.recordType);
  if (request.recordId) query = query.where('c.record_id', '=', request.recordId);
  if (request.kind) query = query.where('c.kind', '=', request.kind);
  if (request.metric) query = query.where('c.metric', '=', request.metric);
  return paginate(query, { columns: { id: 'c.id' }, tie: 'c.id', tieKey: 'id', defaultSort: 'id' }, request);
}

/**
 * Met and breached clocks whose outcome was decided in [from, to): a breach when it breached, a met
 * clock when it stopped. Cancelled clocks count as neither; a breach is never undone.
 */
export async function compliance(db: Db, scope: Scope, request: ComplianceRequest, from: Date, to: Date) {
  const byDefinition = request.groupBy === 'definition';
  const decided = sql`coalesce(c.breached_at, case when c.state = 'met' then c.stopped_at end)`;
  let query = db
    .selectFrom('sla_clock as c')
    .innerJoin('sla_definition as d', 'd.id', 'c.definition_id')
    .select([
      byDefinition ? sql<string>`d.code`.as('key') : sql<string>`c.priority`.as('key'),
      byDefinition ? sql<string>`min(d.name)`.as('name') : sql<string>`c.priority`.as('name'),
      sql<number>`count(*) filter (where c.breached_at is null and c.state = 'met')::int`.as('met'),
      sql<number>`count(*) filter (where c.breached_at is not null)::int`.as('breached'),
    ])
    .where(clockScope(scope))
    .where('c.state', '<>', 'cancelled')
    .where(sql<SqlBool>`${decided} >= ${from.toISOString()}::timestamptz and ${decided} < ${to.toISOString()}::timestamptz`);
  if (request.recordType) query = query.where('c.record_type', '=', request.recordType);
  if (request.kind) query = query.where('c.kind', '=', request.kind);
  if (request.metric) query = query.where('c.metric', '=', request.metric);
  return query.groupBy(byDefinition ? sql`d.code` : sql`c.priority`).orderBy(sql`1`).execute();
}

// ---- a record's standing against its SLA, for its owner's list ---------------------------------

/**
 * Whether a clock's target is breached: it records a breach (its job ran), was read as breached
 * when it last moved (stopped late, retargeted past its due time), or runs past its due instant
 * before its breach job has run. A breach stays a breach once the clock stops.
 */
const CLOCK_BREACHED = (c: string) =>
  sql<SqlBool>`(${sql.ref(`${c}.breached_at`)} is not null or ${sql.ref(`${c}.state`)} = 'breached' or (${sql.ref(`${c}.stopped_at`)} is null and ${sql.ref(`${c}.due_at`)} < now()))`;

/**
 * Whether a clock still counting is past its warning point but not breached: its warning job has
 * recorded the warning, or its warning instant has passed before that job has run. A clock that
 * stopped (met, or the record cancelled) warns no more.
 */
const CLOCK_WARNING = (c: string) =>
  sql<SqlBool>`(${sql.ref(`${c}.stopped_at`)} is null and (${sql.ref(`${c}.warned_at`)} is not null or ${sql.ref(`${c}.warn_at`)} <= now()) and not ${CLOCK_BREACHED(c)})`;

/** A record's customer-facing (SLA) clocks, as `alias`. OLA and underpinning clocks are the desk's and the supplier's business, not the customer's. */
const slaClocksOf = (recordType: ClockRecordType, recordId: string, alias: string) =>
  sql`sla_clock as ${sql.table(alias)} where ${sql.ref(`${alias}.record_type`)} = ${sql.lit(recordType)} and ${sql.ref(`${alias}.record_id`)} = ${sql.ref(recordId)} and ${sql.ref(`${alias}.kind`)} = 'sla'`;

/**
 * Whether any of the record's SLA targets, response or resolution (fulfilment), is breached, as
 * a condition for its list's filter. An EXISTS alone in the WHERE becomes a semi-join (NOT EXISTS
 * an anti-join), which the planner runs along the list's order probing `sla_clock_record_idx`
 * until the page is full; inside an OR it could only scan every clock into a hash.
 */
export const slaBreachedWhere = (recordType: ClockRecordType, recordId: string) =>
  sql<SqlBool>`exists (select 1 from ${slaClocksOf(recordType, recordId, 'breach')} and ${CLOCK_BREACHED('breach')})`;

/**
 * What a list row shows of its record's SLA: whether a target is breached, whether one is past its
 * warning point without being breached, and when its SLA response target falls due while it runs.
 */
export interface SlaStanding {
  breached: boolean;
  warning: boolean;
  /** Which targets are breached and which only warned, so a list can say which is late: each metric once, in no set order; empty when none. */
  breachedTargets: ClockMetric[];
  warningTargets: ClockMetric[];
  /** The earliest due instant of its running SLA response clocks, as jsonb gives it (text); null once answered, or none runs. */
  responseDueAt: string | null;
}

/**
 * The record's standing against its SLA targets, as one column for a list's page: a single
 * aggregate over the record's own SLA clocks, which also names the targets (response, resolution)
 * breached and warned, so that a late response is not read as a late resolution. A subquery in the select list is read for the page's
 * rows only, after the sort and the limit (an EXISTS here might be planned as a hash of every
 * clock). Incidents and service requests read it alike; `presentSlaStanding` gives it its API shape.
 * The response is due at its running clock's cached due instant (null while paused short of it);
 * a response clock stops when the record is answered, resolved or cancelled.
 */
export const slaStandingOf = (recordType: ClockRecordType, recordId: string) =>
  sql<SlaStanding>`(select jsonb_build_object('breached', coalesce(bool_or(${CLOCK_BREACHED('standing')}), false), 'warning', coalesce(bool_or(${CLOCK_WARNING('standing')}), false),
      'breachedTargets', coalesce(jsonb_agg(distinct standing.metric) filter (where ${CLOCK_BREACHED('standing')}), '[]'::jsonb),
      'warningTargets', coalesce(jsonb_agg(distinct standing.metric) filter (where ${CLOCK_WARNING('standing')}), '[]'::jsonb),
      'responseDueAt', min(standing.due_at) filter (where standing.metric = 'response' and standing.stopped_at is null))
    from ${slaClocksOf(recordType, recordId, 'standing')})`;
