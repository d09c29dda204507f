import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Journal } from '../components/Journal.tsx';
import { OrganisationEditForm } from '../components/OrganisationEditForm.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { ShowMore } from '../components/PagedList.tsx';
import { StateTag } from '../components/StateTag.tsx';
import { usePagedList, usePageTitle, useResource } from '../hooks.ts';
import { formatDate, formatDateTime, kindLabel } from '../labels.ts';
import { useSession } from '../session.tsx';
import type { Organisation, OrganisationRef } from '../types.ts';
import { OrganisationSites } from '../network/OrganisationSites.tsx';

/** One organisation: its details, parent and children, its history, and (for administrators) an edit form. */
export function OrganisationPage() {
  const { odsCode = '' } = useParams();
  const { self, can } = useSession();
  const resource = useResource<Organisation>(`/organisations/${encodeURIComponent(odsCode)}`);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [journalRound, setJournalRound] = useState(0);
  const organisation = resource.data;
  const heading = usePageTitle(organisation?.name ?? (resource.error ? 'Organisation not available' : null));
  // A customer sees their own organisations only: a parent outside them is named, not linked.
  const network = self?.scope === 'network';
  const ref = (o: OrganisationRef) => (network ? <Link to={`/organisations/${o.odsCode}`}>{o.name}</Link> : o.name);

  if (resource.error) {
    return (
      <>
        <h1 ref={heading} tabIndex={-1}>
          Organisation {odsCode}
        </h1>
        <ProblemMessage error={resource.error} />
        <p>
          <Link to="/organisations">Back to organisations</Link>
        </p>
      </>
    );
  }
  if (!organisation) return <p role="status">Loading {odsCode}…</p>;

  return (
    <>
      <p className="caption">
        <Link to="/organisations">Organisations</Link>
        {organisation.parent && <> › {ref(organisation.parent)}</>}
      </p>
      <div className="title-row">
        <h1 ref={heading} tabIndex={-1}>
          {organisation.name}
        </h1>
        {can('organisations:write') && !editing && (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            Edit details
          </button>
        )}
      </div>
      {saved && (
        <div className="notice notice--success" role="status">
          Your changes are saved. They are in the history below.
        </div>
      )}
      {editing && (
        <OrganisationEditForm
          key={organisation.version}
          organisation={organisation}
          etag={resource.etag}
          onCancel={() => setEditing(false)}
          onReload={resource.reload}
          onSaved={() => {
            setEditing(false);
            setSaved(true);
            resource.reload();
            setJournalRound((r) => r + 1);
          }}
        />
      )}
      <dl className="summary-list">
        <div>
          <dt>ODS code</dt>
          <dd>
            <code>{organisation.odsCode}</code>
          </dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd>{kindLabel(organisation.kind)}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>
            <StateTag state={organisation.state} />
          </dd>
        </div>
        <div>
          <dt>Parent</dt>
          <dd>{organisation.parent ? <>{ref(organisation.parent)} <span className="muted">{organisation.parent.odsCode}</span></> : 'None'}</dd>
        </div>
        <div>
          <dt>Region</dt>
          <dd>{organisation.region ?? '—'}</dd>
        </div>
        <div>
          <dt>Postcode</dt>
          <dd>{organisation.postcode ?? '—'}</dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>{formatDate(organisation.openedOn)}</dd>
        </div>
        <div>
          <dt>Closed</dt>
          <dd>{formatDate(organisation.closedOn)}</dd>
        </div>
        <div>
          <dt>Last changed</dt>
          <dd>
            {formatDateTime(organisation.updatedAt)} <span className="muted">(version {organisation.version})</span>
          </dd>
        </div>
      </dl>
      {can('network:read') && <OrganisationSites odsCode={organisation.odsCode} />}
      {organisation.childCount > 0 && <Children odsCode={organisation.odsCode} count={organisation.childCount} />}
      {can('journal:read') && <Journal path={`/organisations/${encodeURIComponent(organisation.odsCode)}/journal`} refresh={journalRound} />}
    </>
  );
}

function Children({ odsCode, count }: { odsCode: string; count: number }) {
  const list = usePagedList<Organisation>('/organisations', { parent: odsCode, limit: 25 });
  return (
    <section aria-labelledby="children-heading">
      <h2 id="children-heading">
        Children <span className="muted">({count})</span>
      </h2>
      {list.error && <ProblemMessage error={list.error} />}
      <ul className="link-list">
        {list.items.map((child) => (
          <li key={child.odsCode}>
            <Link to={`/organisations/${child.odsCode}`}>{child.name}</Link> <span className="muted">{child.odsCode} · {kindLabel(child.kind)}</span> <StateTag state={child.state} />
          </li>
        ))}
      </ul>
      <ShowMore list={list} />
    </section>
  );
}
