import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bestFit, contains, DEFAULT_SIZING, endOf, formatAddress, formatPrefix, isPrivate, overlaps, parseAddress, parsePrefix,
  prefixLengthFor, sizeOf, sizingProblems, usedAddresses, type Prefix,
} from '../../src/domain/address-plan.ts';

const p = (text: string) => {
  const prefix = parsePrefix(text);
  assert.ok(prefix, `${text} parses`);
  return prefix;
};

describe('IPv4 addresses and prefixes', () => {
  test('addresses round-trip, and malformed ones are refused', () => {
    assert.equal(parseAddress('10.128.0.1'), 10 * 2 ** 24 + 128 * 2 ** 16 + 1);
    assert.equal(parseAddress('255.255.255.255'), 2 ** 32 - 1);
    for (const bad of ['256.0.0.1', '10.0.0', '10.0.0.0.1', '10.0.0.01', 'a.b.c.d', '', ' ']) assert.equal(parseAddress(bad), undefined, bad);
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => parseAddress(formatAddress(n)) === n));
  });

  test('prefixes: host bits must be zero unless asked to widen; lengths 0 to 32', () => {
    assert.deepEqual(p('10.128.0.0/10'), { network: parseAddress('10.128.0.0'), length: 10 });
    assert.equal(parsePrefix('10.128.0.1/10'), undefined);
    assert.deepEqual(parsePrefix('10.128.0.1/10', false), p('10.128.0.0/10'));
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/8/8', '10.0.0.0/', '10.0.0.0/123']) assert.equal(parsePrefix(bad), undefined, bad);
    assert.equal(formatPrefix(p('0.0.0.0/0')), '0.0.0.0/0');
    assert.equal(endOf(p('255.255.255.0/24')), 2 ** 32);
    assert.equal(sizeOf(29), 8);
  });

  test('containment and overlap', () => {
    assert.ok(contains(p('10.0.0.0/8'), p('10.1.2.0/24')));
    assert.ok(contains(p('10.1.2.0/24'), p('10.1.2.0/24')));
    assert.ok(!contains(p('10.1.2.0/24'), p('10.0.0.0/8')));
    assert.ok(overlaps(p('10.0.0.0/8'), p('10.1.2.0/24')));
    assert.ok(overlaps(p('10.1.2.0/24'), p('10.0.0.0/8')));
    assert.ok(!overlaps(p('10.0.0.0/29'), p('10.0.0.8/29')));
    // Two CIDR prefixes overlap exactly when one contains the other.
    const prefix = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([n, len]) => parsePrefix(`${formatAddress(n)}/${len}`, false)!);
    fc.assert(fc.property(prefix, prefix, (a, b) => overlaps(a, b) === (contains(a, b) || contains(b, a))));
  });

  test('only private and shared space may be a block', () => {
    for (const ok of ['10.128.0.0/10', '172.16.0.0/12', '172.31.255.0/24', '192.168.0.0/16', '100.64.0.0/10']) assert.ok(isPrivate(p(ok)), ok);
    for (const no of ['8.8.8.0/24', '172.32.0.0/16', '10.0.0.0/7', '0.0.0.0/0', '100.128.0.0/16']) assert.ok(!isPrivate(p(no)), no);
  });
});

describe('sizing a site by its product', () => {
  test('the default rule: faster products get larger prefixes; resilient ones the next size up', () => {
    assert.equal(prefixLengthFor(2), 29);
    assert.equal(prefixLengthFor(10), 29);
    assert.equal(prefixLengthFor(10.5), 28);
    assert.equal(prefixLengthFor(100), 27);
    assert.equal(prefixLengthFor(1000), 26);
    assert.equal(prefixLengthFor(100_000), 24, 'above the last step, the last step');
    assert.equal(prefixLengthFor(10, { resilient: true }), 28);
    assert.equal(prefixLengthFor(1, { sizing: [{ upToMbps: 1000, prefixLength: 16 }], resilient: true }), 16, 'never larger than /16');
  });

  test('monotone: more bandwidth never means a smaller prefix', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 1e5, noNaN: true }), fc.double({ min: 0.1, max: 1e5, noNaN: true }), fc.boolean(), (a, b, resilient) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return prefixLengthFor(hi, { resilient }) <= prefixLengthFor(lo, { resilient });
      }),
    );
  });

  test('a sizing rule is checked step by step', () => {
    assert.deepEqual(sizingProblems(DEFAULT_SIZING), []);
    assert.deepEqual(sizingProblems([]), [{ index: 0, message: 'must have at least one step' }]);
    assert.deepEqual(
      sizingProblems([
        { upToMbps: 100, prefixLength: 28 },
        { upToMbps: 50, prefixLength: 29 },
        { upToMbps: 0, prefixLength: 31 },
      ]).map((f) => `${f.index}: ${f.message}`),
      [
        '1: upToMbps must increase from step to step',
        '1: a faster product may not get a smaller prefix',
        '2: upToMbps must be positive',
        '2: prefixLength must be 16 to 30',
        '2: upToMbps must increase from step to step',
        '2: a faster product may not get a smaller prefix',
      ],
    );
  });
});

describe('the reference allocator (best fit)', () => {
  const block = p('10.0.0.0/24');

  test('an empty block gives its first aligned prefix; a full one gives nothing', () => {
    assert.equal(formatPrefix(bestFit(block, [], 29)!), '10.0.0.0/29');
    assert.equal(formatPrefix(bestFit(block, [], 24)!), '10.0.0.0/24');
    assert.equal(bestFit(block, [p('10.0.0.0/24')], 30), undefined);
    assert.equal(bestFit(block, [], 23), undefined, 'larger than the block');
  });

  test('aligned: after a /29 a /28 starts at the next multiple of 16, not at .8', () => {
    assert.equal(formatPrefix(bestFit(block, [p('10.0.0.0/29')], 28)!), '10.0.0.16/28');
    assert.equal(formatPrefix(bestFit(block, [p('10.0.0.0/29')], 29)!), '10.0.0.8/29');
  });

  test('best fit: the smallest gap that can hold the prefix is used, keeping large stretches whole', () => {
    // Gaps: .8/29 (8 addresses), then .32 to .256 (224 addresses); a /29 goes into the small gap.
    const live = [p('10.0.0.0/29'), p('10.0.0.16/28')];
    assert.equal(formatPrefix(bestFit(block, live, 29)!), '10.0.0.8/29');
    // A /28 does not fit the 8-address gap: it goes to the large one.
    assert.equal(formatPrefix(bestFit(block, live, 28)!), '10.0.0.32/28');
  });

  test('a released prefix is free again', () => {
    const live = [p('10.0.0.0/26'), p('10.0.0.64/26'), p('10.0.0.128/26'), p('10.0.0.192/26')];
    assert.equal(bestFit(block, live, 26), undefined);
    assert.equal(formatPrefix(bestFit(block, live.filter((_, i) => i !== 2), 27)!), '10.0.0.128/27');
  });

  test('property: allocating until full never overlaps, stays in the block, and fills it exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 26, max: 30 }), { minLength: 1, maxLength: 80 }), fc.array(fc.nat(), { maxLength: 30 }), (lengths, releases) => {
        let live: Prefix[] = [];
        for (const [i, length] of lengths.entries()) {
          const got = bestFit(block, live, length);
          const free = sizeOf(block.length) - usedAddresses(block, live);
          if (!got) {
            // Refused only when no aligned stretch of that size is free (certainly when too few addresses are).
            const anyAligned = Array.from({ length: sizeOf(block.length) / sizeOf(length) }, (_, k) => ({ network: block.network + k * sizeOf(length), length }));
            assert.ok(anyAligned.every((c) => live.some((l) => overlaps(l, c))), `refused a /${length} with ${free} free`);
          } else {
            assert.equal(got.network % sizeOf(length), 0);
            assert.ok(contains(block, got));
            assert.ok(live.every((l) => !overlaps(l, got)));
            live.push(got);
          }
          const r = releases[i];
          if (r !== undefined && live.length > 1 && r % 3 === 0) live = live.filter((_, k) => k !== r % live.length);
        }
      }),
    );
  });
});
