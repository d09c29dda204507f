import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { changeSubject, planRecordClocks, recordEvent, startRecordClocks, viewOf, type ClockPlan } from './engine.ts';

export type { ClockPlan } from './engine.ts';
import { clockRowsFromJson, clocksOfRecords } from './queries.ts';
import { londonTime } from '../../domain/london-time.ts';
import { CLOCK_METRICS, DEFINITION_KIND_NAMES, type ClockMetric } from '../../domain/sla-definitions.ts';

export { clocksJsonOf, clockWritesFor, slaBreachedWhere, slaStandingOf, type ClockWriteValues, type SlaStanding } from './queries.ts';
import type { SlaStanding } from './queries.ts';

/** Metrics in their own order, response first. */
const inMetricOrder = (metrics: readonly ClockMetric[]): ClockMetric[] => CLOCK_METRICS.filter((m) => metrics.includes(m));

/** A list row's standing against its SLA (`slaStandingOf`) as the API gives it (`SlaStandingFields`). */
export const presentSlaStanding = (standing: SlaStanding) => ({
  slaBreached: standing.breached,
  slaWarning: standing.warning,
  slaBreachedTargets: inMetricOrder(standing.breachedTargets),
  slaWarningTargets: inMetricOrder(standing.warningTargets),
  // jsonb gives the instant as text in the session's time zone: the API's is ISO 8601 in UTC.
  responseDueAt: standing.responseDueAt === null ? null : new Date(standing.responseDueAt).toISOString(),
});

/**
 * The service level clocks on a record: the contract between the records' owners (incidents,
 * service requests) and the service level engine (engine.ts; docs/service-levels.md). The owners
 * call these inside the transaction that changes the record, so the clocks and the jobs that
 * fire their warnings and breaches commit with the change — or not at all.
 */

export type ClockRecordType = 'incident' | 'service_request';

/** What decides which SLA, OLA and underpinning definitions apply to a record. */
export interface ClockSubject {
  recordType: ClockRecordType;
  recordId: number;
  /** The number people quote (INC0000001), for notifications and the journal. */
  recordNumber: string;
  priority: string;
  organisationId: number;
  /** The team it is assigned to: an OLA for that team applies while it holds the record. */
  teamId: number | null;
  /** The supplier it is handed to: their underpinning contract's targets apply while they hold it. */
  supplierId: number | null;
  /** The connection product, whose service class may carry its own SLA. */
  productId?: number | null;
}

/** What happened to the record, as far as its clocks care. */
export type RecordEvent =
  | 'paused' // waiting on the customer: SLA clocks stop counting
  | 'resumed'
  | 'responded' // first response: the response clocks stop
  | 'resolved' // resolution clocks stop
  | 'reopened' // resolution clocks run again from where they stopped
  | 'cancelled'; // every clock stops, neither met nor breached

/** What the record keeps of its clocks on its own row (as `sla_due_at`), for its queue to sort by. */
export interface ClockSummary {
  /**
   * When the next of the record's customer-facing (SLA) targets falls due: the earliest due
   * instant among its running SLA clocks, response or resolution (in the past once one is late).
   * Null while none runs: answered and resolved, cancelled, waiting on the customer, or no SLA.
   */
  nextDueAt: Date | null;
}

export interface ClockView {
  id: number;
  /** 'sla' (to the customer), 'ola' (an internal team), 'underpinning' (a supplier). */
  kind: 'sla' | 'ola' | 'underpinning';
  metric: 'response' | 'resolution';
  /** The record's priority the target was taken for. */
  priority?: string;
  definition: { id: number; code: string; name: string };
  calendar: string;
  targetMs: number;
  state: 'running' | 'warning' | 'paused' | 'met' | 'breached' | 'cancelled';
  elapsedBusinessMs: number;
  pausedMs: number;
  remainingMs: number;
  dueAt: string | null;
  warnAt: string | null;
  breachedAt: string | null;
  stoppedAt: string | null;
  /** When the warning fraction was reached, once its job recorded it. */
  warnedAt?: string | null;
  /** The timeline the clock is evaluated from (a calendar change names the calendar). */
  events?: Array<{ type: string; at: string; reason?: string; calendar?: string }>;
}

/**
 * A new record: its SLA clocks start, and the OLA of the team and the underpinning contract of
 * the supplier holding it, if any. Calling it again for the same record changes nothing.
 */
export async function startClocks(tx: Tx, ctx: AppContext, subject: ClockSubject, at: Date): Promise<ClockSummary> {
  return startRecordClocks(tx, ctx, subject, at);
}

/**
 * A new record's clocks chosen before the record is written, so that the record's row can carry
 * the due time from the start; `plan.start(id, number)` then starts them, as `startClocks` does,
 * or the statement that writes the record writes them too, with `clockWritesFor(plan.writes)`.
 * `responded`: the record is answered as it is written, so its response clocks stop at once.
 */
export async function planClocks(tx: Tx, ctx: AppContext, subject: Omit<ClockSubject, 'recordId' | 'recordNumber'>, at: Date, options: { responded?: boolean } = {}): Promise<ClockPlan> {
  return planRecordClocks(tx, ctx, subject, at, options);
}

/**
 * Pending customer pauses every running clock of the record and resumed starts them again;
 * responded stops the response clocks; resolved stops the resolution clocks (and any response
 * clock still running); reopened resumes the resolution clocks from where they stopped; cancelled
 * stops every clock as neither met nor breached. A record without clocks is left alone.
 */
export async function recordClockEvent(tx: Tx, ctx: AppContext, subject: ClockSubject, event: RecordEvent, at: Date): Promise<ClockSummary> {
  return recordEvent(tx, ctx, subject, event, at);
}

/** Priority, team or supplier changed: targets are re-read, team and supplier clocks start or stop. */
export async function subjectChanged(tx: Tx, ctx: AppContext, _before: ClockSubject, after: ClockSubject, at: Date): Promise<ClockSummary> {
  return changeSubject(tx, ctx, after, at);
}

/** Each record's clocks as they stand now (or at `at`). */
export async function clocksOf(db: Tx, recordType: ClockRecordType, recordIds: number[], at: Date = new Date()): Promise<Map<number, ClockView[]>> {
  const views = new Map<number, ClockView[]>(recordIds.map((id) => [id, []]));
  if (recordIds.length === 0) return views;
  const now = at.getTime();
  for (const row of await clocksOfRecords(db, recordType, recordIds)) views.get(row.record_id)?.push(viewOf(row, now));
  return views;
}

/** The clocks a record query read beside the record (`clocksJsonOf`), as they stand now (or at `at`). */
export function clockViewsOf(json: unknown[], at: Date = new Date()): ClockView[] {
  return clockRowsFromJson(json).map((row) => viewOf(row, at.getTime()));
}

export interface ClockAlarm {
  recordType: ClockRecordType;
  recordId: number;
  clock: ClockView;
  alarm: 'warning' | 'breach';
}

/** Whoever owns a record type is told, inside the job's transaction, when one of its clocks warns or breaches. */
export type ClockAlarmListener = (tx: Tx, ctx: AppContext, alarm: ClockAlarm) => Promise<void>;
const alarmListeners = new Map<ClockRecordType, ClockAlarmListener>();
export const clockAlarms = {
  listen(recordType: ClockRecordType, listener: ClockAlarmListener): void {
    alarmListeners.set(recordType, listener);
  },
  listenerFor(recordType: ClockRecordType): ClockAlarmListener | undefined {
    return alarmListeners.get(recordType);
  },
};

/** What a record keeps of its summary in `sla_due_at`: the next due instant, or 'infinity' (last in the sort) while none runs. */
export const slaDueAtOf = (summary: ClockSummary): Date | 'infinity' => summary.nextDueAt ?? 'infinity';

/**
 * A warning or breach as a sentence for an e-mail: which target, and when it falls due or was
 * breached, in London time. `metric` words the metric as the record's owner does (a request's
 * resolution is its fulfilment); `of` names the record.
 */
export function alarmSentence(alarm: 'warning' | 'breach', clock: Pick<ClockView, 'kind' | 'metric' | 'dueAt' | 'breachedAt' | 'definition'>, words: { metric?: string; of?: string } = {}): string {
  const what = `${DEFINITION_KIND_NAMES[clock.kind]} ${words.metric ?? clock.metric} target (${clock.definition.name})${words.of ? ` of ${words.of}` : ''}`;
  const at = alarm === 'breach' ? (clock.breachedAt ?? clock.dueAt) : clock.dueAt;
  const when = at ? ` at ${londonTime(at)}` : '';
  return alarm === 'breach' ? `The ${what} was breached${when}.` : `The ${what} falls due${when}.`;
}
