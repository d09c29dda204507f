import { useId } from 'react';
import { TableScroll } from '../components/ItemTable.tsx';
import { formatBusinessTime, formatDateTime } from '../labels.ts';
import { clockKindLabel, clockStateColour, clockStateLabel, formatDuration, metricLabel, type Clock } from './types.ts';

const RUNNING = ['running', 'warning'];

/**
 * The service level clocks on an incident as the API gives them: which agreement, what it
 * measures, the target in business time, how much of it is used, and when it falls due. Times
 * are business time on the clock's calendar, except the time paused (`pausedMs`, wall-clock time
 * the clock stood still) and the due instant. Each clock's state is beside its name, so that the
 * table fits a phone; were it wider, it would scroll in its own box.
 */
export function Clocks({ clocks, heading = 'Service level clocks' }: { clocks: Clock[]; heading?: string }) {
  const captionId = useId();
  return (
    <section aria-labelledby="clocks-heading">
      <h2 id="clocks-heading">{heading}</h2>
      {clocks.length === 0 ? (
        <p>No service level target applies to this incident.</p>
      ) : (
        <TableScroll labelledBy={captionId}>
          <table className="table clocks">
            <caption id={captionId}>Target, time used and time left are business time on the clock's calendar, in hours; time paused is clock time (every hour counts, in hours or not); due is the date and time.</caption>
            <thead>
              <tr>
                <th scope="col">Clock</th>
                <th scope="col">Target</th>
                <th scope="col">Used</th>
                <th scope="col">Left or due</th>
              </tr>
            </thead>
            <tbody>
              {clocks.map((c) => {
                // The number says how far over a late clock is (125%); only the bar stops at its end.
                const used = c.targetMs > 0 ? Math.round((c.elapsedBusinessMs / c.targetMs) * 100) : 0;
                return (
                  <tr key={c.id}>
                    <th scope="row">
                      {metricLabel(c.metric)} — {clockKindLabel(c.kind)}
                      <br />
                      <span className="muted">
                        {c.definition.name} · {c.calendar}
                      </span>
                      <br />
                      <span className={`tag tag--${clockStateColour(c.state)}`}>{clockStateLabel(c.state)}</span>
                    </th>
                    <td className="nowrap">{formatBusinessTime(c.targetMs)}</td>
                    <td>
                      <span className="nowrap">{formatBusinessTime(c.elapsedBusinessMs)}</span>
                      <span className="clock-bar" aria-hidden="true">
                        <span className={`clock-bar__fill clock-bar__fill--${c.state}`} style={{ width: `${Math.min(100, used)}%` }} />
                      </span>
                      <span className="muted">{used}% of the target</span>
                      {c.pausedMs > 0 && (
                        <>
                          <br />
                          <span className="muted">paused for {formatDuration(c.pausedMs)} of clock time</span>
                        </>
                      )}
                    </td>
                    <td>
                      {RUNNING.includes(c.state) ? (
                        <>
                          {c.remainingMs >= 0 ? `${formatBusinessTime(c.remainingMs)} left` : `${formatBusinessTime(c.remainingMs)} over`}
                          {c.dueAt && (
                            <>
                              <br />
                              <span className="muted">
                                due <time dateTime={c.dueAt}>{formatDateTime(c.dueAt)}</time>
                              </span>
                            </>
                          )}
                        </>
                      ) : c.state === 'paused' ? (
                        `${formatBusinessTime(c.remainingMs)} left when it resumes`
                      ) : c.stoppedAt ? (
                        <>
                          stopped <time dateTime={c.stoppedAt}>{formatDateTime(c.stoppedAt)}</time>
                        </>
                      ) : (
                        '—'
                      )}
                      {c.breachedAt && (
                        <>
                          <br />
                          <strong>
                            breached <time dateTime={c.breachedAt}>{formatDateTime(c.breachedAt)}</time>
                          </strong>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
