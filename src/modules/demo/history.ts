import type { AppContext } from '../../core/context.ts';
import { asOf } from '../../core/clock.ts';
import { addBusinessTime, workingIntervals, type BusinessCalendar, type Instant } from '../../domain/business-calendar.ts';
import { businessCalendarOf } from '../../domain/sla-timeline.ts';
import { snapshotOf } from '../service-levels/engine.ts';
import { bankHolidays, useBankHolidaysOf } from '../service-levels/holidays.ts';

/**
 * The demonstration's past: its incidents and requests are written as they would have happened
 * over the last working days, each step through the real services as of its own instant
 * (core/clock.ts), so that every record, SLA clock and journal entry of a step carries that
 * instant. People act in the service desk's office hours, bank holidays included.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The service desk's office hours, with the bank holidays it shuts on: when the demonstration's people work. */
export async function officeHours(ctx: AppContext): Promise<BusinessCalendar> {
  useBankHolidaysOf(ctx.config);
  const row = await ctx.db.selectFrom('business_calendar').select(['id', 'name', 'time_zone', 'hours', 'closures', 'bank_holidays']).where('name', '=', 'office-hours').executeTakeFirstOrThrow();
  return businessCalendarOf(snapshotOf(row), bankHolidays);
}

/** The instant `ms` of office time before `to`: with 0, `to` itself if the office is open then, else when it last closed. */
export function officeTimeBefore(office: BusinessCalendar, to: Instant, ms: number): Instant {
  for (let span = 14 * DAY; span <= 512 * DAY; span *= 2) {
    const stretches = workingIntervals(office, to - span, to);
    let remaining = ms;
    for (let i = stretches.length - 1; i >= 0; i--) {
      const { start, end } = stretches[i]!;
      if (remaining <= end - start) return end - remaining;
      remaining -= end - start;
    }
  }
  throw new RangeError(`the office calendar has no ${ms / HOUR} hours of opening in the last year and more`);
}

/**
 * One record's history, from its first step to the last time the office stood open by `now` (the
 * real time the demonstration loads at). Each step happens at a later instant in office time,
 * never after that end, and runs as of its instant; so does `begin`.
 */
export class Story {
  private last: Instant;

  private constructor(
    private readonly office: BusinessCalendar,
    private readonly endsAt: Instant,
    readonly startsAt: Instant,
  ) {
    this.last = startsAt;
  }

  /** A story that began `ageMinutes` of office time before the end. */
  static aged(office: BusinessCalendar, now: Instant, ageMinutes: number): Story {
    const endsAt = officeTimeBefore(office, now, 0);
    return new Story(office, endsAt, officeTimeBefore(office, endsAt, Math.max(0, ageMinutes) * MINUTE));
  }

  /** A story that began at an instant (moved to the office's last opening before it, if it was shut). */
  static from(office: BusinessCalendar, now: Instant, startsAt: Instant): Story {
    const endsAt = officeTimeBefore(office, now, 0);
    return new Story(office, endsAt, officeTimeBefore(office, Math.min(startsAt, endsAt), 0));
  }

  /** The first step: the record is written. */
  begin<T>(work: () => Promise<T>): Promise<T> {
    return asOf(new Date(this.startsAt), work);
  }

  /** A step `minutes` of office time after the last one (at least a minute; never after the story's end). */
  after<T>(minutes: number, work: () => Promise<T>): Promise<T> {
    return this.step(addBusinessTime(this.office, this.last, Math.max(1, minutes) * MINUTE), work);
  }

  /** A step `minutes` of office time after the story began, or a minute after the last step if that is later. */
  at<T>(minutes: number, work: () => Promise<T>): Promise<T> {
    return this.step(Math.max(addBusinessTime(this.office, this.startsAt, minutes * MINUTE), addBusinessTime(this.office, this.last, MINUTE)), work);
  }

  /** A step at an instant, or a minute after the last step if that is later (never after the story's end). */
  when<T>(instant: Instant, work: () => Promise<T>): Promise<T> {
    return this.step(Math.max(instant, addBusinessTime(this.office, this.last, MINUTE)), work);
  }

  private step<T>(at: Instant, work: () => Promise<T>): Promise<T> {
    this.last = Math.min(at, this.endsAt);
    return asOf(new Date(this.last), work);
  }
}
