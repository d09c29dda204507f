/** An alert's status as a coloured tag; the word carries the meaning, the colour only helps. */
export function AlertStatusTag({ status }: { status: string }) {
  return <span className={`tag tag--${status === 'firing' ? 'yellow' : 'green'}`}>{status === 'firing' ? 'Firing' : 'Resolved'}</span>;
}
