import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { businessDuration, twentyFourSeven, weekdayHours, type BusinessCalendar } from '../../src/domain/business-calendar.ts';
import { bankHolidayClosures } from '../../src/domain/bank-holidays.ts';
import { evaluateClock, type ClockEvent, type SlaClock } from '../../src/domain/sla-clock.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (instant: number | null | undefined) => (instant == null ? instant : new Date(instant).toISOString());

const englandAndWales = bankHolidayClosures(JSON.parse(readFileSync(new URL('../../../shared/data/calendar/uk-bank-holidays.json', import.meta.url), 'utf8')), 'england-and-wales');
/** Monday to Friday 08:00–18:30 London time, shut on English bank holidays. */
const office: BusinessCalendar = { timeZone: 'Europe/London', hours: weekdayHours('08:00', '18:30'), closures: englandAndWales };
const roundTheClock = twentyFourSeven('Europe/London');

function clock(targetHours: number, events: ClockEvent[], calendar = office): SlaClock {
  return { targetMs: targetHours * HOUR, calendar, warningFraction: 0.75, events };
}

describe('a clock on office hours (all times BST unless marked)', () => {
  // Monday 8 June 2026 09:00 BST, an 8-hour resolution target, warning at 75%.
  const monday = clock(8, [{ type: 'started', at: at('2026-06-08T08:00Z') }]);

  test('running at 12:00: 3 hours elapsed, due 17:00, warning at 15:00', () => {
    const reading = evaluateClock(monday, at('2026-06-08T11:00Z'));
    assert.equal(reading.state, 'running');
    assert.equal(reading.elapsedBusinessMs, 3 * HOUR);
    assert.equal(reading.remainingMs, 5 * HOUR);
    assert.equal(reading.pausedMs, 0);
    assert.equal(iso(reading.dueAt), '2026-06-08T16:00:00.000Z');
    assert.equal(iso(reading.warnAt), '2026-06-08T14:00:00.000Z');
  });

  test('warning from 15:00, breached after 17:00, with the breach instant and the overrun', () => {
    assert.equal(evaluateClock(monday, at('2026-06-08T14:30Z')).state, 'warning');
    assert.equal(evaluateClock(monday, at('2026-06-08T16:00Z')).state, 'warning'); // due this instant, not yet late
    const late = evaluateClock(monday, at('2026-06-08T16:30Z'));
    assert.equal(late.state, 'breached');
    assert.equal(iso(late.breachedAt), '2026-06-08T16:00:00.000Z');
    assert.equal(late.remainingMs, -0.5 * HOUR);
  });

  test('resolved at 16:45 is met with a quarter of an hour to spare; resolved at 17:00 exactly is still met', () => {
    const resolved = (stop: string) => evaluateClock(clock(8, [...monday.events, { type: 'stopped', at: at(stop) }]), at('2026-06-10T12:00Z'));
    const early = resolved('2026-06-08T15:45Z');
    assert.deepEqual([early.state, early.remainingMs, iso(early.stoppedAt), early.dueAt], ['met', 0.25 * HOUR, '2026-06-08T15:45:00.000Z', null]);
    assert.equal(resolved('2026-06-08T16:00Z').state, 'met');
    assert.equal(resolved('2026-06-08T16:00:00.001Z').state, 'breached');
  });

  test('resolved on Saturday after a Friday 18:30 due time is breached, though no business time passed after it', () => {
    const friday = clock(1, [{ type: 'started', at: at('2026-06-12T16:30Z') }, { type: 'stopped', at: at('2026-06-13T10:00Z') }]);
    const reading = evaluateClock(friday, at('2026-06-13T10:00Z'));
    assert.equal(reading.state, 'breached');
    assert.equal(reading.remainingMs, 0);
    assert.equal(iso(reading.breachedAt), '2026-06-12T17:30:00.000Z');
  });
});

describe('pauses', () => {
  // Friday 12 June 2026 14:00; pending customer from 17:00 Friday to 09:00 Monday 15 June.
  const started: ClockEvent = { type: 'started', at: at('2026-06-12T13:00Z') };
  const pendingCustomer: ClockEvent[] = [started, { type: 'paused', at: at('2026-06-12T16:00Z'), reason: 'pending customer' }, { type: 'resumed', at: at('2026-06-15T08:00Z') }];

  test('paused over the weekend: no due time while paused, and the wall time paused is counted', () => {
    const saturday = evaluateClock(clock(8, pendingCustomer), at('2026-06-13T12:00Z'));
    assert.deepEqual([saturday.state, saturday.elapsedBusinessMs, saturday.remainingMs, saturday.pausedMs, saturday.dueAt, saturday.warnAt], ['paused', 3 * HOUR, 5 * HOUR, 20 * HOUR, null, null]);
  });

  test('resumed Monday 09:00: the pause took 2.5 business hours (Friday 17:00–18:30, Monday 08:00–09:00) off the clock, so due moves from 11:30 to 14:00', () => {
    const withPause = evaluateClock(clock(8, pendingCustomer), at('2026-06-15T09:00Z'));
    assert.deepEqual([withPause.state, withPause.elapsedBusinessMs, withPause.pausedMs], ['running', 4 * HOUR, 64 * HOUR]);
    assert.equal(iso(withPause.dueAt), '2026-06-15T13:00:00.000Z');
    assert.equal(iso(withPause.warnAt), '2026-06-15T11:00:00.000Z'); // 6 hours: 3 on Friday, 3 from 09:00
    const withoutPause = evaluateClock(clock(8, [started]), at('2026-06-15T09:00Z'));
    assert.equal(iso(withoutPause.dueAt), '2026-06-15T10:30:00.000Z');
  });

  test('a breach is not undone by pausing afterwards', () => {
    const events: ClockEvent[] = [{ type: 'started', at: at('2026-06-08T08:00Z') }, { type: 'paused', at: at('2026-06-08T10:00Z') }];
    const reading = evaluateClock(clock(1, events), at('2026-06-08T11:00Z'));
    assert.equal(reading.state, 'breached');
    assert.equal(iso(reading.breachedAt), '2026-06-08T09:00:00.000Z');
  });

  test('a second pause without a resume, or a resume of a running clock, changes nothing; future events are not yet counted', () => {
    const noisy: ClockEvent[] = [started, { type: 'resumed', at: at('2026-06-12T14:00Z') }, ...pendingCustomer.slice(1, 2), { type: 'paused', at: at('2026-06-13T09:00Z'), reason: 'pending supplier' }, ...pendingCustomer.slice(2), { type: 'stopped', at: at('2026-06-20T00:00Z') }];
    assert.deepEqual(evaluateClock(clock(8, noisy), at('2026-06-15T09:00Z')), evaluateClock(clock(8, pendingCustomer), at('2026-06-15T09:00Z')));
  });
});

describe('a change of calendar while the clock runs', () => {
  test('raised to a 24×7 service at 18:00 Monday: 1 office hour before, then round the clock, due 22:00 instead of 11:30 Tuesday', () => {
    const start: ClockEvent = { type: 'started', at: at('2026-06-08T16:00Z') };
    const upgraded = clock(5, [start, { type: 'calendarChanged', at: at('2026-06-08T17:00Z'), calendar: roundTheClock }]);
    const reading = evaluateClock(upgraded, at('2026-06-08T19:00Z'));
    assert.equal(reading.elapsedBusinessMs, 3 * HOUR);
    assert.equal(iso(reading.dueAt), '2026-06-08T21:00:00.000Z');
    assert.equal(iso(evaluateClock(clock(5, [start]), at('2026-06-08T19:00Z')).dueAt), '2026-06-09T10:30:00.000Z');
  });

  test('lowered to office hours at 18:00 Friday after an hour of 24×7: the other 4 hours run half an hour on Friday and 3.5 on Monday', () => {
    const lowered = clock(5, [{ type: 'started', at: at('2026-06-12T16:00Z') }, { type: 'calendarChanged', at: at('2026-06-12T17:00Z'), calendar: office }], roundTheClock);
    assert.equal(iso(evaluateClock(lowered, at('2026-06-13T12:00Z')).dueAt), '2026-06-15T10:30:00.000Z');
  });

  test('changed while paused: the new calendar counts from the resume (Saturday 10:00 on 24×7, due 14:00)', () => {
    const events: ClockEvent[] = [
      { type: 'started', at: at('2026-06-08T08:00Z') },
      { type: 'paused', at: at('2026-06-08T09:00Z') },
      { type: 'calendarChanged', at: at('2026-06-08T11:00Z'), calendar: roundTheClock },
      { type: 'resumed', at: at('2026-06-13T09:00Z') },
    ];
    assert.equal(iso(evaluateClock(clock(5, events), at('2026-06-13T09:00Z')).dueAt), '2026-06-13T13:00:00.000Z');
  });
});

describe('long targets and daylight saving', () => {
  test('40 business hours from Thursday 2 April 2026 09:00 cross Easter and fall due Thursday 9 April 17:30', () => {
    const easter = clock(40, [{ type: 'started', at: at('2026-04-02T08:00Z') }]);
    const tuesday = evaluateClock(easter, at('2026-04-07T11:00Z'));
    assert.equal(tuesday.elapsedBusinessMs, 13.5 * HOUR);
    assert.equal(iso(tuesday.dueAt), '2026-04-09T16:30:00.000Z');
  });

  test('a three-week target on 24×7 from midnight 12 October 2026 falls due at 23:00 GMT on 1 November, since 25 October had 25 hours', () => {
    const reading = evaluateClock(clock(21 * 24, [{ type: 'started', at: at('2026-10-11T23:00Z') }], roundTheClock), at('2026-10-20T00:00Z'));
    assert.equal(iso(reading.dueAt), '2026-11-01T23:00:00.000Z');
  });

  test('a 5-hour severity 1 target raised at 23:00 GMT on Saturday 28 March 2026 falls due at 05:00 BST, six hours later by the clock on the wall', () => {
    const reading = evaluateClock(clock(5, [{ type: 'started', at: at('2026-03-28T23:00Z') }], roundTheClock), at('2026-03-28T23:00Z'));
    assert.equal(iso(reading.dueAt), '2026-03-29T04:00:00.000Z');
  });
});

describe('impossible clocks are refused', () => {
  test('events out of order, no start, a start after now, a bad target', () => {
    const start: ClockEvent = { type: 'started', at: at('2026-06-08T08:00Z') };
    assert.throws(() => evaluateClock(clock(8, [start, { type: 'paused', at: at('2026-06-08T07:00Z') }]), at('2026-06-09T00:00Z')), /events\[1\]: events must be in time order/);
    assert.throws(() => evaluateClock(clock(8, [{ type: 'paused', at: at('2026-06-08T07:00Z') }]), at('2026-06-09T00:00Z')), /a clock starts with a started event/);
    assert.throws(() => evaluateClock(clock(8, [start]), at('2026-06-07T00:00Z')), /has not started/);
    assert.throws(() => evaluateClock(clock(0, [start]), at('2026-06-09T00:00Z')), /targetMs/);
    assert.throws(() => evaluateClock({ ...clock(8, [start]), warningFraction: 1.5 }, at('2026-06-09T00:00Z')), /warningFraction/);
    assert.throws(() => evaluateClock(clock(8, [start, { type: 'stopped', at: start.at + 1 }, { type: 'resumed', at: start.at + 2 }]), start.at + 3), /nothing follows a stopped event/);
  });
});

// Property tests over random timelines: a start, then pauses, resumes and calendar changes.
const calendars = [office, roundTheClock, { timeZone: 'Europe/London', hours: weekdayHours('09:00', '17:00'), closures: [] } satisfies BusinessCalendar];
const startAt = fc.integer({ min: at('2026-01-01T00:00Z'), max: at('2027-06-01T00:00Z') });
const step = fc.tuple(fc.integer({ min: 0, max: 72 * HOUR }), fc.oneof(
  fc.constant({ type: 'paused' as const }),
  fc.constant({ type: 'resumed' as const }),
  fc.integer({ min: 0, max: calendars.length - 1 }).map((i) => ({ type: 'calendarChanged' as const, calendar: calendars[i] })),
));
const timeline = fc.tuple(startAt, fc.array(step, { maxLength: 6 })).map(([start, steps]) => {
  const events: ClockEvent[] = [{ type: 'started', at: start }];
  let time = start;
  for (const [gap, event] of steps) { time += gap; events.push({ ...event, at: time } as ClockEvent); }
  return events;
});
const anyClock = fc.record({
  targetMs: fc.integer({ min: 1, max: 200 * HOUR }),
  calendar: fc.constantFrom(...calendars),
  warningFraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
  events: timeline,
});
const laterBy = fc.integer({ min: 0, max: 800 * HOUR });

describe('properties of the clock', () => {
  test('elapsed and remaining always add up to the target; paused time never exceeds wall time', () => {
    fc.assert(fc.property(anyClock, laterBy, (c, later) => {
      const now = c.events[c.events.length - 1].at + later;
      const reading = evaluateClock(c, now);
      assert.equal(reading.elapsedBusinessMs + reading.remainingMs, c.targetMs);
      assert.ok(reading.pausedMs >= 0 && reading.pausedMs <= now - c.events[0].at);
      if (reading.state === 'breached') assert.ok(reading.breachedAt! < now);
    }), { numRuns: 100 });
  });

  test('elapsed business time never decreases as time goes on', () => {
    fc.assert(fc.property(anyClock, laterBy, laterBy, (c, a, b) => {
      const base = c.events[0].at;
      const [early, late] = a < b ? [a, b] : [b, a];
      assert.ok(evaluateClock(c, base + early).elapsedBusinessMs <= evaluateClock(c, base + late).elapsedBusinessMs);
    }), { numRuns: 100 });
  });

  test('pausing never reduces the time remaining', () => {
    fc.assert(fc.property(anyClock, laterBy, laterBy, laterBy, (c, pauseAfter, pauseFor, later) => {
      const start = c.events[0];
      const plain: SlaClock = { ...c, events: [start] };
      const paused: SlaClock = { ...c, events: [start, { type: 'paused', at: start.at + pauseAfter }, { type: 'resumed', at: start.at + pauseAfter + pauseFor }] };
      const now = start.at + later;
      assert.ok(evaluateClock(paused, now).remainingMs >= evaluateClock(plain, now).remainingMs);
    }), { numRuns: 100 });
  });

  test('without pauses or changes, a running clock falls due when exactly the target of business time has passed', () => {
    fc.assert(fc.property(anyClock, laterBy, (c, later) => {
      const start = c.events[0].at;
      const reading = evaluateClock({ ...c, events: [c.events[0]] }, start + later);
      assert.equal(businessDuration(c.calendar, start, reading.dueAt!), c.targetMs);
      assert.ok(reading.warnAt! <= reading.dueAt!);
    }), { numRuns: 100 });
  });
});
