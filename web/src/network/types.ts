/** The shapes of the network inventory and the CMDB as the API gives them (see /docs). */
import type { OrganisationRef } from '../types.ts';

export interface Location {
  latitude: number;
  longitude: number;
}

export interface Site {
  id: number;
  odsCode: string | null;
  organisation: OrganisationRef;
  kind: string;
  name: string;
  address: string[];
  postcode: string | null;
  location: Location | null;
  state: string;
  openedOn: string | null;
  closedOn: string | null;
  source: string | null;
  updatedAt: string;
  version: number;
}

export interface Supplier {
  id: number;
  code: string;
  name: string;
  kind: string;
  state: string;
  website: string | null;
  regions: OrganisationRef[];
  updatedAt: string;
  version: number;
}

export interface Contract {
  id: number;
  reference: string;
  title: string;
  startsOn: string;
  endsOn: string | null;
  noticeDays: number;
}

export interface Contact {
  id: number;
  name: string;
  role: string;
  email: string | null;
  phone: string | null;
}

export interface Price {
  id: number;
  product: { code: string; name: string };
  region: OrganisationRef | null;
  installCharge: string;
  annualRental: string;
  leadTimeDays: number;
  validFrom: string;
  validTo: string | null;
}

export interface ServiceClass {
  code: string;
  name: string;
  availabilityTarget: number;
  fixMinutes: number[];
}

export interface Product {
  code: string;
  name: string;
  kind: string;
  accessTechnology: string | null;
  bandwidthDownKbps: number | null;
  bandwidthUpKbps: number | null;
  resilience: string | null;
  serviceClass: { code: string; name: string; availabilityTarget: number };
  description: string | null;
  state: string;
}

export interface CiRef {
  id: number;
  kind: string;
  name: string;
}

export interface ConfigurationItem extends CiRef {
  externalRef: string | null;
  organisation: OrganisationRef | null;
  supplierId: number | null;
  siteId: number | null;
  attributes: Record<string, unknown>;
  state: string;
  updatedAt: string;
  version: number;
}

export interface Relation {
  id: number;
  kind: string;
  source: CiRef;
  target: CiRef;
  redundancyGroup: string | null;
}

export interface GraphNode extends CiRef {
  state: string;
  depth: number;
}

export interface GraphEdge {
  id: number;
  source: number;
  target: number;
  kind: string;
  redundancyGroup: string | null;
}

export interface Graph {
  centre: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
  truncated: boolean;
}

export interface AffectedCi extends CiRef {
  state: string;
  organisation: OrganisationRef | null;
  siteId: number | null;
  depth: number;
  via: number | null;
  reason: string;
}

export interface Impact {
  origin: CiRef;
  total: number;
  counts: Record<string, number>;
  byKind: Record<string, AffectedCi[]>;
  services: AffectedCi[];
  organisations: Array<OrganisationRef & { cis: number }>;
  organisationCount: number;
  siteCount: number;
  degraded: Array<CiRef & { lost: number[] }>;
  degradedCount: number;
}

export interface RootCauses {
  ci: CiRef;
  candidates: Array<CiRef & { state: string; depth: number; via: number; redundancyGroup: string | null }>;
}
