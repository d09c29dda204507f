import { useEffect, useState, type FormEvent, type RefObject } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { api } from '../api.ts';
import { Field, FormProblem } from '../components/Field.tsx';
import { useResource } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { StateTagFor } from './bits.tsx';
import { Timeline } from './Timeline.tsx';
import { customerStateLabel, isOpenState, type Clock, type Incident, type Note } from './types.ts';
import { useWrite } from './useWrite.ts';

interface Props {
  incident: Incident;
  etag: string | null;
  heading: RefObject<HTMLHeadingElement | null>;
  refresh: number;
  notice: string | null;
  onDone(done: string): void;
  onReload(): void;
}

/** What the customer's own service level promises about fixing it, in words. */
function fixPromise(clocks: Clock[]): string | null {
  const clock = clocks.find((c) => c.kind === 'sla' && c.metric === 'resolution');
  if (!clock) return null;
  if ((clock.state === 'running' || clock.state === 'warning') && clock.dueAt) return `We aim to fix it by ${formatDateTime(clock.dueAt)}.`;
  if (clock.state === 'paused') return 'Our target is paused while we wait for your answer.';
  if (clock.state === 'met') return 'Fixed within our target.';
  if (clock.state === 'breached') return 'We did not fix it within our target, and we are sorry.';
  return null;
}

/**
 * The portal's view of one incident: what the practice reported and where it stands, in plain
 * words; the desk's question with a box to answer it; and once resolved, "Confirm resolved" or
 * "Still broken". Internal notes, teams and suppliers' targets are not shown.
 */
export function CustomerIncident({ incident, etag, heading, refresh, notice, onDone, onReload }: Props) {
  const location = useLocation();
  const reported = (location.state as { reported?: string } | null)?.reported;
  const promise = fixPromise(incident.clocks);
  return (
    <>
      <p className="caption">
        <Link to="/incidents">Your incidents</Link> › {incident.number}
      </p>
      <h1 ref={heading} tabIndex={-1} className="incident-title">
        <span className="incident-title__number">{incident.number}</span> {incident.title}
      </h1>
      {reported && !notice && (
        <div className="notice notice--success" role="status">
          Thank you: your fault is logged as <strong>{reported}</strong>. We will keep you up to date here{incident.caller?.email ? ' and by e-mail' : ''}.
        </div>
      )}
      {notice && (
        <div className="notice notice--success" role="status">
          {notice}
        </div>
      )}
      <dl className="summary-list">
        <div>
          <dt>Where it stands</dt>
          <dd>
            <StateTagFor state={incident.state} customer />
            {promise && <p className="portal-promise">{promise}</p>}
          </dd>
        </div>
        <div>
          <dt>Site</dt>
          <dd>{incident.site ? <Link to={`/sites/${incident.site.id}`}>{incident.site.name}</Link> : incident.organisation.name}</dd>
        </div>
        <div>
          <dt>Reported</dt>
          <dd>
            {formatDateTime(incident.createdAt)}
            {incident.caller && ` by ${incident.caller.name}`}
          </dd>
        </div>
        {incident.description && (
          <div>
            <dt>What you told us</dt>
            <dd className="note-body">{incident.description}</dd>
          </div>
        )}
        {incident.resolutionNotes && (
          <div>
            <dt>What we did</dt>
            <dd className="note-body">{incident.resolutionNotes}</dd>
          </div>
        )}
        <div>
          <dt>Last update</dt>
          <dd>{formatDateTime(incident.updatedAt)}</dd>
        </div>
      </dl>
      {incident.state === 'resolved' && incident.nextStates.length > 0 && <ConfirmOrReopen incident={incident} etag={etag} onDone={onDone} onReload={onReload} />}
      {incident.state === 'pending_customer' && <Answer incident={incident} refresh={refresh} onDone={onDone} />}
      {isOpenState(incident.state) && incident.state !== 'pending_customer' && <Comment incident={incident} onDone={onDone} />}
      <Timeline incidentId={incident.id} journal={false} emails refresh={refresh} heading="Messages" customer />
    </>
  );
}

function ConfirmOrReopen({ incident, etag, onDone, onReload }: Pick<Props, 'incident' | 'etag' | 'onDone' | 'onReload'>) {
  const [note, setNote] = useState('');
  const write = useWrite(onDone);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const to = ((event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    if (!to) return;
    const body: Record<string, string> = { to };
    if (note.trim()) body.note = note.trim();
    const doneText = to === 'closed' ? 'Thank you for confirming: the incident is closed.' : 'We have reopened it and will look again.';
    if (await write.run(() => api.post(`/incidents/${incident.id}/transitions`, body, { ifMatch: etag }), doneText)) setNote('');
  }
  return (
    <section aria-labelledby="confirm-heading" className="panel panel--attention">
      <h2 id="confirm-heading">Is it fixed?</h2>
      <p>
        We believe the fault is fixed. Please confirm, or tell us it is still broken
        {incident.reopenUntil ? ` before ${formatDateTime(incident.reopenUntil)}, after which it closes by itself` : ''}.
      </p>
      <form onSubmit={submit} noValidate>
        <FormProblem error={write.error} fields={['note']} onReload={onReload} />
        {write.message('to') && (
          <p className="field-error" role="alert">
            {write.message('to')}
          </p>
        )}
        <Field id="confirm-note" label="Anything to add? (optional)" hint="If it is still broken, say what you see." error={write.message('note')}>
          {(p) => <textarea {...p} rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={20_000} />}
        </Field>
        <div className="actions">
          {incident.nextStates.includes('closed') && (
            <button type="submit" value="closed" className="button" disabled={write.busy}>
              Confirm resolved
            </button>
          )}
          {incident.nextStates.includes('in_progress') && (
            <button type="submit" value="in_progress" className="button button--secondary" disabled={write.busy}>
              Still broken (reopen)
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

/** The desk asked something: the latest question, and a box to answer it (which starts the clocks again). */
function Answer({ incident, refresh, onDone }: { incident: Incident; refresh: number; onDone(done: string): void }) {
  const notes = useResource<Note[]>(`/incidents/${incident.id}/notes`);
  const { reload } = notes;
  useEffect(() => {
    if (refresh) reload();
  }, [refresh, reload]);
  const question = [...(notes.data ?? [])].reverse().find((n) => n.kind === 'question');
  const [body, setBody] = useState('');
  const write = useWrite(onDone);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await write.run(() => api.post(`/incidents/${incident.id}/notes`, { kind: 'answer', body: body.trim() }), 'Thank you: your answer is sent.')) setBody('');
  }
  return (
    <section aria-labelledby="answer-heading" className="panel panel--attention">
      <h2 id="answer-heading">We have a question for you</h2>
      {question && (
        <blockquote className="question">
          <p className="note-body">{question.body}</p>
          <footer className="muted">
            {question.author}, {formatDateTime(question.createdAt)}
          </footer>
        </blockquote>
      )}
      <form onSubmit={submit} noValidate>
        <FormProblem error={write.error} fields={['body', 'kind']} />
        <Field id="answer-body" label="Your answer" error={write.message('body')}>
          {(p) => <textarea {...p} rows={3} value={body} onChange={(e) => setBody(e.target.value)} maxLength={20_000} />}
        </Field>
        <button type="submit" className="button" disabled={write.busy}>
          Send the answer
        </button>
      </form>
    </section>
  );
}

/** Where an open incident stands, as a sentence to the practice. */
function whereItStands(state: string): string {
  if (state === 'new') return 'We have received it.';
  if (state === 'assigned') return 'Someone is looking at it.';
  if (state === 'pending_supplier') return 'Our engineers are working on it.';
  if (state === 'in_progress') return 'We are working on it.';
  return `${customerStateLabel(state)}.`;
}

function Comment({ incident, onDone }: { incident: Incident; onDone(done: string): void }) {
  const [body, setBody] = useState('');
  const write = useWrite(onDone);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await write.run(() => api.post(`/incidents/${incident.id}/notes`, { body: body.trim() }), 'Thank you: the service desk has your message.')) setBody('');
  }
  return (
    <section aria-labelledby="comment-heading" className="panel">
      <h2 id="comment-heading">Tell us more</h2>
      <p className="muted">
        {whereItStands(incident.state)} Anything you add here reaches the people working on it.
      </p>
      <form onSubmit={submit} noValidate>
        <FormProblem error={write.error} fields={['body']} />
        <Field id="comment-body" label="Your message" error={write.message('body')}>
          {(p) => <textarea {...p} rows={3} value={body} onChange={(e) => setBody(e.target.value)} maxLength={20_000} />}
        </Field>
        <button type="submit" className="button" disabled={write.busy}>
          Send
        </button>
      </form>
    </section>
  );
}
