import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError, type Page } from '../api.ts';
import { Field, FormProblem } from '../components/Field.tsx';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle, useResource } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import type { Site } from '../network/types.ts';
import { StateTagFor } from './bits.tsx';
import { urgencyText, type Incident, type IncidentSettings, type IncidentSummary } from './types.ts';

/** Resolved and not yet closed: the desk waits for the practice to confirm the fix, or to say it is still broken. */
const awaitsConfirmation = (i: IncidentSummary) => i.state === 'resolved';

const COLUMNS: Column<IncidentSummary>[] = [
  { head: 'Reference', cell: (i) => <Link to={`/incidents/${i.id}`}>{i.number}</Link> },
  { head: 'What is wrong', cell: (i) => i.title },
  { head: 'Site', cell: (i) => i.site?.name ?? i.organisation.name },
  {
    head: 'State',
    cell: (i) => (
      <>
        <StateTagFor state={i.state} customer />
        {awaitsConfirmation(i) && (
          <>
            <br />
            <strong>Waiting for you to confirm</strong>
          </>
        )}
      </>
    ),
  },
  { head: 'Reported', cell: (i) => formatDateTime(i.createdAt), className: 'nowrap' },
  { head: 'Last update', cell: (i) => formatDateTime(i.updatedAt), className: 'nowrap' },
];

/**
 * The portal: a practice reports a fault on one of its own sites, and follows its incidents. The
 * server decides priority from the urgency they give and the impact the desk judges.
 */
export function CustomerIncidents() {
  const [params, setParams] = useSearchParams();
  const show = params.get('show') === 'all' ? 'all' : 'open';
  // "Open" includes the resolved ones: until the practice confirms the fix (or the reopen window
  // closes it), each still asks something of them.
  const list = usePagedList<IncidentSummary>('/incidents', { state: show === 'all' ? undefined : 'open,resolved', sort: '-number', limit: 25 });
  const waiting = list.items.filter(awaitsConfirmation).length;
  const heading = usePageTitle('Your incidents');
  return (
    <>
      <p className="caption">Report a fault and follow it</p>
      <h1 ref={heading} tabIndex={-1}>
        Your incidents
      </h1>
      <ReportFault />
      <section aria-labelledby="mine-heading">
        <h2 id="mine-heading">What you have reported</h2>
        <form className="filters" aria-label="Which incidents to show" onSubmit={(e) => e.preventDefault()}>
          <div className="field">
            <label htmlFor="portal-show">Show</label>
            <select id="portal-show" value={show} onChange={(e) => setParams(e.target.value === 'all' ? { show: 'all' } : {})}>
              <option value="open">Open, or waiting for you to confirm</option>
              <option value="all">Every incident</option>
            </select>
          </div>
        </form>
        <ResultCount list={list} noun={['incident', 'incidents']} empty={show === 'all' ? 'Nothing has been reported yet.' : 'You have no open incidents.'}>
          {waiting > 0 && ` ${waiting === 1 ? 'One is' : `${waiting} are`} resolved and waiting for you to confirm the fix.`}
        </ResultCount>
        {list.items.length > 0 && (
          <div className="table-scroll" role="region" aria-label="Your incidents found" tabIndex={0}>
            <ItemTable caption="Your organisation's incidents, newest first" columns={COLUMNS} items={list.items} rowKey={(i) => i.id} rowClassName={(i) => (awaitsConfirmation(i) ? 'portal__row--confirm' : undefined)} />
          </div>
        )}
        <ShowMore list={list} />
      </section>
    </>
  );
}

const REPORT_FIELDS = ['siteId', 'title', 'description', 'urgency'] as const;

function ReportFault() {
  const navigate = useNavigate();
  const sites = useResource<Page<Site>>('/sites', { state: 'active', sort: 'name', limit: 200 });
  const settings = useResource<IncidentSettings>('/incident-settings');
  const [siteId, setSiteId] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [urgency, setUrgency] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const choices = sites.data?.items ?? [];
  const chosenSite = siteId || (choices.length === 1 ? String(choices[0]!.id) : '');
  const urgencies = settings.data?.matrix.urgencies ?? [];
  const chosenUrgency = urgency || settings.data?.defaultUrgency || '';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { title: title.trim(), description: description.trim() };
    if (chosenSite) body.siteId = Number(chosenSite);
    if (chosenUrgency) body.urgency = chosenUrgency;
    try {
      const { data } = await api.post<Incident>('/incidents', body);
      navigate(`/incidents/${data.id}`, { state: { reported: data.number } });
    } catch (e) {
      setError(e as ApiError);
      setBusy(false);
    }
  }

  const message = (field: string) => error?.fieldMessage(field);
  return (
    <section aria-labelledby="report-heading" className="panel report">
      <h2 id="report-heading">Report a fault</h2>
      {sites.error && <ProblemMessage error={sites.error} />}
      {sites.data && choices.length === 0 ? (
        <p>There is no site of yours to report a fault on. Call the service desk.</p>
      ) : (
        <form onSubmit={submit} noValidate aria-labelledby="report-heading">
          <FormProblem error={error} fields={REPORT_FIELDS} />
          <Field id="report-site" label="Where is the fault?" error={message('siteId')}>
            {(p) => (
              <select {...p} value={chosenSite} onChange={(e) => setSiteId(e.target.value)}>
                <option value="">Choose one of your sites</option>
                {choices.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                    {s.postcode ? `, ${s.postcode}` : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="report-title" label="What is wrong?" hint="In a few words, for example: no internet at reception." error={message('title')}>
            {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />}
          </Field>
          <Field id="report-description" label="Tell us more (optional)" hint="When it started, what you have tried, who to talk to on site." error={message('description')}>
            {(p) => <textarea {...p} value={description} onChange={(e) => setDescription(e.target.value)} rows={4} maxLength={20_000} />}
          </Field>
          <Field id="report-urgency" label="How urgent is it?" error={message('urgency')}>
            {(p) => (
              <select {...p} value={chosenUrgency} onChange={(e) => setUrgency(e.target.value)}>
                {urgencies.map((u) => (
                  <option key={u} value={u}>
                    {urgencyText(u)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Sending…' : 'Report the fault'}
          </button>
        </form>
      )}
    </section>
  );
}
