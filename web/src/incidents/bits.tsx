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
 * coloured so (the words are in its `SlaMark`). `open`: the record is still being worked
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
          <strong>{label === 'Due' ? 'Breached' : `${label.replace(/ due$/, '')} breached`}:</strong>{' '}
          <span className="due__late">{late} ago</span>
          <br />
          <span className="due__at">
            was due <time dateTime={dueAt} title={formatDateTime(dueAt)}>{formatShortDateTime(dueAt, now)}</time>
          </span>
        </>
      ) : (
        <>
          {label === 'Due' ? 'Due' : <strong>{label}</strong>}{' '}
          <time dateTime={dueAt} title={formatDateTime(dueAt)} className="due__at">
            {formatShortDateTime(dueAt, now)}
          </time>
        </>
      )}
    </span>
  );
}

/** A customer-facing (SLA) target: its response, and its resolution (a service request's fulfilment). */
export type SlaTarget = 'response' | 'resolution';

/** Which of a record's SLA targets are breached and which past their warning point only (the standing's `slaBreachedTargets`, `slaWarningTargets`). */
export interface SlaTargets {
  slaBreachedTargets: readonly SlaTarget[];
  slaWarningTargets: readonly SlaTarget[];
}

/** What a list row gives of its record's SLA (the service level module's standing, the same on incidents and service requests). */
export interface SlaDueRow extends SlaTargets {
  slaDueAt: string | null;
  responseDueAt: string | null;
  slaBreached: boolean;
  slaWarning: boolean;
}

/**
 * How a record type names its SLA targets and due times: the resolution target's name (an
 * incident's "Resolution", a request's "Fulfilment"), its due time's label (an incident's plain
 * "Due", a request's "Fulfilment due"), and the word put before that due time when it is shown
 * under the response's, or under the response's mark (needed only when its label does not name it).
 */
export interface SlaDueLabels {
  resolutionTarget: string;
  resolution: string;
  resolutionBeside?: string;
}

/** An incident's targets: "Response" and "Resolution"; its resolution due time "Due …", or "Resolution: Due …" beside its response's. */
export const INCIDENT_DUE_LABELS: SlaDueLabels = { resolutionTarget: 'Resolution', resolution: 'Due', resolutionBeside: 'Resolution' };

/** A target's own standing: breached, past its warning point, or neither. */
const standingOf = (row: SlaTargets, target: SlaTarget) => ({ breached: row.slaBreachedTargets.includes(target), warning: row.slaWarningTargets.includes(target) });

/** What a record type calls its targets in their marks ("Response SLA breached", "Fulfilment SLA warning"). */
const targetNames = (labels: SlaDueLabels): Record<SlaTarget, string> => ({ response: 'Response', resolution: labels.resolutionTarget });

/**
 * The SLA deadline that matters in a list: the next target to fall due (`slaDueAt`, which the
 * lists sort by). While the record is unanswered that is its response target (a P1 incident's is
 * minutes away while its resolution is hours off), shown as such; the resolution (a request's
 * fulfilment) is shown beside it only when it falls due sooner. Each is its due time, not a
 * count-down: the wall-clock time to it is not the business time left. Each target the server
 * reads as breached (a response given late, a target missed before its clock stopped, as well as
 * one late now) or past its warning point is named, above its own due time when that is shown,
 * and each due time is coloured by its own target's standing: a response answered late does not
 * make a resolution still in time read as late.
 */
export function SlaDue({ row, open, paused, now, labels }: { row: SlaDueRow; open: boolean; paused?: boolean; now: number; labels: SlaDueLabels }) {
  const response = open ? row.responseDueAt : null;
  // The next target is the response's own unless the resolution falls due first (or nothing runs: paused).
  const resolutionShown = !response || row.slaDueAt === null || Date.parse(row.slaDueAt) !== Date.parse(response);
  const names = targetNames(labels);
  const responseStanding = standingOf(row, 'response');
  const resolutionStanding = standingOf(row, 'resolution');
  const mark = (target: SlaTarget, standing: { breached: boolean; warning: boolean }) =>
    (standing.breached || standing.warning) && (
      <>
        <SlaMark {...standing} target={names[target]} />
        <br />
      </>
    );
  // A target whose due time is not shown (a response answered late) is named above the rest.
  const responseMarked = responseStanding.breached || responseStanding.warning;
  return (
    <>
      {!response && mark('response', responseStanding)}
      {!resolutionShown && mark('resolution', resolutionStanding)}
      {response && (
        <>
          {mark('response', responseStanding)}
          <DueCell dueAt={response} open={open} now={now} label="Response due" standing={responseStanding} />
          {resolutionShown && <br />}
        </>
      )}
      {resolutionShown && (
        <>
          {mark('resolution', resolutionStanding)}
          {(response || responseMarked) && labels.resolutionBeside && <span className="muted">{labels.resolutionBeside}: </span>}
          <DueCell dueAt={row.slaDueAt} open={open} paused={paused} now={now} label={labels.resolution} standing={resolutionStanding} />
        </>
      )}
    </>
  );
}

/**
 * A record's standing against a customer-facing (SLA) target, as a word in a tag, the colour only
 * helping: "Response SLA breached", "Fulfilment SLA warning"; just "SLA breached" when no target is
 * named (the record's standing as a whole). Nothing while neither.
 */
export function SlaMark({ breached, warning, target }: { breached: boolean; warning: boolean; target?: string }) {
  const named = target ? `${target} SLA` : 'SLA';
  if (breached) return <span className="tag tag--red sla-mark">{named} breached</span>;
  if (warning) return <span className="tag tag--yellow sla-mark">{named} warning</span>;
  return null;
}

/** Each SLA target of a record that is breached or warned, named in its own tag (the major incident board's cards). */
export function SlaMarks({ row, labels }: { row: SlaTargets; labels: SlaDueLabels }) {
  const names = targetNames(labels);
  return (
    <>
      {(['response', 'resolution'] as const).map((target) => {
        const standing = standingOf(row, target);
        return (
          (standing.breached || standing.warning) && (
            <span key={target}>
              <SlaMark {...standing} target={names[target]} />{' '}
            </span>
          )
        );
      })}
    </>
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
