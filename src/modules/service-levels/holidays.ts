import { readFileSync } from 'node:fs';
import { DEFAULT_BANK_HOLIDAYS_FILE, type Config } from '../../core/config.ts';
import { bankHolidayClosures, bankHolidayCoverage, UK_DIVISIONS } from '../../domain/bank-holidays.ts';
import type { DateClosure } from '../../domain/business-calendar.ts';
import type { HolidayLookup } from '../../domain/sla-timeline.ts';

/**
 * The published UK bank holidays, read from the file the configuration names
 * (`bankHolidaysFile`, default ../shared/data/calendar/uk-bank-holidays.json) once per process and
 * kept. A missing or malformed file leaves the divisions empty — calendars then count bank holidays
 * as working days — and the calendar API reports the problem instead of failing every clock.
 */

interface Published {
  divisions: Map<string, DateClosure[]>;
  problem: string | null;
}

const loaded = new Map<string, Published>();
/** The process's file: set by the first caller that has the configuration (routes, services). */
let processFile = DEFAULT_BANK_HOLIDAYS_FILE;

export function useBankHolidaysOf(config: Pick<Config, 'bankHolidaysFile'>): void {
  processFile = config.bankHolidaysFile;
}

function published(file = processFile): Published {
  const known = loaded.get(file);
  if (known) return known;
  const result: Published = { divisions: new Map(), problem: null };
  try {
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    for (const division of UK_DIVISIONS) result.divisions.set(division, bankHolidayClosures(json, division));
  } catch (error) {
    result.divisions.clear();
    result.problem = `bank holidays could not be read from ${file}: ${(error as Error).message}`;
  }
  loaded.set(file, result);
  return result;
}

export const bankHolidays: HolidayLookup = (division) => published().divisions.get(division) ?? [];

/** The years the file covers for a division, or why it could not be read. */
export function bankHolidayStatus(division: string): { coverage: { firstDate: string; lastDate: string } | null; problem: string | null } {
  const file = published();
  return { coverage: bankHolidayCoverage(file.divisions.get(division) ?? []), problem: file.problem };
}
