import { formatDateTime, formatShortDateTime } from '../labels.ts';
import { CATEGORIES, categoryLabel, customerStateLabel, isOpenState, stateColour, stateLabel, dueLevel } from './types.ts';

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

/**
 * When the SLA target it is given falls due, as the due time itself ("Due Tue 17:45"): the
 * wall-clock time to it is not the business time left on the clock, so it is not shown as such.
 * A target past its due time says how long ago; one the server reads as warned or breached is
 * coloured so (the words are in the row's `SlaMark`).
 */
export function DueCell({ dueAt, state, now, label = 'Due', standing }: { dueAt: string | null; state: string; now: number; label?: string; standing?: { breached?: boolean; warning?: boolean } }) {
  if (!isOpenState(state)) return <span className="muted">Stopped</span>;
  if (!dueAt) return <span className="muted">{state === 'pending_customer' ? 'Paused' : 'No running target'}</span>;
  const { level, late } = dueLevel(dueAt, now, standing);
  return (
    <span className={`due due--${level}`}>
      {late ? (
        <>
          <strong>{label === 'Due' ? 'Breached' : `${label.replace(/ due$/, '')} breached`}: </strong>
          {late} ago
          <br />
          <span className="due__at">
            was due <time dateTime={dueAt} title={formatDateTime(dueAt)}>{formatShortDateTime(dueAt, now)}</time>
          </span>
        </>
      ) : (
        <>
          {label === 'Due' ? 'Due ' : <strong>{label} </strong>}
          <time dateTime={dueAt} title={formatDateTime(dueAt)} className="due__at">
            {formatShortDateTime(dueAt, now)}
          </time>
        </>
      )}
    </span>
  );
}

/**
 * A record's standing against its customer-facing (SLA) targets, as the lists read it
 * (`slaBreached`, `slaWarning`): a word in a tag, the colour only helping. Nothing while neither.
 */
export function SlaMark({ breached, warning }: { breached: boolean; warning: boolean }) {
  if (breached) return <span className="tag tag--red sla-mark">SLA breached</span>;
  if (warning) return <span className="tag tag--yellow sla-mark">SLA warning</span>;
  return null;
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
