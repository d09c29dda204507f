import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
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
      <ResultCount list={list} noun={['user', 'users']} />
      <ItemTable caption="Users" columns={COLUMNS} items={list.items} rowKey={(u) => u.id} />
      <ShowMore list={list} />
    </>
  );
}

function actsFor(user: User): string {
  if (user.organisations.length) return user.organisations.map((o) => `${o.name} (${o.odsCode})`).join(', ');
  if (user.supplierId !== null) return `Supplier ${user.supplierId}`;
  return 'The whole network';
}
