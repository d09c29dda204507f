import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { roleLabel } from '../labels.ts';
import type { User } from '../types.ts';

const COLUMNS: Column<User>[] = [
  {
    head: 'Name',
    cell: (u) => (
      <>
        {u.displayName}
        {u.email && <div className="muted">{u.email}</div>}
      </>
    ),
  },
  { head: 'Username', cell: (u) => <code>{u.username}</code> },
  { head: 'Roles', cell: (u) => u.roles.map(roleLabel).join(', ') },
  { head: 'Acts for', cell: actsFor },
  { head: 'Sign-in', cell: (u) => (u.singleSignOn ? 'Single sign-on' : 'Password') },
  { head: 'Status', cell: (u) => (u.active ? <span className="tag tag--green">Active</span> : <span className="tag tag--grey">Disabled</span>) },
];

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
      {list.error && !list.loaded ? (
        // Refused (a customer has no user list) or unreadable: that alone, not a list still "loading".
        <ProblemMessage error={list.error} />
      ) : (
        <>
          <ResultCount list={list} noun={['user', 'users']} />
          <ItemTable caption="Users" columns={COLUMNS} items={list.items} rowKey={(u) => u.id} />
          <ShowMore list={list} />
        </>
      )}
    </>
  );
}

/** Whom the account acts for. The users list names a supplier only by id, so that links to its page. */
function actsFor(user: User): ReactNode {
  if (user.organisations.length) return user.organisations.map((o) => `${o.name} (${o.odsCode})`).join(', ');
  if (user.supplierId !== null) return <Link to={`/suppliers/${user.supplierId}`}>Supplier {user.supplierId}</Link>;
  return 'The whole network';
}
