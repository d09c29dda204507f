import { useState } from 'react';
import { formatDate, formatDateTime } from '../labels.ts';
import { CalendarForm } from './CalendarForm.tsx';
import { History, type HistoryControl } from './History.tsx';
import { dayName, DIVISIONS, WEEKDAYS, type Calendar } from './types.ts';

/** One calendar: its hours, bank holidays and closures; its form for those who keep them; its history for staff. */
export function CalendarCard({ calendar: cal, editable, history, onSaved }: { calendar: Calendar; editable: boolean; history: HistoryControl; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const id = `cal-${cal.name}`;
  const journal = `/business-calendars/${encodeURIComponent(cal.name)}/journal`;
  const done = () => {
    setEditing(false);
    onSaved();
  };
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{cal.name}</h3>
      {cal.description && <p>{cal.description}</p>}
      <dl className="summary-list">
        <div>
          <dt>Time zone</dt>
          <dd>{cal.timeZone}</dd>
        </div>
        <div>
          <dt>Hours</dt>
          <dd>
            {cal.hours === '24x7' ? (
              'Round the clock, every day'
            ) : (
              <ul className="sl-list">
                {WEEKDAYS.map((day) => {
                  const periods = (cal.hours as Exclude<Calendar['hours'], '24x7'>)[day] ?? [];
                  return (
                    <li key={day}>
                      {dayName(day)}: {periods.length === 0 ? 'closed' : periods.map((p) => `${p.opens}–${p.closes}`).join(', ')}
                    </li>
                  );
                })}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Bank holidays</dt>
          <dd>
            {cal.bankHolidays === null ? 'Counted as working days' : `Shut on ${DIVISIONS[cal.bankHolidays] ?? cal.bankHolidays} bank holidays`}
            {cal.bankHolidayCoverage && (
              <span className="muted">
                {' '}
                (published list covers {formatDate(cal.bankHolidayCoverage.firstDate)} to {formatDate(cal.bankHolidayCoverage.lastDate)})
              </span>
            )}
            {cal.bankHolidayProblem && <p className="field-error">{cal.bankHolidayProblem}</p>}
          </dd>
        </div>
        <div>
          <dt>Closures</dt>
          <dd>
            {cal.closures.length === 0 ? (
              'None'
            ) : (
              <ul className="sl-list">
                {cal.closures.map((c, i) => (
                  <li key={i}>
                    {c.title}: {c.kind === 'dates' ? `${formatDate(c.from)} to ${formatDate(c.to)}` : `${formatDateTime(c.start)} to ${formatDateTime(c.end)}`}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
      {editable && !editing && (
        <div className="sl-actions">
          <button type="button" className="button button--secondary" onClick={() => setEditing(true)}>
            Change the calendar<span className="visually-hidden"> {cal.name}</span>
          </button>
        </div>
      )}
      {editable && editing && <CalendarForm calendar={cal} onCancel={() => setEditing(false)} onSaved={done} onStale={done} />}
      {history.shown && <History path={journal} what={cal.name} open={history.open === journal} onToggle={() => history.toggle(journal)} />}
    </section>
  );
}
