import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { etagOf, RESOLUTION_CODES, resolutionLabel, stateLabel, type IncidentSummary, type Team } from './types.ts';

/**
 * States rows can be moved to together: assignment and hand-off have their own actions, and
 * waiting on a customer needs a question for that customer. A resolution needs its code and what
 * was done, a cancellation its reason, the same for every row moved.
 */
const BULK_STATES = ['in_progress', 'resolved', 'closed', 'cancelled'] as const;

interface Outcome {
  action: string;
  done: string[];
  failed: Array<{ number: string; error: ApiError }>;
}

/**
 * Acts on the selected rows one by one, each with the version that row was read at (If-Match),
 * so a row someone changed meanwhile is refused rather than overwritten; every refusal is listed
 * with the server's reason, and the refused rows stay selected.
 */
export function BulkActions({ selected, teams, onDone }: { selected: IncidentSummary[]; teams: Team[]; onDone(doneIds: number[], failedIds: number[]): void }) {
  const [teamId, setTeamId] = useState('');
  const [to, setTo] = useState('');
  const [resolutionCode, setResolutionCode] = useState('');
  const [why, setWhy] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const count = selected.length;

  async function run(action: string, call: (i: IncidentSummary) => Promise<unknown>) {
    setBusy(true);
    setOutcome(null);
    const done: string[] = [];
    const failed: Outcome['failed'] = [];
    const failedIds: number[] = [];
    const doneIds: number[] = [];
    for (const incident of selected) {
      try {
        await call(incident);
        done.push(incident.number);
        doneIds.push(incident.id);
      } catch (e) {
        failed.push({ number: incident.number, error: e as ApiError });
        failedIds.push(incident.id);
      }
    }
    setOutcome({ action, done, failed });
    setBusy(false);
    onDone(doneIds, failedIds);
  }

  function assign(event: FormEvent) {
    event.preventDefault();
    if (!teamId) return;
    const team = teams.find((t) => String(t.id) === teamId);
    void run(`Assign to ${team?.name ?? 'the team'}`, (i) => api.post(`/incidents/${i.id}/assignment`, { teamId: Number(teamId) }, { ifMatch: etagOf(i.version) }));
  }

  function move(event: FormEvent) {
    event.preventDefault();
    if (!to) return;
    const body: Record<string, string> = { to };
    if (to === 'resolved') Object.assign(body, { resolutionCode, resolutionNotes: why.trim() });
    if (to === 'cancelled') body.note = why.trim();
    void run(`Move to ${stateLabel(to)}`, (i) => api.post(`/incidents/${i.id}/transitions`, body, { ifMatch: etagOf(i.version) }));
  }

  return (
    <section className="bulk" aria-labelledby="bulk-heading">
      <h2 id="bulk-heading" className="bulk__heading">
        Act on the selected incidents <span className="muted">({count} selected)</span>
      </h2>
      <div className="bulk__forms">
        <form onSubmit={assign} aria-label="Assign the selected incidents">
          <div className="field">
            <label htmlFor="bulk-team">Assign to team</label>
            <select id="bulk-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
              <option value="">Choose a team</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button" disabled={busy || count === 0 || !teamId}>
            Assign {count || ''}
          </button>
        </form>
        <form onSubmit={move} aria-label="Move the selected incidents">
          <div className="field">
            <label htmlFor="bulk-state">Move to state</label>
            <select id="bulk-state" value={to} onChange={(e) => setTo(e.target.value)}>
              <option value="">Choose a state</option>
              {BULK_STATES.map((s) => (
                <option key={s} value={s}>
                  {stateLabel(s)}
                </option>
              ))}
            </select>
          </div>
          {to === 'resolved' && (
            <div className="field">
              <label htmlFor="bulk-resolution">Resolution</label>
              <select id="bulk-resolution" value={resolutionCode} onChange={(e) => setResolutionCode(e.target.value)}>
                <option value="">Choose how they were resolved</option>
                {RESOLUTION_CODES.filter((c) => c !== 'resolved_with_parent').map((c) => (
                  <option key={c} value={c}>
                    {resolutionLabel(c)}
                  </option>
                ))}
              </select>
            </div>
          )}
          {(to === 'resolved' || to === 'cancelled') && (
            <div className="field">
              <label htmlFor="bulk-why">{to === 'resolved' ? 'What was done' : 'Why they are cancelled'}</label>
              <textarea id="bulk-why" rows={2} value={why} onChange={(e) => setWhy(e.target.value)} maxLength={20_000} />
            </div>
          )}
          <button type="submit" className="button" disabled={busy || count === 0 || !to || (to === 'resolved' && !resolutionCode) || ((to === 'resolved' || to === 'cancelled') && !why.trim())}>
            Move {count || ''}
          </button>
        </form>
      </div>
      {busy && <p role="status">Working through the selected incidents…</p>}
      {outcome && (
        <div className={outcome.failed.length ? 'error-summary' : 'notice notice--success'} role={outcome.failed.length ? 'alert' : 'status'}>
          <p>
            <strong>{outcome.action}:</strong> {outcome.done.length} of {outcome.done.length + outcome.failed.length} done
            {outcome.done.length > 0 && ` (${outcome.done.join(', ')})`}.
          </p>
          {outcome.failed.length > 0 && (
            <>
              <p>{outcome.failed.length === 1 ? 'One was' : `${outcome.failed.length} were`} refused, and left selected:</p>
              <ul>
                {outcome.failed.map((f) => (
                  <li key={f.number}>
                    {f.number}: {refusalOf(f.error)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/**
 * Why a row was refused, in a sentence: the messages about the request's fields read on their own
 * ("new may move only to …"); anything else (a stale version, a missing permission) is best said
 * by the problem's detail.
 */
function refusalOf(error: ApiError): string {
  const about = error.errors.filter((e) => !e.field.startsWith('header.'));
  return about.length ? about.map((e) => e.message).join('; ') : (error.detail ?? error.title);
}
