import type { BusinessCalendar, Closure, DateClosure, Instant, WeeklyHours } from './business-calendar.ts';
import { evaluateClock, type ClockEvent, type ClockState, type SlaClock } from './sla-clock.ts';

/**
 * A service level clock as n3sp stores it: the pure clock's timeline (`sla-clock.ts`) plus what a
 * record's life adds to it — why a clock stopped, a resolution reopened, a breach already
 * recorded. Pure like the clock: every function takes the instant it reasons about, and bank
 * holidays come in through a lookup rather than from the disk.
 */

/**
 * A calendar as stored and snapshotted into clocks: its own closures, and the bank-holiday
 * division whose published days are added when the clock is evaluated (so a snapshot stays small
 * and a newer published file reaches running clocks).
 */
export interface CalendarSnapshot {
  name: string;
  timeZone: string;
  hours: WeeklyHours | '24x7';
  closures: Closure[];
  bankHolidays: string | null;
}

/** The whole-day closures of a bank-holiday division; an unknown division has none. */
export type HolidayLookup = (division: string) => DateClosure[];

/** Why a clock stopped. A clock stopped as `cancelled` is neither met nor breached. */
export type StopReason = 'responded' | 'resolved' | 'reassigned' | 'handed_back' | 'cancelled';

export type StoredEvent =
  | { type: 'started'; at: Instant }
  | { type: 'paused'; at: Instant; reason?: string }
  | { type: 'resumed'; at: Instant; reason?: string }
  | { type: 'stopped'; at: Instant; reason: StopReason; note?: string }
  | { type: 'calendarChanged'; at: Instant; calendar: CalendarSnapshot };

export interface StoredClock {
  targetMs: number;
  warningFraction: number;
  /** The calendar in force when the clock started. */
  calendar: CalendarSnapshot;
  events: StoredEvent[];
  /** A warning or breach already recorded (exactly once, by its job); a breach is never undone. */
  warnedAt: Instant | null;
  breachedAt: Instant | null;
}

export type StoredClockState = ClockState | 'cancelled';

export interface StoredClockReading {
  state: StoredClockState;
  elapsedBusinessMs: number;
  /** Wall time paused waiting on someone (time between a resolution and its reopening is not counted here). */
  pausedMs: number;
  remainingMs: number;
  dueAt: Instant | null;
  warnAt: Instant | null;
  breachedAt: Instant | null;
  stoppedAt: Instant | null;
  /** The calendar in force at the evaluated instant. */
  calendar: CalendarSnapshot;
}

/** A resolution that is later reopened becomes this pause; the reopening resumes it. */
export const RESOLVED_PAUSE = 'resolved';
const REOPENED = 'reopened';

export function businessCalendarOf(snapshot: CalendarSnapshot, holidays: HolidayLookup): BusinessCalendar {
  const bankHolidays = snapshot.bankHolidays ? holidays(snapshot.bankHolidays) : [];
  return { timeZone: snapshot.timeZone, hours: snapshot.hours, closures: [...bankHolidays, ...snapshot.closures] };
}

/** The pure clock for a stored one. */
export function pureClock(clock: StoredClock, holidays: HolidayLookup): SlaClock {
  const calendarOf = (s: CalendarSnapshot) => calendarFor(s, holidays);
  const events: ClockEvent[] = clock.events.map((e) => {
    switch (e.type) {
      case 'calendarChanged': return { type: 'calendarChanged', at: e.at, calendar: calendarOf(e.calendar) };
      case 'stopped': return { type: 'stopped', at: e.at };
      case 'paused': return { type: 'paused', at: e.at, reason: e.reason };
      case 'resumed': return { type: 'resumed', at: e.at };
      case 'started': return { type: 'started', at: e.at };
    }
  });
  return { targetMs: clock.targetMs, warningFraction: clock.warningFraction, calendar: calendarOf(clock.calendar), events };
}

/**
 * The business calendar of a snapshot, built once per snapshot's content and holiday list: every
 * clock in one calendar shares it (and its validation). Keyed by the holiday list the lookup
 * gives (so a different file is a different calendar) and by the snapshot's text; bounded.
 */
const NO_HOLIDAYS: DateClosure[] = [];
const calendars = new WeakMap<DateClosure[], Map<string, BusinessCalendar>>();
const CALENDAR_CACHE = 256;

function calendarFor(snapshot: CalendarSnapshot, holidays: HolidayLookup): BusinessCalendar {
  const list = snapshot.bankHolidays ? holidays(snapshot.bankHolidays) : NO_HOLIDAYS;
  let byText = calendars.get(list);
  if (!byText) calendars.set(list, (byText = new Map()));
  const key = JSON.stringify(snapshot);
  const found = byText.get(key);
  if (found) return found;
  if (byText.size >= CALENDAR_CACHE) byText.delete(byText.keys().next().value!);
  const built = businessCalendarOf(snapshot, () => list);
  byText.set(key, built);
  return built;
}

/**
 * The clock at `now` (never before its start). On top of the pure reading: a clock stopped as
 * cancelled reads `cancelled`; a breach its job recorded stays a breach even if a lowered priority
 * later moved the due time out; the gap between a resolution and its reopening is not pause time.
 */
export function readClock(clock: StoredClock, now: Instant, holidays: HolidayLookup): StoredClockReading {
  const at = Math.max(now, clock.events[0]?.at ?? now);
  const reading = evaluateClock(pureClock(clock, holidays), at);
  const stop = lastStop(clock.events, at);
  const cancelled = stop?.reason === 'cancelled';
  let state: StoredClockState = reading.state;
  let breachedAt = reading.breachedAt ?? null;
  if (cancelled) state = 'cancelled';
  else if (clock.breachedAt !== null) {
    state = 'breached';
    breachedAt = clock.breachedAt;
  }
  return {
    state,
    elapsedBusinessMs: reading.elapsedBusinessMs,
    pausedMs: reading.pausedMs - resolvedGaps(clock.events, at),
    remainingMs: reading.remainingMs,
    dueAt: reading.dueAt,
    warnAt: reading.warnAt,
    breachedAt: cancelled ? clock.breachedAt : breachedAt,
    stoppedAt: reading.stoppedAt ?? null,
    calendar: calendarAt(clock, at),
  };
}

/** The calendar in force at `at`: the start's, or the last change at or before it. */
export function calendarAt(clock: Pick<StoredClock, 'calendar' | 'events'>, at: Instant = Infinity): CalendarSnapshot {
  let calendar = clock.calendar;
  for (const event of clock.events) if (event.type === 'calendarChanged' && event.at <= at) calendar = event.calendar;
  return calendar;
}

export function isStopped(events: StoredEvent[]): boolean {
  return events[events.length - 1]?.type === 'stopped';
}

export function stopReason(events: StoredEvent[]): StopReason | null {
  const last = events[events.length - 1];
  return last?.type === 'stopped' ? last.reason : null;
}

export function isPaused(events: StoredEvent[]): boolean {
  let paused = false;
  for (const e of events) {
    if (e.type === 'paused') paused = true;
    else if (e.type === 'resumed' || e.type === 'stopped') paused = false;
  }
  return paused;
}

/** Events never go back in time: an event is placed no earlier than the clock's latest. */
function placed(events: StoredEvent[], at: Instant): Instant {
  const last = events[events.length - 1];
  return last && last.at > at ? last.at : at;
}

/** Waiting on the customer: a running clock stops counting. A stopped or paused clock is unchanged. */
export function pause(events: StoredEvent[], at: Instant, reason?: string): StoredEvent[] {
  if (isStopped(events) || isPaused(events)) return events;
  return [...events, { type: 'paused', at: placed(events, at), ...(reason ? { reason } : {}) }];
}

export function resume(events: StoredEvent[], at: Instant): StoredEvent[] {
  if (isStopped(events) || !isPaused(events)) return events;
  return [...events, { type: 'resumed', at: placed(events, at) }];
}

export function stop(events: StoredEvent[], at: Instant, reason: StopReason, note?: string): StoredEvent[] {
  if (isStopped(events)) return events;
  return [...events, { type: 'stopped', at: placed(events, at), reason, ...(note ? { note } : {}) }];
}

/**
 * A reopened resolution runs again from where it stopped. The pure clock lets nothing follow a
 * stop, so the resolution's stop becomes a pause at the same instant and the reopening resumes
 * it: the business time before the resolution counts, the time until the reopening does not, and
 * the target is the same one. Only a clock stopped by a resolution is reopened.
 */
export function reopen(events: StoredEvent[], at: Instant): StoredEvent[] {
  const last = events[events.length - 1];
  if (last?.type !== 'stopped' || last.reason !== 'resolved') return events;
  const resolvedAt = last.at;
  return [...events.slice(0, -1), { type: 'paused', at: resolvedAt, reason: RESOLVED_PAUSE }, { type: 'resumed', at: Math.max(at, resolvedAt), reason: REOPENED }];
}

/** From `at`, business time counts in another calendar (priority or service class changed, or the calendar was edited). */
export function changeCalendar(events: StoredEvent[], at: Instant, calendar: CalendarSnapshot): StoredEvent[] {
  if (isStopped(events)) return events;
  return [...events, { type: 'calendarChanged', at: placed(events, at), calendar }];
}

/** The instants at which the clock's warning and breach jobs should run; null when none is needed. */
export function timersOf(clock: StoredClock, reading: StoredClockReading): { warningAt: Instant | null; breachAt: Instant | null } {
  if (reading.state === 'cancelled') return { warningAt: null, breachAt: null };
  const stopped = reading.stoppedAt !== null;
  const overdue = reading.state === 'breached';
  const warningAt = !stopped && !overdue && clock.warnedAt === null && clock.breachedAt === null ? reading.warnAt : null;
  // Due means late strictly after the due instant (a stop at the due instant is met), so the
  // breach job runs a millisecond after it. A clock stopped late still has its breach recorded.
  const late = reading.dueAt !== null && (!stopped || reading.stoppedAt! > reading.dueAt);
  const breachAt = clock.breachedAt === null && late ? reading.dueAt! + 1 : null;
  return { warningAt, breachAt };
}

function lastStop(events: StoredEvent[], at: Instant): Extract<StoredEvent, { type: 'stopped' }> | null {
  const last = events.filter((e) => e.at <= at).pop();
  return last?.type === 'stopped' ? last : null;
}

/** Wall time between resolutions and their reopenings, up to `at`. */
function resolvedGaps(events: StoredEvent[], at: Instant): number {
  let total = 0;
  events.forEach((e, i) => {
    if (e.type !== 'paused' || e.reason !== RESOLVED_PAUSE || e.at > at) return;
    const next = events[i + 1];
    total += Math.min(next && next.type === 'resumed' ? next.at : at, at) - e.at;
  });
  return total;
}
