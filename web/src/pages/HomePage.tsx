import { Link } from 'react-router-dom';
import { AREAS, GROUPS, visibleTo } from '../areas.ts';
import { usePageTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';

/** Where a person lands: their own organisations (customers), and every area with its clause and whether it is built. */
export function HomePage() {
  const { self } = useSession();
  const heading = usePageTitle('Overview');
  if (!self) return null;
  const areas = AREAS.filter((a) => visibleTo(a, self.permissions, self.scope));
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Overview
      </h1>
      <p className="lead">Signed in as {self.displayName}.</p>
      {self.scope === 'organisations' && (
        <section aria-labelledby="your-orgs">
          <h2 id="your-orgs">Your organisations</h2>
          {self.organisations.length ? (
            <ul className="link-list">
              {self.organisations.map((o) => (
                <li key={o.odsCode}>
                  <Link to={`/organisations/${o.odsCode}`}>{o.name}</Link> <span className="muted">{o.odsCode}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p>Your account is not linked to any organisation yet. Ask the service desk to link it.</p>
          )}
        </section>
      )}
      <section aria-labelledby="areas">
        <h2 id="areas">Areas and the clauses they serve</h2>
        <table className="table">
          <caption className="visually-hidden">Each area of n3sp, the ISO/IEC 20000-1:2018 clause it serves, and whether it is built</caption>
          <thead>
            <tr>
              <th scope="col">Area</th>
              <th scope="col">Clause</th>
              <th scope="col">Process</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {GROUPS.flatMap((g) => areas.filter((a) => a.group === g.id)).map((area) => (
              <tr key={area.id}>
                <td>
                  <Link to={area.path}>{area.label}</Link>
                </td>
                <td>{area.clause}</td>
                <td>{area.process}</td>
                <td>{area.built ? <span className="tag tag--green">Available</span> : <span className="tag tag--grey">Not built yet</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
