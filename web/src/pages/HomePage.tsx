import { Link } from 'react-router-dom';
import { AREAS, GROUPS, visibleTo, type Area } from '../areas.ts';
import { usePageTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';

/**
 * Where a person lands: their own organisations (customers), and the areas they may go to. The
 * network's staff and auditors see every area with the ISO/IEC 20000-1 clause it serves and
 * whether it is built; a practice or a supplier's engineer sees what they can do, in plain words.
 */
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
      {self.scope === 'network' ? <AreasAndClauses areas={areas} /> : <WhatYouCanDo areas={areas.filter((a) => a.built)} scope={self.scope} />}
    </>
  );
}

function AreasAndClauses({ areas }: { areas: Area[] }) {
  return (
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
  );
}

/** Each area in the words of a practice, or of a supplier's engineer: what it is for them. */
const PRACTICE_WORDS: Record<string, string> = {
  organisations: 'Your organisation and its history',
  sites: 'Your sites and where they are',
  connections: 'Your connections and where each one has got to',
  incidents: 'Report a fault and follow it',
  requests: 'Ask for a new connection, a faster one, a move or access, and follow it',
  configuration: 'The equipment that serves your sites',
  'service-levels': 'How quickly faults should be answered and fixed',
  availability: 'How much of each month your connections were up',
  maintenance: 'Planned work that may affect you',
};
const SUPPLIER_WORDS: Record<string, string> = {
  connections: 'The connections ordered from your company: record surveys and installs',
  incidents: 'Faults handed to your company: accept them and keep them up to date',
  'service-levels': 'The targets your company works to',
  availability: 'How much of each month those connections were up',
  maintenance: 'Planned work on them',
  suppliers: "Your company's details and contracts",
};

function WhatYouCanDo({ areas, scope }: { areas: Area[]; scope: string }) {
  const words = scope === 'supplier' ? SUPPLIER_WORDS : PRACTICE_WORDS;
  return (
    <section aria-labelledby="areas">
      <h2 id="areas">What you can do here</h2>
      <ul className="link-list">
        {GROUPS.flatMap((g) => areas.filter((a) => a.group === g.id)).map((area) => (
          <li key={area.id}>
            <Link to={area.path}>{area.label}</Link>
            {words[area.id] && <span className="muted"> — {words[area.id]}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
