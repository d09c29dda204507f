/**
 * Who may do what: every role's permissions, declared in one table. A permission is
 * `<area>:<read|write>`; `*` is every permission and `*:read` every read. A route declares the
 * permission it needs (see core/http/route-access.ts); nothing else decides.
 */
export const ROLES = [
  'administrator',
  'service_desk_agent',
  'service_manager',
  'change_approver',
  'programme_manager',
  'auditor',
  'customer',
  'supplier',
] as const;
export type Role = (typeof ROLES)[number];

export const AREAS = ['organisations', 'users', 'journal', 'network', 'suppliers', 'catalogue', 'cmdb', 'addresses', 'connections', 'rollout', 'incidents', 'requests', 'service_levels', 'teams', 'availability', 'maintenance', 'monitoring'] as const;
export type Area = (typeof AREAS)[number];
export type Permission = `${Area}:${'read' | 'write'}`;

type Grant = Permission | '*' | '*:read';

const ROLE_GRANTS: Record<Role, Grant[]> = {
  administrator: ['*'],
  // Read-only, everything: the auditor must see all the evidence and change none of it.
  auditor: ['*:read'],
  service_desk_agent: [
    'organisations:read', 'journal:read', 'network:read', 'suppliers:read', 'catalogue:read', 'cmdb:read', 'addresses:read', 'connections:read', 'connections:write', 'rollout:read',
    'incidents:read', 'incidents:write', 'requests:read', 'requests:write', 'service_levels:read', 'teams:read',
    'availability:read', 'availability:write', 'maintenance:read', 'monitoring:read',
  ],
  service_manager: [
    'organisations:read', 'journal:read', 'network:read', 'suppliers:read', 'catalogue:read', 'cmdb:read', 'cmdb:write', 'addresses:read', 'addresses:write', 'connections:read', 'rollout:read',
    'incidents:read', 'incidents:write', 'requests:read', 'requests:write', 'service_levels:read', 'service_levels:write', 'teams:read', 'teams:write',
    'availability:read', 'availability:write', 'maintenance:read', 'maintenance:write', 'monitoring:read', 'monitoring:write',
  ],
  // Approves requests (and, later, changes); reads incidents for the context of what it approves.
  change_approver: [
    'organisations:read', 'journal:read', 'network:read', 'suppliers:read', 'catalogue:read', 'cmdb:read', 'addresses:read', 'connections:read', 'rollout:read',
    'incidents:read', 'requests:read', 'requests:write', 'service_levels:read', 'teams:read',
    'availability:read', 'maintenance:read', 'monitoring:read',
  ],
  programme_manager: [
    'organisations:read', 'journal:read', 'network:read', 'suppliers:read', 'catalogue:read', 'cmdb:read', 'addresses:read', 'connections:read', 'connections:write', 'rollout:read', 'rollout:write',
    'incidents:read', 'requests:read', 'requests:write', 'service_levels:read', 'teams:read',
    'availability:read', 'maintenance:read', 'monitoring:read',
  ],
  // Customers read their own organisations and their sites (the scope narrows which); suppliers
  // see only work handed to their company, and their own company's record, contracts and prices.
  // Neither reads the catalogue or other suppliers: supplier prices are commercial.
  // The CMDB and address plan: staff read, service managers keep them; a customer reads the CIs
  // and prefixes of their own organisations (the scope narrows which).
  // Connections: staff read; the service desk and programme managers take them through their
  // lifecycle. A customer reads their organisations' connections and may request one for their
  // own site; a supplier's engineer reads the connections ordered from their company and records
  // survey and install on them (the connections service narrows those writes).
  // Incidents and requests: a customer reports and follows their organisations' own (the portal);
  // a supplier's engineer sees, accepts and updates incidents handed to their company, and reads
  // the service level clocks on them (the scope narrows which).
  // Monitoring (alerts, correlations, the intake): staff read; service managers keep the mapping
  // rules and correlation settings; a machine posts alerts with an API token scoped to monitoring:write.
  // Availability and maintenance: the service desk corrects outages and service managers plan
  // maintenance; a customer reads the outages, availability and planned work of their own
  // organisations' connections, a supplier's engineer those of the connections ordered from them.
  customer: ['organisations:read', 'journal:read', 'network:read', 'cmdb:read', 'addresses:read', 'connections:read', 'connections:write', 'incidents:read', 'incidents:write', 'requests:read', 'requests:write', 'service_levels:read', 'availability:read', 'maintenance:read'],
  supplier: ['suppliers:read', 'connections:read', 'connections:write', 'incidents:read', 'incidents:write', 'service_levels:read', 'availability:read', 'maintenance:read'],
};

/** Roles that see the whole network; the others are scoped to organisations or a supplier. */
export const STAFF_ROLES: readonly Role[] = [
  'administrator',
  'service_desk_agent',
  'service_manager',
  'change_approver',
  'programme_manager',
  'auditor',
];

export const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrator',
  service_desk_agent: 'Service desk agent',
  service_manager: 'Service manager',
  change_approver: 'Change approver',
  programme_manager: 'Programme manager',
  auditor: 'Auditor',
  customer: 'Customer',
  supplier: 'Supplier engineer',
};

function grants(grant: Grant, permission: Permission): boolean {
  if (grant === '*') return true;
  if (grant === '*:read') return permission.endsWith(':read');
  return grant === permission;
}

/** Every permission held by someone with these roles, optionally narrowed by a token's scopes. */
export function permissionsOf(roles: readonly Role[], tokenScopes?: readonly string[]): Set<Permission> {
  const all = AREAS.flatMap((a) => [`${a}:read`, `${a}:write`] as Permission[]);
  return new Set(
    all.filter(
      (p) =>
        roles.some((r) => ROLE_GRANTS[r].some((g) => grants(g, p))) &&
        (!tokenScopes || tokenScopes.some((s) => s === '*' || s === p || (s === '*:read' && p.endsWith(':read')))),
    ),
  );
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
