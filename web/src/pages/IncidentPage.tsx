import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { AcceptForm, AssignForm, DetailsForm, HandOffForm, MajorForms, TransitionForm, type ActionProps } from '../incidents/Actions.tsx';
import { PriorityTag, StateTagFor } from '../incidents/bits.tsx';
import { Clocks } from '../incidents/Clocks.tsx';
import { CustomerIncident } from '../incidents/CustomerIncident.tsx';
import { NoteForm } from '../incidents/NoteForm.tsx';
import { WriteStarted } from '../incidents/useWrite.ts';
import { Timeline } from '../incidents/Timeline.tsx';
import { categoryLabel, isOpenState, resolutionLabel, stateLabel, type Incident } from '../incidents/types.ts';
import { useSession } from '../session.tsx';
import '../incidents/incidents.css';

const SOURCES: Record<string, string> = { agent: 'Logged by the service desk', portal: 'Reported in the portal', email: 'By e-mail', monitoring: 'Raised by monitoring' };

/** One incident: who and where, its clocks, what may be done next by whoever reads it, and its timeline. */
export function IncidentPage() {
  const { id = '' } = useParams();
  const { self, can } = useSession();
  const resource = useResource<Incident>(`/incidents/${encodeURIComponent(id)}`);
  const [changed, setChanged] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const incident = resource.data;
  const heading = usePageTitle(incident ? `${incident.number} ${incident.title}` : resource.error ? 'Incident not available' : null);

  if (resource.error) {
    return (
      <>
        <h1 ref={heading} tabIndex={-1}>
          Incident {id}
        </h1>
        <ProblemMessage error={resource.error} />
        <p>
          <Link to="/incidents">Back to incidents</Link>
        </p>
      </>
    );
  }
  if (!incident) return <p role="status">Loading incident…</p>;
  // Read the incident and its timeline again: after a change made here, or to see someone else's.
  const reload = () => {
    resource.reload();
    setChanged((n) => n + 1);
  };
  const done = (text: string) => {
    setNotice(text);
    reload();
  };
  const clearNotice = () => setNotice(null);
  if (self?.scope === 'organisations') {
    return (
      <WriteStarted.Provider value={clearNotice}>
        <CustomerIncident incident={incident} etag={resource.etag} heading={heading} refresh={changed} notice={notice} onDone={done} onReload={reload} />
      </WriteStarted.Provider>
    );
  }

  const party = self?.scope === 'supplier' ? 'supplier' : 'desk';
  const writes = can('incidents:write');
  const props: ActionProps = { incident, etag: resource.etag, onDone: done, onReload: reload };
  const open = isOpenState(incident.state);
  const link = (permission: string, to: string, text: string) => (can(permission) ? <Link to={to}>{text}</Link> : text);

  return (
    <WriteStarted.Provider value={clearNotice}>
      <p className="caption">
        <Link to="/incidents">Incidents</Link>
        {incident.parent && (
          <>
            {' '}
            › <Link to={`/incidents/${incident.parent.id}`}>{incident.parent.number}</Link>
          </>
        )}{' '}
        › {incident.number}
      </p>
      <h1 ref={heading} tabIndex={-1} className="incident-title">
        <span className="incident-title__number">{incident.number}</span> {incident.title}
      </h1>
      <p className="incident-tags">
        <StateTagFor state={incident.state} /> <PriorityTag priority={incident.priority} /> {incident.major && <span className="tag tag--red">Major incident</span>}{' '}
        {incident.reopenCount > 0 && <span className="tag tag--yellow">Reopened {incident.reopenCount === 1 ? 'once' : `${incident.reopenCount} times`}</span>}
      </p>
      {notice && (
        <div className="notice notice--success" role="status">
          {notice}
        </div>
      )}
      {incident.description && (
        <section aria-labelledby="description-heading">
          <h2 id="description-heading" className="visually-hidden">
            Description
          </h2>
          <p className="note-body description">{incident.description}</p>
        </section>
      )}
      <Clocks clocks={incident.clocks} />
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <dl className="summary-list">
          <div>
            <dt>State</dt>
            <dd>
              {stateLabel(incident.state)}
              {incident.state === 'resolved' && incident.reopenUntil && <span className="muted"> — the caller may reopen it until {formatDateTime(incident.reopenUntil)}; then it closes by itself</span>}
              {incident.closedAt && <span className="muted"> — closed {formatDateTime(incident.closedAt)}</span>}
            </dd>
          </div>
          <div>
            <dt>Priority</dt>
            <dd>
              {incident.priority} <span className="muted">(impact {incident.impact}, urgency {incident.urgency})</span>
            </dd>
          </div>
          <div>
            <dt>Category</dt>
            <dd>{categoryLabel(incident.category)}</dd>
          </div>
          <div>
            <dt>Caller</dt>
            <dd>
              {incident.caller ? (
                <>
                  {incident.caller.name}
                  {incident.caller.email && <span className="muted"> {incident.caller.email}</span>}
                </>
              ) : (
                '—'
              )}
              <br />
              <span className="muted">
                {SOURCES[incident.source] ?? incident.source}, {formatDateTime(incident.createdAt)}
              </span>
            </dd>
          </div>
          <div>
            <dt>Organisation</dt>
            <dd>
              {link('organisations:read', `/organisations/${incident.organisation.odsCode}`, incident.organisation.name)} <span className="muted">{incident.organisation.odsCode}</span>
            </dd>
          </div>
          <div>
            <dt>Site</dt>
            <dd>{incident.site ? link('network:read', `/sites/${incident.site.id}`, incident.site.name) : '—'}</dd>
          </div>
          <div>
            <dt>Connection</dt>
            <dd>{incident.connectionId ? link('connections:read', `/connections/${incident.connectionId}`, `Connection ${incident.connectionId}`) : '—'}</dd>
          </div>
          <div>
            <dt>Configuration items</dt>
            <dd>
              {incident.cis.length === 0 ? (
                '—'
              ) : (
                <ul className="plain-list">
                  {incident.cis.map((ci) => (
                    <li key={ci.id}>
                      {link('cmdb:read', `/configuration/${ci.id}`, ci.name)} <span className="muted">{ci.kind}</span>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div>
            <dt>Team</dt>
            <dd>
              {incident.team ? incident.team.name : 'Not assigned'}
              {incident.assignee && `, ${incident.assignee.name}`}
              {incident.respondedAt && <span className="muted"> — responded {formatDateTime(incident.respondedAt)}</span>}
            </dd>
          </div>
          <div>
            <dt>Supplier</dt>
            <dd>
              {incident.supplier ? (
                <>
                  {link('suppliers:read', `/suppliers/${incident.supplier.id}`, incident.supplier.name)}
                  {incident.supplierReference && (
                    <>
                      {' '}
                      <span className="muted">their reference</span> <code>{incident.supplierReference}</code>
                    </>
                  )}
                  <br />
                  <span className="muted">
                    {incident.handedOffAt && `Handed off ${formatDateTime(incident.handedOffAt)}`}
                    {incident.supplierAcceptedAt ? `; accepted ${formatDateTime(incident.supplierAcceptedAt)}` : incident.state === 'pending_supplier' ? '; not accepted yet' : ''}
                  </span>
                </>
              ) : (
                '—'
              )}
            </dd>
          </div>
          {incident.parent && (
            <div>
              <dt>Linked to</dt>
              <dd>
                <Link to={`/incidents/${incident.parent.id}`}>{incident.parent.number}</Link> {incident.parent.title}
              </dd>
            </div>
          )}
          {(incident.major || incident.children.length > 0) && (
            <div>
              <dt>Linked incidents</dt>
              <dd>
                {incident.children.length === 0 ? (
                  'None yet'
                ) : (
                  <ul className="plain-list">
                    {incident.children.map((c) => (
                      <li key={c.id}>
                        <Link to={`/incidents/${c.id}`}>{c.number}</Link> {c.title} <StateTagFor state={c.state} />
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
          )}
          {incident.resolutionCode && (
            <div>
              <dt>Resolution</dt>
              <dd>
                {resolutionLabel(incident.resolutionCode)}
                {incident.resolvedAt && <span className="muted"> — {formatDateTime(incident.resolvedAt)}</span>}
                {incident.resolutionNotes && <p className="note-body">{incident.resolutionNotes}</p>}
              </dd>
            </div>
          )}
          <div>
            <dt>Last changed</dt>
            <dd>
              {formatDateTime(incident.updatedAt)} <span className="muted">(version {incident.version})</span>
            </dd>
          </div>
        </dl>
      </section>
      {writes && (
        <div className="incident-actions">
          {party === 'supplier' && incident.state === 'pending_supplier' && !incident.supplierAcceptedAt && <AcceptForm {...props} />}
          <TransitionForm {...props} party={party} />
          {party === 'desk' && open && <AssignForm {...props} />}
          {party === 'desk' && open && <HandOffForm {...props} />}
          {party === 'desk' && (open || incident.state === 'resolved') && <DetailsForm key={incident.version} {...props} />}
          {party === 'desk' && <MajorForms {...props} />}
          <NoteForm incident={incident} party={party} onDone={done} />
        </div>
      )}
      {!writes && <p className="muted">You may read this incident; changing it is for the service desk.</p>}
      <Timeline incidentId={incident.id} journal={can('journal:read')} emails refresh={changed} />
    </WriteStarted.Provider>
  );
}
