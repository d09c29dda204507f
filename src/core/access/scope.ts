import { sql, type Expression, type SqlBool } from 'kysely';
import type { Scope } from './principal.ts';

/**
 * Where a record type keeps the columns that tenancy looks at. A module names its columns once;
 * `inScope` then turns the caller's scope into a WHERE condition, so no query can forget it.
 * A record type with no column for a scope kind is invisible to that kind (fail closed).
 */
export interface ScopeColumns {
  /** Column holding the organisation the record belongs to. */
  organisation?: string;
  /** Column holding the supplier the record is handed to. */
  supplier?: string;
}

export function inScope(scope: Scope, columns: ScopeColumns): Expression<SqlBool> {
  switch (scope.kind) {
    case 'network':
      return sql<SqlBool>`true`;
    case 'organisations':
      if (!columns.organisation) return sql<SqlBool>`false`;
      return sql<SqlBool>`${sql.ref(columns.organisation)} in (${visibleOrganisations(scope.organisationIds)})`;
    case 'supplier':
      if (!columns.supplier) return sql<SqlBool>`false`;
      return sql<SqlBool>`${sql.ref(columns.supplier)} = ${scope.supplierId}`;
  }
}

/** The granted organisations and all their descendants, as a subquery of ids. */
export function visibleOrganisations(grantedIds: number[]) {
  return sql<number>`with recursive visible (id) as (
      select unnest(${grantedIds}::bigint[])
      union
      select child.id from organisation child join visible on child.parent_id = visible.id
    ) select id from visible`;
}
