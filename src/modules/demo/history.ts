import type { AppContext } from '../../core/context.ts';
import { asOf } from '../../core/clock.ts';
import { addBusinessTime, workingIntervals, type BusinessCalendar, type Instant } from '../../domain/business-calendar.ts';
import { businessCalendarOf } from '../../domain/sla-timeline.ts';
import { snapshotOf } from '../service-levels/engine.ts';
import { bankHolidays, useBankHolidaysOf } from '../service-levels/holidays.ts';

/**
 * The demonstration's past: its incidents and requests are written as they would have happened
 * over the last working days, every step through the real services as of its own instant
 * (core/clock.ts), all records' steps in one time order (`History`), so that every record, SLA
 * clock, number and journal entry of a step carries that instant and follows the ones before it.
 * People act in the service desk's office hours, bank holidays included.
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

/** Thrown from a step planned past a story's end: the story stops there, its later steps dropped. */
class StoryEnded extends Error {}

interface Waiting {
  at: Instant;
  story: number;
  go: () => void;
}

/**
 * The demonstration's past as one discrete-event simulation. Each record's story is an async
 * function whose steps (`begin`, `after`, `at`, `when`) say their instant and wait; once every
 * story still running has said its next step (or finished), the earliest step runs, as of its
 * instant, and then the next. So all stories' steps happen in one time order, as they would have:
 * numbers are given, and the journal chained, in the order things happened. Before each step the
 * timers that fell due by its instant fire (`fireDue`, each as of its own due time), so a warning
 * or breach is written when it fell due, between the steps around it. A step that would fall
 * after a story's end (the last instant the office stood open by `now`, the real time the
 * demonstration loads at) is dropped with the rest of its story, rather than squeezed in at the end. Which step
 * runs next depends only on the instants and the order the stories were told in, so a seeded
 * demonstration is the same every time.
 */
export class History {
  /** The last instant the office stood open by `now`: people's stories end there. */
  readonly officeEnd: Instant;
  private readonly stories: Array<() => Promise<void>> = [];
  private readonly waiting: Waiting[] = [];
  private live = 0;
  private failure: { error: unknown } | null = null;
  private changed: () => void = () => {};

  constructor(
    readonly office: BusinessCalendar,
    readonly now: Instant,
    private readonly fireDue: (upTo: Date) => Promise<unknown>,
  ) {
    this.officeEnd = officeTimeBefore(office, now, 0);
  }

  /** Tells a story of people at work that began `ageMinutes` of office time before the office last closed. */
  aged(ageMinutes: number, plot: (story: Story) => Promise<unknown>): void {
    this.tell(officeTimeBefore(this.office, this.officeEnd, Math.max(0, ageMinutes) * MINUTE), plot);
  }

  private tell(startsAt: Instant, plot: (story: Story) => Promise<unknown>): void {
    const story = new Story(this, this.stories.length, this.office, this.officeEnd, startsAt);
    // A step past the story's end ends it; any other failure stops the whole history.
    this.stories.push(async () => {
      try {
        await plot(story);
      } catch (error) {
        if (!(error instanceof StoryEnded)) this.failure ??= { error };
      }
    });
  }

  /** Runs every story told, step by step in time order; then fires the timers due by `now`. */
  async run(): Promise<void> {
    for (const plot of this.stories) {
      this.live++;
      void plot().finally(() => {
        this.live--;
        this.changed();
      });
    }
    for (;;) {
      await new Promise<void>((resolve) => {
        this.changed = () => {
          if (this.failure || this.waiting.length >= this.live) resolve();
        };
        this.changed();
      });
      if (this.failure) throw this.failure.error;
      if (this.live === 0) break;
      // The earliest step; at the same instant, the story told first.
      let next = 0;
      for (let i = 1; i < this.waiting.length; i++) {
        const [a, b] = [this.waiting[i]!, this.waiting[next]!];
        if (a.at < b.at || (a.at === b.at && a.story < b.story)) next = i;
      }
      const [step] = this.waiting.splice(next, 1);
      await this.fireDue(new Date(step!.at));
      step!.go();
    }
    await this.fireDue(new Date(Math.min(this.now, Date.now())));
  }

  /** Waits for the turn of a step of story `story` at `at`. */
  turn(story: number, at: Instant): Promise<void> {
    return new Promise<void>((go) => {
      this.waiting.push({ at, story, go });
      this.changed();
    });
  }
}

/**
 * One record's history in a `History`, from its first step on. Each step happens at a later
 * instant, in office time (or in plain time, round the clock), and runs as of its instant, in its
 * turn among every story's steps; a step that would fall after the story's end is dropped, and
 * the rest of the story with it.
 */
export class Story {
  private last: Instant;
  private clockTime = false;

  constructor(
    private readonly history: History,
    readonly index: number,
    private readonly office: BusinessCalendar,
    private endsAt: Instant,
    readonly startsAt: Instant,
  ) {
    this.last = startsAt;
  }

  /** From here on, steps count plain time, round the clock, and may run until the real time of loading. */
  roundTheClock(): this {
    this.clockTime = true;
    this.endsAt = this.history.now;
    return this;
  }

  /** The first step: the record is written. */
  begin<T>(work: () => Promise<T>): Promise<T> {
    return this.step(this.startsAt, work);
  }

  /** A step `minutes` after the last one (at least a minute). */
  after<T>(minutes: number, work: () => Promise<T>): Promise<T> {
    return this.step(this.plus(this.last, Math.max(1, minutes)), work);
  }

  /** A step `minutes` after the story began, or a minute after the last step if that is later. */
  at<T>(minutes: number, work: () => Promise<T>): Promise<T> {
    return this.step(Math.max(this.plus(this.startsAt, minutes), this.plus(this.last, 1)), work);
  }

  /** A step at an instant, or a minute after the last step if that is later. */
  when<T>(instant: Instant, work: () => Promise<T>): Promise<T> {
    return this.step(Math.max(instant, this.plus(this.last, 1)), work);
  }

  private plus(from: Instant, minutes: number): Instant {
    return this.clockTime ? from + minutes * MINUTE : addBusinessTime(this.office, from, minutes * MINUTE);
  }

  private async step<T>(at: Instant, work: () => Promise<T>): Promise<T> {
    if (at > this.endsAt) throw new StoryEnded();
    this.last = at;
    await this.history.turn(this.index, at);
    return asOf(new Date(at), work);
  }
}
