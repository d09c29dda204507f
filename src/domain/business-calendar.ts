import { IANAZone } from 'luxon';

/**
 * Business-hours calendars: when the service desk counts time against a service level target.
 * Time is always an argument (epoch milliseconds); nothing here reads the clock or the disk.
 *
 * Opening hours are local wall time in the calendar's zone. A local day's opening interval
 * `[opens, closes)` covers exactly the instants whose wall-clock reading lies inside it, so on the
 * spring-forward day the skipped hour is not counted and on the fall-back day the repeated hour is
 * counted twice (see docs/decisions/0040-luxon-for-time-zones.md).
 */

/** Epoch milliseconds. */
export type Instant = number;
/** A local calendar date, `YYYY-MM-DD`, in the calendar's zone. */
export type LocalDate = string;
/** A local wall-clock time, `HH:MM`; `24:00` is allowed as a closing time. */
export type WallClock = string;

export const DEFAULT_TIME_ZONE = 'Europe/London';
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OpeningHours { opens: WallClock; closes: WallClock }
export type WeeklyHours = Record<Weekday, OpeningHours[]>;

/** A day closure covers whole local dates (inclusive); a period closure covers instants. */
export type Closure = DateClosure | PeriodClosure;
export interface DateClosure { kind: 'dates'; from: LocalDate; to: LocalDate; title: string }
export interface PeriodClosure { kind: 'period'; start: Instant; end: Instant; title: string }

export interface BusinessCalendar {
  timeZone: string;
  /** `'24x7'`: always open, apart from any closures. */
  hours: WeeklyHours | '24x7';
  closures: Closure[];
}

export interface Interval { start: Instant; end: Instant }

const ALL_DAY: OpeningHours[] = [{ opens: '00:00', closes: '24:00' }];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** No zone is more than 14 hours from UTC, so a local day's instants lie within this margin. */
const MAX_OFFSET = 15 * HOUR;
/** Offsets are sampled this often when looking for a daylight-saving change; none comes sooner after another. */
const OFFSET_PROBE = DAY;
/** A clock searching further than this for opening time is misconfigured, not patient. */
const MAX_IDLE_DAYS = 3_660;

/** Monday to Friday `opens`–`closes`, weekends closed. */
export function weekdayHours(opens: WallClock, closes: WallClock): WeeklyHours {
  const day = [{ opens, closes }];
  return { monday: day, tuesday: day, wednesday: day, thursday: day, friday: day, saturday: [], sunday: [] };
}

export function twentyFourSeven(timeZone = DEFAULT_TIME_ZONE, closures: Closure[] = []): BusinessCalendar {
  return { timeZone, hours: '24x7', closures };
}

/** Problems with a calendar as an administrator wrote it, each naming the field at fault. */
export function calendarProblems(calendar: BusinessCalendar): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!isKnownZone(calendar.timeZone)) problems.push({ field: 'timeZone', message: `unknown IANA time zone ${calendar.timeZone}` });
  if (calendar.hours !== '24x7') {
    for (const day of WEEKDAYS) problems.push(...dayProblems(day, calendar.hours[day] ?? []));
  }
  calendar.closures.forEach((closure, i) => {
    const field = `closures[${i}]`;
    if (closure.kind === 'dates') {
      if (!isLocalDate(closure.from) || !isLocalDate(closure.to)) problems.push({ field, message: 'dates must be YYYY-MM-DD' });
      else if (closure.to < closure.from) problems.push({ field, message: 'a closure cannot end before it starts' });
    } else if (!Number.isFinite(closure.start) || !Number.isFinite(closure.end) || closure.end <= closure.start) {
      problems.push({ field, message: 'a closure period must end after it starts' });
    }
  });
  return problems;
}

function dayProblems(day: Weekday, intervals: OpeningHours[]): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const sorted = [...intervals].sort((a, b) => minutesOf(a.opens) - minutesOf(b.opens));
  sorted.forEach((interval, i) => {
    const field = `hours.${day}[${i}]`;
    const opens = minutesOf(interval.opens);
    const closes = minutesOf(interval.closes);
    if (Number.isNaN(opens) || Number.isNaN(closes) || opens === 24 * 60) problems.push({ field, message: 'times must be HH:MM between 00:00 and 24:00' });
    else if (closes <= opens) problems.push({ field, message: 'closing time must be after opening time' });
    else if (i > 0 && opens < minutesOf(sorted[i - 1].closes)) problems.push({ field, message: 'opening intervals overlap' });
  });
  return problems;
}

/** The stretches of business time between two instants, in order, adjacent stretches merged. */
export function workingIntervals(calendar: BusinessCalendar, from: Instant, to: Instant): Interval[] {
  return merge([...openStretches(calendar, from, to)]);
}

/** Business time in milliseconds between two instants. */
export function businessDuration(calendar: BusinessCalendar, from: Instant, to: Instant): number {
  if (to < from) throw new RangeError(`business duration asked for a span that ends (${iso(to)}) before it starts (${iso(from)})`);
  let total = 0;
  for (const stretch of openStretches(calendar, from, to)) total += stretch.end - stretch.start;
  return total;
}

/**
 * The earliest instant at which `durationMs` of business time has passed since `from`: the due
 * time of a target. A target ending exactly at closing time falls due at closing time, not at the
 * next opening.
 */
export function addBusinessTime(calendar: BusinessCalendar, from: Instant, durationMs: number): Instant {
  if (!Number.isFinite(durationMs) || durationMs < 0) throw new RangeError(`business time to add must be a finite, non-negative number of milliseconds, not ${durationMs}`);
  if (durationMs === 0) return from;
  if (neverOpens(calendar)) throw new CalendarNeverOpensError(calendar.timeZone);
  let remaining = durationMs;
  for (const stretch of openStretches(calendar, from, Infinity)) {
    const length = stretch.end - stretch.start;
    if (remaining <= length) return stretch.start + remaining;
    remaining -= length;
  }
  throw new CalendarNeverOpensError(calendar.timeZone);
}

export function isOpen(calendar: BusinessCalendar, instant: Instant): boolean {
  return !openStretches(calendar, instant, instant + 1).next().done;
}

/** Thrown when a due time is asked of a calendar with no opening time in which to reach it. */
export class CalendarNeverOpensError extends Error {
  constructor(timeZone: string, why = 'has no opening hours') {
    super(`the business calendar (${timeZone}) ${why}, so a target measured in its business time can never fall due`);
    this.name = 'CalendarNeverOpensError';
  }
}

/** Calendars already found valid: a clock reading asks several times of one calendar object. */
const validated = new WeakSet<BusinessCalendar>();

function assertCalendar(calendar: BusinessCalendar): void {
  if (validated.has(calendar)) return;
  const problems = calendarProblems(calendar);
  if (problems.length > 0) throw new RangeError(`invalid business calendar: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  validated.add(calendar);
}

function neverOpens(calendar: BusinessCalendar): boolean {
  const hours = calendar.hours;
  return hours !== '24x7' && WEEKDAYS.every((day) => (hours[day] ?? []).length === 0);
}

/**
 * Business time from `from` to `to`, lazily, so a due-time search reads only the days it needs.
 * Each local day is mapped to instants; since a day's instants can interleave with its
 * neighbour's around a daylight-saving change, stretches are held back until no later day can
 * reach below them. A stretch may come out in pieces (24×7 day by day); callers that show
 * intervals merge them.
 */
function* openStretches(calendar: BusinessCalendar, from: Instant, to: Instant): Generator<Interval> {
  assertCalendar(calendar);
  if (!Number.isFinite(from)) throw new RangeError(`business time must start at a finite instant, not ${from}`);
  const zone = zoneOf(calendar.timeZone);
  const rules = closureRules(calendar.closures);
  let pending: Interval[] = [];
  let day = localDay(zone, from) - 1;
  let idleDays = 0;
  while (day * DAY - MAX_OFFSET < to) {
    const dayStretches = clip(subtractPeriods(openingOnDay(calendar, zone, rules, day), rules.periods), from, to);
    pending = merge([...pending, ...dayStretches]);
    const nextDayFloor = (day + 1) * DAY - MAX_OFFSET;
    while (pending.length > 0 && pending[0].start < nextDayFloor) {
      // What lies before the next day's earliest instant is final; a 24×7 stretch is released day by day.
      if (pending[0].end <= nextDayFloor) yield pending.shift()!;
      else { yield { start: pending[0].start, end: nextDayFloor }; pending[0].start = nextDayFloor; }
    }
    idleDays = dayStretches.length > 0 ? 0 : idleDays + 1;
    if (idleDays > MAX_IDLE_DAYS && to === Infinity) throw new CalendarNeverOpensError(calendar.timeZone, `is not open for ten years after ${iso(from)}`);
    day = rules.dayAfterClosure(day) ?? day + 1;
  }
  yield* pending;
}

/** Opening hours of one local day (a day number counted from 1970-01-01) as sorted instants. */
function openingOnDay(calendar: BusinessCalendar, zone: IANAZone, rules: ClosureRules, day: number): Interval[] {
  if (rules.isClosedDay(day)) return [];
  const intervals = calendar.hours === '24x7' ? ALL_DAY : calendar.hours[weekdayOf(day)] ?? [];
  if (intervals.length === 0) return [];
  const dayStart = day * DAY;
  const stretches = offsetStretches(zone, dayStart - MAX_OFFSET, dayStart + DAY + MAX_OFFSET);
  const result: Interval[] = [];
  for (const interval of intervals) {
    const opens = dayStart + minutesOf(interval.opens) * MINUTE;
    const closes = dayStart + minutesOf(interval.closes) * MINUTE;
    for (const s of stretches) {
      // In a stretch of constant offset, wall time w is instant w − offset.
      const start = Math.max(s.start, opens - s.offset);
      const end = Math.min(s.end, closes - s.offset);
      if (end > start) result.push({ start, end });
    }
  }
  return merge(result);
}

interface OffsetStretch { start: Instant; end: Instant; offset: number }

/** Split [from, to) where the zone's UTC offset changes. */
function offsetStretches(zone: IANAZone, from: Instant, to: Instant): OffsetStretch[] {
  const stretches: OffsetStretch[] = [];
  for (let year = utcYear(from); year <= utcYear(to); year++) {
    for (const s of offsetsOfYear(zone, year)) {
      const start = Math.max(s.start, from);
      const end = Math.min(s.end, to);
      if (end <= start) continue;
      const last = stretches[stretches.length - 1];
      if (last && last.offset === s.offset && last.end === start) last.end = end;
      else stretches.push({ start, end, offset: s.offset });
    }
  }
  return stretches;
}

/**
 * A zone's offsets over one UTC year, found by probing daily and bisecting to the millisecond at
 * each change. Asking the zone is slow (Intl formatting), so each year is worked out once and
 * kept: the answer depends only on the zone and the year, so caching keeps the functions pure.
 */
function offsetsOfYear(zone: IANAZone, year: number): OffsetStretch[] {
  const key = `${zone.name}/${year}`;
  const known = yearOffsets.get(key);
  if (known) return known;
  const yearStart = Date.UTC(year, 0, 1);
  const yearEnd = Date.UTC(year + 1, 0, 1);
  const stretches: OffsetStretch[] = [];
  let start = yearStart;
  let offset = offsetAt(zone, yearStart);
  for (let previous = yearStart; previous < yearEnd; previous += OFFSET_PROBE) {
    const at = Math.min(previous + OFFSET_PROBE, yearEnd);
    if (offsetAt(zone, at) === offset) continue;
    let lo = previous;
    let hi = at;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(zone, mid) === offset) lo = mid; else hi = mid;
    }
    stretches.push({ start, end: hi, offset });
    start = hi;
    offset = offsetAt(zone, hi);
  }
  stretches.push({ start, end: yearEnd, offset });
  yearOffsets.set(key, stretches);
  return stretches;
}
const yearOffsets = new Map<string, OffsetStretch[]>();

function utcYear(instant: Instant): number {
  return new Date(instant).getUTCFullYear();
}

interface ClosureRules {
  periods: Interval[];
  isClosedDay(day: number): boolean;
  /** When `day` falls in a multi-day closure, the day after it ends, to skip long closures at once. */
  dayAfterClosure(day: number): number | null;
}

/**
 * A closure list's rules, worked out once per list: every day a clock reading visits asks them.
 * A calendar is not changed once in use (its validation above assumes the same).
 */
const rulesOfClosures = new WeakMap<Closure[], ClosureRules>();

function closureRules(closures: Closure[]): ClosureRules {
  const known = rulesOfClosures.get(closures);
  if (known) return known;
  const ranges = closures.filter((c): c is DateClosure => c.kind === 'dates').map((c) => ({ from: dayOfDate(c.from), to: dayOfDate(c.to) }));
  const periods = merge(closures.filter((c): c is PeriodClosure => c.kind === 'period').map((c) => ({ start: c.start, end: c.end })));
  // Closed days by number, so an open day is one lookup; a closure longer than a year stays a range.
  const closedDays = new Set<number>();
  const longRanges = ranges.filter((r) => r.to - r.from > 366);
  for (const r of ranges) if (r.to - r.from <= 366) for (let day = r.from; day <= r.to; day++) closedDays.add(day);
  const isClosedDay = (day: number) => closedDays.has(day) || longRanges.some((r) => r.from <= day && day <= r.to);
  const rules: ClosureRules = {
    periods,
    isClosedDay,
    dayAfterClosure(day) {
      const range = isClosedDay(day) ? ranges.find((r) => r.from <= day && day <= r.to) : undefined;
      if (range && range.to > range.from) return range.to + 1;
      // A period covering this day and the next whole: resume with the first day it may not cover.
      if (periods.length === 0) return null;
      const period = periods.find((p) => p.start <= day * DAY - MAX_OFFSET && p.end >= (day + 2) * DAY + MAX_OFFSET);
      return period ? Math.floor((period.end - MAX_OFFSET) / DAY) : null;
    },
  };
  rulesOfClosures.set(closures, rules);
  return rules;
}

function subtractPeriods(stretches: Interval[], periods: Interval[]): Interval[] {
  let result = stretches;
  for (const period of periods) {
    result = result.flatMap((s) => {
      if (period.end <= s.start || period.start >= s.end) return [s];
      const parts: Interval[] = [];
      if (period.start > s.start) parts.push({ start: s.start, end: period.start });
      if (period.end < s.end) parts.push({ start: period.end, end: s.end });
      return parts;
    });
  }
  return result;
}

function clip(stretches: Interval[], from: Instant, to: Instant): Interval[] {
  return stretches
    .map((s) => ({ start: Math.max(s.start, from), end: Math.min(s.end, to) }))
    .filter((s) => s.end > s.start);
}

/** Sort and join overlapping or touching intervals. */
function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

/** Zone lookups are remembered: validating a zone name builds an Intl formatter, which is slow. */
const zones = new Map<string, IANAZone | null>();
function isKnownZone(timeZone: string): boolean {
  if (!zones.has(timeZone)) zones.set(timeZone, IANAZone.isValidZone(timeZone) ? IANAZone.create(timeZone) : null);
  return zones.get(timeZone) !== null;
}

function zoneOf(timeZone: string): IANAZone {
  if (!isKnownZone(timeZone)) throw new RangeError(`unknown IANA time zone ${timeZone}`);
  return zones.get(timeZone)!;
}

function offsetAt(zone: IANAZone, instant: Instant): number {
  return zone.offset(instant) * MINUTE;
}

function localDay(zone: IANAZone, instant: Instant): number {
  const [stretch] = offsetStretches(zone, instant, instant + 1);
  return Math.floor((instant + stretch.offset) / DAY);
}

function dateOfDay(day: number): LocalDate {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

function dayOfDate(date: LocalDate): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY;
}

function weekdayOf(day: number): Weekday {
  // 1970-01-01 was a Thursday.
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7];
}

function minutesOf(time: WallClock): number {
  const match = /^(\d\d):(\d\d)$/.exec(time);
  if (!match) return NaN;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return NaN;
  return hours * 60 + minutes;
}

function isLocalDate(date: string): boolean {
  return /^\d{4}-\d\d-\d\d$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && dateOfDay(dayOfDate(date)) === date;
}

function iso(instant: Instant): string {
  return Number.isFinite(instant) ? new Date(instant).toISOString() : String(instant);
}
