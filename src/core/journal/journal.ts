import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { JournalChange, Tables } from '../db/tables.ts';
import type { Actor } from '../access/principal.ts';
import { sealOf } from '../../domain/audit-chain.ts';

export type Tx = Transaction<Tables> | Db;

export interface JournalEntryInput {
  action: string;
  entityType: string;
  entityId: string | number;
  /** The organisation (and supplier) the record belongs to, so its history is scoped like it. */
  organisationId?: number | null;
  supplierId?: number | null;
  summary?: string;
  changes: JournalChange[];
}

/**
 * The one journal writer. Called inside the transaction that changes the record, so the change
 * and its history commit or vanish together. The row is sealed here; the chainer links it later.
 */
export class Journal {
  constructor(private readonly auditKey: string) {}

  async record(tx: Tx, actor: Actor, entry: JournalEntryInput): Promise<void> {
    const content = {
      nonce: randomUUID(),
      at: new Date(),
      actorId: actor.id,
      actorName: actor.name,
      action: entry.action,
      entityType: entry.entityType,
      entityId: String(entry.entityId),
      organisationId: entry.organisationId ?? null,
      supplierId: entry.supplierId ?? null,
      summary: entry.summary ?? null,
      changes: entry.changes,
    };
    await tx
      .insertInto('journal')
      .values({
        nonce: content.nonce,
        at: content.at,
        actor_id: content.actorId,
        actor_name: content.actorName,
        action: content.action,
        entity_type: content.entityType,
        entity_id: content.entityId,
        organisation_id: content.organisationId,
        supplier_id: content.supplierId,
        summary: content.summary,
        changes: JSON.stringify(content.changes),
        seal: sealOf(this.auditKey, content),
      })
      .execute();
  }
}
