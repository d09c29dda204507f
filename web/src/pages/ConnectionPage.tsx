import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, namesField, type Page } from '../api.ts';
import { Journal } from '../components/Journal.tsx';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDate, formatDateTime } from '../labels.ts';
import { connectionStateLabel, LIFECYCLE, money, type Connection, type Quotes } from '../connections/types.ts';
import type { ConfigurationItem } from '../network/types.ts';
import { useSession } from '../session.tsx';
import { OutageHistory } from '../availability/OutageHistory.tsx';
import '../connections/connections.css';

/** One connection: where and what it is, its dated lifecycle, its quotes and why the winner won, its CI, its journal, and (for staff) its next steps. */
export function ConnectionPage() {
  const { id = '' } = useParams();
  const { can, self } = useSession();
  const resource = useResource<Connection>(`/connections/${encodeURIComponent(id)}`);
  const [changed, setChanged] = useState(0);
  const c = resource.data;
  const heading = usePageTitle(c ? `Connection to ${c.site.name}` : resource.error ? 'Connection not available' : null);

  if (resource.error) {
    return (
      <>
        <h1 ref={heading} tabIndex={-1}>
          Connection {id}
        </h1>
        <ProblemMessage error={resource.error} />
        <p>
          <Link to="/connections">Back to connections</Link>
        </p>
      </>
    );
  }
  if (!c) return <p role="status">Loading connection…</p>;
  // Customers may request, and a supplier's engineer records survey and install; the full set of
  // steps is for n3sp's own staff. The server narrows every write whatever this page shows.
  const staff = can('connections:write') && !self?.roles.includes('customer');

  return (
    <>
      <p className="caption">
        <Link to="/connections">Connections</Link> › {connectionStateLabel(c.state)}
      </p>
      <h1 ref={heading} tabIndex={-1}>
        Connection to {c.site.name}
      </h1>
      <dl className="summary-list">
        <div>
          <dt>State</dt>
          <dd>
            <strong>{connectionStateLabel(c.state)}</strong>
          </dd>
        </div>
        <div>
          <dt>Site</dt>
          <dd>
            <Link to={`/sites/${c.site.id}`}>{c.site.name}</Link>
            {c.leg > 1 && <span className="muted"> (leg {c.leg})</span>}
          </dd>
        </div>
        <div>
          <dt>Organisation</dt>
          <dd>
            <Link to={`/organisations/${c.organisation.odsCode}`}>{c.organisation.name}</Link> <span className="muted">{c.organisation.odsCode}</span>
          </dd>
        </div>
        <div>
          <dt>Product</dt>
          <dd>
            {c.product.name} <span className="muted">{c.product.code}</span>
          </dd>
        </div>
        <div>
          <dt>Supplier</dt>
          <dd>{c.supplier ? can('suppliers:read') ? <Link to={`/suppliers/${c.supplier.id}`}>{c.supplier.name}</Link> : c.supplier.name : 'Not chosen yet'}</dd>
        </div>
        <div>
          <dt>Circuit reference</dt>
          <dd>{c.circuitReference ? <code>{c.circuitReference}</code> : '—'}</dd>
        </div>
        <div>
          <dt>Point of presence</dt>
          <dd>{c.pop ? <Link to={`/configuration/${c.pop.id}`}>{c.pop.name}</Link> : '—'}</dd>
        </div>
        <div>
          <dt>Address block</dt>
          <dd>{c.addressBlock ? <code>{c.addressBlock.prefix}</code> : '—'}</dd>
        </div>
        <div>
          <dt>Expected live</dt>
          <dd>{c.dates.liveOn ? `Live since ${formatDate(c.dates.liveOn)}` : formatDate(c.expectedLiveOn)}</dd>
        </div>
        <div>
          <dt>Price</dt>
          <dd>
            {c.price
              ? `${money(c.price.installCharge)} to install, then ${money(c.price.annualRental)} a year for ${c.price.contractYears} ${c.price.contractYears === 1 ? 'year' : 'years'}: ${money(c.price.totalOverTerm)} in all`
              : 'Not priced yet'}
          </dd>
        </div>
        <div>
          <dt>Configuration item</dt>
          <dd>{c.ciId ? <Link to={`/configuration/${c.ciId}`}>{c.circuitReference ? `Circuit ${c.circuitReference}` : `Configuration item ${c.ciId}`}</Link> : '—'}</dd>
        </div>
        <div>
          <dt>Last changed</dt>
          <dd>
            {formatDateTime(c.updatedAt)} <span className="muted">(version {c.version})</span>
          </dd>
        </div>
      </dl>
      <Lifecycle c={c} />
      {staff && c.nextStates.length > 0 && (
        <NextSteps
          c={c}
          etag={resource.etag}
          onDone={() => {
            resource.reload();
            setChanged((n) => n + 1);
          }}
        />
      )}
      <QuotesSection c={c} refresh={changed} />
      {can('availability:read') && c.dates.liveOn && <OutageHistory query={{ connectionId: c.id }} />}
      {can('journal:read') && <Journal path={`/connections/${c.id}/journal`} refresh={changed} />}
    </>
  );
}

function Lifecycle({ c }: { c: Connection }) {
  const ended = c.dates.cancelledOn ? 'cancelled' : c.dates.ceasedOn ? 'ceased' : null;
  const steps = LIFECYCLE.filter(([state, date]) => c.dates[date] || (state !== 'cancelled' && state !== 'ceased' && !c.dates.cancelledOn) || state === ended);
  return (
    <section aria-labelledby="lifecycle-heading">
      <h2 id="lifecycle-heading">Lifecycle</h2>
      <ol className="lifecycle">
        {steps.map(([state, date]) => {
          const on = c.dates[date];
          return (
            <li key={state} className={`lifecycle__step${on ? ' lifecycle__step--done' : ''}${state === c.state ? ' lifecycle__step--current' : ''}`} aria-current={state === c.state ? 'step' : undefined}>
              <span className="lifecycle__state">{connectionStateLabel(state)}</span> <span className="lifecycle__date">{on ? <time dateTime={on}>{formatDate(on)}</time> : 'Not yet'}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

const QUOTE_COLUMNS: Column<Quotes['quotes'][number]>[] = [
  { head: 'Rank', cell: (quote) => quote.rank, className: 'numeric' },
  {
    head: 'Supplier',
    cell: (quote) => (
      <>
        {quote.supplier.name} {quote.chosen && <span className="tag tag--green">Chosen</span>}
      </>
    ),
  },
  { head: 'Install', cell: (quote) => money(quote.installCharge), className: 'numeric' },
  { head: 'A year', cell: (quote) => money(quote.annualRental), className: 'numeric' },
  { head: 'Years', cell: (quote) => quote.contractYears, className: 'numeric' },
  { head: 'Total cost', cell: (quote) => money(quote.totalCost), className: 'numeric' },
  { head: 'Lead time', cell: (quote) => `${quote.leadTimeDays} days`, className: 'numeric nowrap' },
  { head: 'Lead-time penalty', cell: (quote) => money(quote.leadTimePenalty), className: 'numeric' },
  { head: 'Delivery factor', cell: (quote) => `×${quote.deliveryFactor}`, className: 'numeric' },
  { head: 'Score', cell: (quote) => <strong>{money(quote.score)}</strong>, className: 'numeric' },
];

function QuotesSection({ c, refresh }: { c: Connection; refresh: number }) {
  const quotes = useResource<Quotes>(`/connections/${c.id}/quotes`);
  const { reload } = quotes;
  useEffect(() => {
    if (refresh) reload();
  }, [refresh, reload]);
  const q = quotes.data;
  return (
    <section aria-labelledby="quotes-heading">
      <h2 id="quotes-heading">Quotes</h2>
      {quotes.error && <ProblemMessage error={quotes.error} />}
      {q && (
        <>
          <p className="muted">{q.stored ? 'The quotes kept when this connection was quoted or ordered.' : 'Priced now from the suppliers’ current price books; nothing is kept until the connection is quoted or ordered.'}</p>
          {q.quotes.length === 0 ? (
            <p>No supplier has a price for this product here.</p>
          ) : (
            <ItemTable caption="Quotes for this connection, best value first" columns={QUOTE_COLUMNS} items={q.quotes} rowKey={(quote) => quote.priceId} rowClassName={(quote) => (quote.chosen ? 'quote--chosen' : undefined)} />
          )}
          <p className="quote-reason">
            <strong>Why:</strong> {q.reason}
          </p>
        </>
      )}
      {!q && !quotes.error && <p role="status">Loading quotes…</p>}
    </section>
  );
}

const STEP_FIELDS = ['at', 'circuitReference', 'popId'] as const;

/** The steps the lifecycle allows from here, as buttons sharing a date and the details some steps need. */
function NextSteps({ c, etag, onDone }: { c: Connection; etag: string | null; onDone(): void }) {
  const { can } = useSession();
  const [at, setAt] = useState('');
  const [circuit, setCircuit] = useState('');
  const [popId, setPopId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const needsCircuit = c.nextStates.includes('installed') && !c.circuitReference;
  const needsPop = (c.nextStates.includes('live') || c.nextStates.includes('ordered')) && !c.pop;
  const pops = useResource<Page<ConfigurationItem>>(needsPop && can('cmdb:read') ? '/cis' : null, { kind: 'pop', sort: 'name', limit: 100 });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const to = ((event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    if (!to) return;
    const body: Record<string, unknown> = { to };
    if (at) body.at = at;
    if (circuit.trim() && to === 'installed') body.circuitReference = circuit.trim();
    if (popId && (to === 'live' || to === 'ordered')) body.popId = Number(popId);
    setBusy(true);
    setError(null);
    try {
      await api.post(`/connections/${c.id}/transitions`, body, { ifMatch: etag });
      setAt('');
      setCircuit('');
      onDone();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const message = (field: string) => error?.fieldMessage(field);
  const elsewhere = error && error.errors.filter((e) => !STEP_FIELDS.some((f) => namesField(e, f)));
  const field = (key: (typeof STEP_FIELDS)[number], label: string, control: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }) => ReactElement, hint?: string) => {
    const id = `step-${key}`;
    const text = message(key);
    const described = [hint && `${id}-hint`, text && `${id}-error`].filter(Boolean).join(' ') || undefined;
    return (
      <div className={`field${text ? ' field--error' : ''}`}>
        <label htmlFor={id}>{label}</label>
        {hint && (
          <p className="hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
        {text && (
          <p className="field-error" id={`${id}-error`}>
            {text}
          </p>
        )}
        {control({ id, 'aria-describedby': described, 'aria-invalid': text ? true : undefined })}
      </div>
    );
  };

  return (
    <section aria-labelledby="next-heading" className="panel">
      <h2 id="next-heading">Next step</h2>
      <form onSubmit={submit} noValidate>
        {error && (elsewhere!.length > 0 || error.errors.length === 0) && <ProblemMessage error={error} />}
        <div className="field-row">
          {field('at', 'On', (props) => <input {...props} type="date" value={at} onChange={(e) => setAt(e.target.value)} />, 'Leave empty for today.')}
          {needsCircuit && field('circuitReference', 'Circuit reference', (props) => <input {...props} value={circuit} onChange={(e) => setCircuit(e.target.value)} maxLength={100} />, 'Needed to record the install.')}
          {needsPop &&
            field('popId', 'Point of presence', (props) => (
              <select {...props} value={popId} onChange={(e) => setPopId(e.target.value)}>
                <option value="">None chosen</option>
                {pops.data?.items.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            ), 'Needed before the connection goes live.')}
        </div>
        <div className="actions">
          {c.nextStates.map((to) => (
            <button key={to} type="submit" name="to" value={to} className={`button${to === 'cancelled' || to === 'ceased' ? ' button--secondary' : ''}`} disabled={busy}>
              {STEP_VERBS[to] ?? connectionStateLabel(to)}
            </button>
          ))}
        </div>
      </form>
    </section>
  );
}

const STEP_VERBS: Record<string, string> = {
  quoted: 'Record as quoted',
  ordered: 'Order (best value)',
  surveyed: 'Record the survey',
  installed: 'Record the install',
  live: 'Record as live',
  ceased: 'Cease',
  cancelled: 'Cancel the connection',
};
