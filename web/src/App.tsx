import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AREAS } from './areas.ts';
import { Layout } from './components/Layout.tsx';
import { ProblemMessage } from './components/ProblemMessage.tsx';
import { LogIncident } from './incidents/LogIncident.tsx';
import { CataloguePage } from './pages/CataloguePage.tsx';
import { ConnectionPage } from './pages/ConnectionPage.tsx';
import { ConnectionsPage } from './pages/ConnectionsPage.tsx';
import { AvailabilityPage } from './pages/AvailabilityPage.tsx';
import { CiPage } from './pages/CiPage.tsx';
import { CisPage } from './pages/CisPage.tsx';
import { EventConsolePage } from './pages/EventConsolePage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { IncidentPage } from './pages/IncidentPage.tsx';
import { IncidentsPage } from './pages/IncidentsPage.tsx';
import { MajorIncidentsPage } from './pages/MajorIncidentsPage.tsx';
import { MaintenancePage } from './pages/MaintenancePage.tsx';
import { NotBuiltPage } from './pages/NotBuiltPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { OrganisationPage } from './pages/OrganisationPage.tsx';
import { OrganisationsPage } from './pages/OrganisationsPage.tsx';
import { RolloutPage } from './pages/RolloutPage.tsx';
import { ServiceRequestPage } from './pages/ServiceRequestPage.tsx';
import { ServiceRequestsPage } from './pages/ServiceRequestsPage.tsx';
import { ServiceLevelsPage } from './pages/ServiceLevelsPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { SitePage } from './pages/SitePage.tsx';
import { SitesPage } from './pages/SitesPage.tsx';
import { SupplierPage } from './pages/SupplierPage.tsx';
import { SuppliersPage } from './pages/SuppliersPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';
import { SessionProvider, useSession } from './session.tsx';

/** Signed out: the sign-in page whatever the address (which is kept, so signing in lands there). */
function Routed() {
  const { self } = useSession();
  if (!self) return <SignInPage />;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route path="organisations" element={<OrganisationsPage />} />
        <Route path="organisations/:odsCode" element={<OrganisationPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="sites" element={<SitesPage />} />
        <Route path="sites/:id" element={<SitePage />} />
        <Route path="suppliers" element={<SuppliersPage />} />
        <Route path="suppliers/:id" element={<SupplierPage />} />
        <Route path="catalogue" element={<CataloguePage />} />
        <Route path="configuration" element={<CisPage />} />
        <Route path="configuration/:id" element={<CiPage />} />
        <Route path="connections" element={<ConnectionsPage />} />
        <Route path="connections/:id" element={<ConnectionPage />} />
        <Route path="rollout" element={<RolloutPage />} />
        <Route path="incidents" element={<IncidentsPage />} />
        <Route path="incidents/major" element={<MajorIncidentsPage />} />
        <Route path="incidents/new" element={<LogIncident />} />
        <Route path="incidents/:id" element={<IncidentPage />} />
        <Route path="requests" element={<ServiceRequestsPage />} />
        <Route path="requests/:id" element={<ServiceRequestPage />} />
        <Route path="events" element={<EventConsolePage />} />
        <Route path="availability" element={<AvailabilityPage />} />
        <Route path="maintenance" element={<MaintenancePage />} />
        <Route path="service-levels" element={<ServiceLevelsPage />} />
        {AREAS.filter((a) => !a.built).map((area) => (
          <Route key={area.id} path={area.path} element={<NotBuiltPage area={area} />} />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider
        loading={<p className="boot">Loading n3sp…</p>}
        failed={(error, retry) => (
          <main className="boot">
            <h1>n3sp cannot start</h1>
            <ProblemMessage error={error}>
              <button type="button" className="button" onClick={retry}>
                Try again
              </button>
            </ProblemMessage>
          </main>
        )}
      >
        <Routed />
      </SessionProvider>
    </BrowserRouter>
  );
}
