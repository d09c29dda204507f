/**
 * A number of things in English: "1 incident", "6 incidents", never "6 incident(s)". The plural
 * is the noun with an s unless it is given ("1 child", "3 children"). Words only: no I/O.
 */
export function counted(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

/** The verb that agrees with a count: "1 linked incident is", "2 linked incidents are". */
export function countedIs(n: number, noun: string, pluralNoun?: string): string {
  return `${counted(n, noun, pluralNoun)} ${n === 1 ? 'is' : 'are'}`;
}
