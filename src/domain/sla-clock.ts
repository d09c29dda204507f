import { addBusinessTime, businessDuration, type BusinessCalendar, type Instant } from './business-calendar.ts';

/**
 * A service level clock: business time counted against a target (time to respond, time to
 * resolve) from a timeline of events. The clock is evaluated afresh from its events at any
 * instant, so it needs no stored running total that could drift from the record's history.
 */

export type ClockEvent =
  | { type: 'started'; at: Instant }
  /** Paused while waiting on someone else, e.g. pending customer. */
  | { type: 'paused'; at: Instant; reason?: string }
  | { type: 'resumed'; at: Instant }
  /** The target was achieved (responded, resolved); the clock stops for good. */
  | { type: 'stopped'; at: Instant }
  /** From `at`, business time is counted in `calendar` (e.g. the service class changed). */
  | { type: 'calendarChanged'; at: Instant; calendar: BusinessCalendar };

export interface SlaClock {
  /** The target, in milliseconds of business time. */
  targetMs: number;
  /** The calendar in force when the clock starts. */
  calendar: BusinessCalendar;
  /** Warn when this fraction of the target has elapsed (0 < fraction ≤ 1), e.g. 0.75. */
  warningFraction: number;
  /** In time order; events after the evaluation instant have not happened yet and are ignored. */
  events: ClockEvent[];
}

export type ClockState = 'running' | 'warning' | 'paused' | 'met' | 'breached';

export interface ClockReading {
  state: ClockState;
  elapsedBusinessMs: number;
  /** Wall time spent paused. */
  pausedMs: number;
  /** Business time left before the target; negative once breached, by how much it overran. */
  remainingMs: number;
  /** When the target was or will be reached; null while paused or when stopped before reaching it. */
  dueAt: Instant | null;
  /** When the warning fraction was or will be reached, on the same terms as `dueAt`. */
  warnAt: Instant | null;
  breachedAt?: Instant;
  stoppedAt?: Instant;
}

/** A stretch of the timeline in which the clock ran; `end: null` means it still runs. */
interface RunningSpell { start: Instant; end: Instant | null; calendar: BusinessCalendar }

interface Timeline { spells: RunningSpell[]; pausedMs: number; paused: boolean; stoppedAt?: Instant }

/** Problems with a clock's definition, each naming the field at fault. */
export function clockProblems(clock: SlaClock): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!Number.isFinite(clock.targetMs) || clock.targetMs <= 0) problems.push({ field: 'targetMs', message: 'the target must be a positive duration' });
  if (!(clock.warningFraction > 0 && clock.warningFraction <= 1)) problems.push({ field: 'warningFraction', message: 'the warning fraction must be above 0 and at most 1' });
  if (clock.events[0]?.type !== 'started') problems.push({ field: 'events[0]', message: 'a clock starts with a started event' });
  clock.events.forEach((event, i) => {
    if (i > 0 && event.at < clock.events[i - 1].at) problems.push({ field: `events[${i}]`, message: 'events must be in time order' });
    if (i > 0 && event.type === 'started') problems.push({ field: `events[${i}]`, message: 'a clock starts only once' });
    if (i > 0 && clock.events[i - 1].type === 'stopped') problems.push({ field: `events[${i}]`, message: 'nothing follows a stopped event' });
  });
  return problems;
}

/** The clock as it stands at `now`. */
export function evaluateClock(clock: SlaClock, now: Instant): ClockReading {
  const problems = clockProblems(clock);
  if (problems.length > 0) throw new RangeError(`invalid service level clock: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  if (clock.events[0].at > now) throw new RangeError(`the clock has not started by ${new Date(now).toISOString()}`);
  const timeline = replay(clock, now);
  const elapsedBusinessMs = timeline.spells.reduce((sum, spell) => sum + businessDuration(spell.calendar, spell.start, spell.end ?? now), 0);
  const dueAt = reachedAt(timeline.spells, clock.targetMs);
  const warnAt = reachedAt(timeline.spells, Math.round(clock.targetMs * clock.warningFraction));
  const state = stateOf(timeline, now, dueAt, warnAt);
  return {
    state,
    elapsedBusinessMs,
    pausedMs: timeline.pausedMs,
    remainingMs: clock.targetMs - elapsedBusinessMs,
    dueAt,
    warnAt,
    ...(state === 'breached' ? { breachedAt: dueAt! } : {}),
    ...(timeline.stoppedAt !== undefined ? { stoppedAt: timeline.stoppedAt } : {}),
  };
}

/**
 * Turn the events up to `now` into the spells in which the clock ran, each under the calendar
 * then in force. A repeated pause or a resume of a running clock changes nothing, since a ticket
 * workflow may send "pending customer" then "pending supplier" without resuming in between.
 */
function replay(clock: SlaClock, now: Instant): Timeline {
  const spells: RunningSpell[] = [];
  let calendar = clock.calendar;
  let runningSince: Instant | null = null;
  let pausedSince: Instant | null = null;
  let pausedMs = 0;
  let stoppedAt: Instant | undefined;
  const endSpell = (at: Instant) => {
    if (runningSince !== null) spells.push({ start: runningSince, end: at, calendar });
    runningSince = null;
  };
  const endPause = (at: Instant) => {
    if (pausedSince !== null) pausedMs += at - pausedSince;
    pausedSince = null;
  };
  for (const event of clock.events.filter((e) => e.at <= now)) {
    switch (event.type) {
      case 'started': runningSince = event.at; break;
      case 'paused': if (runningSince !== null) { endSpell(event.at); pausedSince = event.at; } break;
      case 'resumed': if (pausedSince !== null) { endPause(event.at); runningSince = event.at; } break;
      case 'calendarChanged':
        if (runningSince !== null) { endSpell(event.at); runningSince = event.at; }
        calendar = event.calendar;
        break;
      case 'stopped': endSpell(event.at); endPause(event.at); stoppedAt = event.at; break;
    }
  }
  const paused = pausedSince !== null;
  endPause(now);
  if (runningSince !== null) spells.push({ start: runningSince, end: null, calendar });
  return { spells, pausedMs, paused, stoppedAt };
}

/**
 * The earliest instant at which the clock's business time reaches `threshold`: inside a past
 * spell if it already has, projected forward in the running spell otherwise, or null when the
 * clock is paused or stopped short of it (the instant then depends on a resume that may not come).
 */
function reachedAt(spells: RunningSpell[], threshold: number): Instant | null {
  let counted = 0;
  for (const spell of spells) {
    if (spell.end === null) return addBusinessTime(spell.calendar, spell.start, threshold - counted);
    const length = businessDuration(spell.calendar, spell.start, spell.end);
    if (counted + length >= threshold) return addBusinessTime(spell.calendar, spell.start, threshold - counted);
    counted += length;
  }
  return null;
}

/**
 * Met means stopped no later than the due instant. Breached means the due instant has passed
 * without a stop, however it is paused now: a breach is never undone by pausing.
 */
function stateOf(timeline: Timeline, now: Instant, dueAt: Instant | null, warnAt: Instant | null): ClockState {
  if (timeline.stoppedAt !== undefined) return dueAt !== null && timeline.stoppedAt > dueAt ? 'breached' : 'met';
  if (dueAt !== null && now > dueAt) return 'breached';
  if (timeline.paused) return 'paused';
  if (warnAt !== null && now >= warnAt) return 'warning';
  return 'running';
}
