import { problems } from '../errors.ts';

/**
 * A list's `?state=` filter: one state or several, comma-separated, with "open" standing for every
 * open state. A state the record does not have is refused by name rather than listing nothing,
 * which would read as "no such records".
 */
export function statesAsked(asked: string, states: readonly string[], open: readonly string[], record: string): string[] {
  const wanted = asked.split(',').flatMap((s) => (s === 'open' ? [...open] : [s]));
  const unknown = wanted.find((s) => !states.includes(s));
  if (unknown) throw problems.invalid('query.state', `${unknown} is not ${/^[aeiou]/.test(record) ? 'an' : 'a'} ${record} state; use ${states.join(', ')} or open`);
  return wanted;
}
