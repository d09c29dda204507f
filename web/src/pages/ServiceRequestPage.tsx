import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { Journal } from '../components/Journal.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatBusinessTime, formatDateTime } from '../labels.ts';
import { bandwidth } from '../network/labels.ts';
import { dueLabelOf, requestKindLabel, requestStateColour, requestStateLabel, slaStandingOf, type RequestTask, type ServiceRequest } from '../requests/types.ts';
import { SlaMark } from '../incidents/bits.tsx';
import { clockStateColour, clockStateLabel } from '../incidents/types.ts';
import { connectionStateLabel } from '../connections/types.ts';
import { useSession } from '../session.tsx';
import '../requests/requests.css';

const APPROVERS = ['change_approver', 'service_manager', 'administrator'];
const WORKING = ['submitted', 'approved', 'in_fulfilment'];

/** One write at a time from a section of the page: busy while it runs, the refusal kept to show. */
function useAction(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  async function run(work: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await work();
      onDone();
      return true;
    } catch (e) {
      setError(e as ApiError);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run, message: (field: string) => error?.errors.find((e) => e.field === field)?.message };
}

/**
 * One service request: what was asked and for whom, its approval, its fulfilment tasks worked in
 * order, its service level clocks, the notes the reader may see and its history; and the steps
 * the reader may take now (the server decides; the page only offers what it says is possible).
 */
export function ServiceRequestPage() {
  const { id = '' } = useParams();
  const { self, can } = useSession();
  const resource = useResource<ServiceRequest>(`/service-requests/${encodeURIComponent(id)}`);
  const [changed, setChanged] = useState(0);
  const r = resource.data;
  const heading = usePageTitle(r ? `${r.number}: ${r.title}` : resource.error ? 'Service request not available' : null);
  const refresh = () => {
    resource.reload();
    setChanged((n) => n + 1);
  };

  if (resource.error) {
    return (
      <>
        <h1 ref={heading} tabIndex={-1}>
          Service request {id}
        </h1>
        <ProblemMessage error={resource.error} />
        <p>
          <Link to="/requests">Back to service requests</Link>
        </p>
      </>
    );
  }
  if (!r) return <p role="status">Loading the service request…</p>;
  const staff = self?.scope === 'network' && can('requests:write');
  const approver = staff && self!.roles.some((role) => APPROVERS.includes(role));

  return (
    <>
      <p className="caption">
        <Link to="/requests">Service requests</Link> › {requestKindLabel(r.kind)}
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {r.number}: {r.title}
      </h1>
      <Summary r={r} staffView={self?.scope === 'network'} />
      {approver && r.state === 'awaiting_approval' && <Approval r={r} onDone={refresh} />}
      {r.nextStates.length > 0 && <NextStep r={r} etag={resource.etag} onDone={refresh} />}
      <Tasks r={r} canWork={!!staff && WORKING.includes(r.state)} onDone={refresh} />
      <Clocks r={r} />
      <Notes r={r} staff={!!staff} canWrite={can('requests:write')} onDone={refresh} />
      {can('journal:read') && <Journal path={`/service-requests/${r.id}/journal`} refresh={changed} />}
    </>
  );
}

/** `staffView` adds what only the network's own people read by: product codes. */
function Summary({ r, staffView }: { r: ServiceRequest; staffView: boolean }) {
  const standing = slaStandingOf(r.clocks);
  const d = r.details;
  return (
    <dl className="summary-list">
      <div>
        <dt>State</dt>
        <dd>
          <span className={`tag tag--${requestStateColour(r.state)}`}>{requestStateLabel(r.state)}</span>
          {r.closesAutomaticallyAt && <span className="muted"> Closes by itself on {formatDateTime(r.closesAutomaticallyAt)} unless confirmed sooner.</span>}
        </dd>
      </div>
      <div>
        <dt>Kind</dt>
        <dd>{requestKindLabel(r.kind)}</dd>
      </div>
      <div>
        <dt>For</dt>
        <dd>
          <Link to={`/organisations/${r.organisation.odsCode}`}>{r.organisation.name}</Link> <span className="muted">{r.organisation.odsCode}</span>
          {r.site && (
            <>
              {', '}
              <Link to={`/sites/${r.site.id}`}>{r.site.name}</Link>
            </>
          )}
        </dd>
      </div>
      {r.connection && (
        <div>
          <dt>Connection</dt>
          <dd>
            <Link to={`/connections/${r.connection.id}`}>Connection {r.connection.id}</Link> <span className="muted">({connectionStateLabel(r.connection.state).toLowerCase()})</span>
          </dd>
        </div>
      )}
      {r.product && (
        <div>
          <dt>Product</dt>
          <dd>
            {r.product.name}
            {staffView && <span className="muted"> {r.product.code}</span>}
          </dd>
        </div>
      )}
      {d.targetProduct && (
        <div>
          <dt>Upgrade</dt>
          <dd>
            {staffView ? (
              <>
                {d.fromProduct ? `From ${d.fromProduct.code} to ` : 'To '}
                {d.targetProduct.code} ({d.targetProduct.name})
              </>
            ) : (
              <>
                {d.fromProduct?.bandwidthDownKbps ? `From ${bandwidth(d.fromProduct.bandwidthDownKbps)} to ` : 'To '}
                {d.targetProduct.name}
              </>
            )}
          </dd>
        </div>
      )}
      {d.targetSite && (
        <div>
          <dt>Move</dt>
          <dd>
            From {d.fromSite?.name} to <Link to={`/sites/${d.targetSite.id}`}>{d.targetSite.name}</Link>
          </dd>
        </div>
      )}
      {d.access && (
        <div>
          <dt>Access</dt>
          <dd>
            {d.access.name}
            {d.access.email && <span className="muted"> ({d.access.email})</span>} to {d.access.to}
          </dd>
        </div>
      )}
      {r.description && (
        <div>
          <dt>Description</dt>
          <dd className="request-text">{r.description}</dd>
        </div>
      )}
      <div>
        <dt>Asked by</dt>
        <dd>
          {r.requester?.name ?? '—'} <span className="muted">on {formatDateTime(r.createdAt)}</span>
        </dd>
      </div>
      <div>
        <dt>Approval</dt>
        <dd>
          {!r.approvalRequired
            ? 'Not needed'
            : r.approval.decidedBy
              ? `${r.state === 'rejected' ? 'Rejected' : 'Approved'} by ${r.approval.decidedBy.name} on ${formatDateTime(r.approval.decidedAt!)}`
              : 'Waiting for an approver'}
          {r.approval.rejectionReason && <>: {r.approval.rejectionReason}</>}
        </dd>
      </div>
      <div>
        <dt>With</dt>
        <dd>
          {r.team ? r.team.name : 'No team yet'}
          {r.assignee && `, ${r.assignee.name}`} <span className="muted">(priority {r.priority})</span>
        </dd>
      </div>
      <div>
        <dt>{dueLabelOf(r)}</dt>
        <dd>
          {r.slaDueAt ? <time dateTime={r.slaDueAt}>{formatDateTime(r.slaDueAt)}</time> : 'No target running'}
          {(standing.breached || standing.warning) && (
            <>
              {' '}
              <SlaMark breached={standing.breached} warning={standing.warning} />
            </>
          )}
        </dd>
      </div>
      {r.cancellationReason && (
        <div>
          <dt>Cancelled</dt>
          <dd>{r.cancellationReason}</dd>
        </div>
      )}
    </dl>
  );
}

function Approval({ r, onDone }: { r: ServiceRequest; onDone(): void }) {
  const [reason, setReason] = useState('');
  const action = useAction(onDone);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const decision = ((event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    if (decision !== 'approve' && decision !== 'reject') return;
    const body = reason.trim() ? { reason: reason.trim() } : {};
    if (await action.run(() => api.post(`/service-requests/${r.id}/${decision}`, body))) setReason('');
  }
  return (
    <section aria-labelledby="approval-heading" className="panel">
      <h2 id="approval-heading">Approval</h2>
      <form onSubmit={submit} noValidate>
        {action.error && !action.message('reason') && <ProblemMessage error={action.error} />}
        <Field id="approval-reason" label="Reason" hint="Needed to reject; the requester is told." error={action.message('reason')}>
          {(props) => <textarea {...props} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />}
        </Field>
        <div className="actions">
          <button type="submit" value="approve" className="button" disabled={action.busy}>
            Approve
          </button>
          <button type="submit" value="reject" className="button button--secondary" disabled={action.busy}>
            Reject
          </button>
        </div>
      </form>
    </section>
  );
}

const STEP_VERBS: Record<string, string> = {
  in_fulfilment: 'Start fulfilment',
  cancelled: 'Cancel the request',
  closed: 'Confirm and close',
};

function NextStep({ r, etag, onDone }: { r: ServiceRequest; etag: string | null; onDone(): void }) {
  const [reason, setReason] = useState('');
  const action = useAction(onDone);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const to = ((event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    if (!to) return;
    const body = to === 'cancelled' ? { to, ...(reason.trim() ? { reason: reason.trim() } : {}) } : { to };
    if (await action.run(() => api.post(`/service-requests/${r.id}/transitions`, body, { ifMatch: etag }))) setReason('');
  }
  return (
    <section aria-labelledby="next-heading" className="panel">
      <h2 id="next-heading">Next step</h2>
      <form onSubmit={submit} noValidate>
        {action.error && !action.message('reason') && <ProblemMessage error={action.error} />}
        {r.nextStates.includes('cancelled') && (
          <Field id="cancel-reason" label="Reason to cancel" hint="Needed only to cancel." error={action.message('reason')}>
            {(props) => <input {...props} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />}
          </Field>
        )}
        <div className="actions">
          {r.nextStates.map((to) => (
            <button key={to} type="submit" value={to} className={`button${to === 'cancelled' ? ' button--secondary' : ''}`} disabled={action.busy}>
              {STEP_VERBS[to] ?? requestStateLabel(to)}
            </button>
          ))}
        </div>
      </form>
    </section>
  );
}

function Tasks({ r, canWork, onDone }: { r: ServiceRequest; canWork: boolean; onDone(): void }) {
  const next = r.tasks.find((t) => t.state === 'open');
  return (
    <section aria-labelledby="tasks-heading">
      <h2 id="tasks-heading">Fulfilment tasks</h2>
      <p className="muted">Worked in order. {r.connection && r.kind === 'new_connection' ? `Each completes itself as connection ${r.connection.id} moves through its lifecycle.` : ''}</p>
      <table className="table">
        <caption className="visually-hidden">Fulfilment tasks, in order</caption>
        <thead>
          <tr>
            <th scope="col" className="numeric">
              Step
            </th>
            <th scope="col">Task</th>
            <th scope="col">State</th>
            <th scope="col">Done by</th>
          </tr>
        </thead>
        <tbody>
          {r.tasks.map((t) => (
            <tr key={t.id}>
              <td className="numeric">{t.position}</td>
              <td>
                {t.title}
                {t.completesItself && t.state === 'open' && <span className="muted"> — completes when the connection is {connectionStateLabel(t.completesItself).toLowerCase()}</span>}
                {t.notes && (
                  <>
                    <br />
                    <span className="muted">{t.notes}</span>
                  </>
                )}
                {t.skippedReason && (
                  <>
                    <br />
                    <span className="muted">Skipped: {t.skippedReason}</span>
                  </>
                )}
              </td>
              <td>{t.state === 'done' ? <span className="tag tag--green">Done</span> : t.state === 'skipped' ? <span className="tag tag--grey">Skipped</span> : <span className="tag tag--blue">Open</span>}</td>
              <td>{t.completedBy ? `${t.completedBy.name}, ${formatDateTime(t.completedAt!)}` : t.assignee ? `Assigned to ${t.assignee.name}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canWork && next && !next.completesItself && <WorkTask r={r} task={next} onDone={onDone} />}
    </section>
  );
}

function WorkTask({ r, task, onDone }: { r: ServiceRequest; task: RequestTask; onDone(): void }) {
  const [text, setText] = useState('');
  const action = useAction(onDone);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const how = ((event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    if (how !== 'complete' && how !== 'skip') return;
    const body = how === 'skip' ? (text.trim() ? { reason: text.trim() } : {}) : text.trim() ? { notes: text.trim() } : {};
    if (await action.run(() => api.post(`/service-requests/${r.id}/tasks/${task.id}/${how}`, body))) setText('');
  }
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label={`Work task ${task.position}`}>
      {action.error && !action.message('reason') && <ProblemMessage error={action.error} />}
      <Field id="task-text" label={`Task ${task.position}: ${task.title}`} hint={task.skippable ? 'A note for completing, or the reason for skipping.' : 'A note, if any.'} error={action.message('reason')}>
        {(props) => <input {...props} value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} />}
      </Field>
      <div className="actions">
        <button type="submit" value="complete" className="button" disabled={action.busy}>
          Complete task {task.position}
        </button>
        {task.skippable && (
          <button type="submit" value="skip" className="button button--secondary" disabled={action.busy}>
            Skip task {task.position}
          </button>
        )}
      </div>
    </form>
  );
}

function Clocks({ r }: { r: ServiceRequest }) {
  return (
    <section aria-labelledby="clocks-heading">
      <h2 id="clocks-heading">Service level</h2>
      {r.clocks.length === 0 ? (
        <p>No service level target applies to this request.</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Service level clocks, in business time</caption>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">Of</th>
              <th scope="col">Used</th>
              <th scope="col">Due</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {r.clocks.map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  {c.metric === 'response' ? 'Response' : 'Fulfilment'} <span className="muted">{c.definition.name}</span>
                </th>
                <td className="nowrap">{formatBusinessTime(c.targetMs)}</td>
                <td className="nowrap">{formatBusinessTime(c.elapsedBusinessMs)}</td>
                <td className="nowrap">{c.dueAt ? formatDateTime(c.dueAt) : '—'}</td>
                <td>
                  <span className={`tag tag--${clockStateColour(c.state)}`}>{clockStateLabel(c.state)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Notes({ r, staff, canWrite, onDone }: { r: ServiceRequest; staff: boolean; canWrite: boolean; onDone(): void }) {
  const [body, setBody] = useState('');
  const [visible, setVisible] = useState(false);
  const action = useAction(onDone);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const sent = staff ? { body: body.trim(), customerVisible: visible } : { body: body.trim() };
    if (await action.run(() => api.post(`/service-requests/${r.id}/notes`, sent))) {
      setBody('');
      setVisible(false);
    }
  }
  return (
    <section aria-labelledby="notes-heading">
      <h2 id="notes-heading">Notes</h2>
      {r.notes.length === 0 ? (
        <p>No notes yet.</p>
      ) : (
        <ol className="timeline">
          {r.notes.map((n) => (
            <li key={n.id} className="timeline__entry">
              <p className="timeline__head">
                <strong>{n.author.name}</strong>{' '}
                <time dateTime={n.createdAt} className="muted">
                  {formatDateTime(n.createdAt)}
                </time>{' '}
                {staff && (n.customerVisible ? <span className="tag tag--green">Visible to the customer</span> : <span className="tag tag--grey">Internal</span>)}
                {n.source === 'email' && <span className="tag tag--blue">By e-mail</span>}
              </p>
              <p className="timeline__summary request-text">{n.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canWrite && (
        <form onSubmit={submit} noValidate>
          {action.error && !action.message('body') && <ProblemMessage error={action.error} />}
          <Field id="note-body" label="Add a note" hint={staff ? 'Internal unless you tick the box below.' : 'The service desk sees it.'} error={action.message('body')}>
            {(props) => <textarea {...props} rows={3} value={body} onChange={(e) => setBody(e.target.value)} maxLength={10_000} />}
          </Field>
          {staff && (
            <div className="request-check">
              <input id="note-visible" type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} />
              <label htmlFor="note-visible">Visible to the customer</label>
            </div>
          )}
          <div className="actions">
            <button type="submit" className="button" disabled={action.busy}>
              Add the note
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
