import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { roleLabel } from '../labels.ts';
import type { User } from '../types.ts';

/** Everyone who can sign in to n3sp, with their roles and whom they act for. */
export function UsersPage() {
  const heading = usePageTitle('Users');
  const list = usePagedList<User>('/users', { sort: 'username', limit: 50 });
  return (
    <>
      <p className="caption">Administration</p>
      <h1 ref={heading} tabIndex={-1}>
        Users
      </h1>
      {list.error && <ProblemMessage error={list.error} />}
      <p className="result-count" role="status" aria-live="polite">
        {!list.loaded ? 'Loading users…' : `Showing ${list.items.length} user${list.items.length === 1 ? '' : 's'}${list.hasMore ? '; there are more' : ''}.`}
      </p>
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Username</th>
              <th scope="col">Roles</th>
              <th scope="col">Acts for</th>
              <th scope="col">Sign-in</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.displayName}
                  {u.email && <div className="muted">{u.email}</div>}
                </td>
                <td>
                  <code>{u.username}</code>
                </td>
                <td>{u.roles.map(roleLabel).join(', ')}</td>
                <td>{actsFor(u)}</td>
                <td>{u.singleSignOn ? 'Single sign-on' : 'Password'}</td>
                <td>{u.active ? <span className="tag tag--green">Active</span> : <span className="tag tag--grey">Disabled</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" className="button button--secondary" onClick={list.loadMore} disabled={list.loading}>
          {list.loading ? 'Loading…' : 'Show more'}
        </button>
      )}
    </>
  );
}

function actsFor(user: User): string {
  if (user.organisations.length) return user.organisations.map((o) => `${o.name} (${o.odsCode})`).join(', ');
  if (user.supplierId !== null) return `Supplier ${user.supplierId}`;
  return 'The whole network';
}
