import type { DateClosure, LocalDate } from './business-calendar.ts';

/**
 * UK bank holidays as the government publishes them (www.gov.uk/bank-holidays.json): one entry per
 * division, each with its dated events. Parsing is pure: the caller reads the file and passes the
 * parsed JSON, so the same function serves the shipped copy, an uploaded newer one and tests.
 */

export const UK_DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
export type UkDivision = (typeof UK_DIVISIONS)[number];

export interface BankHolidayEvent { title: string; date: LocalDate; notes: string; bunting: boolean }
export interface BankHolidayDivision { division: string; events: BankHolidayEvent[] }

/** Thrown when the file is not in the published shape; the message names the place at fault. */
export class BankHolidayFileError extends Error {
  constructor(message: string) {
    super(`bank holiday file: ${message}`);
    this.name = 'BankHolidayFileError';
  }
}

/**
 * One division's bank holidays as whole-day closures, in date order. A substitute day (Boxing Day
 * 2026 falls on a Saturday, so the holiday is Monday 28 December) is published under its own date
 * with a note, and becomes a closure on the day the office is actually shut.
 */
export function bankHolidayClosures(file: unknown, division: string): DateClosure[] {
  const entry = divisionOf(file, division);
  return entry.events
    .map((event, i) => closureOf(event, `${division}.events[${i}]`))
    .sort((a, b) => a.from.localeCompare(b.from));
}

/**
 * The first and last dates the published list covers. The government publishes a few years
 * ahead only (the shipped file runs 2024–2027), so a calendar relying on it after `lastDate` would
 * silently treat bank holidays as working days; the administrator adds closures or a newer file.
 */
export function bankHolidayCoverage(closures: DateClosure[]): { firstDate: LocalDate; lastDate: LocalDate } | null {
  if (closures.length === 0) return null;
  const dates = closures.map((c) => c.from).sort();
  return { firstDate: `${dates[0].slice(0, 4)}-01-01`, lastDate: `${dates[dates.length - 1].slice(0, 4)}-12-31` };
}

function divisionOf(file: unknown, division: string): BankHolidayDivision {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new BankHolidayFileError('expected an object keyed by division');
  const entry = (file as Record<string, unknown>)[division];
  if (entry === undefined) throw new BankHolidayFileError(`no division ${division}; the file has ${Object.keys(file).join(', ')}`);
  if (typeof entry !== 'object' || entry === null || !Array.isArray((entry as { events?: unknown }).events)) {
    throw new BankHolidayFileError(`${division}.events must be a list`);
  }
  return entry as BankHolidayDivision;
}

function closureOf(event: unknown, place: string): DateClosure {
  const { title, date, notes } = (event ?? {}) as Partial<BankHolidayEvent>;
  if (typeof title !== 'string' || title === '') throw new BankHolidayFileError(`${place}.title must be a non-empty string`);
  if (typeof date !== 'string' || !isCalendarDate(date)) throw new BankHolidayFileError(`${place}.date must be a real date YYYY-MM-DD, not ${JSON.stringify(date)}`);
  const note = typeof notes === 'string' && notes !== '' ? ` (${notes})` : '';
  return { kind: 'dates', from: date, to: date, title: `${title}${note}` };
}

function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d\d-\d\d$/.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}
