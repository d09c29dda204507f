/**
 * Best value among suppliers' quotes for one connection, with no I/O. Each quote's score is its
 * total cost of ownership over the contract term (install + annual rental × years), plus a
 * lead-time penalty (money per day of waiting), multiplied by a delivery-record factor (a
 * supplier that delivers late costs more than its prices say). The lowest score wins; ties go
 * to the shorter lead time, then the supplier code. Every quote comes back with its breakdown,
 * and a sentence says why the winner won.
 */
export interface DeliveryRecord {
  /** Connections the supplier has installed so far. */
  delivered: number;
  /** Of those, installed within the quoted lead time. */
  onTime: number;
}

export interface QuoteInput {
  supplierId: number;
  supplierCode: string;
  priceId: number;
  installCharge: number;
  annualRental: number;
  leadTimeDays: number;
  delivery?: DeliveryRecord | null;
}

export interface BestValueRules {
  contractYears: number;
  /** What a day of waiting for the connection is worth, in pounds. */
  leadTimePenaltyPerDay: number;
  /** How much a wholly late record raises the score: factor = 1 + weight × late share. */
  deliveryWeight: number;
  /** Deliveries needed before the record counts; fewer and the factor is 1. */
  minDeliveries: number;
}

export const DEFAULT_RULES: BestValueRules = { contractYears: 3, leadTimePenaltyPerDay: 10, deliveryWeight: 0.5, minDeliveries: 5 };

export interface ScoredQuote extends QuoteInput {
  totalCost: number;
  leadTimePenalty: number;
  deliveryFactor: number;
  /** Share of deliveries on time when the record counts, else null. */
  onTimeShare: number | null;
  score: number;
  rank: number;
}

export interface BestValue {
  quotes: ScoredQuote[];
  winner: ScoredQuote | null;
  reason: string;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const money = (n: number) => `£${n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function deliveryFactorOf(record: DeliveryRecord | null | undefined, rules: BestValueRules): { factor: number; onTimeShare: number | null } {
  if (!record || record.delivered < rules.minDeliveries || record.delivered <= 0) return { factor: 1, onTimeShare: null };
  const share = Math.min(1, Math.max(0, record.onTime / record.delivered));
  return { factor: Math.round((1 + rules.deliveryWeight * (1 - share)) * 10_000) / 10_000, onTimeShare: Math.round(share * 10_000) / 10_000 };
}

export function scoreQuote(quote: QuoteInput, rules: BestValueRules): Omit<ScoredQuote, 'rank'> {
  const totalCost = round2(quote.installCharge + quote.annualRental * rules.contractYears);
  const leadTimePenalty = round2(quote.leadTimeDays * rules.leadTimePenaltyPerDay);
  const { factor, onTimeShare } = deliveryFactorOf(quote.delivery, rules);
  return { ...quote, totalCost, leadTimePenalty, deliveryFactor: factor, onTimeShare, score: round2((totalCost + leadTimePenalty) * factor) };
}

function describe(q: ScoredQuote, years: number): string {
  const record = q.onTimeShare === null ? 'no delivery record yet' : `${Math.round(q.onTimeShare * 100)}% delivered on time (×${q.deliveryFactor})`;
  return `${money(q.totalCost)} over ${years} year${years === 1 ? '' : 's'}, ${q.leadTimeDays} days' lead time adding ${money(q.leadTimePenalty)}, ${record}`;
}

export function bestValue(quotes: readonly QuoteInput[], rules: BestValueRules = DEFAULT_RULES): BestValue {
  const scored = quotes
    .map((q) => scoreQuote(q, rules))
    .sort((a, b) => a.score - b.score || a.leadTimeDays - b.leadTimeDays || a.supplierCode.localeCompare(b.supplierCode))
    .map((q, i) => ({ ...q, rank: i + 1 }));
  const [winner, runnerUp] = scored;
  if (!winner) return { quotes: [], winner: null, reason: 'No supplier serving the region prices this product.' };
  const years = rules.contractYears;
  if (!runnerUp) {
    return { quotes: scored, winner, reason: `${winner.supplierCode} is the only supplier quoting: ${describe(winner, years)}; score ${money(winner.score)}.` };
  }
  const margin = round2(runnerUp.score - winner.score);
  const why =
    margin === 0
      ? `ties with ${runnerUp.supplierCode} on score and wins on ${winner.leadTimeDays < runnerUp.leadTimeDays ? 'the shorter lead time' : 'supplier code order'}`
      : `beats ${runnerUp.supplierCode} (${describe(runnerUp, years)}) by ${money(margin)}`;
  return {
    quotes: scored,
    winner,
    reason: `${winner.supplierCode} wins with a score of ${money(winner.score)} (${describe(winner, years)}) and ${why}.`,
  };
}
