import { Link } from 'react-router-dom';
import { usePageTitle } from '../hooks.ts';

export function NotFoundPage() {
  const heading = usePageTitle('Page not found');
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Page not found
      </h1>
      <p>There is no page at this address. If you typed it, check it; if you followed a link, it may be out of date.</p>
      <p>
        <Link to="/">Go to the overview</Link>
      </p>
    </>
  );
}
