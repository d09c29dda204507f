/**
 * The roll-out forecast, with no I/O. From the dated go-lives, the install rate over the recent
 * complete weeks (the week in progress is left out: a Tuesday's count is not a week's), and
 * from it the date the remaining connections would all be live. The confidence range comes from
 * the spread of those weekly rates: one standard deviation faster gives the earliest date, one
 * slower the latest (none when a slower rate would be zero or less: no upper bound).
 */
const DAY = 86_400_000;

function toDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY;
}
function fromDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** The Monday of the ISO week holding `date`. */
export function weekStart(date: string): string {
  const day = toDay(date);
  const weekday = (new Date(day * DAY).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return fromDay(day - weekday);
}

export function addDays(date: string, days: number): string {
  return fromDay(toDay(date) + days);
}

/**
 * Go-lives per complete week for the `windowWeeks` weeks before the week holding `asOf`, oldest
 * first. Dates outside the window are ignored; an entry may carry a count of go-lives on its date.
 */
export function weeklyCounts(dates: readonly (string | { on: string; count: number })[], asOf: string, windowWeeks: number): number[] {
  const current = toDay(weekStart(asOf));
  const first = current - windowWeeks * 7;
  const counts = Array<number>(windowWeeks).fill(0);
  for (const entry of dates) {
    const day = toDay(typeof entry === 'string' ? entry : entry.on);
    if (day < first || day >= current) continue;
    counts[Math.floor((day - first) / 7)]! += typeof entry === 'string' ? 1 : entry.count;
  }
  return counts;
}

export interface RateStats {
  /** Mean go-lives per week over the window. */
  mean: number;
  /** Population standard deviation of the weekly counts. */
  spread: number;
  weeks: number;
}

export function rateOf(weekly: readonly number[]): RateStats {
  if (weekly.length === 0) return { mean: 0, spread: 0, weeks: 0 };
  const mean = weekly.reduce((a, b) => a + b, 0) / weekly.length;
  const variance = weekly.reduce((a, b) => a + (b - mean) ** 2, 0) / weekly.length;
  return { mean, spread: Math.sqrt(variance), weeks: weekly.length };
}

export interface ForecastInput {
  /** Connections live now. */
  live: number;
  /** How many must be live. */
  target: number;
  asOf: string;
  /** Go-lives per recent complete week, oldest first (see weeklyCounts). */
  weekly: readonly number[];
  /** The date the target is due, to say whether the forecast meets it. */
  targetOn?: string | null;
}

export interface Forecast {
  remaining: number;
  rate: RateStats;
  /** When the remaining connections would be live at the mean rate; null when the rate is zero or the target is met. */
  completesOn: string | null;
  earliestOn: string | null;
  latestOn: string | null;
  /** completesOn on or before targetOn; null when either is unknown. */
  onTrack: boolean | null;
  /** The weekly rate needed from asOf to meet targetOn; null without a target date or when it has passed. */
  neededRate: number | null;
  summary: string;
}

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

/** Days to finish `remaining` at `perWeek`, rounded up to a whole day. */
function daysAt(remaining: number, perWeek: number): number {
  return Math.ceil((remaining / perWeek) * 7);
}

export function forecast(input: ForecastInput): Forecast {
  const rate = rateOf(input.weekly);
  const remaining = Math.max(0, input.target - input.live);
  const daysLeft = input.targetOn ? toDay(input.targetOn) - toDay(input.asOf) : null;
  const neededRate = daysLeft !== null && daysLeft > 0 ? round((remaining / daysLeft) * 7) : null;
  const shown = { mean: round(rate.mean), spread: round(rate.spread), weeks: rate.weeks };
  if (remaining === 0) {
    return { remaining, rate: shown, completesOn: null, earliestOn: null, latestOn: null, onTrack: true, neededRate: 0, summary: `The target of ${input.target} is met: ${input.live} live.` };
  }
  if (rate.mean === 0) {
    return {
      remaining,
      rate: shown,
      completesOn: null,
      earliestOn: null,
      latestOn: null,
      onTrack: input.targetOn ? false : null,
      neededRate,
      summary: `Nothing went live in the last ${rate.weeks} complete weeks, so no completion date can be forecast; ${remaining} remain.`,
    };
  }
  const completesOn = addDays(input.asOf, daysAt(remaining, rate.mean));
  const earliestOn = addDays(input.asOf, daysAt(remaining, rate.mean + rate.spread));
  const slow = rate.mean - rate.spread;
  const latestOn = slow > 0 ? addDays(input.asOf, daysAt(remaining, slow)) : null;
  const onTrack = input.targetOn ? completesOn <= input.targetOn : null;
  const range = latestOn ? `between ${earliestOn} and ${latestOn}` : `no earlier than ${earliestOn}, with no upper bound at the slow end`;
  const verdict = onTrack === null ? '' : onTrack ? `, on track for ${input.targetOn}` : `, after the target date ${input.targetOn}${neededRate !== null ? ` (${neededRate} a week would be needed)` : ''}`;
  return {
    remaining,
    rate: shown,
    completesOn,
    earliestOn,
    latestOn,
    onTrack,
    neededRate,
    summary: `At ${round(rate.mean)} a week (±${round(rate.spread)}) the remaining ${remaining} would be live by ${completesOn}, ${range}${verdict}.`,
  };
}
