import { useEffect, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { AREAS, GROUPS, visibleTo } from '../areas.ts';
import { roleLabel } from '../labels.ts';
import { useSession } from '../session.tsx';

/** The frame of every signed-in page: skip link, header with who is signed in, navigation, main. */
export function Layout() {
  const { self, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  // On a narrow screen the navigation folds behind a Menu button, and folds again on moving page.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location.pathname]);
  if (!self) return null;
  // The network's staff see every area, built or not (the plan against the standard); a practice
  // or a supplier's engineer only what they can use.
  const staff = self.scope === 'network';
  const areas = AREAS.filter((a) => visibleTo(a, self.permissions, self.scope) && (staff || a.built));
  // The area the page belongs to: the longest path that holds it (/incidents/major is the board's, not the queue's).
  const current = areas.filter((a) => location.pathname === a.path || location.pathname.startsWith(`${a.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link className="brand" to="/">
            <span className="brand__logo">
              n3sp
            </span>
            <span className="brand__name">Network service management</span>
          </Link>
          <div className="account">
            <p className="account__name">
              <span className="visually-hidden">Signed in as </span>
              {self.displayName}
            </p>
            <p className="account__roles">{self.roles.map(roleLabel).join(', ')}</p>
            {self.scope === 'organisations' && self.organisations.length > 0 && (
              <p className="account__orgs">
                {self.organisations.map((o) => `${o.name} (${o.odsCode})`).join(', ')}
              </p>
            )}
            {self.scope === 'supplier' && self.supplierName !== null && <p className="account__orgs">{self.supplierName}</p>}
          </div>
          <button type="button" className="button button--header" onClick={() => void signOut().then(() => navigate('/'))}>
            Sign out
          </button>
        </div>
      </header>
      <div className="page">
        <nav className={`side-nav${menuOpen ? ' side-nav--open' : ''}`} aria-label="Main">
          <button type="button" className="button button--secondary side-nav__toggle" aria-expanded={menuOpen} aria-controls="side-nav-content" onClick={() => setMenuOpen(!menuOpen)}>
            Menu
          </button>
          <div id="side-nav-content" className="side-nav__content">
            <ul className="side-nav__list">
              <li>
                <NavLink to="/" end className="side-nav__link">
                  Overview
                </NavLink>
              </li>
            </ul>
            {GROUPS.map((group) => {
              const entries = areas.filter((a) => a.group === group.id);
              if (!entries.length) return null;
              return (
                <div key={group.id} className="side-nav__group">
                  <h2 className="side-nav__heading" id={`nav-${group.id}`}>
                    {group.label}
                  </h2>
                  <ul className="side-nav__list" aria-labelledby={`nav-${group.id}`}>
                    {entries.map((area) => (
                      <li key={area.id}>
                        <Link to={area.path} className={`side-nav__link${area === current ? ' active' : ''}`} aria-current={area === current ? 'page' : undefined}>
                          {area.label}
                          {!area.built && <span className="side-nav__planned"> not built yet</span>}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </div>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
      <footer className="site-footer">
        <p>
          {staff ? 'n3sp — service management aligned with ISO/IEC 20000-1:2018.' : 'n3sp — network service management.'} <a href="/docs">API documentation</a>
        </p>
      </footer>
    </>
  );
}

/**
 * A page's caption naming the ISO/IEC 20000-1 clause it serves: for the network's staff and
 * auditors; a practice or a supplier's engineer is not shown the standard's numbering.
 */
export function ClauseCaption({ children }: { children: ReactNode }) {
  const { self } = useSession();
  return self?.scope === 'network' ? <p className="caption">{children}</p> : null;
}
