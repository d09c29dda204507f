import { createHash, createHmac } from 'node:crypto';

/** What a journal entry's seal covers: everything it says, but not its place in the chain. */
export interface SealedContent {
  nonce: string;
  at: Date;
  actorId: number | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string;
  organisationId: number | null;
  supplierId: number | null;
  summary: string | null;
  changes: unknown;
}

/** HMAC-SHA256 of the entry's canonical form; keyed, so a row written behind n3sp's back fails. */
export function sealOf(key: string, content: SealedContent): string {
  const canonical = canonicalJson([
    content.nonce,
    content.at.toISOString(),
    content.actorId,
    content.actorName,
    content.action,
    content.entityType,
    content.entityId,
    content.organisationId,
    content.supplierId,
    content.summary,
    content.changes,
  ]);
  return createHmac('sha256', key).update(canonical).digest('hex');
}

export const GENESIS_HASH = '0'.repeat(64);

/** The link binding an entry to its position and to everything chained before it. */
export function linkHash(prevHash: string, seal: string, seq: number): string {
  return createHash('sha256').update(`${prevHash}:${seq}:${seal}`).digest('hex');
}

/** JSON with object keys sorted, so that a value read back from jsonb (which reorders keys) seals the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
