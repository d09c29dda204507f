import type { Permission, Role } from './roles.ts';

/**
 * The tenancy scope of a signed-in user. Staff see the whole network; a customer sees the
 * organisations granted to them and every organisation below those; a supplier sees the work
 * handed to their company.
 */
export type Scope =
  | { kind: 'network' }
  | { kind: 'organisations'; organisationIds: number[] }
  | { kind: 'supplier'; supplierId: number };

export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  roles: Role[];
  permissions: Set<Permission>;
  scope: Scope;
  /** How this request was authenticated: writes by cookie need a CSRF token; tokens do not. */
  via: 'session' | 'token';
  csrfToken?: string;
  tokenId?: number;
}

/** Who a journal entry names: a user, or the system itself (imports, timers). */
export interface Actor {
  /** The user's account (which holds their sign-in name); null for n3sp itself or an e-mail sender. */
  id: number | null;
  /** As people know them: the display name ("Sam Okafor"), as it read when the entry was written. */
  name: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'n3sp' };

/** n3sp itself acting across the whole network: imports, the demonstration, timers. It holds no
 *  permissions because it never passes through route access; services only read its scope. */
export const SYSTEM_PRINCIPAL: Principal = {
  userId: 0,
  username: SYSTEM_ACTOR.name,
  displayName: 'n3sp',
  roles: ['administrator'],
  permissions: new Set(),
  scope: { kind: 'network' },
  via: 'token',
};

/** Where something a person wrote came in, as notes record it: the web application (a signed-in session) or the API (a token). */
export function channelOf(principal: Principal): 'web' | 'api' {
  return principal.via === 'session' ? 'web' : 'api';
}

/** The journal's actor for a principal: named as the timeline and the auditor read them, by display
 *  name, not by sign-in name; the id still leads to the account. */
export function actorOf(principal: Principal): Actor {
  // n3sp itself, or someone known only by an e-mail address, has no user id to name.
  return { id: principal.userId || null, name: principal.displayName || principal.username };
}

/** Who writes, and within which scope: a person, or n3sp itself on a person's behalf (a
 *  connection's lifecycle creating its configuration item, an address allocation). */
export interface Writer {
  actor: Actor;
  scope: Scope;
}
