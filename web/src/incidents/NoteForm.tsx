import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { Field, FormProblem } from '../components/Field.tsx';
import type { Incident } from './types.ts';
import { useWrite } from './useWrite.ts';

const KINDS = {
  desk: [
    ['comment', 'Comment', 'The caller reads it and is e-mailed.'],
    ['work_note', 'Work note', 'Internal: the desk and the supplier holding it read it; the caller does not.'],
    ['question', 'Question to the caller', 'Asks the caller and waits for their answer; the clocks pause meanwhile.'],
  ],
  supplier: [
    ['work_note', 'Work note', 'For the service desk; the caller does not read it.'],
    ['comment', 'Comment', 'The caller reads it too.'],
  ],
} as const;

/** Add a note: a comment for the caller, an internal work note, or a question that waits for the caller. */
export function NoteForm({ incident, party, onDone }: { incident: Incident; party: 'desk' | 'supplier'; onDone(done: string): void }) {
  const kinds = KINDS[party];
  const [kind, setKind] = useState<string>(kinds[0][0]);
  const [body, setBody] = useState('');
  const write = useWrite(onDone);
  if (incident.state === 'closed' || incident.state === 'cancelled') return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const label = kinds.find(([k]) => k === kind)?.[1] ?? 'Note';
    if (await write.run(() => api.post(`/incidents/${incident.id}/notes`, { kind, body: body.trim() }), `${label} added to ${incident.number}.`)) setBody('');
  }

  return (
    <section aria-labelledby="note-heading" className="panel">
      <h2 id="note-heading">Add a note</h2>
      <form onSubmit={submit} noValidate>
        <FormProblem error={write.error} fields={['kind', 'body']} />
        <fieldset className="field choices">
          <legend>Kind of note</legend>
          {write.message('kind') && <p className="field-error">{write.message('kind')}</p>}
          {kinds.map(([value, label, hint]) => (
            <div className="check" key={value}>
              <input type="radio" id={`note-kind-${value}`} name="note-kind" value={value} checked={kind === value} onChange={() => setKind(value)} aria-describedby={`note-kind-${value}-hint`} />
              <label htmlFor={`note-kind-${value}`}>{label}</label>
              <span className="hint" id={`note-kind-${value}-hint`}>
                {hint}
              </span>
            </div>
          ))}
        </fieldset>
        <Field id="note-body" label="Note" error={write.message('body')}>
          {(p) => <textarea {...p} rows={3} value={body} onChange={(e) => setBody(e.target.value)} maxLength={20_000} />}
        </Field>
        <button type="submit" className="button" disabled={write.busy}>
          Add the note
        </button>
      </form>
    </section>
  );
}
