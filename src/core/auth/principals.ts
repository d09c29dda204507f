import { sql } from 'kysely';
import type { Principal, Scope } from '../access/principal.ts';
import { isRole, permissionsOf, STAFF_ROLES, type Role } from '../access/roles.ts';

export interface UserForPrincipal {
  id: number;
  username: string;
  display_name: string;
  roles: string[];
  supplier_id: number | null;
  organisation_ids: number[];
}

/** Staff see the network; customers their organisations; suppliers their company's work. */
export function scopeOf(user: Pick<UserForPrincipal, 'roles' | 'supplier_id' | 'organisation_ids'>): Scope {
  const roles = user.roles.filter(isRole);
  if (roles.some((r) => STAFF_ROLES.includes(r))) return { kind: 'network' };
  if (roles.includes('supplier') && user.supplier_id !== null) return { kind: 'supplier', supplierId: user.supplier_id };
  return { kind: 'organisations', organisationIds: user.organisation_ids };
}

export function principalFor(
  user: UserForPrincipal,
  via: Principal['via'],
  extra: { csrfToken?: string; tokenId?: number; tokenScopes?: string[] } = {},
): Principal {
  const roles = user.roles.filter(isRole) as Role[];
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    roles,
    permissions: permissionsOf(roles, extra.tokenScopes),
    scope: scopeOf(user),
    via,
    csrfToken: extra.csrfToken,
    tokenId: extra.tokenId,
  };
}

/** The user columns a principal needs, with the organisations granted to them, in one query. */
export const USER_FOR_PRINCIPAL = [
    'app_user.id',
    'app_user.username',
    'app_user.display_name',
    'app_user.roles',
    'app_user.supplier_id',
    sql<number[]>`coalesce((select array_agg(uo.organisation_id order by uo.organisation_id) from user_organisation uo where uo.user_id = app_user.id), '{}')`.as(
      'organisation_ids',
    ),
] as const;
