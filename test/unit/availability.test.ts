import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  allowedDowntime,
  combine,
  connectionFigures,
  datePeriod,
  intersection,
  meetsTarget,
  monthOf,
  monthPeriod,
  monthsBetween,
  splitByMonth,
  total,
  union,
  type ConnectionHistory,
  type Interval,
  type Recorded,
} from '../../src/domain/availability.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** A London wall-clock time as an instant (the offset is +01:00 in summer time). */
const at = (iso: string, offset = '+00:00') => Date.parse(`${iso}${offset}`);
const LONG_AGO = Date.parse('2020-01-01T00:00:00Z');
const LATER = Date.parse('2030-01-01T00:00:00Z');

function history(outages: Recorded[], windows: Interval[] = [], service: Recorded = { start: LONG_AGO, end: null }): ConnectionHistory {
  return { service, outages, windows };
}

describe('London months', () => {
  test('March 2026 is 743 hours (clocks go forward on the 29th), October 745, April 720', () => {
    const march = monthPeriod('2026-03');
    assert.equal(march.start, at('2026-03-01T00:00:00Z', ''));
    assert.equal(march.end, at('2026-03-31T23:00:00Z', ''), 'April begins at midnight BST, 23:00 UTC');
    assert.equal((march.end - march.start) / HOUR, 743);
    assert.equal((monthPeriod('2026-10').end - monthPeriod('2026-10').start) / HOUR, 745);
    assert.equal((monthPeriod('2026-04').end - monthPeriod('2026-04').start) / HOUR, 720);
  });

  test('an instant just before a BST midnight belongs to the earlier month', () => {
    assert.equal(monthOf(at('2026-04-30T22:59:59.999Z', '')), '2026-04');
    assert.equal(monthOf(at('2026-04-30T23:00:00Z', '')), '2026-05');
    assert.deepEqual(monthsBetween('2025-11', '2026-02'), ['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  test('a date period includes both dates', () => {
    const p = datePeriod('2026-06-01', '2026-06-30');
    assert.deepEqual(p, monthPeriod('2026-06'));
  });

  test('an interval is split exactly at the month boundaries it crosses', () => {
    // 31 March 22:00 BST to 2 May 01:00 BST: two hours in March, all April, 25 hours in May.
    const pieces = splitByMonth({ start: at('2026-03-31T22:00:00', '+01:00'), end: at('2026-05-02T01:00:00', '+01:00') });
    assert.deepEqual(pieces.map((p) => [p.month, (p.end - p.start) / HOUR]), [['2026-03', 2], ['2026-04', 720], ['2026-05', 25]]);
  });
});

describe('intervals', () => {
  test('union merges overlapping and touching intervals, drops empty ones', () => {
    assert.deepEqual(union([{ start: 5, end: 7 }, { start: 1, end: 3 }, { start: 3, end: 4 }, { start: 6, end: 9 }, { start: 8, end: 8 }]), [{ start: 1, end: 4 }, { start: 5, end: 9 }]);
  });

  test('intersection of two sets', () => {
    assert.deepEqual(intersection([{ start: 0, end: 10 }, { start: 20, end: 30 }], [{ start: 5, end: 25 }]), [{ start: 5, end: 10 }, { start: 20, end: 25 }]);
  });
});

describe('availability: hand-computed cases', () => {
  const april = monthPeriod('2026-04'); // 720 hours, all in BST
  const march = monthPeriod('2026-03'); // 743 hours
  const AFTER = LATER;

  test('one unplanned outage of 3 hours in March: 1 − 3/743', () => {
    const f = connectionFigures(history([{ start: at('2026-03-10T09:00:00Z', ''), end: at('2026-03-10T12:00:00Z', '') }]), march, AFTER);
    assert.equal(f.periodMs, 743 * HOUR);
    assert.equal(f.unplannedMs, 3 * HOUR);
    assert.equal(f.plannedMs, 0);
    assert.equal(f.availability, 1 - 3 / 743);
  });

  test('an alert outage 10:00–12:00 and an incident outage 11:00–13:00 over the same fault count 3 hours, once', () => {
    const f = connectionFigures(
      history([
        { start: at('2026-04-08T10:00:00', '+01:00'), end: at('2026-04-08T12:00:00', '+01:00') },
        { start: at('2026-04-08T11:00:00', '+01:00'), end: at('2026-04-08T13:00:00', '+01:00') },
      ]),
      april,
      AFTER,
    );
    assert.equal(f.downMs, 3 * HOUR);
    assert.equal(f.availability, 1 - 3 / 720);
  });

  test('maintenance 01:00–05:00 overlapping an outage 03:00–07:00: 2 hours planned, 2 unplanned, 1 − 2/718', () => {
    const f = connectionFigures(
      history([{ start: at('2026-04-14T03:00:00', '+01:00'), end: at('2026-04-14T07:00:00', '+01:00') }], [{ start: at('2026-04-14T01:00:00', '+01:00'), end: at('2026-04-14T05:00:00', '+01:00') }]),
      april,
      AFTER,
    );
    assert.equal(f.plannedMs, 2 * HOUR);
    assert.equal(f.unplannedMs, 2 * HOUR);
    assert.equal(f.measuredMs, 718 * HOUR);
    assert.equal(f.availability, 1 - 2 / 718);
  });

  test('an outage wholly inside a window is all planned: 100%, and the window itself costs nothing when the line stays up', () => {
    const window = { start: at('2026-04-20T00:00:00', '+01:00'), end: at('2026-04-20T06:00:00', '+01:00') };
    const inside = connectionFigures(history([{ start: at('2026-04-20T01:00:00', '+01:00'), end: at('2026-04-20T02:30:00', '+01:00') }], [window]), april, AFTER);
    assert.deepEqual([inside.plannedMs, inside.unplannedMs, inside.measuredMs, inside.availability], [1.5 * HOUR, 0, 718.5 * HOUR, 1]);
    const quiet = connectionFigures(history([], [window]), april, AFTER);
    assert.deepEqual([quiet.plannedMs, quiet.measuredMs, quiet.availability], [0, 720 * HOUR, 1]);
  });

  test('two overlapping windows over one outage count the planned time once', () => {
    const f = connectionFigures(
      history([{ start: at('2026-04-03T00:00:00', '+01:00'), end: at('2026-04-03T10:00:00', '+01:00') }], [
        { start: at('2026-04-03T02:00:00', '+01:00'), end: at('2026-04-03T06:00:00', '+01:00') },
        { start: at('2026-04-03T04:00:00', '+01:00'), end: at('2026-04-03T08:00:00', '+01:00') },
      ]),
      april,
      AFTER,
    );
    assert.equal(f.plannedMs, 6 * HOUR);
    assert.equal(f.unplannedMs, 4 * HOUR);
  });

  test('an outage from 31 March 22:00 to 1 April 03:00 (BST) is 2 hours in March and 3 in April', () => {
    const outage = { start: at('2026-03-31T22:00:00', '+01:00'), end: at('2026-04-01T03:00:00', '+01:00') };
    const inMarch = connectionFigures(history([outage]), march, AFTER);
    const inApril = connectionFigures(history([outage]), april, AFTER);
    assert.equal(inMarch.unplannedMs, 2 * HOUR);
    assert.equal(inMarch.availability, 1 - 2 / 743);
    assert.equal(inApril.unplannedMs, 3 * HOUR);
    assert.equal(inApril.availability, 1 - 3 / 720);
  });

  test('an open outage counts up to now, and the rest of the month is not measured yet', () => {
    const now = at('2026-04-11T00:00:00', '+01:00');
    const f = connectionFigures(history([{ start: at('2026-04-10T18:00:00', '+01:00'), end: null }]), april, now);
    assert.equal(f.periodMs, 240 * HOUR);
    assert.equal(f.unplannedMs, 6 * HOUR);
    assert.equal(f.availability, 1 - 6 / 240);
  });

  test('a connection live from 16 April is measured over 15 days; one ceased on 11 April over 10', () => {
    const live = connectionFigures(history([{ start: at('2026-04-20T09:00:00', '+01:00'), end: at('2026-04-20T12:36:00', '+01:00') }], [], { start: at('2026-04-16T00:00:00', '+01:00'), end: null }), april, AFTER);
    assert.equal(live.periodMs, 360 * HOUR);
    assert.equal(live.availability, 1 - 3.6 / 360);
    assert.equal(live.availability, 0.99);
    const ceased = connectionFigures(history([], [], { start: LONG_AGO, end: at('2026-04-11T00:00:00', '+01:00') }), april, AFTER);
    assert.equal(ceased.periodMs, 240 * HOUR);
  });

  test('a month entirely under maintenance and down has no measurable time: availability is not given', () => {
    const f = connectionFigures(history([{ start: april.start, end: april.end }], [april]), april, AFTER);
    assert.equal(f.availability, null);
    assert.ok(meetsTarget(f, 99.5));
  });

  test('targets: 99.5% of April allows 3 h 36 min; exactly that meets it, a minute more misses', () => {
    const allowed = allowedDowntime(720 * HOUR, 99.5);
    assert.equal(allowed, 3 * HOUR + 36 * MINUTE);
    assert.ok(meetsTarget({ unplannedMs: allowed, measuredMs: 720 * HOUR }, 99.5));
    assert.ok(!meetsTarget({ unplannedMs: allowed + MINUTE, measuredMs: 720 * HOUR }, 99.5));
    assert.ok(meetsTarget({ unplannedMs: 7 * HOUR + 12 * MINUTE, measuredMs: 720 * HOUR }, 99.0));
    assert.ok(!meetsTarget({ unplannedMs: 7 * HOUR + 12 * MINUTE + 1, measuredMs: 720 * HOUR }, 99.0));
  });

  test('a group is the sum of its connections, not the mean of their percentages', () => {
    const a = connectionFigures(history([{ start: april.start, end: april.start + 72 * HOUR }]), april, AFTER); // 90%
    const b = connectionFigures(history([], [], { start: at('2026-04-25T00:00:00', '+01:00'), end: null }), april, AFTER); // 100% over 6 days
    const group = combine([a, b]);
    assert.equal(group.periodMs, (720 + 144) * HOUR);
    assert.equal(group.availability, 1 - 72 / 864);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties against an independent model: time cut into unit cells, each cell counted.

const cell = fc.integer({ min: 0, max: 200 });
const span = fc.tuple(cell, fc.integer({ min: 0, max: 60 })).map(([start, len]) => ({ start, end: start + len }));
const recorded = fc.tuple(cell, fc.option(fc.integer({ min: 0, max: 60 }), { freq: 5 })).map(([start, len]) => ({ start, end: len === null ? null : start + len }));
const histories = fc.record({
  outages: fc.array(recorded, { maxLength: 8 }),
  windows: fc.array(span, { maxLength: 4 }),
  service: fc.tuple(fc.integer({ min: 0, max: 100 }), fc.option(fc.integer({ min: 1, max: 250 }))).map(([start, len]) => ({ start, end: len === null ? null : start + len })),
});

/** Counts cells: a cell is measured when in service, in the period and before `asOf`; down when any outage covers it; planned when a window covers it too. */
function byCells(h: ConnectionHistory, period: Interval, asOf: number) {
  let periodMs = 0;
  let down = 0;
  let planned = 0;
  for (let t = period.start; t < period.end; t++) {
    const covers = (i: { start: number; end: number | null }) => i.start <= t && t < (i.end ?? Infinity);
    if (!covers(h.service) || t >= asOf) continue;
    periodMs++;
    if (h.outages.some(covers)) {
      down++;
      if (h.windows.some(covers)) planned++;
    }
  }
  return { periodMs, downMs: down, plannedMs: planned, unplannedMs: down - planned };
}

describe('availability: properties', () => {
  test('agrees with counting cells, for any outages, windows, service period and asOf', () => {
    fc.assert(
      fc.property(histories, span, fc.integer({ min: 0, max: 300 }), (h, period, asOf) => {
        const f = connectionFigures(h, period, asOf);
        const c = byCells(h, period, asOf);
        assert.deepEqual({ periodMs: f.periodMs, downMs: f.downMs, plannedMs: f.plannedMs, unplannedMs: f.unplannedMs }, c);
        if (f.availability !== null) assert.ok(f.availability >= 0 && f.availability <= 1);
      }),
      { numRuns: 2000 },
    );
  });

  test('cutting the period in two and adding the pieces gives the whole (months split exactly)', () => {
    fc.assert(
      fc.property(histories, span, cell, (h, period, cut) => {
        const at = Math.min(Math.max(cut, period.start), period.end);
        const whole = connectionFigures(h, period, 1000);
        const parts = combine([connectionFigures(h, { start: period.start, end: at }, 1000), connectionFigures(h, { start: at, end: period.end }, 1000)]);
        assert.deepEqual(parts, whole);
      }),
      { numRuns: 1000 },
    );
  });

  test('the same outage recorded twice (alert and incident) changes nothing', () => {
    fc.assert(
      fc.property(histories, span, (h, period) => {
        const twice = { ...h, outages: [...h.outages, ...h.outages] };
        assert.deepEqual(connectionFigures(twice, period, 1000), connectionFigures(h, period, 1000));
      }),
    );
  });

  test('union is sorted, disjoint and covers exactly the same cells', () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 10 }), (spans) => {
        const u = union(spans);
        for (let i = 1; i < u.length; i++) assert.ok(u[i - 1]!.end < u[i]!.start);
        for (let t = 0; t < 270; t++) assert.equal(u.some((i) => i.start <= t && t < i.end), spans.some((i) => i.start <= t && t < i.end));
        assert.equal(total(u), total(spans));
      }),
    );
  });

  test('splitByMonth pieces are contiguous, each inside its month, and add up to the whole', () => {
    const start = Date.parse('2024-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 * 24 }), fc.integer({ min: 0, max: 100 * 24 }), (h, len) => {
        const interval = { start: start + h * HOUR + 17 * MINUTE, end: start + (h + len) * HOUR };
        const pieces = splitByMonth(interval);
        let t = interval.start;
        for (const p of pieces) {
          assert.equal(p.start, t);
          const month = monthPeriod(p.month);
          assert.ok(month.start <= p.start && p.end <= month.end);
          t = p.end;
        }
        assert.equal(t, Math.max(interval.start, interval.end));
      }),
    );
  });
});
