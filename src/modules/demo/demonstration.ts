import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import { SYSTEM_ACTOR } from '../../core/access/principal.ts';
import type { Role } from '../../core/access/roles.ts';
import { createOrganisation } from '../organisations/service.ts';
import { createUser } from '../users/service.ts';
import type { CreateOrganisation } from '../organisations/schemas.ts';

const SYSTEM_PRINCIPAL = { userId: 0, username: SYSTEM_ACTOR.name, displayName: 'n3sp', roles: ['administrator'] as Role[], permissions: new Set<never>(), scope: { kind: 'network' as const }, via: 'token' as const };

/** A few real organisations (codes and names from the NHS ODS files) to show the shell with. */
const ORGANISATIONS: CreateOrganisation[] = [
  { odsCode: 'N3SP', name: 'N3SP NETWORK PROVIDER', kind: 'network_provider' },
  { odsCode: 'Y63', name: 'NORTH EAST AND YORKSHIRE', kind: 'region' },
  { odsCode: '00K', name: 'NHS HARTLEPOOL AND STOCKTON-ON-TEES CCG', kind: 'commissioner', parentOdsCode: 'Y63' },
  { odsCode: 'A81001', name: 'THE DENSHAM SURGERY', kind: 'gp_practice', parentOdsCode: '00K', postcode: 'TS18 1HU', openedOn: '1974-04-01', region: 'Y63' },
  { odsCode: 'A81002', name: 'QUEENS PARK MEDICAL CENTRE', kind: 'gp_practice', parentOdsCode: '00K', postcode: 'TS18 2AW', openedOn: '1974-04-01', region: 'Y63' },
  { odsCode: 'A81003', name: 'VICTORIA MEDICAL PRACTICE', kind: 'gp_practice', parentOdsCode: '00K', postcode: 'TS26 8DB', openedOn: '1974-04-01', closedOn: '2017-10-31', state: 'closed', region: 'Y63' },
];

export const DEMO_USERS: Array<{ username: string; displayName: string; roles: Role[]; organisations?: string[] }> = [
  { username: 'agent', displayName: 'Sam Agent', roles: ['service_desk_agent'] },
  { username: 'manager', displayName: 'Morgan Manager', roles: ['service_manager', 'change_approver'] },
  { username: 'programme', displayName: 'Pat Programme', roles: ['programme_manager'] },
  { username: 'auditor', displayName: 'Alex Auditor', roles: ['auditor'] },
  { username: 'practice', displayName: 'Jo Practice-Manager', roles: ['customer'], organisations: ['A81001'] },
];

/**
 * The demonstration network. Returns lines to print: who can sign in. Demo users share one
 * password, taken from N3SP_DEMO_PASSWORD or generated.
 */
export async function loadDemonstration(ctx: AppContext): Promise<string[]> {
  await inTransaction(ctx, async (tx) => {
    for (const organisation of ORGANISATIONS) await createOrganisation(tx, ctx, SYSTEM_PRINCIPAL, organisation);
  });
  const password = process.env.N3SP_DEMO_PASSWORD ?? `demo-${crypto.randomUUID().slice(0, 12)}`;
  for (const user of DEMO_USERS) await createUser(ctx, SYSTEM_ACTOR, { ...user, password });
  return [`Demonstration users ${DEMO_USERS.map((u) => u.username).join(', ')} share the password ${password}`];
}
