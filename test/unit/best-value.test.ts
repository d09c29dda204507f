import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestValue, deliveryFactorOf, DEFAULT_RULES, scoreQuote, type QuoteInput } from '../../src/domain/best-value.ts';

const q = (supplierCode: string, installCharge: number, annualRental: number, leadTimeDays: number, delivery?: QuoteInput['delivery']): QuoteInput => ({
  supplierId: supplierCode.charCodeAt(0),
  supplierCode,
  priceId: supplierCode.charCodeAt(0) * 10,
  installCharge,
  annualRental,
  leadTimeDays,
  delivery,
});

test('score = (install + rental × years + lead days × penalty) × delivery factor, by hand', () => {
  // 150 + 660 × 3 = 2130; 14 days × £10 = 140; no record: × 1 → 2270.
  const s = scoreQuote(q('A', 150, 660, 14), DEFAULT_RULES);
  assert.deepEqual([s.totalCost, s.leadTimePenalty, s.deliveryFactor, s.onTimeShare, s.score], [2130, 140, 1, null, 2270]);
  // 8 of 10 on time: factor 1 + 0.5 × 0.2 = 1.1 → 2270 × 1.1 = 2497.
  const late = scoreQuote(q('A', 150, 660, 14, { delivered: 10, onTime: 8 }), DEFAULT_RULES);
  assert.deepEqual([late.deliveryFactor, late.onTimeShare, late.score], [1.1, 0.8, 2497]);
});

test('a record counts only from minDeliveries; shares are clamped', () => {
  assert.deepEqual(deliveryFactorOf({ delivered: 4, onTime: 0 }, DEFAULT_RULES), { factor: 1, onTimeShare: null });
  assert.deepEqual(deliveryFactorOf({ delivered: 5, onTime: 0 }, DEFAULT_RULES), { factor: 1.5, onTimeShare: 0 });
  assert.deepEqual(deliveryFactorOf({ delivered: 5, onTime: 9 }, DEFAULT_RULES), { factor: 1, onTimeShare: 1 });
  assert.deepEqual(deliveryFactorOf(null, DEFAULT_RULES), { factor: 1, onTimeShare: null });
});

test('the cheapest over the term wins even when dearer to install, and the reason says by how much', () => {
  // A: 100 + 700×3 = 2200 + 100 = 2300. B: 400 + 550×3 = 2050 + 300 = 2350. A wins by £50.
  const result = bestValue([q('B', 400, 550, 30), q('A', 100, 700, 10)]);
  assert.deepEqual(result.quotes.map((x) => [x.supplierCode, x.score, x.rank]), [['A', 2300, 1], ['B', 2350, 2]]);
  assert.equal(result.winner!.supplierCode, 'A');
  assert.match(result.reason, /^A wins with a score of £2,300\.00 .* beats B .* by £50\.00\.$/);
  // Over five years B's lower rental wins: A 100+3500+100 = 3700; B 400+2750+300 = 3450.
  const five = bestValue([q('B', 400, 550, 30), q('A', 100, 700, 10)], { ...DEFAULT_RULES, contractYears: 5 });
  assert.equal(five.winner!.supplierCode, 'B');
  assert.equal(five.winner!.score, 3450);
});

test('a poor delivery record can lose a cheaper quote', () => {
  // A: 2300 × 1.5 (none of 6 on time) = 3450; B: 2350 × 1 = 2350.
  const result = bestValue([q('A', 100, 700, 10, { delivered: 6, onTime: 0 }), q('B', 400, 550, 30, { delivered: 6, onTime: 6 })]);
  assert.equal(result.winner!.supplierCode, 'B');
  assert.match(result.reason, /100% delivered on time/);
});

test('ties go to the shorter lead time, then the supplier code; one quote and none are explained', () => {
  // Both 1000 + 0 + days×10 → equal scores only when lead times match; make them tie with different split.
  const tie = bestValue([q('Z', 1000, 0, 10), q('Y', 1000, 0, 10)]);
  assert.equal(tie.winner!.supplierCode, 'Y');
  assert.match(tie.reason, /ties with Z on score and wins on supplier code order/);
  const lead = bestValue([q('Z', 1090, 0, 1), q('Y', 1000, 0, 10)]);
  assert.equal(lead.winner!.score, 1100);
  assert.equal(lead.winner!.supplierCode, 'Z');
  assert.match(lead.reason, /the shorter lead time/);
  const only = bestValue([q('A', 1, 1, 1)]);
  assert.match(only.reason, /^A is the only supplier quoting/);
  const none = bestValue([]);
  assert.equal(none.winner, null);
  assert.equal(none.quotes.length, 0);
});
