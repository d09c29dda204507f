/**
 * How a full-text search over the incidents finds its first page, chosen from how often the words
 * occur among the newest incidents rather than from PostgreSQL's estimate, which misjudges rare
 * words, phrases and combinations of words by a thousand times either way (docs/incidents.md).
 *
 * - `walk`: follow the queue's order testing each incident until the page is full. The cost is
 *   the incidents read before the page fills, about page ÷ rate; the newest pages are the ones
 *   every walk reads, so they stay in memory and each incident costs little.
 * - `index`: take every match from the full-text indexes, then sort them. The cost is the
 *   number of matches, rate × incidents, each a read of a page somewhere in the table.
 */
export type SearchShape = 'walk' | 'index';

/** How many of the newest incidents a search tries its words on before it chooses how to look. */
export const SEARCH_SAMPLE = 2000;

/**
 * What an incident costs each way, relative to one another: one tested on a walk, and one match
 * fetched from the table after the index lookup. Measured at a million incidents
 * (docs/incidents.md): about 1.6 µs and 8 µs.
 */
export const WALK_COST = 1;
export const MATCH_COST = 5;

/**
 * `hits` of the newest `sampled` incidents matched; the table holds about `incidents`; the page
 * wants `page` rows (its limit and one more, to know whether another page follows).
 */
export function searchShape(hits: number, sampled: number, incidents: number, page: number): SearchShape {
  // The sample already holds a full page: the walk ends within what was just read.
  if (hits >= page) return 'walk';
  if (hits === 0 || sampled === 0) return 'index';
  const rate = hits / sampled;
  const walk = (page / rate) * WALK_COST;
  const index = rate * Math.max(incidents, sampled) * MATCH_COST;
  return walk < index ? 'walk' : 'index';
}
