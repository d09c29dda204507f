import { hash, randomBytes } from 'node:crypto';

/** A long random secret for a session cookie, API token or CSRF token. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Stored form of a secret: high-entropy secrets need a digest, not a slow password hash. */
export function digestOf(secret: string): string {
  // Computed on every authenticated request (the principal cache is keyed by it): the one-shot
  // form costs a quarter of createHash().update().digest().
  return hash('sha256', secret, 'hex');
}
