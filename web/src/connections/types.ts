/** The connection and roll-out shapes as the API gives them (src/modules/connections|rollout/schemas.ts). */

export interface Ref {
  id: number;
  code: string;
  name: string;
}

export interface Connection {
  id: number;
  state: string;
  leg: number;
  site: { id: number; name: string };
  organisation: { odsCode: string; name: string };
  region: string | null;
  product: { code: string; name: string; resilience: string | null };
  supplier: Ref | null;
  circuitReference: string | null;
  pop: { id: number; name: string } | null;
  addressBlock: { allocationId: number; prefix: string } | null;
  ciId: number | null;
  price: { installCharge: string; annualRental: string; contractYears: number; totalOverTerm: string } | null;
  expectedLiveOn: string | null;
  choiceReason: string | null;
  dates: Record<'requestedOn' | 'quotedOn' | 'orderedOn' | 'surveyedOn' | 'installedOn' | 'liveOn' | 'ceasedOn' | 'cancelledOn', string | null>;
  nextStates: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Quote {
  rank: number;
  chosen: boolean;
  supplier: Ref;
  priceId: number;
  installCharge: string;
  annualRental: string;
  leadTimeDays: number;
  contractYears: number;
  totalCost: string;
  leadTimePenalty: string;
  deliveryFactor: number;
  score: string;
}

export interface Quotes {
  connectionId: number;
  stored: boolean;
  quotes: Quote[];
  winner: Quote | null;
  reason: string;
}

export interface Forecast {
  remaining: number;
  rate: { mean: number; spread: number; weeks: number };
  completesOn: string | null;
  earliestOn: string | null;
  latestOn: string | null;
  onTrack: boolean | null;
  neededRate: number | null;
  summary: string;
}

export interface Counts {
  ordered: number;
  installed: number;
  live: number;
  inFlight: number;
}

export interface RolloutGroup extends Counts {
  key: string | null;
  name: string | null;
  recentWeekly: number[];
  forecast: Forecast;
}

export interface SeriesPoint {
  week: string;
  ordered: number;
  installed: number;
  live: number;
  target: number | null;
}

export interface Rollout {
  asOf: string;
  filters: { region: string | null; supplier: string | null };
  target: { id: number; name: string; targetCount: number; startsOn: string; targetOn: string; region: string | null; supplier: string | null } | null;
  totals: Counts;
  recentWeekly: number[];
  forecast: Forecast;
  series: SeriesPoint[];
  byRegion: RolloutGroup[];
  bySupplier: RolloutGroup[];
}

export const CONNECTION_STATE_LABELS: Record<string, string> = {
  requested: 'Requested',
  quoted: 'Quoted',
  ordered: 'Ordered',
  surveyed: 'Surveyed',
  installed: 'Installed',
  live: 'Live',
  ceased: 'Ceased',
  cancelled: 'Cancelled',
};
export const connectionStateLabel = (state: string) => CONNECTION_STATE_LABELS[state] ?? state;

/** Each state and the date that stamps it, in lifecycle order. */
export const LIFECYCLE: Array<[state: string, date: keyof Connection['dates']]> = [
  ['requested', 'requestedOn'],
  ['quoted', 'quotedOn'],
  ['ordered', 'orderedOn'],
  ['surveyed', 'surveyedOn'],
  ['installed', 'installedOn'],
  ['live', 'liveOn'],
  ['ceased', 'ceasedOn'],
  ['cancelled', 'cancelledOn'],
];

const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
/** "2300.00" as £2,300.00. */
export const money = (value: string) => pounds.format(Number(value));
