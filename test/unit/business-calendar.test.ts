import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  addBusinessTime, businessDuration, calendarProblems, CalendarNeverOpensError, isOpen, twentyFourSeven,
  weekdayHours, workingIntervals, WEEKDAYS, type BusinessCalendar, type Closure, type WeeklyHours,
} from '../../src/domain/business-calendar.ts';
import { bankHolidayClosures } from '../../src/domain/bank-holidays.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (instant: number) => new Date(instant).toISOString();
const hours = (ms: number) => ms / HOUR;

// The real published file, as shipped beside the project.
const englandAndWales = bankHolidayClosures(JSON.parse(readFileSync(new URL('../../../shared/data/calendar/uk-bank-holidays.json', import.meta.url), 'utf8')), 'england-and-wales');

/** The service desk: Monday to Friday 08:00–18:30 London time, shut on English bank holidays. */
const office: BusinessCalendar = { timeZone: 'Europe/London', hours: weekdayHours('08:00', '18:30'), closures: englandAndWales };
const everyDay = (opens: string, closes: string): WeeklyHours =>
  Object.fromEntries(WEEKDAYS.map((d) => [d, [{ opens, closes }]])) as WeeklyHours;
const sevenDays: BusinessCalendar = { timeZone: 'Europe/London', hours: everyDay('08:00', '18:30'), closures: [] };
const roundTheClock = twentyFourSeven('Europe/London');

describe('opening hours through daylight-saving changes (Europe/London)', () => {
  test('Sunday 29 March 2026, clocks go forward at 01:00 UTC: 08:00–18:30 BST is still 10.5 hours, at 07:00–17:30 UTC', () => {
    assert.deepEqual(workingIntervals(sevenDays, at('2026-03-29T00:00Z'), at('2026-03-30T00:00Z')).map((i) => [iso(i.start), iso(i.end)]),
      [['2026-03-29T07:00:00.000Z', '2026-03-29T17:30:00.000Z']]);
    // The Saturday before is still GMT.
    assert.equal(hours(businessDuration(sevenDays, at('2026-03-28T08:00Z'), at('2026-03-28T18:30Z'))), 10.5);
  });

  test('Sunday 25 October 2026, clocks go back: 08:00–18:30 GMT is 10.5 hours, the Saturday before is BST', () => {
    assert.equal(hours(businessDuration(sevenDays, at('2026-10-25T00:00Z'), at('2026-10-26T00:00Z'))), 10.5);
    assert.deepEqual(workingIntervals(sevenDays, at('2026-10-24T00:00Z'), at('2026-10-26T00:00Z')).map((i) => [iso(i.start), iso(i.end)]), [
      ['2026-10-24T07:00:00.000Z', '2026-10-24T17:30:00.000Z'],
      ['2026-10-25T08:00:00.000Z', '2026-10-25T18:30:00.000Z'],
    ]);
  });

  test('a 24×7 calendar has a 23-hour day on 29 March 2026 and a 25-hour day on 25 October 2026', () => {
    // Local midnight to local midnight.
    assert.equal(hours(businessDuration(roundTheClock, at('2026-03-29T00:00Z'), at('2026-03-29T23:00Z'))), 23);
    assert.equal(hours(businessDuration(roundTheClock, at('2026-10-24T23:00Z'), at('2026-10-26T00:00Z'))), 25);
    // Opening hours of 00:00–24:00 every day say the same thing the long way round, in one stretch.
    const allDay: BusinessCalendar = { timeZone: 'Europe/London', hours: everyDay('00:00', '24:00'), closures: [] };
    assert.deepEqual(workingIntervals(allDay, at('2026-10-24T23:00Z'), at('2026-10-26T00:00Z')), [{ start: at('2026-10-24T23:00Z'), end: at('2026-10-26T00:00Z') }]);
  });

  test('opening hours spanning the skipped hour count only the hour that exists; spanning the repeated hour count it twice', () => {
    const smallHours: BusinessCalendar = { timeZone: 'Europe/London', hours: { ...everyDay('00:30', '02:30') }, closures: [] };
    // 29 March: 00:30–01:00 GMT, then 02:00–02:30 BST, which are consecutive instants.
    assert.deepEqual(workingIntervals(smallHours, at('2026-03-29T00:00Z'), at('2026-03-29T12:00Z')), [{ start: at('2026-03-29T00:30Z'), end: at('2026-03-29T01:30Z') }]);
    // 25 October: 00:30–02:00 BST (23:30–01:00 UTC), then 01:00–02:30 GMT again.
    assert.equal(hours(businessDuration(smallHours, at('2026-10-24T12:00Z'), at('2026-10-25T12:00Z'))), 3);
  });

  test('a Monday-to-Friday desk is shut all weekend, DST or not', () => {
    assert.equal(businessDuration(office, at('2026-03-27T18:30Z'), at('2026-03-30T07:00Z')), 0);
    assert.equal(isOpen(office, at('2026-03-30T07:00Z')), true); // 08:00 BST on Monday
    assert.equal(isOpen(office, at('2026-03-27T07:30Z')), false); // 07:30 GMT on Friday
  });
});

describe('bank holidays and closures', () => {
  test('Easter 2026: from Thursday 2 April 17:00 BST, 8 business hours skip Good Friday and Easter Monday, due Tuesday 7 April 14:30 BST', () => {
    assert.equal(iso(addBusinessTime(office, at('2026-04-02T16:00Z'), 8 * HOUR)), '2026-04-07T13:30:00.000Z');
    assert.equal(isOpen(office, at('2026-04-03T11:00Z')), false);
  });

  test('Christmas 2026: Boxing Day falls on a Saturday, so the desk is shut on the substitute Monday 28 December', () => {
    assert.ok(englandAndWales.some((c) => c.from === '2026-12-28' && c.title.startsWith('Boxing Day')));
    // Thursday 24 December 16:00 GMT + 5 hours: 2.5 on Thursday, then Tuesday 29 December from 08:00.
    assert.equal(iso(addBusinessTime(office, at('2026-12-24T16:00Z'), 5 * HOUR)), '2026-12-29T10:30:00.000Z');
  });

  test('a 40-business-hour target crossing the early May bank holiday weekend', () => {
    // Friday 1 May 2026 12:00 BST: 6.5 h Friday; Monday 4 May shut; Tue 10.5, Wed 10.5, Thu 10.5 → 38; Friday 8 May 08:00 + 2 h.
    const due = addBusinessTime(office, at('2026-05-01T11:00Z'), 40 * HOUR);
    assert.equal(iso(due), '2026-05-08T09:00:00.000Z');
    assert.equal(businessDuration(office, at('2026-05-01T11:00Z'), due), 40 * HOUR);
  });

  test('a three-week target (15 working days) across the clocks going forward and Easter', () => {
    // Monday 16 March 08:00 GMT; working days 16–20, 23–27 March, 30 March–2 April, then 7 April.
    assert.equal(iso(addBusinessTime(office, at('2026-03-16T08:00Z'), 15 * 10.5 * HOUR)), '2026-04-07T17:30:00.000Z');
  });

  test('a target that ends exactly at closing time falls due at closing, not at the next opening', () => {
    // Three weeks of November 2026, no bank holidays: Monday 2nd 08:00 to Friday 20th 18:30 GMT.
    assert.equal(iso(addBusinessTime(office, at('2026-11-02T08:00Z'), 15 * 10.5 * HOUR)), '2026-11-20T18:30:00.000Z');
  });

  test('an extra closure by time (an office move, 12:00–14:00 BST) and by dates (a shutdown week in 2028, beyond the published list)', () => {
    const move: Closure = { kind: 'period', start: at('2026-06-10T11:00Z'), end: at('2026-06-10T13:00Z'), title: 'office move' };
    const calendar = { ...office, closures: [...office.closures, move] };
    assert.equal(hours(businessDuration(calendar, at('2026-06-10T00:00Z'), at('2026-06-11T00:00Z'))), 8.5);
    const shutdown: Closure = { kind: 'dates', from: '2028-01-03', to: '2028-01-07', title: 'shutdown' };
    assert.equal(iso(addBusinessTime({ ...office, closures: [shutdown] }, at('2027-12-31T18:00Z'), 1 * HOUR)), '2028-01-10T08:30:00.000Z');
  });

  test('a 24×7 calendar ignores weekends and bank holidays it is not given', () => {
    assert.equal(hours(businessDuration(roundTheClock, at('2026-12-24T00:00Z'), at('2026-12-29T00:00Z'))), 5 * 24);
    assert.equal(iso(addBusinessTime(roundTheClock, at('2026-10-24T22:00Z'), 5 * HOUR)), '2026-10-25T03:00:00.000Z');
  });
});

describe('misconfigured calendars', () => {
  test('a calendar with no opening hours fails at once with a clear error, instead of searching forever', () => {
    const shut: BusinessCalendar = { timeZone: 'Europe/London', hours: everyDay('08:00', '09:00'), closures: [] };
    for (const day of WEEKDAYS) shut.hours = { ...(shut.hours as WeeklyHours), [day]: [] };
    assert.throws(() => addBusinessTime(shut, at('2026-01-01T00:00Z'), HOUR), CalendarNeverOpensError);
    assert.equal(businessDuration(shut, at('2026-01-01T00:00Z'), at('2027-01-01T00:00Z')), 0);
    assert.equal(addBusinessTime(shut, at('2026-01-01T00:00Z'), 0), at('2026-01-01T00:00Z'));
  });

  test('a calendar closed for a century by a closure period is skipped, not walked, and fails after ten idle years', () => {
    const century: Closure = { kind: 'period', start: at('2026-01-01T00:00Z'), end: at('2126-01-01T00:00Z'), title: 'never' };
    assert.equal(iso(addBusinessTime({ ...sevenDays, closures: [century] }, at('2026-06-01T00:00Z'), HOUR)), '2126-01-01T09:00:00.000Z');
    // Half an hour on Saturday 28 February 2026, then nothing until New Year's Day 2100.
    const longShutdown: BusinessCalendar = { ...sevenDays, closures: [{ kind: 'dates', from: '2026-03-01', to: '2099-12-31', title: 'x' }] };
    assert.equal(iso(addBusinessTime(longShutdown, at('2026-02-28T18:00Z'), HOUR)), '2100-01-01T08:30:00.000Z');
    // Open on Mondays only, and every Monday for eleven years a closure: the search gives up.
    const mondays: Closure[] = Array.from({ length: 11 * 53 }, (_, week) => dayString(week * 7 + 1)).map((date) => ({ kind: 'dates', from: date, to: date, title: 'closed Monday' }));
    const monday = [{ opens: '09:00', closes: '10:00' }];
    const mondaysOnly: BusinessCalendar = { timeZone: 'Europe/London', hours: { ...weekdayHours('09:00', '10:00'), tuesday: [], wednesday: [], thursday: [], friday: [], monday }, closures: mondays };
    assert.throws(() => addBusinessTime(mondaysOnly, at('2025-06-01T00:00Z'), HOUR), /not open for ten years/);
  });

  test('calendar problems name the field at fault', () => {
    const bad: BusinessCalendar = {
      timeZone: 'Europe/Atlantis',
      hours: { ...weekdayHours('08:00', '18:30'), monday: [{ opens: '09:00', closes: '08:00' }], tuesday: [{ opens: '08:00', closes: '12:00' }, { opens: '11:00', closes: '13:00' }], wednesday: [{ opens: '8am', closes: '18:00' }] },
      closures: [{ kind: 'dates', from: '2026-02-30', to: '2026-03-01', title: 'x' }, { kind: 'period', start: 10, end: 5, title: 'y' }],
    };
    assert.deepEqual(calendarProblems(bad).map((p) => p.field), ['timeZone', 'hours.monday[0]', 'hours.tuesday[1]', 'hours.wednesday[0]', 'closures[0]', 'closures[1]']);
    assert.throws(() => businessDuration(bad, 0, 1), /invalid business calendar: timeZone/);
    assert.deepEqual(calendarProblems(office), []);
  });

  test('a span that ends before it starts is refused, not silently zero', () => {
    assert.throws(() => businessDuration(office, at('2026-01-02T00:00Z'), at('2026-01-01T00:00Z')), RangeError);
    assert.throws(() => addBusinessTime(office, at('2026-01-02T00:00Z'), -1), RangeError);
  });
});

// Property tests: random calendars in zones with awkward rules (half-hour DST on Lord Howe,
// southern-hemisphere summer, no DST at all), random closures, instants across 2025–2028.
const zones = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
const quarterHour = fc.integer({ min: 0, max: 96 }).map((q) => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`);
const dayHours = fc.uniqueArray(quarterHour, { maxLength: 4 }).map((times) => {
  const sorted = [...times].sort();
  const intervals = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) intervals.push({ opens: sorted[i], closes: sorted[i + 1] });
  return intervals;
});
const instant = fc.integer({ min: at('2025-01-01T00:00Z'), max: at('2028-01-01T00:00Z') });
const closure: fc.Arbitrary<Closure> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 10 })).map(([d, n]) => ({ kind: 'dates' as const, from: dayString(d), to: dayString(d + n), title: 'closed' })),
  fc.tuple(instant, fc.integer({ min: 1, max: 200 * HOUR })).map(([start, length]) => ({ kind: 'period' as const, start, end: start + length, title: 'closed' })),
);
const calendar: fc.Arbitrary<BusinessCalendar> = fc.record({
  timeZone: fc.constantFrom(...zones),
  hours: fc.oneof(fc.constant('24x7' as const), fc.tuple(...WEEKDAYS.map(() => dayHours)).map((days) => Object.fromEntries(WEEKDAYS.map((d, i) => [d, days[i]])) as WeeklyHours)),
  closures: fc.array(closure, { maxLength: 4 }),
});
const opens = (c: BusinessCalendar) => c.hours === '24x7' || WEEKDAYS.some((d) => (c.hours as WeeklyHours)[d].length > 0);

function dayString(offset: number): string {
  return new Date(at('2025-06-01T00:00Z') + offset * 24 * HOUR).toISOString().slice(0, 10);
}

describe('properties of business time', () => {
  test('adding business time then measuring it gives it back, and the due instant is the earliest one', () => {
    fc.assert(fc.property(calendar.filter(opens), instant, fc.integer({ min: 0, max: 400 * HOUR }), (cal, from, duration) => {
      const due = addBusinessTime(cal, from, duration);
      assert.equal(businessDuration(cal, from, due), duration);
      if (duration > 0) assert.equal(businessDuration(cal, from, due - 1), duration - 1);
    }), { numRuns: 150 });
  });

  test('business time is additive over any split point and never decreases as the end moves later', () => {
    fc.assert(fc.property(calendar, fc.array(instant, { minLength: 3, maxLength: 3 }), (cal, points) => {
      const [a, b, c] = [...points].sort((x, y) => x - y);
      assert.equal(businessDuration(cal, a, c), businessDuration(cal, a, b) + businessDuration(cal, b, c));
      assert.ok(businessDuration(cal, a, b) <= businessDuration(cal, a, c));
    }), { numRuns: 150 });
  });

  test('a 24×7 calendar, or opening hours of 00:00–24:00 every day, count wall time exactly in any zone', () => {
    fc.assert(fc.property(fc.constantFrom(...zones), instant, instant, (zone, x, y) => {
      const [from, to] = x < y ? [x, y] : [y, x];
      assert.equal(businessDuration(twentyFourSeven(zone), from, to), to - from);
      assert.equal(businessDuration({ timeZone: zone, hours: everyDay('00:00', '24:00'), closures: [] }, from, to), to - from);
    }), { numRuns: 100 });
  });

  test('isOpen agrees with the working intervals, and intervals are ordered, disjoint and within the span', () => {
    fc.assert(fc.property(calendar, instant, fc.integer({ min: 0, max: 300 * HOUR }), (cal, from, length) => {
      const intervals = workingIntervals(cal, from, from + length);
      intervals.forEach((interval, i) => {
        assert.ok(interval.start >= from && interval.end <= from + length && interval.start < interval.end);
        if (i > 0) assert.ok(interval.start > intervals[i - 1].end);
        assert.equal(isOpen(cal, interval.start), true);
        assert.equal(isOpen(cal, interval.end - 1), true);
      });
      assert.equal(isOpen(cal, from), businessDuration(cal, from, from + 1) === 1);
    }), { numRuns: 150 });
  });
});
