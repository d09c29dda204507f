import { ClauseCaption } from '../components/Layout.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { accessLabel, bandwidth, duration, productKindLabel, resilienceLabel } from '../network/labels.ts';
import type { Product, ServiceClass } from '../network/types.ts';

/** The service catalogue: the products on offer and the service classes that set their targets. */
export function CataloguePage() {
  const products = usePagedList<Product>('/products', { sort: 'name', limit: 100 });
  const classes = usePagedList<ServiceClass>('/service-classes', { limit: 100 });
  const heading = usePageTitle('Service catalogue');
  const byCode = new Map(classes.items.map((c) => [c.code, c]));

  return (
    <>
      <ClauseCaption>ISO/IEC 20000-1:2018 clause 8.2.4</ClauseCaption>
      <h1 ref={heading} tabIndex={-1}>
        Service catalogue
      </h1>
      <section aria-labelledby="products-heading">
        <h2 id="products-heading">Products</h2>
        {products.error && <ProblemMessage error={products.error} />}
        {products.loaded && products.items.length === 0 && <p>There are no products in the catalogue yet.</p>}
        {products.items.length > 0 && (
          <table className="table">
            <caption className="visually-hidden">Products, with their bandwidth, resilience and service class</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Kind</th>
                <th scope="col">Access</th>
                <th scope="col" className="numeric">
                  Down
                </th>
                <th scope="col" className="numeric">
                  Up
                </th>
                <th scope="col">Resilience</th>
                <th scope="col">Service class</th>
                <th scope="col" className="numeric">
                  Availability target
                </th>
                <th scope="col">Fix within (P1)</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {products.items.map((p) => {
                const fix = byCode.get(p.serviceClass.code)?.fixMinutes[0];
                return (
                  <tr key={p.code}>
                    <th scope="row">
                      {p.name} <span className="muted nowrap">{p.code}</span>
                    </th>
                    <td>{productKindLabel(p.kind)}</td>
                    <td>{p.accessTechnology ? accessLabel(p.accessTechnology) : '—'}</td>
                    <td className="numeric nowrap">{bandwidth(p.bandwidthDownKbps)}</td>
                    <td className="numeric nowrap">{bandwidth(p.bandwidthUpKbps)}</td>
                    <td>{p.resilience ? resilienceLabel(p.resilience) : '—'}</td>
                    <td>{p.serviceClass.name}</td>
                    <td className="numeric">{p.serviceClass.availabilityTarget}%</td>
                    <td>{fix ? duration(fix) : '—'}</td>
                    <td>{p.state === 'active' ? 'Active' : 'Withdrawn'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="classes-heading">
        <h2 id="classes-heading">Service classes</h2>
        {classes.error && <ProblemMessage error={classes.error} />}
        {classes.items.length > 0 && (
          <table className="table">
            <caption className="visually-hidden">Service classes: availability target and time to fix by incident priority</caption>
            <thead>
              <tr>
                <th scope="col">Service class</th>
                <th scope="col" className="numeric">
                  Availability target
                </th>
                <th scope="col">Time to fix, by incident priority</th>
              </tr>
            </thead>
            <tbody>
              {classes.items.map((c) => (
                <tr key={c.code}>
                  <th scope="row">
                    {c.name} <span className="muted">{c.code}</span>
                  </th>
                  <td className="numeric">{c.availabilityTarget}% a month</td>
                  <td>{c.fixMinutes.map((m, i) => `P${i + 1}: ${duration(m)}`).join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
