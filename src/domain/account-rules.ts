import { STAFF_ROLES, type Role } from '../core/access/roles.ts';

export interface AccountShape {
  roles: Role[];
  organisationCount: number;
  supplierId: number | null;
}

/**
 * A user is staff (sees the network), a customer (sees granted organisations) or a supplier
 * engineer (sees one supplier's work), never a mix: a mixed account would have no clear scope.
 * Returns the field at fault and why, or null when the account is coherent.
 */
export function accountProblem(account: AccountShape): { field: string; message: string } | null {
  const staff = account.roles.some((r) => STAFF_ROLES.includes(r));
  const customer = account.roles.includes('customer');
  const supplier = account.roles.includes('supplier');
  if ([staff, customer, supplier].filter(Boolean).length > 1) {
    return { field: 'roles', message: 'cannot mix staff, customer and supplier roles' };
  }
  if (customer && account.organisationCount === 0) return { field: 'organisations', message: 'a customer needs at least one organisation' };
  if (!customer && account.organisationCount > 0) return { field: 'organisations', message: 'only customers are limited to organisations' };
  if (supplier && account.supplierId === null) return { field: 'supplierId', message: 'a supplier engineer needs a supplier' };
  if (!supplier && account.supplierId !== null) return { field: 'supplierId', message: 'only supplier engineers belong to a supplier' };
  return null;
}
