import { AREAS as PERMISSION_AREAS } from '../../src/core/access/roles.ts';

/**
 * Every part of n3sp a person can go to: each ISO/IEC 20000-1:2018 process of DESIGN.md's clause
 * table, the network itself, and administration. An area that is not built yet still has its
 * page, which says so and names the clause it will serve; nothing pretends.
 */
export interface Area {
  id: string;
  label: string;
  path: string;
  group: GroupId;
  /** The ISO/IEC 20000-1:2018 clause(s) the area serves. */
  clause: string;
  /** The process, in the standard's words. */
  process: string;
  /** What n3sp keeps and does there. */
  keeps: string;
  /** The permission area on the server (`<area>:read`), where there is one. */
  permission: string;
  /** Only for people who see the whole network (not customers or suppliers' engineers). */
  staffOnly?: true;
  built?: true;
}

export type GroupId = 'network' | 'portfolio' | 'supply' | 'transition' | 'resolution' | 'assurance' | 'evaluation' | 'administration';

export const GROUPS: Array<{ id: GroupId; label: string }> = [
  { id: 'network', label: 'Network' },
  { id: 'resolution', label: 'Resolution and fulfilment' },
  { id: 'transition', label: 'Design, build and transition' },
  { id: 'portfolio', label: 'Service portfolio' },
  { id: 'supply', label: 'Supply and demand' },
  { id: 'assurance', label: 'Service assurance' },
  { id: 'evaluation', label: 'Evaluation and improvement' },
  { id: 'administration', label: 'Administration' },
];

export const AREAS: Area[] = [
  { id: 'organisations', label: 'Organisations', path: '/organisations', group: 'network', clause: '8.3.2', process: 'Business relationship management', keeps: 'the customer organisations by ODS code: GP practices, branch surgeries, trusts and pharmacies, with their parents and history', permission: 'organisations', built: true },
  { id: 'sites', label: 'Sites', path: '/sites', group: 'network', clause: '8.2.6', process: 'Configuration management', keeps: 'the places where connections terminate, with address and location, on a map', permission: 'network', built: true },
  { id: 'connections', label: 'Connections', path: '/connections', group: 'network', clause: '8.2.6', process: 'Configuration management', keeps: "each site's circuit: product, supplier, circuit reference, point of presence, address block, state and the date of every step, and its cost", permission: 'connections', built: true },
  { id: 'rollout', label: 'Roll-out', path: '/rollout', group: 'network', clause: '8.5.3', process: 'Release and deployment management', keeps: 'connections ordered, installed and live against a target and a date, with a forecast', permission: 'rollout', built: true },

  { id: 'incidents', label: 'Incidents', path: '/incidents', group: 'resolution', clause: '8.6.1', process: 'Incident management', keeps: 'incidents, priority from impact and urgency, major incidents and hand-off to suppliers', permission: 'incidents', built: true },
  { id: 'major-incidents', label: 'Major incident board', path: '/incidents/major', group: 'resolution', clause: '8.6.1', process: 'Incident management (major incidents)', keeps: 'each open major incident with its linked incidents, the organisations and sites affected, and its updates', permission: 'incidents', staffOnly: true, built: true },
  { id: 'events', label: 'Event console', path: '/events', group: 'resolution', clause: '8.6.1', process: 'Incident management (events from monitoring)', keeps: 'alerts from Alertmanager and other monitoring, correlated on the CI graph into site, CI and major incidents', permission: 'monitoring', staffOnly: true, built: true },
  { id: 'requests', label: 'Service requests', path: '/requests', group: 'resolution', clause: '8.6.2', process: 'Service request management', keeps: 'orders, moves, upgrades and access requests', permission: 'requests', built: true },
  { id: 'problems', label: 'Problems', path: '/problems', group: 'resolution', clause: '8.6.3', process: 'Problem management', keeps: 'problems, root causes, known errors and workarounds', permission: 'problems' },

  { id: 'changes', label: 'Changes', path: '/changes', group: 'transition', clause: '8.5.1', process: 'Change management', keeps: 'requests for change, risk, CAB approval, the change schedule, conflicts, freezes and post-implementation review', permission: 'changes' },
  { id: 'releases', label: 'Releases and deployment', path: '/releases', group: 'transition', clause: '8.5.2 / 8.5.3', process: 'Service design, build and transition; release and deployment management', keeps: 'releases grouping changes, and roll-out waves', permission: 'releases' },

  { id: 'catalogue', label: 'Service catalogue', path: '/catalogue', group: 'portfolio', clause: '8.2.4', process: 'Service catalogue management', keeps: 'products and services, their service classes and prices', permission: 'catalogue', built: true },
  { id: 'configuration', label: 'Configuration (CMDB)', path: '/configuration', group: 'portfolio', clause: '8.2.5 / 8.2.6', process: 'Asset management; configuration management', keeps: 'the CMDB graph of configuration items and relations, baselines, and audits of CI data against discovery', permission: 'cmdb', built: true },
  { id: 'relationships', label: 'Business relationship', path: '/relationships', group: 'portfolio', clause: '8.3.2', process: 'Business relationship management', keeps: 'complaints, customer satisfaction and service reviews', permission: 'relationships' },
  { id: 'service-levels', label: 'Service levels', path: '/service-levels', group: 'portfolio', clause: '8.3.3', process: 'Service level management', keeps: 'SLAs per service class, business-hours calendars, clocks, breaches and reports', permission: 'service_levels', staffOnly: true, built: true },
  { id: 'suppliers', label: 'Suppliers', path: '/suppliers', group: 'portfolio', clause: '8.3.4', process: 'Supplier management', keeps: 'contracts and underpinning targets, supplier scorecards and best-value selection', permission: 'suppliers', built: true },

  { id: 'finance', label: 'Budgeting and accounting', path: '/finance', group: 'supply', clause: '8.4.1', process: 'Budgeting and accounting for services', keeps: 'the cost of each connection, charges per organisation and upgrade quotes', permission: 'finance' },
  { id: 'capacity', label: 'Capacity', path: '/capacity', group: 'supply', clause: '8.4.2 / 8.4.3', process: 'Demand management; capacity management', keeps: 'utilisation, 95th percentiles, saturation forecasts and upgrade recommendations', permission: 'capacity' },

  { id: 'availability', label: 'Availability', path: '/availability', group: 'assurance', clause: '8.7.1', process: 'Service availability management', keeps: 'availability measured per connection, planned maintenance excluded, against its target', permission: 'availability', built: true },
  { id: 'maintenance', label: 'Maintenance calendar', path: '/maintenance', group: 'assurance', clause: '8.5.1 / 8.7.1', process: 'Service availability management (planned work)', keeps: 'maintenance windows on configuration items: what each takes down, suppressing incidents while it lasts, its downtime counted as planned', permission: 'maintenance', built: true },
  { id: 'continuity', label: 'Continuity', path: '/continuity', group: 'assurance', clause: '8.7.2', process: 'Service continuity management', keeps: 'continuity plans, their tests and results', permission: 'continuity' },
  { id: 'security', label: 'Information security', path: '/security', group: 'assurance', clause: '8.7.3', process: 'Information security management', keeps: 'security incidents, access reviews and the audit trail', permission: 'security' },

  { id: 'reports', label: 'Reports and monitoring', path: '/reports', group: 'evaluation', clause: '9.1 / 9.4', process: 'Monitoring, measurement, analysis and evaluation; service reporting', keeps: 'KPIs per process and monthly service reports', permission: 'reports' },
  { id: 'audit', label: 'Audit and management review', path: '/audit', group: 'evaluation', clause: '9.2 / 9.3', process: 'Internal audit; management review', keeps: 'the audit programme, findings and management review packs', permission: 'audit' },
  { id: 'improvement', label: 'Improvement', path: '/improvement', group: 'evaluation', clause: '10.1 / 10.2', process: 'Nonconformity and corrective action; continual improvement', keeps: 'findings turned into actions and taken to verified closure', permission: 'improvement' },

  { id: 'users', label: 'Users', path: '/users', group: 'administration', clause: '8.7.3', process: 'Information security management (access control)', keeps: 'user accounts, their roles, and the organisations or supplier they act for', permission: 'users', built: true },
];

/**
 * Whether the nav shows an area to someone with these permissions. Where the server already
 * guards the area with a permission, only holders see it; an area the server does not know
 * yet cannot be judged, so it is shown (its page says it is not built). A staff-only area is
 * hidden from a customer's or supplier's scope.
 */
export function visibleTo(area: Area, permissions: readonly string[], scope?: string): boolean {
  if (area.staffOnly && scope !== undefined && scope !== 'network') return false;
  if (!(PERMISSION_AREAS as readonly string[]).includes(area.permission)) return true;
  return permissions.includes(`${area.permission}:read`);
}
