import { useState, type FormEvent } from 'react';
import { api, ApiError, type Page } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { useResource } from '../hooks.ts';
import type { Site } from '../network/types.ts';
import type { Connection } from '../connections/types.ts';
import { useSession } from '../session.tsx';
import { REQUEST_KIND_LABELS, type RequestableProduct, type ServiceRequest } from './types.ts';

/** Which fields each kind asks for; the server checks the same and names any it refuses. */
const ASKS: Record<string, string[]> = {
  new_connection: ['siteId', 'productCode'],
  bandwidth_upgrade: ['connectionId', 'productCode'],
  move: ['connectionId', 'targetSiteId'],
  cease: ['connectionId'],
  access: ['organisationOdsCode', 'access.name', 'access.email', 'access.to'],
};
const FIELDS = ['kind', 'title', 'description', 'siteId', 'connectionId', 'productCode', 'targetSiteId', 'organisationOdsCode', 'access.name', 'access.email', 'access.to'];

/**
 * Asking for something from the catalogue: the kind first, then only what that kind needs, chosen
 * from the reader's own sites and live connections and the catalogue's products (the request
 * catalogue, which a customer may read). Refusals sit beside the field they name.
 */
export function NewRequestForm({ onCreated }: { onCreated(request: ServiceRequest): void }) {
  const { self } = useSession();
  // Product codes are the desk's shorthand; a practice chooses by name.
  const staffView = self?.scope === 'network';
  const [kind, setKind] = useState('new_connection');
  const [values, setValues] = useState<Record<string, string>>({ organisationOdsCode: self?.organisations[0]?.odsCode ?? '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const asks = ASKS[kind] ?? [];
  const sites = useResource<Page<Site>>(asks.includes('siteId') || asks.includes('targetSiteId') ? '/sites' : null, { state: 'active', limit: 200 });
  const connections = useResource<Page<Connection>>(asks.includes('connectionId') ? '/connections' : null, { state: 'live', limit: 200 });
  const products = useResource<Page<RequestableProduct>>(asks.includes('productCode') ? '/request-catalogue' : null, { sort: 'name', limit: 200 });
  const set = (key: string) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });
  // Body fields come back as dotted paths: `productCode`, `access.name`.
  const message = (field: string) => error?.errors.find((e) => e.field === field)?.message;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, unknown> = { kind };
    const v = (k: string) => values[k]?.trim() ?? '';
    if (v('title')) body.title = v('title');
    if (v('description')) body.description = v('description');
    for (const key of ['siteId', 'connectionId', 'targetSiteId']) if (asks.includes(key) && v(key)) body[key] = Number(v(key));
    if (asks.includes('productCode') && v('productCode')) body.productCode = v('productCode');
    if (kind === 'access') {
      body.organisationOdsCode = v('organisationOdsCode').toUpperCase() || undefined;
      body.access = { name: v('access.name'), to: v('access.to'), ...(v('access.email') ? { email: v('access.email') } : {}) };
    }
    setBusy(true);
    setError(null);
    try {
      const { data } = await api.post<ServiceRequest>('/service-requests', body);
      onCreated(data);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const unplaced = error ? error.errors.filter((e) => !FIELDS.includes(e.field)) : [];
  const siteOptions = (
    <>
      <option value="">Choose a site</option>
      {sites.data?.items.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name} ({s.organisation.odsCode})
        </option>
      ))}
    </>
  );

  return (
    <section aria-labelledby="new-request-heading" className="panel">
      <h2 id="new-request-heading">Ask for something</h2>
      <form onSubmit={submit} noValidate>
        {error && (unplaced.length > 0 || error.errors.length === 0) && <ProblemMessage error={error} />}
        <Field id="request-kind" label="What do you need?" error={message('kind')}>
          {(props) => (
            <select {...props} value={kind} onChange={(e) => setKind(e.target.value)}>
              {Object.entries(REQUEST_KIND_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {asks.includes('siteId') && (
          <Field id="request-site" label="Site" error={message('siteId')}>
            {(props) => (
              <select {...props} value={values.siteId ?? ''} onChange={set('siteId')}>
                {siteOptions}
              </select>
            )}
          </Field>
        )}
        {asks.includes('connectionId') && (
          <Field id="request-connection" label="Connection" hint="A live connection of yours." error={message('connectionId')}>
            {(props) => (
              <select {...props} value={values.connectionId ?? ''} onChange={set('connectionId')}>
                <option value="">Choose a connection</option>
                {connections.data?.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.site.name}: {c.product.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {asks.includes('productCode') && (
          <Field
            id="request-product"
            label={kind === 'bandwidth_upgrade' ? 'Product to upgrade to' : 'Product'}
            hint="From the service catalogue. Some products need an approver before the work starts."
            error={message('productCode') ?? (products.error ? `The products could not be read: ${products.error.message}` : undefined)}
          >
            {(props) => (
              <select {...props} value={values.productCode ?? ''} onChange={set('productCode')}>
                <option value="">{products.loading ? 'Reading the catalogue…' : 'Choose a product'}</option>
                {products.data?.items.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name}
                    {staffView ? ` (${p.code})` : ''}
                    {p.requiresApproval ? ', needs approval' : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {asks.includes('targetSiteId') && (
          <Field id="request-target-site" label="Move to" error={message('targetSiteId')}>
            {(props) => (
              <select {...props} value={values.targetSiteId ?? ''} onChange={set('targetSiteId')}>
                {siteOptions}
              </select>
            )}
          </Field>
        )}
        {kind === 'access' && (
          <>
            <Field id="request-organisation" label="Organisation ODS code" error={message('organisationOdsCode')}>
              {(props) => <input {...props} className="input--short" value={values.organisationOdsCode ?? ''} onChange={set('organisationOdsCode')} maxLength={12} />}
            </Field>
            <Field id="request-access-name" label="Who needs access" error={message('access.name')}>
              {(props) => <input {...props} value={values['access.name'] ?? ''} onChange={set('access.name')} maxLength={200} />}
            </Field>
            <Field id="request-access-email" label="Their e-mail address (optional)" error={message('access.email')}>
              {(props) => <input {...props} type="email" value={values['access.email'] ?? ''} onChange={set('access.email')} maxLength={320} />}
            </Field>
            <Field id="request-access-to" label="Access to what" error={message('access.to')}>
              {(props) => <input {...props} value={values['access.to'] ?? ''} onChange={set('access.to')} maxLength={200} />}
            </Field>
          </>
        )}
        <Field id="request-title" label="Title (optional)" hint="Left empty, it is made up from what you ask for." error={message('title')}>
          {(props) => <input {...props} value={values.title ?? ''} onChange={set('title')} maxLength={200} />}
        </Field>
        <Field id="request-description" label="Anything else we should know (optional)" error={message('description')}>
          {(props) => <textarea {...props} rows={3} value={values.description ?? ''} onChange={set('description')} maxLength={5000} />}
        </Field>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            Send the request
          </button>
        </div>
      </form>
    </section>
  );
}
