import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';

/**
 * The service level clocks on a record (CONTRACT STUB: the service-levels module fills this in).
 * Incidents and service requests call these inside the transaction that changes the record, so
 * the clocks and the jobs that fire their warnings and breaches commit with the change.
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

export interface ClockSummary {
  /** When the record's customer-facing resolution target falls due; null while none runs towards it. */
  resolutionDueAt: Date | null;
}

export interface ClockView {
  id: number;
  /** 'sla' (to the customer), 'ola' (an internal team), 'underpinning' (a supplier). */
  kind: 'sla' | 'ola' | 'underpinning';
  metric: 'response' | 'resolution';
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
}

export async function startClocks(_tx: Tx, _ctx: AppContext, _subject: ClockSubject, _at: Date): Promise<ClockSummary> {
  return { resolutionDueAt: null };
}

export async function recordClockEvent(_tx: Tx, _ctx: AppContext, _subject: ClockSubject, _event: RecordEvent, _at: Date): Promise<ClockSummary> {
  return { resolutionDueAt: null };
}

/** Priority, team or supplier changed: targets are re-read, team and supplier clocks start or stop. */
export async function subjectChanged(_tx: Tx, _ctx: AppContext, _before: ClockSubject, _after: ClockSubject, _at: Date): Promise<ClockSummary> {
  return { resolutionDueAt: null };
}

/** Each record's clocks as they stand now. */
export async function clocksOf(_db: Tx, _recordType: ClockRecordType, recordIds: number[]): Promise<Map<number, ClockView[]>> {
  return new Map(recordIds.map((id) => [id, []]));
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
