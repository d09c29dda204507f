import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, forecast, rateOf, weekStart, weeklyCounts } from '../../src/domain/rollout-forecast.ts';

test('weekStart is the Monday of the ISO week', () => {
  assert.equal(weekStart('2025-06-30'), '2025-06-30'); // a Monday
  assert.equal(weekStart('2025-07-06'), '2025-06-30'); // the Sunday after
  assert.equal(weekStart('2025-01-01'), '2024-12-30'); // across a year
  assert.equal(addDays('2025-06-30', -7), '2025-06-23');
});

test('weeklyCounts buckets complete weeks before the week of asOf, oldest first', () => {
  // asOf Wednesday 2025-07-02: window of 3 weeks = 9 Jun .. 29 Jun; the week in progress is left out.
  const dates = ['2025-06-08', '2025-06-09', '2025-06-15', '2025-06-16', '2025-06-29', '2025-06-30', '2025-07-01'];
  assert.deepEqual(weeklyCounts(dates, '2025-07-02', 3), [2, 1, 1]);
  assert.deepEqual(weeklyCounts([{ on: '2025-06-20', count: 5 }, '2025-06-21'], '2025-07-02', 3), [0, 6, 0]);
  assert.deepEqual(weeklyCounts([], '2025-07-02', 2), [0, 0]);
});

test('rateOf: mean and population standard deviation', () => {
  assert.deepEqual(rateOf([2, 4, 4, 4, 5, 5, 7, 9]), { mean: 5, spread: 2, weeks: 8 });
  assert.deepEqual(rateOf([]), { mean: 0, spread: 0, weeks: 0 });
});

test('forecast from the mean rate with a one-spread range, by hand', () => {
  // 60 remaining at 5/week = 12 weeks = 84 days; at 7/week ceil(60/7×7) = 60 days; at 3/week 140 days.
  const f = forecast({ live: 40, target: 100, asOf: '2025-07-01', weekly: [2, 4, 4, 4, 5, 5, 7, 9], targetOn: '2025-10-01' });
  assert.equal(f.remaining, 60);
  assert.equal(f.completesOn, addDays('2025-07-01', 84));
  assert.equal(f.completesOn, '2025-09-23');
  assert.equal(f.earliestOn, '2025-08-30');
  assert.equal(f.latestOn, addDays('2025-07-01', 140));
  assert.equal(f.onTrack, true);
  // 92 days to the target: 60/92×7 = 4.565… a week needed.
  assert.equal(f.neededRate, 4.57);
  assert.match(f.summary, /on track for 2025-10-01/);
});

test('late, unbounded, stalled and met', () => {
  const late = forecast({ live: 0, target: 100, asOf: '2025-07-01', weekly: [5, 5], targetOn: '2025-08-01' });
  assert.equal(late.completesOn, '2025-11-18'); // 20 weeks
  assert.equal(late.earliestOn, late.completesOn, 'no spread, no range');
  assert.equal(late.onTrack, false);
  assert.match(late.summary, /after the target date 2025-08-01 \(22\.58 a week would be needed\)/);
  const wild = forecast({ live: 0, target: 10, asOf: '2025-07-01', weekly: [0, 10] });
  assert.equal(wild.latestOn, null, 'mean − spread is 0: no upper bound');
  assert.equal(wild.onTrack, null);
  const stalled = forecast({ live: 3, target: 10, asOf: '2025-07-01', weekly: [0, 0, 0], targetOn: '2025-12-01' });
  assert.equal(stalled.completesOn, null);
  assert.equal(stalled.onTrack, false);
  assert.match(stalled.summary, /Nothing went live in the last 3 complete weeks/);
  const met = forecast({ live: 12, target: 10, asOf: '2025-07-01', weekly: [1] });
  assert.deepEqual([met.remaining, met.onTrack, met.completesOn], [0, true, null]);
  const passed = forecast({ live: 1, target: 10, asOf: '2025-07-01', weekly: [1], targetOn: '2025-06-01' });
  assert.equal(passed.neededRate, null);
});
