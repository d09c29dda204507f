import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MATCH_COST, SEARCH_SAMPLE, searchShape, WALK_COST } from '../../src/domain/search-shape.ts';

const MILLION = 1_000_000;

describe('how a search finds its page', () => {
  test('a page already found among the newest incidents is walked to, however large the table', () => {
    assert.equal(searchShape(51, SEARCH_SAMPLE, MILLION, 51), 'walk');
    assert.equal(searchShape(SEARCH_SAMPLE, SEARCH_SAMPLE, MILLION, 51), 'walk');
    assert.equal(searchShape(6, SEARCH_SAMPLE, 300, 6), 'walk', 'a page of five and its one more');
  });

  test('words none of the newest incidents use are looked up in the index', () => {
    assert.equal(searchShape(0, SEARCH_SAMPLE, MILLION, 51), 'index');
    assert.equal(searchShape(0, 0, 0, 51), 'index', 'an empty table');
  });

  test('at a million incidents: a place name (a few in 2,000) from the index, a fault word (one in thirty) by walking', () => {
    assert.equal(searchShape(2, SEARCH_SAMPLE, MILLION, 51), 'index', 'about 1,000 matches: 1,000 fetches against a walk of 50,000');
    assert.equal(searchShape(60, SEARCH_SAMPLE, MILLION, 51), 'walk');
    assert.equal(searchShape(20, SEARCH_SAMPLE, MILLION, 51), 'walk', 'about 10,000 matches: a walk of 5,000 is cheaper');
  });

  test('a small table is searched through the index unless the page is in the sample', () => {
    assert.equal(searchShape(30, SEARCH_SAMPLE, 5_000, 51), 'index');
  });

  test('the choice is the cheaper of the two estimated costs, and more hits never turn a walk into a lookup', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1_000, max: 10_000_000 }), (hits, incidents) => {
        const rate = hits / SEARCH_SAMPLE;
        const walk = (51 / rate) * WALK_COST;
        const index = rate * incidents * MATCH_COST;
        assert.equal(searchShape(hits, SEARCH_SAMPLE, incidents, 51), walk < index ? 'walk' : 'index');
        if (searchShape(hits, SEARCH_SAMPLE, incidents, 51) === 'walk') assert.equal(searchShape(hits + 1, SEARCH_SAMPLE, incidents, 51), 'walk');
      }),
    );
  });
});
