import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';

/** A problem-details error, said plainly: its title, its detail, and the fields it names. */
export function ProblemMessage({ error, children }: { error: ApiError; children?: ReactNode }) {
  const wait = error.retryAfter ? waitText(error.retryAfter) : null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1}>
      <h2 className="error-summary__title">{error.title}</h2>
      {error.detail && <p>{error.detail}</p>}
      {wait && <p>You can try again in {wait}.</p>}
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e) => (
            <li key={e.field}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
      {children}
    </div>
  );
}

function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} minutes`;
}
