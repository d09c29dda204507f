import { Link } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { ShowMore } from '../components/PagedList.tsx';
import { StateTag } from '../components/StateTag.tsx';
import { usePagedList } from '../hooks.ts';
import { siteKindLabel } from './labels.ts';
import type { Site } from './types.ts';

/** An organisation's sites, on its own page. */
export function OrganisationSites({ odsCode }: { odsCode: string }) {
  const list = usePagedList<Site>('/sites', { organisation: odsCode, sort: 'name', limit: 25 });
  return (
    <section aria-labelledby="sites-heading">
      <h2 id="sites-heading">Sites</h2>
      {list.error && <ProblemMessage error={list.error} />}
      {list.loaded && list.items.length === 0 && <p>No sites are recorded for this organisation.</p>}
      <ul className="link-list">
        {list.items.map((site) => (
          <li key={site.id}>
            <Link to={`/sites/${site.id}`}>{site.name}</Link> <span className="muted">{siteKindLabel(site.kind)}{site.postcode ? ` · ${site.postcode}` : ''}</span> <StateTag state={site.state} />
          </li>
        ))}
      </ul>
      <ShowMore list={list} />
    </section>
  );
}
