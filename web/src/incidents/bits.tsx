import { formatDateTime } from '../labels.ts';
import { CATEGORIES, categoryLabel, customerStateLabel, isOpenState, stateColour, stateLabel, timeLeft } from './types.ts';

/** An incident's state as a tag; the word carries the meaning, the colour only helps. */
export function StateTagFor({ state, customer = false }: { state: string; customer?: boolean }) {
  return <span className={`tag tag--${stateColour(state)}`}>{customer ? customerStateLabel(state) : stateLabel(state)}</span>;
}

/** P1 and P2 stand out; the matrix names its own priorities, so anything else is plain. */
export function PriorityTag({ priority }: { priority: string }) {
  const colour = /1$/.test(priority) ? 'red' : /2$/.test(priority) ? 'yellow' : 'grey';
  return (
    <span className={`tag tag--${colour}`}>
      <span className="visually-hidden">Priority </span>
      {priority}
    </span>
  );
}

/** When the SLA target it is given falls due, as wall-clock time to it; breached and due-soon rows say so in words. */
export function DueCell({ dueAt, state, now }: { dueAt: string | null; state: string; now: number }) {
  if (!isOpenState(state)) return <span className="muted">Stopped</span>;
  if (!dueAt) return <span className="muted">{state === 'pending_customer' ? 'Paused' : 'No running target'}</span>;
  const left = timeLeft(dueAt, now);
  return (
    <span className={`due due--${left.level}`}>
      {left.level === 'breached' && <strong>Breached: </strong>}
      {left.level === 'warning' && <strong>Due soon: </strong>}
      {left.level === 'ok' && 'Due '}
      {left.level === 'breached' ? left.text.replace(/^Breached /, '') : left.text}
      <br />
      <time dateTime={dueAt} className="due__at">
        {formatDateTime(dueAt)}
      </time>
    </span>
  );
}

/** The incident categories as a select's options. */
export function CategoryOptions() {
  return (
    <>
      {CATEGORIES.map((c) => (
        <option key={c} value={c}>
          {categoryLabel(c)}
        </option>
      ))}
    </>
  );
}
