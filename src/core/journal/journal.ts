import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import { PLAN_ONCE_MARK } from '../db/prepared.ts';
import type { JournalChange, Tables } from '../db/tables.ts';
import type { Actor } from '../access/principal.ts';
import * as clock from '../clock.ts';
import { sealOf } from '../../domain/audit-chain.ts';
import { changedFields } from '../../domain/journal-changes.ts';

export type Tx = Transaction<Tables> | Db;

const BATCH = 5000;

/** One entry: a fixed statement, sent as it is rather than built on every write, and planned once per connection. */
const INSERT_ONE = `insert into journal (nonce, at, actor_id, actor_name, action, entity_type, entity_id, organisation_id, supplier_id, summary, changes, seal)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ${PLAN_ONCE_MARK}`;

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
    await this.recordMany(tx, actor, [entry]);
  }

  /**
   * An update, from the record's journal view before and after: only the named fields that
   * changed are recorded, and the summary names them. Returns the changes.
   */
  async recordUpdate<T extends object>(
    tx: Tx,
    actor: Actor,
    entry: Omit<JournalEntryInput, 'action' | 'changes'> & { before: T | null; after: T | null; fields: readonly (keyof T & string)[] },
  ): Promise<JournalChange[]> {
    const { before, after, fields, ...rest } = entry;
    const changes = changedFields(before, after, fields);
    await this.record(tx, actor, { action: 'updated', summary: `Changed ${changes.map((c) => c.field).join(', ') || 'nothing'}`, ...rest, changes });
    return changes;
  }

  /**
   * Many entries by one actor in one transaction (an import): each sealed exactly as `record`
   * seals one, written in multi-row inserts rather than a round trip per entry.
   */
  async recordMany(tx: Tx, actor: Actor, entries: readonly JournalEntryInput[]): Promise<void> {
    // The time of the change: the real time, or the instant an `asOf` scope writes history at.
    const at = clock.now();
    const rows = entries.map((entry) => {
      const content = {
        nonce: randomUUID(),
        at,
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
      return {
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
      };
    });
    if (rows.length === 1) {
      const r = rows[0]!;
      await tx.executeQuery(
        CompiledQuery.raw(INSERT_ONE, [r.nonce, r.at, r.actor_id, r.actor_name, r.action, r.entity_type, r.entity_id, r.organisation_id, r.supplier_id, r.summary, r.changes, r.seal]),
      );
      return;
    }
    // Many rows go as one JSON array unpacked in the database: one parameter however many rows.
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH).map((r, k) => ({ ...r, at: r.at.toISOString(), changes: entries[i + k]!.changes }));
      await sql`insert into journal (nonce, at, actor_id, actor_name, action, entity_type, entity_id, organisation_id, supplier_id, summary, changes, seal)
        select nonce, at, actor_id, actor_name, action, entity_type, entity_id, organisation_id, supplier_id, summary, changes, seal
        from rows from (jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as (nonce uuid, at timestamptz, actor_id bigint, actor_name text,
          action text, entity_type text, entity_id text, organisation_id bigint, supplier_id bigint, summary text, changes jsonb, seal text))
          with ordinality as t(nonce, at, actor_id, actor_name, action, entity_type, entity_id, organisation_id, supplier_id, summary, changes, seal, n)
        order by n`.execute(tx);
    }
  }
}
