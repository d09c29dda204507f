import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { weekdayHours } from '../../src/domain/business-calendar.ts';
import { bankHolidayClosures } from '../../src/domain/bank-holidays.ts';
import {
  calendarAt, changeCalendar, isPaused, pause, readClock, reopen, resume, stop, timersOf, type CalendarSnapshot, type HolidayLookup, type StoredClock, type StoredEvent,
} from '../../src/domain/sla-timeline.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (instant: number | null | undefined) => (instant == null ? instant : new Date(instant).toISOString());

const published: unknown = JSON.parse(readFileSync(new URL('../../../shared/data/calendar/uk-bank-holidays.json', import.meta.url), 'utf8'));
const holidays: HolidayLookup = (division) => bankHolidayClosures(published, division);
const none: HolidayLookup = () => [];

const office: CalendarSnapshot = { name: 'office-hours', timeZone: 'Europe/London', hours: weekdayHours('08:00', '18:30'), closures: [], bankHolidays: 'england-and-wales' };
const roundTheClock: CalendarSnapshot = { name: '24x7', timeZone: 'Europe/London', hours: '24x7', closures: [], bankHolidays: null };

function clock(targetHours: number, events: StoredEvent[], calendar = office, extra: Partial<StoredClock> = {}): StoredClock {
  return { targetMs: targetHours * HOUR, warningFraction: 0.75, calendar, events, warnedAt: null, breachedAt: null, ...extra };
}

describe('a stored clock read at an instant', () => {
  test('bank holidays come from the division named in the snapshot: Good Friday and Easter Monday 2026 are shut', () => {
    // 8 hours from Thursday 2 April 17:00 BST: due Tuesday 7 April 14:30 BST.
    const c = clock(8, [{ type: 'started', at: at('2026-04-02T16:00Z') }]);
    assert.equal(iso(readClock(c, at('2026-04-02T16:00Z'), holidays).dueAt), '2026-04-07T13:30:00.000Z');
    // Without the published list, Good Friday would count: due Friday 3 April 14:30 BST.
    assert.equal(iso(readClock(c, at('2026-04-02T16:00Z'), none).dueAt), '2026-04-03T13:30:00.000Z');
  });

  test('a clock stopped as cancelled reads cancelled, neither met nor breached, and needs no timer', () => {
    const c = clock(8, stop([{ type: 'started', at: at('2026-06-08T08:00Z') }], at('2026-06-08T10:00Z'), 'cancelled'));
    const reading = readClock(c, at('2026-06-09T12:00Z'), holidays);
    assert.equal(reading.state, 'cancelled');
    assert.equal(reading.elapsedBusinessMs, 2 * HOUR);
    assert.deepEqual(timersOf(c, reading), { warningAt: null, breachAt: null });
  });

  test('a recorded breach stays a breach when a lowered priority moves the due time out', () => {
    const c = clock(24, [{ type: 'started', at: at('2026-06-08T08:00Z') }], office, { breachedAt: at('2026-06-08T16:00Z') });
    const reading = readClock(c, at('2026-06-08T17:00Z'), holidays);
    assert.equal(reading.state, 'breached');
    assert.equal(iso(reading.breachedAt), '2026-06-08T16:00:00.000Z');
    assert.equal(timersOf(c, reading).breachAt, null, 'recorded once: no second breach job');
  });

  test('read before its start, a clock reads as at its start', () => {
    const c = clock(5, [{ type: 'started', at: at('2026-12-24T16:00Z') }], roundTheClock);
    const reading = readClock(c, at('2026-11-01T00:00Z'), holidays);
    assert.equal(reading.elapsedBusinessMs, 0);
    assert.equal(iso(reading.dueAt), '2026-12-24T21:00:00.000Z');
  });
});

describe('timers', () => {
  const started = [{ type: 'started', at: at('2026-06-08T08:00Z') }] as StoredEvent[];

  test('a running clock wants its warning at the warning instant and its breach a millisecond after due', () => {
    const c = clock(8, started);
    const timers = timersOf(c, readClock(c, at('2026-06-08T09:00Z'), holidays));
    assert.equal(iso(timers.warningAt), '2026-06-08T14:00:00.000Z');
    assert.equal(iso(timers.breachAt), '2026-06-08T16:00:00.001Z');
  });

  test('a paused clock needs neither; a warned one only its breach; one stopped in time neither', () => {
    const paused = clock(8, pause(started, at('2026-06-08T10:00Z')));
    assert.deepEqual(timersOf(paused, readClock(paused, at('2026-06-08T11:00Z'), holidays)), { warningAt: null, breachAt: null });
    const warned = clock(8, started, office, { warnedAt: at('2026-06-08T14:00Z') });
    assert.equal(timersOf(warned, readClock(warned, at('2026-06-08T14:30Z'), holidays)).warningAt, null);
    const met = clock(8, stop(started, at('2026-06-08T16:00Z'), 'resolved'));
    assert.deepEqual(timersOf(met, readClock(met, at('2026-06-08T17:00Z'), holidays)), { warningAt: null, breachAt: null });
  });

  test('a clock stopped after its due time still has its breach to record; past due, no warning is wanted', () => {
    const late = clock(8, stop(started, at('2026-06-08T17:00Z'), 'resolved'));
    const reading = readClock(late, at('2026-06-08T17:00Z'), holidays);
    assert.equal(reading.state, 'breached');
    assert.deepEqual(timersOf(late, reading), { warningAt: null, breachAt: at('2026-06-08T16:00Z') + 1 });
  });
});

describe('reopening a resolution', () => {
  // 8-hour target from Monday 8 June 09:00 BST; resolved at 12:00 (3 h used); reopened Tuesday 09:00 BST.
  const resolved = stop([{ type: 'started', at: at('2026-06-08T08:00Z') }], at('2026-06-08T11:00Z'), 'resolved');
  const reopened = reopen(resolved, at('2026-06-09T08:00Z'));

  test('the business time before the resolution counts; the time until the reopening does not', () => {
    const reading = readClock(clock(8, reopened), at('2026-06-09T10:00Z'), holidays);
    assert.equal(reading.state, 'running');
    assert.equal(reading.elapsedBusinessMs, 5 * HOUR);
    assert.equal(reading.pausedMs, 0, 'waiting to be reopened is not a pause for the customer');
    assert.equal(iso(reading.dueAt), '2026-06-09T13:00:00.000Z', '3 hours left from 09:00 BST Tuesday');
  });

  test('it can be resolved again, and met or breached on the same target', () => {
    const again = stop(reopened, at('2026-06-09T10:30Z'), 'resolved');
    assert.equal(readClock(clock(8, again), at('2026-06-09T12:00Z'), holidays).state, 'met');
    const late = stop(reopened, at('2026-06-09T13:30Z'), 'resolved');
    assert.equal(readClock(clock(8, late), at('2026-06-09T14:00Z'), holidays).state, 'breached');
  });

  test('only a resolution is reopened: a clock stopped by a response or a cancellation stays stopped', () => {
    const responded = stop([{ type: 'started', at: 0 }], 1000, 'responded');
    assert.equal(reopen(responded, 5000), responded);
    const cancelled = stop([{ type: 'started', at: 0 }], 1000, 'cancelled');
    assert.equal(reopen(cancelled, 5000), cancelled);
  });

  test('pending customer before the resolution is still pause time after the reopening', () => {
    let events: StoredEvent[] = [{ type: 'started', at: at('2026-06-08T08:00Z') }];
    events = pause(events, at('2026-06-08T09:00Z'), 'pending customer');
    events = stop(events, at('2026-06-08T10:00Z'), 'resolved');
    events = reopen(events, at('2026-06-08T12:00Z'));
    const reading = readClock(clock(8, events), at('2026-06-08T13:00Z'), holidays);
    assert.equal(reading.pausedMs, HOUR);
    assert.equal(reading.elapsedBusinessMs, 2 * HOUR);
  });
});

describe('timeline edits', () => {
  test('a repeated pause, a resume of a running clock and anything after a stop change nothing', () => {
    const started: StoredEvent[] = [{ type: 'started', at: 0 }];
    const paused = pause(started, 10);
    assert.equal(pause(paused, 20), paused);
    assert.equal(resume(started, 20), started);
    const stopped = stop(started, 30, 'resolved');
    assert.equal(pause(stopped, 40), stopped);
    assert.equal(changeCalendar(stopped, 40, roundTheClock), stopped);
    assert.equal(stop(stopped, 50, 'cancelled'), stopped);
  });

  test('an event is never placed before the latest one', () => {
    const events = pause([{ type: 'started', at: 1000 }], 500);
    assert.equal(events[1]!.at, 1000);
  });

  test('the calendar in force follows the changes', () => {
    const events = changeCalendar([{ type: 'started', at: at('2026-06-08T16:00Z') }], at('2026-06-08T17:00Z'), roundTheClock);
    const c = clock(5, events);
    assert.equal(calendarAt(c, at('2026-06-08T16:30Z')).name, 'office-hours');
    assert.equal(calendarAt(c).name, '24x7');
    // One office hour, then round the clock: due 22:00 BST the same evening.
    assert.equal(iso(readClock(c, at('2026-06-08T18:00Z'), holidays).dueAt), '2026-06-08T21:00:00.000Z');
  });

  test('property: whatever the record does, elapsed + remaining is the target and the paused flag matches the last pause or resume', () => {
    const step = fc.record({ gap: fc.integer({ min: 0, max: 30 * HOUR }), op: fc.constantFrom('pause', 'resume', 'resolve', 'reopen', 'calendar') });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), fc.integer({ min: 0, max: 10 * HOUR }), (steps, tail) => {
        let t = at('2026-03-23T09:00Z');
        let events: StoredEvent[] = [{ type: 'started', at: t }];
        for (const s of steps) {
          t += s.gap;
          if (s.op === 'pause') events = pause(events, t, 'pending customer');
          if (s.op === 'resume') events = resume(events, t);
          if (s.op === 'resolve') events = stop(events, t, 'resolved');
          if (s.op === 'reopen') events = reopen(events, t);
          if (s.op === 'calendar') events = changeCalendar(events, t, calendarAt({ calendar: office, events }).name === 'office-hours' ? roundTheClock : office);
        }
        events.forEach((e, i) => assert.ok(i === 0 || e.at >= events[i - 1]!.at, 'in time order'));
        const c = clock(24, events);
        const reading = readClock(c, t + tail, holidays);
        assert.equal(reading.elapsedBusinessMs + reading.remainingMs, c.targetMs);
        assert.ok(reading.pausedMs >= 0);
        if (isPaused(events)) assert.ok(['paused', 'breached'].includes(reading.state), reading.state);
      }),
      { numRuns: 200 },
    );
  });
});
