import type { Principal } from '../access/principal.ts';

/**
 * Principals of recently seen session cookies and API tokens, by secret digest, for a few
 * seconds: without it every request pays a lookup as costly as the read it serves. Anything that
 * changes what a user may do (sign-out, revocation, new roles or organisations, deactivation, a
 * new password) forgets that user here at once; other n3sp processes notice within `ttlMs`.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly ttlMs = 5000, private readonly maxEntries = 10_000) {}

  get(digest: string): Principal | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.principal;
    this.entries.delete(digest);
    return undefined;
  }

  /** Keeps a principal until the TTL passes, or until its session or token expires if sooner. */
  set(digest: string, principal: Principal, expiresAt?: Date | null): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const until = Math.min(Date.now() + this.ttlMs, expiresAt?.getTime() ?? Infinity);
    this.entries.set(digest, { principal, until });
  }

  forget(digest: string): void {
    this.entries.delete(digest);
  }

  forgetUser(userId: number): void {
    for (const [digest, entry] of this.entries) if (entry.principal.userId === userId) this.entries.delete(digest);
  }
}
