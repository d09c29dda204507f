import { stateLabel } from '../labels.ts';

const COLOURS: Record<string, string> = { active: 'green', proposed: 'blue', dormant: 'yellow', retired: 'grey', closed: 'grey' };

/** An organisation's ODS state as a coloured tag; the word carries the meaning, the colour only helps. */
export function StateTag({ state }: { state: string }) {
  return <span className={`tag tag--${COLOURS[state] ?? 'grey'}`}>{stateLabel(state)}</span>;
}
