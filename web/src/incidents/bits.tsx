import { formatDateTime, formatShortDateTime } from '../labels.ts';
import { CATEGORIES, categoryLabel, customerStateLabel, stateColour, stateLabel, dueLevel } from './types.ts';
import './due.css';

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
 * coloured so (the words are in the row's `SlaMark`). `open`: the record is still being worked
 * (else its clocks have stopped); `paused`: its clocks wait on the customer.
 */
export function DueCell({
  dueAt,
  open,
  paused = false,
  now,
  label = 'Due',
  standing,
}: {
  dueAt: string | null;
  open: boolean;
  paused?: boolean;
  now: number;
  label?: string;
  standing?: { breached?: boolean; warning?: boolean };
}) {
  if (!open) return <span className="muted">Stopped</span>;
  if (!dueAt) return <span className="muted">{paused ? 'Paused' : 'No running target'}</span>;
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

/** What a list row gives of its record's SLA (the service level module's standing, the same on incidents and service requests). */
export interface SlaDueRow {
  slaDueAt: string | null;
  responseDueAt: string | null;
  slaBreached: boolean;
  slaWarning: boolean;
}

/**
 * How a record type names its SLA due times: the resolution target's label (an incident's plain
 * "Due", a request's "Fulfilment due"), and the word put before it when it is shown under a
 * response that falls due later (needed only when its label does not name it).
 */
export interface SlaDueLabels {
  resolution: string;
  resolutionBeside?: string;
}

/**
 * The SLA deadline that matters in a list: the next target to fall due (`slaDueAt`, which the
 * lists sort by). While the record is unanswered that is its response target (a P1 incident's is
 * minutes away while its resolution is hours off), shown as such; the resolution (a request's
 * fulfilment) is shown beside it only when it falls due sooner. Each is its due time, not a
 * count-down: the wall-clock time to it is not the business time left. Above them, the server's
 * word on the SLA: breached (a response given late, a target missed before the clock stopped, as
 * well as one late now) or past its warning point, so that no such row reads as on time.
 */
export function SlaDue({ row, open, paused, now, labels }: { row: SlaDueRow; open: boolean; paused?: boolean; now: number; labels: SlaDueLabels }) {
  const response = open ? row.responseDueAt : null;
  // The next target is the response's own unless the resolution falls due first (or nothing runs: paused).
  const resolutionShown = !response || row.slaDueAt === null || Date.parse(row.slaDueAt) !== Date.parse(response);
  const standing = { breached: row.slaBreached, warning: row.slaWarning };
  return (
    <>
      {(row.slaBreached || row.slaWarning) && (
        <>
          <SlaMark breached={row.slaBreached} warning={row.slaWarning} />
          <br />
        </>
      )}
      {response && (
        <>
          <DueCell dueAt={response} open={open} now={now} label="Response due" standing={standing} />
          {resolutionShown && (
            <>
              <br />
              {labels.resolutionBeside && <span className="muted">{labels.resolutionBeside}: </span>}
            </>
          )}
        </>
      )}
      {resolutionShown && <DueCell dueAt={row.slaDueAt} open={open} paused={paused} now={now} label={labels.resolution} standing={standing} />}
    </>
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
