import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api.ts';
import { Field, SaveOrCancel } from '../components/Field.tsx';
import { Refusal, serverErrors, unplacedMessages, type FieldErrors } from './form.tsx';
import { dayName, DIVISIONS, WEEKDAYS, type Calendar, type Closure, type Day, type Weekday } from './types.ts';

interface ClosureDraft {
  kind: 'dates' | 'period';
  title: string;
  from: string;
  to: string;
  start: string;
  end: string;
}
interface CalendarDraft {
  name: string;
  description: string;
  timeZone: string;
  roundTheClock: boolean;
  days: Record<Weekday, Day>;
  bankHolidays: string;
  closures: ClosureDraft[];
}

const two = (n: number) => String(n).padStart(2, '0');
/** An instant as a datetime-local input shows it: the wall clock of this computer (the UK's, at the desk). */
const localInput = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
};
const WORKING_DAY: Day = [{ opens: '09:00', closes: '17:00' }];

function draftOf(calendar: Calendar | null): CalendarDraft {
  const hours = calendar?.hours ?? null;
  const days = Object.fromEntries(
    WEEKDAYS.map((day) => [day, hours === null ? (['saturday', 'sunday'].includes(day) ? [] : WORKING_DAY) : hours === '24x7' ? [] : (hours[day] ?? [])]),
  ) as Record<Weekday, Day>;
  return {
    name: calendar?.name ?? '',
    description: calendar?.description ?? '',
    timeZone: calendar?.timeZone ?? 'Europe/London',
    roundTheClock: hours === '24x7',
    days,
    bankHolidays: calendar ? (calendar.bankHolidays ?? '') : 'england-and-wales',
    closures: (calendar?.closures ?? []).map((c) =>
      c.kind === 'dates' ? { kind: 'dates', title: c.title, from: c.from, to: c.to, start: '', end: '' } : { kind: 'period', title: c.title, from: '', to: '', start: localInput(c.start), end: localInput(c.end) },
    ),
  };
}

const knownZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
/** Minutes since midnight of an HH:MM (24:00 allowed), or null. */
const minutesOf = (wall: string) => {
  const m = /^(\d\d):(\d\d)$/.exec(wall.trim());
  if (!m) return null;
  const [h, min] = [Number(m[1]), Number(m[2])];
  return h > 24 || min > 59 || (h === 24 && min > 0) ? null : h * 60 + min;
};
const realDate = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(new Date(`${text}T00:00:00Z`).getTime()) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

/** The draft as the API takes it, or what is wrong, by the field that shows it. */
function check(draft: CalendarDraft, creating: boolean): { errors: FieldErrors; body: Record<string, unknown> } {
  const errors: FieldErrors = {};
  if (creating && !/^[a-z0-9][a-z0-9-]{0,39}$/.test(draft.name.trim())) errors.name = 'Enter up to 40 lower-case letters, digits and hyphens, like office-hours';
  if (!knownZone(draft.timeZone.trim())) errors.timeZone = 'Enter a time zone by its IANA name, like Europe/London';
  if (!draft.roundTheClock) {
    for (const day of WEEKDAYS) {
      const periods = draft.days[day].map((p, i) => ({ ...p, i, from: minutesOf(p.opens), to: minutesOf(p.closes) }));
      for (const p of periods) {
        if (p.from === null || p.from >= 24 * 60) errors[`hours.${day}.${p.i}.opens`] = 'Enter a time from 00:00 to 23:59, like 08:00';
        if (p.to === null) errors[`hours.${day}.${p.i}.closes`] = 'Enter a time from 00:01 to 24:00, like 18:30';
        else if (p.from !== null && p.to <= p.from) errors[`hours.${day}.${p.i}.closes`] = 'Must be after the opening time';
      }
      const sound = periods.filter((p) => p.from !== null && p.to !== null).sort((a, b) => a.from! - b.from!);
      sound.forEach((p, k) => {
        if (k > 0 && p.from! < sound[k - 1]!.to!) errors[`hours.${day}.${p.i}.opens`] ??= `Overlaps the hours from ${sound[k - 1]!.opens}`;
      });
    }
    if (WEEKDAYS.every((day) => draft.days[day].length === 0)) errors.hours = 'Give some opening hours, or choose round the clock';
  }
  draft.closures.forEach((c, i) => {
    if (c.title.trim() === '') errors[`closures.${i}.title`] = 'Say what the closure is, like Christmas shutdown';
    if (c.kind === 'dates') {
      if (!realDate(c.from)) errors[`closures.${i}.from`] = 'Enter the first date it is closed';
      if (!realDate(c.to)) errors[`closures.${i}.to`] = 'Enter the last date it is closed';
      else if (realDate(c.from) && c.to < c.from) errors[`closures.${i}.to`] = 'Must be on or after the first date';
    } else {
      const [start, end] = [new Date(c.start).getTime(), new Date(c.end).getTime()];
      if (!c.start || Number.isNaN(start)) errors[`closures.${i}.start`] = 'Enter when it closes';
      if (!c.end || Number.isNaN(end)) errors[`closures.${i}.end`] = 'Enter when it opens again';
      else if (end <= start) errors[`closures.${i}.end`] = 'Must be after it closes';
    }
  });
  const hours = draft.roundTheClock ? '24x7' : Object.fromEntries(WEEKDAYS.map((day) => [day, draft.days[day].map((p) => ({ opens: p.opens.trim(), closes: p.closes.trim() }))]));
  if (Object.keys(errors).length > 0) return { errors, body: {} };
  const closures: Closure[] = draft.closures.map((c) =>
    c.kind === 'dates' ? { kind: 'dates', from: c.from, to: c.to, title: c.title.trim() } : { kind: 'period', start: new Date(c.start).toISOString(), end: new Date(c.end).toISOString(), title: c.title.trim() },
  );
  const body = { description: draft.description.trim(), timeZone: draft.timeZone.trim(), hours, bankHolidays: draft.bankHolidays || null, closures };
  return { errors, body: creating ? { name: draft.name.trim(), ...body } : body };
}

/** Where the server's word on a calendar goes: a day's period beside its closing time, a closure beside its end. */
function placeOf(draft: CalendarDraft) {
  return (key: string) => {
    let m = /^hours\.(\w+)\.(\d+)(?:\.(opens|closes))?/.exec(key);
    if (m) return `hours.${m[1]}.${m[2]}.${m[3] ?? 'closes'}`;
    if (key.startsWith('hours')) return 'hours';
    m = /^closures\.(\d+)(?:\.(\w+))?/.exec(key);
    if (m) {
      const c = draft.closures[Number(m[1])];
      const fields = c?.kind === 'dates' ? ['title', 'from', 'to'] : ['title', 'start', 'end'];
      return `closures.${m[1]}.${m[2] && fields.includes(m[2]) ? m[2] : fields[2]}`;
    }
    return key;
  };
}

function fieldsOf(draft: CalendarDraft): Set<string> {
  const keys = ['name', 'description', 'timeZone', 'bankHolidays', 'hours', 'closures'];
  for (const day of WEEKDAYS) draft.days[day].forEach((_, i) => keys.push(`hours.${day}.${i}.opens`, `hours.${day}.${i}.closes`));
  draft.closures.forEach((_, i) => keys.push(...['title', 'from', 'to', 'start', 'end'].map((f) => `closures.${i}.${f}`)));
  return new Set(keys);
}

/**
 * A business calendar, new or changed: its time zone, weekly opening hours (one or more periods a
 * day) or round the clock, the bank holidays it shuts on, and its closures. A change is sent with
 * If-Match and moves every clock counting in the calendar from now.
 */
export function CalendarForm({ calendar, onCancel, onSaved, onStale }: { calendar: Calendar | null; onCancel: () => void; onSaved: () => void; onStale?: () => void }) {
  const creating = calendar === null;
  const [draft, setDraft] = useState(() => draftOf(calendar));
  const [checked, setChecked] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (change: Partial<CalendarDraft>) => setDraft({ ...draft, ...change });
  const setDay = (day: Weekday, periods: Day) => set({ days: { ...draft.days, [day]: periods } });
  const setClosure = (i: number, change: Partial<ClosureDraft>) => set({ closures: draft.closures.map((c, j) => (j === i ? { ...c, ...change } : c)) });
  const id = creating ? 'new-calendar' : `edit-cal-${calendar.name}`;
  const title = creating ? 'New business calendar' : `Change the calendar ${calendar.name}`;

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const { errors, body } = check(draft, creating);
    setChecked(errors);
    if (Object.keys(errors).length > 0) return;
    setSaving(true);
    try {
      if (creating) await api.post('/business-calendars', body);
      else await api.patch(`/business-calendars/${encodeURIComponent(calendar.name)}`, body, `"${calendar.version}"`);
      onSaved();
    } catch (e) {
      setError(e as ApiError);
      setSaving(false);
    }
  }

  const errors = { ...serverErrors(error, placeOf(draft)), ...checked };
  const groupError = (key: string) =>
    errors[key] && (
      <p className="field-error" role="alert">
        {errors[key]}
      </p>
    );
  return (
    <form className="sl-form" aria-labelledby={`${id}-title`} onSubmit={save} noValidate>
      {creating ? <h3 id={`${id}-title`}>{title}</h3> : <h4 id={`${id}-title`}>{title}</h4>}
      {!creating && <p className="hint">Clocks counting in this calendar, running or paused, count in the changed calendar from the moment you save.</p>}
      <Refusal error={error} marked={Object.keys(checked).length > 0} unplaced={unplacedMessages(errors, fieldsOf(draft), () => 'The calendar')} thing="calendar" onReload={onStale} />
      {creating && (
        <Field id={`${id}-name`} label="Name" hint="Lower case, never changes: office-hours, scotland-support" error={errors.name}>
          {(props) => <input {...props} className="input--short" value={draft.name} onChange={(e) => set({ name: e.target.value })} />}
        </Field>
      )}
      <Field id={`${id}-description`} label="Description (optional)" error={errors.description}>
        {(props) => <textarea {...props} rows={2} value={draft.description} onChange={(e) => set({ description: e.target.value })} />}
      </Field>
      <div className="field-row">
        <Field id={`${id}-zone`} label="Time zone" hint="The opening hours are this zone's wall clock" error={errors.timeZone}>
          {(props) => <input {...props} list={`${id}-zones`} value={draft.timeZone} onChange={(e) => set({ timeZone: e.target.value })} />}
        </Field>
        <datalist id={`${id}-zones`}>
          {['Europe/London', 'Europe/Dublin', 'UTC'].map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <Field id={`${id}-holidays`} label="Bank holidays" error={errors.bankHolidays}>
          {(props) => (
            <select {...props} value={draft.bankHolidays} onChange={(e) => set({ bankHolidays: e.target.value })}>
              <option value="">None: count them as working days</option>
              {Object.entries(DIVISIONS).map(([key, name]) => (
                <option key={key} value={key}>
                  Shut on {name} bank holidays
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <fieldset className="sl-fieldset">
        <legend>Opening hours</legend>
        {groupError('hours')}
        <div className="sl-choice">
          <label>
            <input type="radio" name={`${id}-hours`} checked={draft.roundTheClock} onChange={() => set({ roundTheClock: true })} /> Round the clock, every day (24x7)
          </label>
          <label>
            <input type="radio" name={`${id}-hours`} checked={!draft.roundTheClock} onChange={() => set({ roundTheClock: false })} /> Weekly hours
          </label>
        </div>
        {!draft.roundTheClock && (
          <>
            <p className="hint">24-hour clock, HH:MM; 24:00 closes at midnight. A day with no hours is closed.</p>
            {WEEKDAYS.map((day) => (
              <fieldset key={day} className="sl-day">
                <legend>{dayName(day)}</legend>
                {draft.days[day].length === 0 && <p className="muted sl-closed">Closed</p>}
                {draft.days[day].map((p, i) => {
                  const which = `${dayName(day)} ${i === 0 ? '' : `(period ${i + 1}) `}`;
                  const change = (field: 'opens' | 'closes', value: string) => setDay(day, draft.days[day].map((q, j) => (j === i ? { ...q, [field]: value } : q)));
                  return (
                    <div key={i} className="sl-period">
                      <Field id={`${id}-${day}-${i}-opens`} label={<Hidden before={which}>Opens</Hidden>} error={errors[`hours.${day}.${i}.opens`]}>
                        {(props) => <input {...props} className="input--short" inputMode="numeric" value={p.opens} onChange={(e) => change('opens', e.target.value)} />}
                      </Field>
                      <Field id={`${id}-${day}-${i}-closes`} label={<Hidden before={which}>Closes</Hidden>} error={errors[`hours.${day}.${i}.closes`]}>
                        {(props) => <input {...props} className="input--short" inputMode="numeric" value={p.closes} onChange={(e) => change('closes', e.target.value)} />}
                      </Field>
                      <button type="button" className="button button--secondary av-small" onClick={() => setDay(day, draft.days[day].filter((_, j) => j !== i))}>
                        Remove<span className="visually-hidden"> {which.trim()} hours</span>
                      </button>
                    </div>
                  );
                })}
                <button type="button" className="button button--secondary av-small" onClick={() => setDay(day, [...draft.days[day], draft.days[day].length ? { opens: '', closes: '' } : WORKING_DAY[0]!])}>
                  Add hours<span className="visually-hidden"> on {dayName(day)}</span>
                </button>
              </fieldset>
            ))}
          </>
        )}
      </fieldset>

      <fieldset className="sl-fieldset">
        <legend>Closures</legend>
        <p className="hint">Besides the bank holidays: whole dates (a Christmas shutdown), or a period between two times of your computer&rsquo;s clock (a power cut).</p>
        {groupError('closures')}
        {draft.closures.length === 0 && <p>None.</p>}
        {draft.closures.map((c, i) => {
          const which = `Closure ${i + 1} `;
          return (
            <fieldset key={i} className="sl-day">
              <legend>Closure {i + 1}</legend>
              <div className="field-row">
                <Field id={`${id}-closure-${i}-kind`} label={<Hidden before={which}>Kind</Hidden>}>
                  {(props) => (
                    <select {...props} value={c.kind} onChange={(e) => setClosure(i, { kind: e.target.value as ClosureDraft['kind'] })}>
                      <option value="dates">Whole dates</option>
                      <option value="period">A period</option>
                    </select>
                  )}
                </Field>
                <Field id={`${id}-closure-${i}-title`} label={<Hidden before={which}>Title</Hidden>} error={errors[`closures.${i}.title`]}>
                  {(props) => <input {...props} value={c.title} onChange={(e) => setClosure(i, { title: e.target.value })} />}
                </Field>
                {c.kind === 'dates' ? (
                  <>
                    <Field id={`${id}-closure-${i}-from`} label={<Hidden before={which}>From</Hidden>} error={errors[`closures.${i}.from`]}>
                      {(props) => <input {...props} type="date" value={c.from} onChange={(e) => setClosure(i, { from: e.target.value })} />}
                    </Field>
                    <Field id={`${id}-closure-${i}-to`} label={<Hidden before={which}>To (inclusive)</Hidden>} error={errors[`closures.${i}.to`]}>
                      {(props) => <input {...props} type="date" value={c.to} onChange={(e) => setClosure(i, { to: e.target.value })} />}
                    </Field>
                  </>
                ) : (
                  <>
                    <Field id={`${id}-closure-${i}-start`} label={<Hidden before={which}>Closes at</Hidden>} error={errors[`closures.${i}.start`]}>
                      {(props) => <input {...props} type="datetime-local" value={c.start} onChange={(e) => setClosure(i, { start: e.target.value })} />}
                    </Field>
                    <Field id={`${id}-closure-${i}-end`} label={<Hidden before={which}>Opens again at</Hidden>} error={errors[`closures.${i}.end`]}>
                      {(props) => <input {...props} type="datetime-local" value={c.end} onChange={(e) => setClosure(i, { end: e.target.value })} />}
                    </Field>
                  </>
                )}
              </div>
              <button type="button" className="button button--secondary av-small" onClick={() => set({ closures: draft.closures.filter((_, j) => j !== i) })}>
                Remove<span className="visually-hidden"> closure {i + 1}</span>
              </button>
            </fieldset>
          );
        })}
        <button type="button" className="button button--secondary av-small" onClick={() => set({ closures: [...draft.closures, { kind: 'dates', title: '', from: '', to: '', start: '', end: '' }] })}>
          Add a closure
        </button>
      </fieldset>
      <SaveOrCancel label={creating ? 'Create the calendar' : 'Save the calendar'} saving={saving} onCancel={onCancel} />
    </form>
  );
}

/** A label whose first words are for screen readers only ("Monday opens"), the rest shown ("Opens"). */
function Hidden({ before, children }: { before: string; children: ReactNode }) {
  return (
    <>
      <span className="visually-hidden">{before}</span>
      {children}
    </>
  );
}
