/**
 * An instant as people in England read it in an e-mail or a history: the wall clock in
 * Europe/London (GMT in winter, BST in summer) with its day, "Tue 24 Nov 2026, 23:48", rather
 * than a UTC ISO string an hour out half the year. Formatting only: no clock, no I/O.
 */

const LONDON = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/London',
});

export function londonTime(at: Date | string | number): string {
  const parts = Object.fromEntries(LONDON.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}`;
}
