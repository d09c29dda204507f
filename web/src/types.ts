/** The shapes the web application reads from the API (see /docs for the full document). */

export type Scope = 'network' | 'organisations' | 'supplier';

export interface OrganisationRef {
  odsCode: string;
  name: string;
}

export interface Self {
  username: string;
  displayName: string;
  roles: string[];
  permissions: string[];
  scope: Scope;
  organisations: OrganisationRef[];
  supplierId: number | null;
  supplierName: string | null;
  csrfToken: string | null;
}

export interface Organisation {
  odsCode: string;
  name: string;
  kind: string;
  state: string;
  parent: OrganisationRef | null;
  region: string | null;
  postcode: string | null;
  openedOn: string | null;
  closedOn: string | null;
  childCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface JournalEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  summary: string | null;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
  chained: boolean;
}

export interface User {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  roles: string[];
  organisations: OrganisationRef[];
  supplierId: number | null;
  active: boolean;
  singleSignOn: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface AuthProviders {
  oidc: { label: string; loginUrl: string } | null;
}
