import { Link } from 'react-router-dom';
import type { Area } from '../areas.ts';
import { usePageTitle } from '../hooks.ts';

/** The page of an area that does not exist yet: it says so, and which clause it will serve. */
export function NotBuiltPage({ area }: { area: Area }) {
  const heading = usePageTitle(area.label);
  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause {area.clause}</p>
      <h1 ref={heading} tabIndex={-1}>
        {area.label}
      </h1>
      <div className="panel panel--planned">
        <h2>This area is not built yet</h2>
        <p>
          Nothing here is working yet: there are no records to see and no actions to take. When it is built, this area will serve{' '}
          <strong>
            clause {area.clause} — {area.process}
          </strong>{' '}
          of ISO/IEC 20000-1:2018.
        </p>
        <p>It will keep {area.keeps}.</p>
      </div>
      <p>
        <Link to="/">Back to the overview</Link>
      </p>
    </>
  );
}
