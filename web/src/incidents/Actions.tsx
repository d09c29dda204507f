import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, ApiError, type Page, type Query } from '../api.ts';
import { Field, FormProblem } from '../components/Field.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { useResource } from '../hooks.ts';
import { ciKindLabel } from '../network/labels.ts';
import type { CiRef, ConfigurationItem, Supplier } from '../network/types.ts';
import type { Connection } from '../connections/types.ts';
import { useSession } from '../session.tsx';
import { isOpenState, levelLabel, RESOLUTION_CODES, resolutionLabel, stateLabel, type Incident, type IncidentSettings, type IncidentSummary, type Team } from './types.ts';
import { CategoryOptions } from './bits.tsx';
import { useWrite } from './useWrite.ts';
import { TeamFields } from './TeamFields.tsx';

export interface ActionProps {
  incident: Incident;
  /** The ETag the incident was read with: every change applies to that version only. */
  etag: string | null;
  onDone(done: string): void;
  onReload(): void;
}

const DESK_VERBS: Record<string, string> = {
  assigned: 'Back to the team queue',
  in_progress: 'Start work',
  pending_customer: 'Wait on the customer',
  resolved: 'Resolve',
  closed: 'Close',
  cancelled: 'Cancel the incident',
};
const SUPPLIER_VERBS: Record<string, string> = { in_progress: 'Hand back to the service desk', resolved: 'Resolve' };
const TRANSITION_FIELDS = ['to', 'resolutionCode', 'resolutionNotes', 'note'] as const;

/**
 * The moves the lifecycle allows this reader now (the server's `nextStates`), as buttons sharing
 * the resolution and a note for the caller. Assignment and hand-off have forms of their own.
 */
export function TransitionForm({ incident, etag, onDone, onReload, party }: ActionProps & { party: 'desk' | 'supplier' }) {
  const [resolutionCode, setResolutionCode] = useState('');
  const [resolutionNotes, setResolutionNotes] = useState('');
  const [note, setNote] = useState('');
  const write = useWrite(onDone);
  const verbs = party === 'desk' ? DESK_VERBS : SUPPLIER_VERBS;
  const moves = incident.nextStates.filter((s) => s !== 'pending_supplier' && (s !== 'assigned' || incident.team));
  if (moves.length === 0) return null;
  const resolving = moves.includes('resolved');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const to = ((event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    if (!to) return;
    const body: Record<string, string> = { to };
    if (to === 'resolved') {
      if (resolutionCode) body.resolutionCode = resolutionCode;
      if (resolutionNotes.trim()) body.resolutionNotes = resolutionNotes.trim();
    }
    if (note.trim()) body.note = note.trim();
    const ok = await write.run(() => api.post(`/incidents/${incident.id}/transitions`, body, { ifMatch: etag }), `${incident.number} is now ${stateLabel(to).toLowerCase()}.`);
    if (ok) {
      setNote('');
      setResolutionNotes('');
      setResolutionCode('');
    }
  }

  return (
    <section aria-labelledby="move-heading" className="panel">
      <h2 id="move-heading">Move the incident</h2>
      <form onSubmit={submit} noValidate>
        <FormProblem error={write.error} fields={TRANSITION_FIELDS} onReload={onReload} />
        {write.message('to') && (
          <p className="field-error" role="alert">
            {write.message('to')}
          </p>
        )}
        {resolving && (
          // Stacked, not side by side: the panel sits in the page's narrow column, where two
          // fields in a row clip the resolution's names.
          <div>
            <Field id="move-resolution-code" label="Resolution" hint="Needed to resolve." error={write.message('resolutionCode')}>
              {(p) => (
                <select {...p} value={resolutionCode} onChange={(e) => setResolutionCode(e.target.value)}>
                  <option value="">Choose how it was resolved</option>
                  {RESOLUTION_CODES.filter((c) => c !== 'resolved_with_parent').map((c) => (
                    <option key={c} value={c}>
                      {resolutionLabel(c)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="move-resolution-notes" label="What was done" hint="Needed to resolve; kept with the resolution, and the caller reads it." error={write.message('resolutionNotes')}>
              {(p) => <textarea {...p} rows={2} value={resolutionNotes} onChange={(e) => setResolutionNotes(e.target.value)} maxLength={20_000} />}
            </Field>
          </div>
        )}
        <Field id="move-note" label="Note to the caller" hint="Said to the caller and kept on the record. To wait on the customer, the question they are to answer; to cancel, why." error={write.message('note')}>
          {(p) => <textarea {...p} rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={20_000} />}
        </Field>
        <div className="actions">
          {moves.map((to) => (
            <button key={to} type="submit" name="to" value={to} className={`button${to === 'cancelled' ? ' button--secondary' : ''}`} disabled={write.busy}>
              {(incident.state === 'resolved' && to === 'in_progress' ? 'Reopen' : verbs[to]) ?? stateLabel(to)}
            </button>
          ))}
        </div>
      </form>
    </section>
  );
}

/** Assign to a team and, if wanted, one of its members. */
export function AssignForm({ incident, etag, onDone, onReload }: ActionProps) {
  const { self } = useSession();
  const teams = useResource<Page<Team>>('/teams', { active: true, limit: 100 });
  const [teamId, setTeamId] = useState(incident.team ? String(incident.team.id) : '');
  const [assigneeId, setAssigneeId] = useState(incident.assignee ? String(incident.assignee.id) : '');
  const write = useWrite(onDone);
  const team = teams.data?.items.find((t) => String(t.id) === teamId);
  const me = team?.members.find((m) => m.username === self?.username);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, unknown> = {};
    if (teamId) body.teamId = Number(teamId);
    body.assigneeId = assigneeId ? Number(assigneeId) : null;
    const who = team?.members.find((m) => String(m.id) === assigneeId)?.name;
    await write.run(() => api.post(`/incidents/${incident.id}/assignment`, body, { ifMatch: etag }), `${incident.number} is assigned to ${team?.name ?? 'the team'}${who ? `, ${who}` : ''}.`);
  }

  return (
    <section aria-labelledby="assign-heading" className="panel">
      <h2 id="assign-heading">Assign</h2>
      <form onSubmit={submit} noValidate>
        <FormProblem error={write.error} fields={['teamId', 'assigneeId']} onReload={onReload} />
        <TeamFields
          id="assign"
          teams={teams.data?.items}
          teamId={teamId}
          assigneeId={assigneeId}
          onChange={(t, a) => {
            setTeamId(t);
            setAssigneeId(a);
          }}
          errors={{ team: write.message('teamId'), assignee: write.message('assigneeId') }}
          noTeam="Choose a team"
        />
        <div className="actions">
          <button type="submit" className="button" disabled={write.busy}>
            Assign
          </button>
          {me && assigneeId !== String(me.id) && (
            <button type="button" className="button button--secondary" onClick={() => setAssigneeId(String(me.id))}>
              Choose me
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

/**
 * Hand the incident to a supplier, saying what they are asked to do. When the fault is on a
 * connection, its supplier is chosen to begin with (if they take work and do not hold it already).
 */
export function HandOffForm({ incident, etag, onDone, onReload }: ActionProps) {
  const { can } = useSession();
  const suppliers = useResource<Page<Supplier>>('/suppliers', { state: 'active', sort: 'name', limit: 100 });
  const connection = useResource<Connection>(incident.connectionId !== null && can('connections:read') ? `/connections/${incident.connectionId}` : null);
  const [chosen, setSupplierId] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const write = useWrite(onDone);
  const connectionSupplier = connection.data?.supplier ?? null;
  const holds = incident.state === 'pending_supplier' && incident.supplier?.id === connectionSupplier?.id;
  const suggested = connectionSupplier && !holds && suppliers.data?.items.some((s) => s.id === connectionSupplier.id) ? connectionSupplier : null;
  const supplierId = chosen ?? (suggested ? String(suggested.id) : '');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, unknown> = { note: note.trim() };
    if (supplierId) body.supplierId = Number(supplierId);
    const name = suppliers.data?.items.find((s) => String(s.id) === supplierId)?.name ?? 'the supplier';
    if (await write.run(() => api.post(`/incidents/${incident.id}/hand-off`, body, { ifMatch: etag }), `${incident.number} is handed to ${name}.`)) setNote('');
  }

  return (
    <section aria-labelledby="handoff-heading" className="panel">
      <h2 id="handoff-heading">Hand off to a supplier</h2>
      {incident.supplier && incident.state === 'pending_supplier' && (
        <p>
          {incident.supplier.name} holds it now{incident.supplierAcceptedAt ? ' and has accepted it' : ' but has not accepted it yet'}. Handing it to another supplier takes it from them.
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <FormProblem error={write.error} fields={['supplierId', 'note', 'state']} onReload={onReload} />
        {write.message('state') && (
          <p className="field-error" role="alert">
            {write.message('state')}
          </p>
        )}
        <Field id="handoff-supplier" label="Supplier" hint={suggested ? `${suggested.name} supplies the connection this fault is on.` : undefined} error={write.message('supplierId')}>
          {(p) => (
            <select {...p} value={supplierId} onChange={(e) => setSupplierId(e.target.value)}>
              <option value="">Choose a supplier</option>
              {suppliers.data?.items.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="handoff-note" label="What the supplier is asked to do" hint="Their engineers read it; the caller does not." error={write.message('note')}>
          {(p) => <textarea {...p} rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={20_000} />}
        </Field>
        <button type="submit" className="button" disabled={write.busy}>
          Hand off
        </button>
      </form>
    </section>
  );
}

/** The supplier's engineer takes on an incident handed to their company, with their own reference. */
export function AcceptForm({ incident, etag, onDone, onReload }: ActionProps) {
  const [reference, setReference] = useState('');
  const write = useWrite(onDone);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = reference.trim() ? { supplierReference: reference.trim() } : {};
    await write.run(() => api.post(`/incidents/${incident.id}/acceptance`, body, { ifMatch: etag }), `You have accepted ${incident.number}.`);
  }
  return (
    <section aria-labelledby="accept-heading" className="panel panel--attention">
      <h2 id="accept-heading">Accept this incident</h2>
      <p>It was handed to your company. Accept it to tell the service desk your engineers have it.</p>
      <form onSubmit={submit} noValidate>
        <FormProblem error={write.error} fields={['supplierReference']} onReload={onReload} />
        <Field id="accept-reference" label="Your reference (optional)" hint="Your own ticket number, quoted back to you." error={write.message('supplierReference') ?? write.message('state')}>
          {(p) => <input {...p} className="input--short" value={reference} onChange={(e) => setReference(e.target.value)} maxLength={100} />}
        </Field>
        <button type="submit" className="button" disabled={write.busy}>
          Accept
        </button>
      </form>
    </section>
  );
}

/**
 * Major incidents: declare one, link incidents under it (by number), and post updates that go to
 * every open linked incident and its caller.
 */
export function MajorForms({ incident, etag, onDone, onReload }: ActionProps) {
  const open = isOpenState(incident.state);
  const declare = useWrite(onDone);
  const link = useWrite(onDone);
  const update = useWrite(onDone);
  const [numbers, setNumbers] = useState('');
  const [body, setBody] = useState('');
  if (!open) return null;

  async function submitLink(event: FormEvent) {
    event.preventDefault();
    const tokens = numbers.split(/[\s,;]+/).filter(Boolean);
    const ok = await link.run(async () => {
      if (tokens.length === 0) throw new ApiError(0, 'Nothing to link', undefined, undefined, [{ field: 'incidentIds', message: 'name at least one incident number' }]);
      const ids = await Promise.all(tokens.map(idOfNumber));
      await api.post(`/incidents/${incident.id}/children`, { incidentIds: ids });
    }, `Linked ${tokens.length} ${tokens.length === 1 ? 'incident' : 'incidents'} to ${incident.number}.`);
    if (ok) setNumbers('');
  }

  async function submitUpdate(event: FormEvent) {
    event.preventDefault();
    let told = 0;
    const ok = await update.run(async () => {
      const { data } = await api.post<{ fannedOutTo: number }>(`/incidents/${incident.id}/major-updates`, { body: body.trim() });
      told = data.fannedOutTo;
    }, () => `The update is posted and told to ${told} linked ${told === 1 ? 'incident' : 'incidents'}.`);
    if (ok) setBody('');
  }

  return (
    <section aria-labelledby="major-heading" className="panel">
      <h2 id="major-heading">{incident.major ? 'Major incident' : 'Linked incidents'}</h2>
      {!incident.major && !incident.parent && (
        <div className="subform">
          <FormProblem error={declare.error} fields={[]} onReload={onReload} />
          <button
            type="button"
            className="button button--warning"
            disabled={declare.busy}
            onClick={() => void declare.run(() => api.post(`/incidents/${incident.id}/major`, undefined, { ifMatch: etag }), `${incident.number} is now a major incident.`)}
          >
            Declare a major incident
          </button>
        </div>
      )}
      <form className="subform" onSubmit={submitLink} noValidate aria-label="Link incidents">
        <FormProblem error={link.error} fields={['incidentIds']} />
        <Field id="link-numbers" label="Link incidents under this one" hint="Their numbers, separated by spaces or commas, e.g. INC0000012 INC0000015." error={link.message('incidentIds') ?? link.message('parentId')}>
          {(p) => <input {...p} value={numbers} onChange={(e) => setNumbers(e.target.value)} maxLength={2000} />}
        </Field>
        <button type="submit" className="button button--secondary" disabled={link.busy}>
          Link
        </button>
      </form>
      {(incident.major || incident.children.length > 0) && (
        <form className="subform" onSubmit={submitUpdate} noValidate aria-label="Post an update">
          <FormProblem error={update.error} fields={['body']} />
          <Field id="major-update" label="Post an update" hint="Told on every open linked incident and to its caller." error={update.message('body')}>
            {(p) => <textarea {...p} rows={3} value={body} onChange={(e) => setBody(e.target.value)} maxLength={20_000} />}
          </Field>
          <button type="submit" className="button" disabled={update.busy}>
            Post the update
          </button>
        </form>
      )}
    </section>
  );
}

const DETAIL_FIELDS = ['title', 'description', 'impact', 'urgency', 'category'] as const;
type Details = Record<(typeof DETAIL_FIELDS)[number], string>;

const sameCis = (a: readonly CiRef[], b: readonly CiRef[]) => a.length === b.length && a.every((ci) => b.some((other) => other.id === ci.id));

/**
 * The desk judges impact (the caller gave urgency), and so the priority the matrix gives; it may
 * also correct the title, description and category, and say which configuration items are
 * affected. Only the fields changed are sent.
 */
export function DetailsForm({ incident, etag, onDone, onReload }: ActionProps) {
  const settings = useResource<IncidentSettings>('/incident-settings');
  const original: Details = { title: incident.title, description: incident.description, impact: incident.impact, urgency: incident.urgency, category: incident.category };
  const [draft, setDraft] = useState<Details>(original);
  const [cis, setCis] = useState<CiRef[]>(incident.cis);
  const write = useWrite(onDone);
  const matrix = settings.data?.matrix;
  const priority = matrix?.cells[draft.impact]?.[draft.urgency];
  const set = (key: keyof Details) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  const changed = DETAIL_FIELDS.filter((key) => draft[key].trim() !== original[key].trim());
  const cisChanged = !sameCis(cis, incident.cis);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, unknown> = {};
    for (const key of changed) body[key] = draft[key].trim();
    if (cisChanged) body.ciIds = cis.map((ci) => ci.id);
    if (Object.keys(body).length === 0) return;
    await write.run(() => api.patch(`/incidents/${incident.id}`, body, etag), () => (priority && priority !== incident.priority ? `${incident.number} is now ${priority}.` : `${incident.number} is changed.`));
  }

  const levels = (values: string[] | undefined, current: string) => (values?.includes(current) ? values : [current, ...(values ?? [])]);
  return (
    <section aria-labelledby="details-form-heading" className="panel">
      <h2 id="details-form-heading">Priority and details</h2>
      <form onSubmit={submit} noValidate>
        <FormProblem error={write.error} fields={[...DETAIL_FIELDS, 'ciIds']} onReload={onReload} />
        <Field id="details-title" label="Title" error={write.message('title')}>
          {(p) => <input {...p} value={draft.title} onChange={set('title')} maxLength={200} />}
        </Field>
        <Field id="details-description" label="Description" hint="What is wrong, as the caller and the desk understand it; the caller reads it." error={write.message('description')}>
          {(p) => <textarea {...p} rows={4} value={draft.description} onChange={set('description')} maxLength={20_000} />}
        </Field>
        <div className="field-row">
          <Field id="details-impact" label="Impact" error={write.message('impact')}>
            {(p) => (
              <select {...p} value={draft.impact} onChange={set('impact')}>
                {levels(matrix?.impacts, incident.impact).map((l) => (
                  <option key={l} value={l}>
                    {levelLabel(l)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="details-urgency" label="Urgency" error={write.message('urgency')}>
            {(p) => (
              <select {...p} value={draft.urgency} onChange={set('urgency')}>
                {levels(matrix?.urgencies, incident.urgency).map((l) => (
                  <option key={l} value={l}>
                    {levelLabel(l)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="details-category" label="Category" error={write.message('category')}>
            {(p) => (
              <select {...p} value={draft.category} onChange={set('category')}>
                <CategoryOptions />
              </select>
            )}
          </Field>
        </div>
        <p className="muted" aria-live="polite">
          Priority from the matrix: <strong>{priority ?? incident.priority}</strong>
        </p>
        <CiChooser id="details-cis" chosen={cis} onChange={setCis} error={write.message('ciIds')} />
        <button type="submit" className="button" disabled={write.busy || (changed.length === 0 && !cisChanged)}>
          Save
        </button>
      </form>
    </section>
  );
}

/** Typed text searched for once typing pauses, from two characters; null (nothing asked) before that. */
export function useLookup<T>(path: string | null, typed: string, query: Query = {}) {
  const [text, setText] = useState(typed.trim());
  useEffect(() => {
    const timer = setTimeout(() => setText(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const asked = path !== null && text.length >= 2;
  const found = useResource<Page<T>>(asked ? path : null, { ...query, q: text });
  return { asked, loading: asked && found.loading, error: asked ? found.error : null, items: asked && found.data ? found.data.items : [], more: asked && !!found.data?.nextCursor };
}

/** Enter in a search box inside a form searches (it already has); it must not send the form. */
export const keepFormUnsent = (event: KeyboardEvent<HTMLInputElement>) => {
  if (event.key === 'Enter') event.preventDefault();
};

/** What a lookup found, in one sentence a screen reader hears as it changes. */
export function LookupStatus({ id, lookup, noun }: { id: string; lookup: ReturnType<typeof useLookup>; noun: readonly [string, string] }) {
  const n = lookup.items.length;
  const text = !lookup.asked ? '' : lookup.loading ? 'Searching…' : lookup.error ? '' : n === 0 ? `No ${noun[1]} found.` : `${n}${lookup.more ? ' or more' : ''} ${n === 1 ? noun[0] : noun[1]} found.`;
  return (
    <>
      {lookup.error && <ProblemMessage error={lookup.error} />}
      <p id={id} className="muted lookup-status" role="status" aria-live="polite">
        {text}
      </p>
    </>
  );
}

/**
 * The configuration items an incident affects: those chosen, each with a way to remove it, and a
 * search of the CMDB by name (or exact reference) to add another. Logging and the record's
 * details both use it; the form sends the chosen ones' ids as `ciIds`.
 */
export function CiChooser({ id, chosen, onChange, error }: { id: string; chosen: readonly CiRef[]; onChange(next: CiRef[]): void; error?: string }) {
  const [typed, setTyped] = useState('');
  const lookup = useLookup<ConfigurationItem>('/cis', typed, { sort: 'name', limit: 10 });
  const addable = lookup.items.filter((ci) => !chosen.some((c) => c.id === ci.id));
  return (
    <fieldset className="choices ci-chooser">
      <legend>Affected configuration items</legend>
      {chosen.length === 0 ? (
        <p className="muted">None linked.</p>
      ) : (
        <ul className="plain-list ci-chooser__list" aria-label="Linked configuration items">
          {chosen.map((ci) => (
            <li key={ci.id}>
              {ci.name} <span className="muted">{ciKindLabel(ci.kind)}</span>{' '}
              <button type="button" className="link-button" onClick={() => onChange(chosen.filter((c) => c.id !== ci.id))}>
                Remove<span className="visually-hidden"> {ci.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <Field id={`${id}-search`} label="Add one: find it in the CMDB" hint="Part of its name, or its exact reference." error={error}>
        {(p) => <input {...p} type="search" value={typed} onChange={(e) => setTyped(e.target.value)} onKeyDown={keepFormUnsent} maxLength={100} autoComplete="off" />}
      </Field>
      <LookupStatus id={`${id}-found`} lookup={lookup} noun={['configuration item', 'configuration items']} />
      {addable.length > 0 && (
        <ul className="plain-list ci-chooser__list" aria-label="Configuration items found">
          {addable.map((ci) => (
            <li key={ci.id}>
              {ci.name} <span className="muted">{ciKindLabel(ci.kind)}{ci.organisation ? `, ${ci.organisation.odsCode}` : ''}</span>{' '}
              <button type="button" className="link-button" onClick={() => onChange([...chosen, { id: ci.id, kind: ci.kind, name: ci.name }])}>
                Add<span className="visually-hidden"> {ci.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/** An incident number (or plain id) as the id the API links by. */
async function idOfNumber(token: string): Promise<number> {
  if (/^\d+$/.test(token)) return Number(token);
  const number = token.toUpperCase();
  const { data } = await api.get<Page<IncidentSummary>>('/incidents', { q: number, limit: 10 });
  const found = data.items.find((i) => i.number === number);
  if (!found) throw new ApiError(0, 'Not linked', undefined, undefined, [{ field: 'incidentIds', message: `no incident ${number} that you can see` }]);
  return found.id;
}
