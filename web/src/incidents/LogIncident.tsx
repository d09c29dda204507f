import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { api, type ApiError, type Page } from '../api.ts';
import { Field, FormProblem } from '../components/Field.tsx';
import { connectionStateLabel, type Connection } from '../connections/types.ts';
import { usePageTitle, useResource } from '../hooks.ts';
import type { CiRef, Site } from '../network/types.ts';
import { useSession } from '../session.tsx';
import type { User } from '../types.ts';
import { CiChooser, keepFormUnsent, LookupStatus, useLookup } from './Actions.tsx';
import { levelLabel, type Incident, type IncidentSettings, type Team } from './types.ts';
import { CategoryOptions } from './bits.tsx';
import { TeamFields } from './TeamFields.tsx';
import './incidents.css';

/**
 * /incidents/new. The service desk logs an incident for a caller on the phone; a customer
 * reports a fault in the portal instead, so is sent there; anyone else who may not log one is
 * told who does.
 */
export function LogIncident() {
  const { self, can } = useSession();
  if (self?.scope === 'organisations') return <Navigate to="/incidents" replace />;
  if (self?.scope !== 'network' || !can('incidents:write')) return <NotTheirs supplier={self?.scope === 'supplier'} />;
  return <LogForm />;
}

function NotTheirs({ supplier }: { supplier: boolean }) {
  const heading = usePageTitle('Log an incident');
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Log an incident
      </h1>
      <p>
        {supplier ? 'Incidents are logged by the service desk and handed to your company; you update those in ' : 'Incidents are logged by the service desk. You may read them in '}
        <Link to="/incidents">the incident list</Link>.
      </p>
    </>
  );
}

/** Every field the server may name in a refusal, each shown beside its input. */
const LOG_FIELDS = ['title', 'description', 'siteId', 'organisationOdsCode', 'connectionId', 'callerId', 'callerName', 'callerEmail', 'category', 'impact', 'urgency', 'teamId', 'assigneeId', 'ciIds'] as const;

function LogForm() {
  const { can } = useSession();
  const navigate = useNavigate();
  const heading = usePageTitle('Log an incident');
  const settings = useResource<IncidentSettings>('/incident-settings');
  const teams = useResource<Page<Team>>(can('teams:read') ? '/teams' : null, { active: true, limit: 100 });

  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [siteText, setSiteText] = useState('');
  const [site, setSite] = useState<Site | null>(null);
  const [connectionId, setConnectionId] = useState('');
  const [odsCode, setOdsCode] = useState('');
  const [userText, setUserText] = useState('');
  const [caller, setCaller] = useState<User | null>(null);
  const [callerName, setCallerName] = useState('');
  const [callerEmail, setCallerEmail] = useState('');
  const [category, setCategory] = useState('connectivity');
  const [impact, setImpact] = useState('');
  const [urgency, setUrgency] = useState('');
  const [teamId, setTeamId] = useState('');
  const [assigneeId, setAssigneeId] = useState('');
  const [cis, setCis] = useState<CiRef[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const sites = useLookup<Site>('/sites', siteText, { state: 'active', sort: 'name', limit: 20 });
  const users = useLookup<User>(can('users:read') ? '/users' : null, userText, { active: true, sort: 'displayName', limit: 20 });
  const connections = useResource<Page<Connection>>(site && can('connections:read') ? '/connections' : null, { siteId: site?.id, limit: 50 });
  const siteChoices = site && !sites.items.some((s) => s.id === site.id) ? [site, ...sites.items] : sites.items;
  const userChoices = caller && !users.items.some((u) => u.id === caller.id) ? [caller, ...users.items] : users.items;
  const matrix = settings.data?.matrix;
  const chosenImpact = impact || settings.data?.defaultImpact || '';
  const chosenUrgency = urgency || settings.data?.defaultUrgency || '';
  const priority = matrix?.cells[chosenImpact]?.[chosenUrgency];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { title: title.trim(), category };
    if (description.trim()) body.description = description.trim();
    if (site) body.siteId = site.id;
    else if (odsCode.trim()) body.organisationOdsCode = odsCode.trim().toUpperCase();
    if (site && connectionId) body.connectionId = Number(connectionId);
    if (caller) body.callerId = caller.id;
    if (callerName.trim()) body.callerName = callerName.trim();
    if (callerEmail.trim()) body.callerEmail = callerEmail.trim();
    if (chosenImpact) body.impact = chosenImpact;
    if (chosenUrgency) body.urgency = chosenUrgency;
    if (teamId) body.teamId = Number(teamId);
    if (teamId && assigneeId) body.assigneeId = Number(assigneeId);
    if (cis.length > 0) body.ciIds = cis.map((ci) => ci.id);
    try {
      const { data } = await api.post<Incident>('/incidents', body);
      navigate(`/incidents/${data.id}`);
    } catch (e) {
      setError(e as ApiError);
      setBusy(false);
    }
  }

  const message = (field: string) => error?.fieldMessage(field);
  return (
    <>
      <p className="caption">
        <Link to="/incidents">Incidents</Link> › Log an incident
      </p>
      <h1 ref={heading} tabIndex={-1}>
        Log an incident
      </h1>
      <form onSubmit={submit} noValidate aria-label="The incident">
        <FormProblem error={error} fields={LOG_FIELDS} />
        <Field id="log-title" label="Title" hint="What is wrong, in a few words: the queue shows it." error={message('title')}>
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required />}
        </Field>
        <Field id="log-description" label="Description (optional)" hint="What the caller sees, since when, what has been tried; the caller reads it." error={message('description')}>
          {(p) => <textarea {...p} rows={4} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={20_000} />}
        </Field>

        <fieldset className="choices">
          <legend>Where is the fault?</legend>
          <div className="field-row">
            <Field id="log-site-search" label="Find the site" hint="Part of its name, or its ODS code.">
              {(p) => <input {...p} type="search" value={siteText} onChange={(e) => setSiteText(e.target.value)} onKeyDown={keepFormUnsent} maxLength={100} autoComplete="off" />}
            </Field>
            <Field id="log-site" label="Site" error={message('siteId')}>
              {(p) => (
                <select
                  {...p}
                  value={site ? String(site.id) : ''}
                  onChange={(e) => {
                    setSite(siteChoices.find((s) => String(s.id) === e.target.value) ?? null);
                    setConnectionId('');
                  }}
                >
                  <option value="">{sites.asked || site ? 'Choose a site' : 'Find the site first'}</option>
                  {siteChoices.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}, {s.organisation.odsCode}
                      {s.postcode ? `, ${s.postcode}` : ''}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <LookupStatus id="log-site-found" lookup={sites} noun={['site', 'sites']} />
          {site ? (
            <Field id="log-connection" label="Connection (optional)" hint={`One of ${site.name}'s connections, if the fault is on it.`} error={message('connectionId')}>
              {(p) => (
                <select {...p} value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
                  <option value="">None in particular</option>
                  {connections.data?.items.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.product.name}
                      {c.circuitReference ? `, ${c.circuitReference}` : ''}
                      {c.supplier ? `, ${c.supplier.name}` : ''} ({connectionStateLabel(c.state)})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <Field id="log-organisation" label="Or the organisation's ODS code" hint="When the fault is not at one site, for example a whole trust." error={message('organisationOdsCode')}>
              {(p) => <input {...p} className="input--short" value={odsCode} onChange={(e) => setOdsCode(e.target.value)} maxLength={12} autoComplete="off" spellCheck={false} />}
            </Field>
          )}
        </fieldset>

        <fieldset className="choices">
          <legend>Who is calling?</legend>
          {can('users:read') && (
            <>
              <div className="field-row">
                <Field id="log-user-search" label="Find a known user (optional)" hint="Their name or username.">
                  {(p) => <input {...p} type="search" value={userText} onChange={(e) => setUserText(e.target.value)} onKeyDown={keepFormUnsent} maxLength={100} autoComplete="off" />}
                </Field>
                <Field id="log-user" label="Known user" error={message('callerId')}>
                  {(p) => (
                    <select {...p} value={caller ? String(caller.id) : ''} onChange={(e) => setCaller(userChoices.find((u) => String(u.id) === e.target.value) ?? null)}>
                      <option value="">Not a user of n3sp</option>
                      {userChoices.map((u) => (
                        <option key={u.id} value={u.id}>
                          {u.displayName} ({u.username})
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
              <LookupStatus id="log-user-found" lookup={users} noun={['user', 'users']} />
            </>
          )}
          <div className="field-row">
            <Field id="log-caller-name" label="Caller's name" hint={caller ? `Leave blank for ${caller.displayName}.` : undefined} error={message('callerName')}>
              {(p) => <input {...p} value={callerName} onChange={(e) => setCallerName(e.target.value)} maxLength={200} autoComplete="off" />}
            </Field>
            <Field id="log-caller-email" label="Caller's e-mail" hint={caller ? 'Leave blank for their own.' : 'They are told of progress by e-mail.'} error={message('callerEmail')}>
              {(p) => <input {...p} type="email" value={callerEmail} onChange={(e) => setCallerEmail(e.target.value)} maxLength={320} autoComplete="off" spellCheck={false} />}
            </Field>
          </div>
        </fieldset>

        <fieldset className="choices">
          <legend>Category and priority</legend>
          <div className="field-row">
            <Field id="log-category" label="Category" error={message('category')}>
              {(p) => (
                <select {...p} value={category} onChange={(e) => setCategory(e.target.value)}>
                <CategoryOptions />
                </select>
              )}
            </Field>
            <Field id="log-impact" label="Impact" error={message('impact')}>
              {(p) => (
                <select {...p} value={chosenImpact} onChange={(e) => setImpact(e.target.value)}>
                  {matrix?.impacts.map((l) => (
                    <option key={l} value={l}>
                      {levelLabel(l)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="log-urgency" label="Urgency" error={message('urgency')}>
              {(p) => (
                <select {...p} value={chosenUrgency} onChange={(e) => setUrgency(e.target.value)}>
                  {matrix?.urgencies.map((l) => (
                    <option key={l} value={l}>
                      {levelLabel(l)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <p className="muted" aria-live="polite">
            Priority from the matrix: <strong>{priority ?? '—'}</strong>
          </p>
        </fieldset>

        {teams.data && (
          <fieldset className="choices">
            <legend>Assign it now (optional)</legend>
            <TeamFields
              id="log"
              teams={teams.data.items}
              teamId={teamId}
              assigneeId={assigneeId}
              onChange={(t, a) => {
                setTeamId(t);
                setAssigneeId(a);
              }}
              errors={{ team: message('teamId'), assignee: message('assigneeId') }}
              noTeam="No team yet"
            />
          </fieldset>
        )}

        <CiChooser id="log-cis" chosen={cis} onChange={setCis} error={message('ciIds')} />

        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Logging…' : 'Log the incident'}
          </button>
          <Link className="button button--secondary" to="/incidents">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
