import type { Updateable } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import type { SlaClockTable } from '../../core/db/tables.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Job } from '../../core/jobs/queue.ts';
import { cancel, reschedule, schedule } from '../../core/jobs/queue.ts';
import { SYSTEM_ACTOR } from '../../core/access/principal.ts';
import * as clock from '../../core/clock.ts';
import type { Closure, Instant, WeeklyHours } from '../../domain/business-calendar.ts';
import {
  changeCalendar, isPaused, isStopped, pause, readClock, reopen, resume, stop, stopReason, timersOf,
  type CalendarSnapshot, type StoredClock, type StoredClockReading, type StoredEvent,
} from '../../domain/sla-timeline.ts';
import { CLOCK_METRICS, chooseDefinitions, DEFINITION_KIND_NAMES, DEFINITION_KINDS, targetOf, type DefinitionTarget, type DefinitionTerms, type DefinitionKind } from '../../domain/sla-definitions.ts';
import { londonTime } from '../../domain/london-time.ts';
import { bankHolidays, useBankHolidaysOf } from './holidays.ts';
import {
  clockTerms, findSubject, insertClocks, insertSubjectAndClocks, timerValues, lockClockForJob, lockClocksOfRecord, lockClocksOfRecordsOnCalendar, lockRecords, lockSubject, keepDueTimes, recordsCountingOnCalendar,
  type ClockCalendar, type ClockDefinition, type ClockRow, type ClockTerms, type ClockWriteValues, type NewClock, type NewTimer, type SubjectRow,
} from './queries.ts';
import { clockAlarms, slaDueAtOf, type ClockRecordType, type ClockSubject, type ClockSummary, type ClockView, type RecordEvent } from './clocks.ts';

/**
 * The persisted clocks: which clocks a record has (chosen from the definitions), what the record's
 * events do to them, and the jobs that fire their warnings and breaches. Every change evaluates the
 * clock at the change's instant, caches the figures on the row and moves its two jobs in the same
 * transaction; a job re-reads the clock when it runs and records the warning or breach once.
 */

export const WARNING_JOB = 'sla.warning';
export const BREACH_JOB = 'sla.breach';
export const warningKey = (clockId: number) => `${WARNING_JOB}:${clockId}`;
export const breachKey = (clockId: number) => `${BREACH_JOB}:${clockId}`;
const PENDING_CUSTOMER = 'pending customer';

/** A clock row with its timeline, kept up to date as a change proceeds. */
interface Clock {
  row: ClockRow;
  stored: StoredClock;
}

export function snapshotOf(row: ClockCalendar): CalendarSnapshot {
  return { name: row.name, timeZone: row.time_zone, hours: row.hours as WeeklyHours | '24x7', closures: row.closures as Closure[], bankHolidays: row.bank_holidays };
}

export function storedOf(row: ClockRow): StoredClock {
  return {
    targetMs: Number(row.target_ms),
    warningFraction: Number(row.warning_fraction),
    calendar: row.calendar as CalendarSnapshot,
    events: row.events as StoredEvent[],
    warnedAt: row.warned_at?.getTime() ?? null,
    breachedAt: row.breached_at?.getTime() ?? null,
  };
}

export function termsOf(row: ClockDefinition): DefinitionTerms {
  return {
    id: row.id,
    kind: row.kind as DefinitionKind,
    recordType: row.record_type,
    organisationId: row.organisation_id,
    teamId: row.team_id,
    supplierId: row.supplier_id,
    serviceClassId: row.service_class_id,
    calendar: row.calendar_name,
    targets: row.targets as DefinitionTarget[],
    active: row.active,
  };
}

const dateOf = (instant: Instant | null) => (instant === null ? null : new Date(instant));

/** The cached figures of a reading, as columns. */
function cached(reading: StoredClockReading, at: Instant): Updateable<SlaClockTable> {
  return {
    state: reading.state,
    elapsed_ms: Math.round(reading.elapsedBusinessMs),
    paused_ms: Math.round(reading.pausedMs),
    due_at: dateOf(reading.dueAt),
    warn_at: dateOf(reading.warnAt),
    stopped_at: dateOf(reading.stoppedAt),
    evaluated_at: new Date(at),
    updated_at: clock.now(),
  };
}

/** One timer of a clock that already has them: moved, scheduled, or cancelled when no longer wanted. */
async function setTimer(tx: Tx, kind: string, key: string, clockId: number, at: Instant | null): Promise<void> {
  if (at === null) {
    await cancel(tx, key);
    return;
  }
  if (!(await reschedule(tx, key, new Date(at)))) await schedule(tx, { kind, runAt: new Date(at), payload: { clockId }, dedupeKey: key, maxAttempts: 20 });
}

async function setTimers(tx: Tx, clockId: number, stored: StoredClock, reading: StoredClockReading): Promise<void> {
  const timers = timersOf(stored, reading);
  await setTimer(tx, WARNING_JOB, warningKey(clockId), clockId, timers.warningAt);
  await setTimer(tx, BREACH_JOB, breachKey(clockId), clockId, timers.breachAt);
}

/** A new clock's timers, keyed by its kind and metric until it has an id: it has none to move or cancel yet. */
function newTimers(clockKind: string, metric: string, timers: { warningAt: Instant | null; breachAt: Instant | null }): NewTimer[] {
  const timer = (kind: string, at: Instant | null) => (at === null ? [] : [{ clockKind, metric, kind, runAt: new Date(at) }]);
  return [...timer(WARNING_JOB, timers.warningAt), ...timer(BREACH_JOB, timers.breachAt)];
}

/** Writes a changed clock: its timeline, the figures at `at`, any other columns given, and its timers. */
async function save(tx: Tx, clock: Clock, stored: StoredClock, at: Instant, columns: Updateable<SlaClockTable> = {}): Promise<void> {
  const reading = readClock(stored, at, bankHolidays);
  const [row] = await tx
    .updateTable('sla_clock')
    .set({ events: JSON.stringify(stored.events), ...cached(reading, at), ...columns })
    .where('id', '=', clock.row.id)
    .returningAll()
    .execute();
  clock.row = row!;
  clock.stored = stored;
  await setTimers(tx, clock.row.id, stored, reading);
}

/** A clock to start: which definition, metric and target, counted in which calendar. */
interface ClockStart {
  definition: ClockDefinition;
  metric: 'response' | 'resolution';
  targetMs: number;
  calendar: ClockCalendar;
}

/** The timeline of a clock starting at `at` (paused from the start while the record waits on its customer). */
function newTimeline({ definition, targetMs, calendar }: ClockStart, paused: boolean, at: Instant): StoredClock {
  let events: StoredEvent[] = [{ type: 'started', at }];
  if (paused) events = pause(events, at, PENDING_CUSTOMER);
  return { targetMs, warningFraction: Number(definition.warning_fraction), calendar: snapshotOf(calendar), events, warnedAt: null, breachedAt: null };
}

type NewClockSubject = SubjectFacts & Pick<SubjectRow, 'record_id' | 'organisation_id' | 'paused_since' | 'responded_at'>;

/** New clocks' rows, timelines and timers, for the record as it stands at `at`. */
function planStarts(subject: NewClockSubject, starts: ClockStart[], at: Instant) {
  return starts.map((start) => {
    const { definition, metric, targetMs, calendar } = start;
    const stored = newTimeline(start, subject.paused_since !== null, at);
    // A record answered as it is written (logged straight to a team) has its response clocks stopped as they start.
    if (subject.responded_at !== null && metric === 'response') stored.events = stop(stored.events, at, 'responded');
    const reading = readClock(stored, at, bankHolidays);
    const values: NewClock = {
      record_type: subject.record_type,
      record_id: subject.record_id,
      definition_id: definition.id,
      kind: definition.kind,
      metric,
      priority: subject.priority,
      organisation_id: subject.organisation_id,
      supplier_id: subject.supplier_id,
      team_id: definition.kind === 'ola' ? subject.team_id : null,
      calendar_id: calendar.id,
      calendar: stored.calendar,
      target_ms: targetMs,
      warning_fraction: definition.warning_fraction,
      events: stored.events,
      started_at: new Date(at),
      created_at: clock.now(),
      ...(cached(reading, at) as { state: string; evaluated_at: Date }),
    };
    return { stored, reading, values, timers: newTimers(definition.kind, metric, timersOf(stored, reading)) };
  });
}

/**
 * Starts clocks on a record, with their timers, in one statement however many apply. Returns
 * them, each with its timeline.
 */
async function startClocks(tx: Tx, subject: NewClockSubject, starts: ClockStart[], at: Instant): Promise<Clock[]> {
  if (starts.length === 0) return [];
  const planned = planStarts(subject, starts, at);
  const rows = await insertClocks(tx, subject.record_id, planned.map((p) => p.values), planned.flatMap((p) => p.timers));
  // One clock per kind and metric is started at a time: that pairs each row with its plan.
  return planned.map((p) => ({ row: rows.find((r) => r.kind === p.values.kind && r.metric === p.values.metric)!, stored: p.stored }));
}

const toClock = (row: ClockRow): Clock => ({ row, stored: storedOf(row) });

/**
 * Brings the record's open clocks in line with what applies to it now: for each kind (SLA, the
 * holding team's OLA, the holding supplier's underpinning contract) and metric, the most specific
 * definition's target at the record's priority. An OLA clock of a team that no longer holds the
 * record stops (a response it had not given is cancelled: another team will give it); so does the
 * underpinning clock of a supplier it was handed back from. A clock whose priority or definition
 * changed is retargeted, keeping the business time it has counted (and counting on in the new
 * priority's calendar from now). A metric with no open clock gets one, unless the record has
 * already been responded to (response) or resolved.
 */
async function reconcile(tx: Tx, subject: SubjectRow, clocks: Clock[], at: Instant): Promise<void> {
  if (subject.cancelled_at) return;
  const starts: ClockStart[] = [];
  for (const { kind, metric, start } of wanted(await clockTerms(tx, subject.record_type, subject.organisation_id, subject.product_id), subject)) {
    let running = false;
    for (const clock of clocks.filter((c) => c.row.kind === kind && c.row.metric === metric && !isStopped(c.stored.events))) {
      if (kind === 'ola' && clock.row.team_id !== subject.team_id) await leave(tx, clock, 'reassigned', at);
      else if (kind === 'underpinning' && clock.row.supplier_id !== subject.supplier_id) await leave(tx, clock, 'handed_back', at);
      else if (!start) await save(tx, clock, { ...clock.stored, events: stop(clock.stored.events, at, 'cancelled', 'no target applies to the record any more') }, at);
      else {
        running = true;
        if (clock.row.priority !== subject.priority || clock.row.definition_id !== start.definition.id) await retarget(tx, clock, subject, start, at);
      }
    }
    const done = metric === 'response' ? subject.responded_at !== null || subject.resolved_at !== null : subject.resolved_at !== null;
    if (!running && !done && start) starts.push(start);
  }
  clocks.push(...(await startClocks(tx, subject, starts, at)));
}

type SubjectFacts = Pick<SubjectRow, 'record_type' | 'team_id' | 'supplier_id' | 'priority'>;

/** For each kind and metric, the clock the terms want running on the record, or null where no target applies. */
function wanted(terms: ClockTerms, subject: SubjectFacts): Array<{ kind: DefinitionKind; metric: 'response' | 'resolution'; start: ClockStart | null }> {
  const chosen = chooseDefinitions(terms.definitions.map(termsOf), {
    recordType: subject.record_type,
    organisationLineage: terms.organisationLineage,
    teamId: subject.team_id,
    supplierId: subject.supplier_id,
    serviceClassId: terms.serviceClassId,
  });
  const calendars = new Map(terms.calendars.map((c) => [c.name, c]));
  return DEFINITION_KINDS.flatMap((kind) => {
    const definition = terms.definitions.find((d) => d.id === chosen[kind]?.id);
    return CLOCK_METRICS.map((metric) => {
      const target = definition ? targetOf(termsOf(definition), subject.priority, metric) : null;
      const calendar = target ? calendars.get(target.calendar) : undefined;
      return { kind, metric, start: definition && target && calendar ? { definition, metric, targetMs: target.targetMs, calendar } : null };
    });
  });
}

/** The team or supplier no longer holds the record: its clock stops, met or breached as it stands. */
async function leave(tx: Tx, clock: Clock, reason: 'reassigned' | 'handed_back', at: Instant): Promise<void> {
  const reading = readClock(clock.stored, at, bankHolidays);
  const unanswered = clock.row.metric === 'response' && reading.state !== 'breached';
  const events = unanswered
    ? stop(clock.stored.events, at, 'cancelled', reason === 'reassigned' ? 'reassigned before the team responded' : 'handed back before the supplier responded')
    : stop(clock.stored.events, at, reason);
  await save(tx, clock, { ...clock.stored, events }, at);
}

async function retarget(tx: Tx, clock: Clock, subject: SubjectRow, { definition, targetMs, calendar }: ClockStart, at: Instant): Promise<void> {
  const events = clock.row.calendar_id === calendar.id ? clock.stored.events : changeCalendar(clock.stored.events, at, snapshotOf(calendar));
  const warningFraction = Number(definition.warning_fraction);
  await save(tx, clock, { ...clock.stored, events, targetMs, warningFraction }, at, {
    definition_id: definition.id,
    priority: subject.priority,
    target_ms: targetMs,
    warning_fraction: definition.warning_fraction,
    calendar_id: calendar.id,
  });
}

/**
 * Whether a clock counts towards the record's summary (`ClockSummary`): a customer-facing (SLA)
 * clock, response or resolution, still running. A stopped clock (answered, resolved, cancelled)
 * is done with and a paused one waits on the customer, even one breached before it paused.
 */
const runsTowardsDue = (kind: string, events: StoredEvent[]) => kind === 'sla' && !isStopped(events) && !isPaused(events);

/** The summary of the due instants of the clocks that count: the earliest. */
function earliestDue(dues: Array<Instant | null>): ClockSummary {
  const known = dues.filter((d): d is Instant => d !== null);
  return { nextDueAt: known.length === 0 ? null : new Date(Math.min(...known)) };
}

function summaryOf(clocks: Clock[], at: Instant): ClockSummary {
  return earliestDue(clocks.filter((c) => runsTowardsDue(c.row.kind, c.stored.events)).map((c) => readClock(c.stored, at, bankHolidays).dueAt));
}

function subjectValues(subject: ClockSubject) {
  return {
    record_number: subject.recordNumber,
    organisation_id: subject.organisationId,
    team_id: subject.teamId,
    supplier_id: subject.supplierId,
    priority: subject.priority,
    ...(subject.productId !== undefined ? { product_id: subject.productId } : {}),
  };
}

/** A new record's clocks, chosen before the record is written (so that it is written with its due time). */
export interface ClockPlan {
  summary: ClockSummary;
  /** Writes the clocks and their timers once the record has its id; false when it had clocks already (a retried create). */
  start(recordId: number, recordNumber: string): Promise<boolean>;
  /** The same writes as values for the statement that writes the record itself (`clockWritesFor`). */
  writes: ClockWriteValues;
}

/**
 * A new record's clocks, chosen before the record is written. `responded`: the record is answered
 * as it is written (an incident logged straight to a team), so its response clocks stop at once.
 */
export async function planRecordClocks(tx: Tx, ctx: AppContext, subject: Omit<ClockSubject, 'recordId' | 'recordNumber'>, at: Date, { responded = false } = {}): Promise<ClockPlan> {
  useBankHolidaysOf(ctx.config);
  const t = at.getTime();
  const facts = { record_type: subject.recordType, team_id: subject.teamId, supplier_id: subject.supplierId, priority: subject.priority };
  const starts = wanted(await clockTerms(tx, subject.recordType, subject.organisationId, subject.productId), facts).flatMap((w) => (w.start ? [w.start] : []));
  const respondedAt = responded ? at : null;
  // Planned before the record has its id (the statement that writes them fills it in), so the due time is read once.
  const planned = planStarts({ ...facts, record_id: 0, organisation_id: subject.organisationId, paused_since: null, responded_at: respondedAt }, starts, t);
  // The record's id and number are the statement's to fill in.
  const row = { record_type: subject.recordType, ...subjectValues({ ...subject, recordId: 0, recordNumber: '' }), product_id: subject.productId ?? null };
  const writes = {
    subject: JSON.stringify({ ...row, responded_at: respondedAt, created_at: at, updated_at: clock.now() }),
    clocks: JSON.stringify(planned.map((p) => p.values)),
    timers: timerValues(planned.flatMap((p) => p.timers)),
  };
  return {
    // A record answered as it is written has its response clocks stopped already (planStarts), so they do not count.
    summary: earliestDue(planned.filter((p) => runsTowardsDue(p.values.kind, p.stored.events)).map((p) => p.reading.dueAt)),
    start: (recordId, recordNumber) => insertSubjectAndClocks(tx, recordId, recordNumber, writes),
    writes,
  };
}

export async function startRecordClocks(tx: Tx, ctx: AppContext, subject: ClockSubject, at: Date): Promise<ClockSummary> {
  const plan = await planRecordClocks(tx, ctx, subject, at);
  if (await plan.start(subject.recordId, subject.recordNumber)) return plan.summary;
  // Started already (a retried create): the clocks it has are the record's clocks.
  return summaryOf((await lockClocksOfRecord(tx, subject.recordType, subject.recordId)).map(toClock), at.getTime());
}

/** What each record event does to one clock's timeline. */
function eventOn(clock: Clock, subject: SubjectRow, event: RecordEvent, at: Instant): StoredEvent[] {
  const events = clock.stored.events;
  const response = clock.row.metric === 'response';
  switch (event) {
    case 'paused':
      return pause(events, at, PENDING_CUSTOMER);
    case 'resumed':
      return resume(events, at);
    case 'responded':
      return response ? stop(events, at, 'responded') : events;
    case 'resolved':
      // Resolving answers the record too: a response clock still running stops as responded.
      return stop(events, at, response ? 'responded' : 'resolved');
    case 'reopened': {
      if (response || stopReason(events) !== 'resolved') return events;
      const held = clock.row.kind === 'sla' || (clock.row.kind === 'ola' ? clock.row.team_id === subject.team_id : clock.row.supplier_id === subject.supplier_id);
      return held ? reopen(events, at) : events;
    }
    case 'cancelled':
      return stop(events, at, 'cancelled', 'the record was cancelled');
  }
}

const SUBJECT_CHANGES: Record<RecordEvent, (at: Date) => Record<string, unknown>> = {
  paused: (at) => ({ paused_since: at }),
  resumed: () => ({ paused_since: null }),
  responded: () => ({}),
  resolved: (at) => ({ resolved_at: at, paused_since: null }),
  reopened: () => ({ resolved_at: null, paused_since: null }),
  cancelled: (at) => ({ cancelled_at: at, paused_since: null }),
};

export async function recordEvent(tx: Tx, ctx: AppContext, subject: ClockSubject, event: RecordEvent, at: Date): Promise<ClockSummary> {
  useBankHolidaysOf(ctx.config);
  const before = await lockSubject(tx, subject.recordType, subject.recordId);
  if (!before) return { nextDueAt: null };
  const t = at.getTime();
  const changes = SUBJECT_CHANGES[event](at);
  if (event === 'paused' && before.paused_since) delete changes.paused_since;
  const answered = (event === 'responded' || event === 'resolved') && !before.responded_at ? { responded_at: at } : {};
  const row = await tx
    .updateTable('sla_subject')
    .set({ ...changes, ...answered, updated_at: clock.now() })
    .where('record_type', '=', subject.recordType)
    .where('record_id', '=', subject.recordId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const clocks = (await lockClocksOfRecord(tx, subject.recordType, subject.recordId)).map(toClock);
  for (const clock of clocks) {
    const events = eventOn(clock, row, event, t);
    if (events !== clock.stored.events) await save(tx, clock, { ...clock.stored, events }, t);
  }
  // A reopened record may now be held by a team or supplier whose clock never ran on it.
  if (event === 'reopened') await reconcile(tx, row, clocks, t);
  return summaryOf(clocks, t);
}

export async function changeSubject(tx: Tx, ctx: AppContext, after: ClockSubject, at: Date): Promise<ClockSummary> {
  useBankHolidaysOf(ctx.config);
  const before = await lockSubject(tx, after.recordType, after.recordId);
  if (!before) return startRecordClocks(tx, ctx, after, at);
  const t = at.getTime();
  const subject = await tx
    .updateTable('sla_subject')
    .set({ ...subjectValues(after), updated_at: clock.now() })
    .where('record_type', '=', after.recordType)
    .where('record_id', '=', after.recordId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const clocks = await lockClocksOfRecord(tx, after.recordType, after.recordId);
  // Tenancy follows the record: its organisation, and the supplier holding it (an underpinning
  // clock keeps the supplier whose contract it measures).
  if (clocks.length > 0 && (before.organisation_id !== subject.organisation_id || before.supplier_id !== subject.supplier_id)) {
    await tx.updateTable('sla_clock').set({ organisation_id: subject.organisation_id }).where('record_type', '=', after.recordType).where('record_id', '=', after.recordId).execute();
    await tx
      .updateTable('sla_clock')
      .set({ supplier_id: subject.supplier_id })
      .where('record_type', '=', after.recordType)
      .where('record_id', '=', after.recordId)
      .where('kind', 'in', ['sla', 'ola'])
      .execute();
  }
  const all = clocks.map(toClock);
  await reconcile(tx, subject, all, t);
  return summaryOf(all, t);
}

/**
 * A calendar was edited: every clock counting in it (running or paused) counts in the new version
 * from `at`, recorded as a calendarChanged event carrying the new snapshot, and its jobs move.
 * Each record whose clocks moved then has its summary, over all its clocks (some may count in
 * other calendars), kept on its row (`sla_due_at`), as a change to the record keeps it. The
 * records are locked first, then every clock of theirs: the order a change to a record takes
 * them in. Returns how many clocks moved, and the numbers of the records they run on.
 */
export async function moveClocksToCalendar(tx: Tx, ctx: AppContext, calendar: ClockCalendar, at: Date): Promise<{ moved: number; records: string[] }> {
  useBankHolidaysOf(ctx.config);
  const t = at.getTime();
  const records = await recordsCountingOnCalendar(tx, calendar.id);
  for (const recordType of new Set(records.map((r) => r.recordType))) {
    await lockRecords(tx, recordType, records.filter((r) => r.recordType === recordType).map((r) => r.recordId));
  }
  const clocks = (await lockClocksOfRecordsOnCalendar(tx, calendar.id)).map(toClock);
  const snapshot = snapshotOf(calendar);
  const moving = clocks.filter((c) => c.row.calendar_id === calendar.id && c.row.stopped_at === null);
  for (const clock of moving) await save(tx, clock, { ...clock.stored, events: changeCalendar(clock.stored.events, t, snapshot) }, t);
  const ofRecord = new Map<string, Clock[]>();
  for (const c of clocks) {
    const key = `${c.row.record_type}:${c.row.record_id}`;
    ofRecord.set(key, [...(ofRecord.get(key) ?? []), c]);
  }
  for (const recordType of new Set(records.map((r) => r.recordType))) {
    const dues = records
      .filter((r) => r.recordType === recordType)
      .map((r) => ({ id: r.recordId, due: slaDueAtOf(summaryOf(ofRecord.get(`${recordType}:${r.recordId}`) ?? [], t)) }));
    await keepDueTimes(tx, recordType, dues);
  }
  return { moved: moving.length, records: records.map((r) => r.recordNumber) };
}

// ---- reading clocks -----------------------------------------------------------------------------

type ClockWithDefinition = ClockRow & { definition_code: string; definition_name: string };

export function viewOf(row: ClockWithDefinition, now: Instant): ClockView {
  const stored = storedOf(row);
  const reading = readClock(stored, now, bankHolidays);
  const iso = (instant: Instant | null) => (instant === null ? null : new Date(instant).toISOString());
  return {
    id: row.id,
    kind: row.kind as ClockView['kind'],
    metric: row.metric as ClockView['metric'],
    priority: row.priority,
    definition: { id: row.definition_id, code: row.definition_code, name: row.definition_name },
    calendar: reading.calendar.name,
    targetMs: stored.targetMs,
    state: reading.state,
    elapsedBusinessMs: Math.round(reading.elapsedBusinessMs),
    pausedMs: Math.round(reading.pausedMs),
    remainingMs: Math.round(reading.remainingMs),
    dueAt: iso(reading.dueAt),
    warnAt: iso(reading.warnAt),
    warnedAt: iso(stored.warnedAt),
    breachedAt: iso(reading.breachedAt),
    stoppedAt: iso(reading.stoppedAt),
    events: stored.events.map((e) => ({
      type: e.type,
      at: new Date(e.at).toISOString(),
      ...('reason' in e && e.reason ? { reason: e.reason } : {}),
      ...(e.type === 'calendarChanged' ? { calendar: e.calendar.name } : {}),
    })),
  };
}

// ---- the warning and breach jobs ---------------------------------------------------------------

/** The clock is held by a change for longer than a job waits: the job gives way and runs again shortly. */
export class ClockBusyError extends Error {
  constructor(clockId: number) {
    super(`service level clock ${clockId} is being changed; the job runs again shortly`);
  }
}

/** A clock's kind at the start of a journal line ("Underpinning contract …"). */
const kindWord = (kind: string) => DEFINITION_KIND_NAMES[kind as DefinitionKind].replace(/^./, (c) => c.toUpperCase());

/**
 * Runs a clock's warning or breach job at `job.now`. The clock may have moved since the job was
 * scheduled (paused, retargeted, stopped), so it is evaluated afresh: a warning fires only while
 * the clock is in its warning stretch (not once it is already breached), a breach once the due
 * instant has passed without a stop in time. The mark is written once, guarded on its column, and
 * journalled on the record; then the record type's listener is told, in the same transaction.
 * An early job (the clock moved later) is moved to the new instant.
 */
export async function runAlarmJob(tx: Tx, ctx: AppContext, job: Job<{ clockId: number }>, alarm: 'warning' | 'breach'): Promise<void> {
  useBankHolidaysOf(ctx.config);
  const clockId = Number(job.payload.clockId);
  const row = await lockClockForJob(tx, clockId);
  if (row === null) throw new ClockBusyError(clockId);
  if (!row) return;
  const now = job.now?.getTime() ?? Math.max(Date.now(), job.runAt.getTime());
  const stored = storedOf(row);
  const reading = readClock(stored, now, bankHolidays);
  if (reading.state === 'cancelled' || (alarm === 'warning' ? row.warned_at || row.breached_at : row.breached_at)) return;
  const due = alarm === 'warning' ? reading.state === 'warning' : reading.state === 'breached';
  if (!due) {
    const timers = timersOf(stored, reading);
    const next = alarm === 'warning' ? timers.warningAt : timers.breachAt;
    if (next !== null && next > now && job.dedupeKey) await reschedule(tx, job.dedupeKey, new Date(next));
    return;
  }
  const crossedAt = alarm === 'warning' ? reading.warnAt! : (reading.breachedAt ?? reading.dueAt!);
  const marked: StoredClock = alarm === 'warning' ? { ...stored, warnedAt: crossedAt } : { ...stored, breachedAt: crossedAt };
  const after = readClock(marked, now, bankHolidays);
  const column = alarm === 'warning' ? 'warned_at' : 'breached_at';
  const updated = await tx
    .updateTable('sla_clock')
    .set({ [column]: new Date(crossedAt), ...cached(after, now) })
    .where('id', '=', clockId)
    .where(column, 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!updated) return;
  const subject = await findSubject(tx, row.record_type, row.record_id);
  const definition = await tx.selectFrom('sla_definition').select(['code', 'name']).where('id', '=', row.definition_id).executeTakeFirstOrThrow();
  const view = viewOf({ ...updated, definition_code: definition.code, definition_name: definition.name }, now);
  const what = `${kindWord(row.kind)} ${row.metric} target (${row.priority}, ${hours(stored.targetMs)}, ${definition.code})`;
  await ctx.journal.record(tx, SYSTEM_ACTOR, {
    // By kind (sla_, ola_, underpinning_): a customer reads the record's journal, and an internal
    // team's or a supplier's target is not theirs to see.
    action: `${row.kind}_${alarm === 'warning' ? 'warning' : 'breached'}`,
    entityType: row.record_type,
    entityId: row.record_id,
    organisationId: subject?.organisation_id ?? row.organisation_id,
    supplierId: row.supplier_id ?? subject?.supplier_id ?? null,
    // Read by people: London wall time in the words; the instant itself, exact, in the change,
    // under the target's name (its clock id is in the job, not something a reader knows).
    summary:
      alarm === 'warning'
        ? `${subject?.record_number ?? row.record_id}: ${what} reached its warning at ${londonTime(crossedAt)}${view.dueAt ? `; due ${londonTime(view.dueAt)}` : ''}`
        : `${subject?.record_number ?? row.record_id}: ${what} breached at ${londonTime(crossedAt)}`,
    changes: [{ field: `${kindWord(row.kind)} ${row.metric} target ${alarm === 'warning' ? 'warning reached' : 'breached'}`, before: null, after: new Date(crossedAt).toISOString() }],
  });
  const listener = clockAlarms.listenerFor(row.record_type as ClockRecordType);
  if (listener) await listener(tx, ctx, { recordType: row.record_type as ClockRecordType, recordId: row.record_id, clock: view, alarm });
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 1 ? `${Number.isInteger(h) ? h : h.toFixed(1)} h` : `${Math.round(ms / 60_000)} min`;
}

