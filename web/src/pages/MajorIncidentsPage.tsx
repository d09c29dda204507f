import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, type Page } from '../api.ts';
import { Field, FormProblem } from '../components/Field.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { ShowMore } from '../components/PagedList.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { INCIDENT_DUE_LABELS, PriorityTag, SlaMarks, StateTagFor, type SlaTargets } from '../incidents/bits.tsx';
import { formatDuration, isOpenState, stateLabel, type Incident, type IncidentQueueRow, type IncidentSummary, type Note } from '../incidents/types.ts';
import { useLiveList } from '../incidents/useLiveList.ts';
import { useWrite } from '../incidents/useWrite.ts';
import { useSession } from '../session.tsx';
import '../incidents/incidents.css';

/**
 * The major incident board: every open major incident, how many incidents are linked to it and
 * where they stand, which organisations and sites are affected, its latest update and how long
 * it has been open, with a form to post the next update. It keeps itself current like the queue.
 */
export function MajorIncidentsPage() {
  const { self } = useSession();
  const heading = usePageTitle('Major incident board');
  // A customer or a supplier sees only their own incidents: the board, which spans the network,
  // would tell them there is no major incident while one is open.
  if (self?.scope !== 'network') {
    return (
      <>
        <h1 ref={heading} tabIndex={-1}>
          Major incident board
        </h1>
        <p>
          The major incident board is kept by the service desk. Your own incidents, with every update on them, are in <Link to="/incidents">the incident list</Link>.
        </p>
      </>
    );
  }
  return <Board heading={heading} />;
}

/** A board card's incident: the queue's row, naming the SLA targets breached and warned. */
type BoardRow = IncidentQueueRow & SlaTargets;

function Board({ heading }: { heading: ReturnType<typeof usePageTitle> }) {
  const list = useLiveList<BoardRow>('/incidents', { major: true, state: 'open', sort: '-number' }, 50);
  return (
    <>
      <p className="caption">
        <Link to="/incidents">Incidents</Link> › ISO/IEC 20000-1:2018 clause 8.6.1
      </p>
      <h1 ref={heading} tabIndex={-1}>
        Major incident board
      </h1>
      {list.error && <ProblemMessage error={list.error} />}
      <p className="result-count" role="status">
        {!list.loaded ? 'Loading major incidents…' : list.items.length === 0 ? 'There is no open major incident.' : `${list.items.length} open major ${list.items.length === 1 ? 'incident' : 'incidents'}.`}
      </p>
      <div className="board">
        {list.items.map((i) => (
          <MajorCard key={i.id} summary={i} version={i.version} updated={list.updated.has(i.id)} />
        ))}
      </div>
      <ShowMore list={list} />
    </>
  );
}

function MajorCard({ summary, version, updated }: { summary: BoardRow; version: number; updated: boolean }) {
  const { self, can } = useSession();
  // Read again whenever the board sees a new version (an update, a link, a change of state).
  const detail = useResource<Incident>(`/incidents/${summary.id}`);
  const linked = useResource<Page<IncidentSummary>>('/incidents', { parentId: summary.id, limit: 200 });
  const notes = useResource<Note[]>(`/incidents/${summary.id}/notes`);
  const seen = useRef(version);
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    detail.reload();
    linked.reload();
    notes.reload();
  }, [version]); // eslint-disable-line react-hooks/exhaustive-deps -- reload is stable
  const [now] = useState(() => Date.now());
  const children = linked.data?.items ?? [];
  const open = children.filter((c) => isOpenState(c.state));
  const byState = new Map<string, number>();
  for (const c of children) byState.set(c.state, (byState.get(c.state) ?? 0) + 1);
  // Who is affected: the linked incidents' organisations and sites, and the major incident's own site if it names one.
  const affected = [...(summary.site ? [summary] : []), ...children];
  const organisations = new Map(affected.map((c) => [c.organisation.odsCode, c.organisation.name]));
  const sites = new Map(affected.filter((c) => c.site).map((c) => [c.site!.id, c.site!.name]));
  const latest = [...(notes.data ?? [])].reverse().find((n) => n.kind === 'major_update');
  const headingId = `major-${summary.id}`;
  const canPost = self?.scope === 'network' && can('incidents:write');

  return (
    <article className={`major-card${updated ? ' major-card--updated' : ''}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="major-card__title">
        <Link to={`/incidents/${summary.id}`}>
          {summary.number} {summary.title}
        </Link>
      </h2>
      <p>
        <PriorityTag priority={summary.priority} /> <StateTagFor state={summary.state} /> <SlaMarks row={summary} labels={INCIDENT_DUE_LABELS} />
        {updated && <span className="tag tag--blue">Updated</span>}
      </p>
      <dl className="summary-list summary-list--compact">
        <div>
          <dt>Open for</dt>
          <dd>
            {formatDuration(now - Date.parse(summary.createdAt))} <span className="muted">(since {formatDateTime(summary.createdAt)})</span>
          </dd>
        </div>
        <div>
          <dt>With</dt>
          <dd>
            {summary.team?.name ?? 'No team'}
            {summary.assignee && `, ${summary.assignee.name}`}
            {summary.supplier && `; supplier ${summary.supplier.name}`}
          </dd>
        </div>
        <div>
          <dt>Linked incidents</dt>
          <dd>
            {linked.data ? (
              <>
                <strong>{children.length}</strong> linked, {open.length} open
                {children.length > 0 && (
                  <ul className="plain-list plain-list--inline">
                    {[...byState].map(([state, n]) => (
                      <li key={state}>
                        {stateLabel(state)}: {n}
                      </li>
                    ))}
                  </ul>
                )}
              </>
            ) : (
              '…'
            )}
          </dd>
        </div>
        <div>
          <dt>Affected</dt>
          <dd>
            {organisations.size} {organisations.size === 1 ? 'organisation' : 'organisations'}, {sites.size} {sites.size === 1 ? 'site' : 'sites'}
            <details>
              <summary>Which</summary>
              <ul className="plain-list">
                {[...organisations].map(([ods, name]) => (
                  <li key={ods}>
                    {name} <span className="muted">{ods}</span>
                  </li>
                ))}
              </ul>
              {sites.size > 0 && (
                <ul className="plain-list">
                  {[...sites].map(([id, name]) => (
                    <li key={id}>{can('network:read') ? <Link to={`/sites/${id}`}>{name}</Link> : name}</li>
                  ))}
                </ul>
              )}
            </details>
          </dd>
        </div>
        <div>
          <dt>Latest update</dt>
          <dd>
            {latest ? (
              <>
                <p className="note-body major-card__update">{latest.body}</p>
                <span className="muted">
                  {latest.author}, {formatDateTime(latest.createdAt)}
                </span>
              </>
            ) : notes.data ? (
              'No update posted yet.'
            ) : (
              '…'
            )}
          </dd>
        </div>
      </dl>
      {canPost && detail.data && <PostUpdate incident={detail.data} onPosted={() => notes.reload()} />}
    </article>
  );
}

function PostUpdate({ incident, onPosted }: { incident: Incident; onPosted(): void }) {
  const [body, setBody] = useState('');
  const [told, setTold] = useState<string | null>(null);
  const write = useWrite((text) => {
    setTold(text);
    onPosted();
  });
  async function submit(event: FormEvent) {
    event.preventDefault();
    let n = 0;
    const ok = await write.run(async () => {
      n = (await api.post<{ fannedOutTo: number }>(`/incidents/${incident.id}/major-updates`, { body: body.trim() })).data.fannedOutTo;
    }, () => `Posted, and told to ${n} linked ${n === 1 ? 'incident' : 'incidents'}.`);
    if (ok) setBody('');
  }
  const id = `update-${incident.id}`;
  return (
    <form onSubmit={submit} noValidate aria-label={`Post an update on ${incident.number}`} className="major-card__form">
      <FormProblem error={write.error} fields={['body']} />
      <Field id={id} label="Post an update" hint="Told on every open linked incident and to its caller." error={write.message('body')}>
        {(p) => <textarea {...p} rows={2} value={body} onChange={(e) => setBody(e.target.value)} maxLength={20_000} />}
      </Field>
      <button type="submit" className="button" disabled={write.busy}>
        Post the update
      </button>
      {told && (
        <p className="notice notice--success" role="status">
          {told}
        </p>
      )}
    </form>
  );
}
