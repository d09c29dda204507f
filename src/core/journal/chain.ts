import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { JournalTable } from '../db/tables.ts';
import { GENESIS_HASH, linkHash, sealOf } from '../../domain/audit-chain.ts';

const CHAIN_LOCK = 7_263_002;
const BATCH = 1000;

/**
 * Links sealed journal rows into the hash chain in the order they became visible (commit order),
 * a batch at a time. One chainer at a time across all processes (an advisory lock); a crash
 * leaves rows unchained, and the next run, at start or on the timer, catches them up.
 * Returns the number of rows linked.
 */
export async function chainPending(db: Db): Promise<number | 'busy'> {
  return db.transaction().execute(async (tx) => {
    // The lock is a statement of its own: the rows and the head are read after it is held, in a
    // snapshot taken then, so that no chainer ever links from a head another has moved on.
    const locked = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${CHAIN_LOCK}) as ok`.execute(tx);
    if (!locked.rows[0]?.ok) return 'busy' as const;
    // The batch to link and the head it continues, in one round trip.
    const pending = await sql<{ id: number; seal: string; last_seq: number | null; last_hash: string | null }>`select j.id, j.seal, h.last_seq, h.last_hash
      from (select id, seal from journal where chain_seq is null order by id limit ${BATCH}) as j
      left join journal_chain_head as h on true
      order by j.id`.execute(tx);
    if (pending.rows.length === 0) return 0;
    const head = pending.rows[0]!;
    let seq = head.last_seq ?? 0;
    let prev = head.last_hash ?? GENESIS_HASH;
    const links = pending.rows.map((row) => {
      seq += 1;
      const hash = linkHash(prev, row.seal, seq);
      const link = { id: row.id, seq, prev, hash };
      prev = hash;
      return link;
    });
    // The links and the new head, in one statement.
    await sql`with linked as (
        update journal set chain_seq = link.seq, prev_hash = link.prev, chain_hash = link.hash
        from (select * from unnest(${links.map((l) => l.id)}::bigint[], ${links.map((l) => l.seq)}::bigint[],
                                   ${links.map((l) => l.prev)}::text[], ${links.map((l) => l.hash)}::text[])
              as t(id, seq, prev, hash)) as link
        where journal.id = link.id
        returning journal.id)
      insert into journal_chain_head (singleton, last_seq, last_hash, updated_at) values (true, ${seq}, ${prev}, now())
      on conflict (singleton) do update set last_seq = excluded.last_seq, last_hash = excluded.last_hash, updated_at = now()`.execute(tx);
    return links.length;
  });
}

/**
 * Chains until nothing is left unlinked, waiting while another chainer (this process's background
 * one, or another process's) holds the lock: when it returns, everything committed is chained.
 */
export async function chainAll(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const linked = await chainPending(db);
    if (linked === 'busy') {
      await new Promise((resolve) => setTimeout(resolve, 25));
    } else if (linked > 0) {
      total += linked;
    } else {
      const left = await db.selectFrom('journal').select('id').where('chain_seq', 'is', null).limit(1).executeTakeFirst();
      if (!left) return total;
    }
  }
}

/**
 * Keeps the chain caught up in the background: poked after every committed write, and on a
 * timer for what other processes wrote. A failure is retried on the next poke or tick. Under a
 * steady stream of writes, rounds start at most every `minGapMs`, so that each round links the
 * writes of that interval together instead of a few each (the chain's lag stays under that gap
 * plus one round; a lone write is linked at once).
 */
export class JournalChainer {
  private timer?: NodeJS.Timeout;
  private delay?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private started = false;

  constructor(
    private readonly db: Db,
    private readonly intervalMs = 2000,
    private readonly minGapMs = 50,
  ) {}

  start(): void {
    this.started = true;
    this.poke();
    this.timer = setInterval(() => this.poke(), this.intervalMs);
    this.timer.unref();
  }

  /** A runtime opened without a chainer (the CLI) links its entries itself when it closes. */
  poke(): void {
    if (!this.started) return;
    if (this.running || this.delay) {
      this.again = true;
      return;
    }
    // This round sees every write committed before it starts, so earlier pokes are answered.
    this.again = false;
    const startedAt = Date.now();
    this.running = this.linkWhatIsPending()
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (!this.again || !this.started) return;
        const wait = this.minGapMs - (Date.now() - startedAt);
        if (wait <= 0) return this.poke();
        this.delay = setTimeout(() => {
          this.delay = undefined;
          this.poke();
        }, wait);
        this.delay.unref();
      });
  }

  /**
   * Links what was committed before it started, batch after batch while batches come back full.
   * Unlike `chainAll` it does not go round once more to find nothing left: a write committed
   * meanwhile pokes again.
   */
  private async linkWhatIsPending(): Promise<void> {
    for (;;) {
      const linked = await chainPending(this.db);
      if (linked === 'busy') {
        // Another chainer holds the lock; its batch may have been read before our commits.
        if (!this.started) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
        continue;
      }
      if (linked < BATCH) return;
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    if (this.delay) clearTimeout(this.delay);
    this.delay = undefined;
    while (this.running) await this.running;
  }
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  unchained: number;
  /** The first broken link: which row, and what is wrong with it. */
  firstBreak?: { seq: number | null; journalId: number | null; reason: string };
}

type Row = Pick<
  JournalTable,
  'nonce' | 'at' | 'actor_id' | 'actor_name' | 'action' | 'entity_type' | 'entity_id' | 'organisation_id' | 'supplier_id' | 'summary' | 'seal' | 'chain_seq' | 'prev_hash' | 'chain_hash'
> & { id: number; changes: unknown };

/**
 * Walks the whole chain in order and names the first broken link: an edited row (its seal no
 * longer matches its content), a deleted row (a gap in the sequence or a link that no longer
 * follows), an inserted row (a seal that the key did not make), or a truncated tail (the head
 * records more than the chain holds).
 */
export async function verifyChain(db: Db, auditKey: string, onProgress?: (checked: number, total: number) => void): Promise<ChainVerdict> {
  // One snapshot for the head and every row: a chainer linking meanwhile must not make an intact
  // trail look truncated (a head read before the walk, rows chained after it).
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((tx) => verifySnapshot(tx as unknown as Db, auditKey, onProgress));
}

async function verifySnapshot(db: Db, auditKey: string, onProgress?: (checked: number, total: number) => void): Promise<ChainVerdict> {
  const totals = await sql<{ chained: number; unchained: number }>`select
      count(*) filter (where chain_seq is not null)::int as chained,
      count(*) filter (where chain_seq is null)::int as unchained from journal`.execute(db);
  const { chained, unchained } = totals.rows[0]!;
  const head = await db.selectFrom('journal_chain_head').selectAll().executeTakeFirst();
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let checked = 0;
  const fail = (row: Row | null, reason: string): ChainVerdict => ({
    ok: false,
    checked,
    unchained,
    firstBreak: { seq: row?.chain_seq ?? null, journalId: row?.id ?? null, reason },
  });
  let after = 0;
  for (;;) {
    const rows = (await db
      .selectFrom('journal')
      .selectAll()
      .where('chain_seq', '>', after)
      .orderBy('chain_seq')
      .limit(5000)
      .execute()) as unknown as Row[];
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = row.chain_seq!;
      if (seq !== expectedSeq) return fail(row, `sequence jumps from ${expectedSeq - 1} to ${seq}: entries are missing`);
      if (row.prev_hash !== prev) return fail(row, 'does not link to the entry before it');
      if (!sealMatches(auditKey, row)) return fail(row, 'content does not match its seal: the entry was altered or forged');
      if (row.chain_hash !== linkHash(prev, row.seal, seq)) return fail(row, 'chain hash does not match');
      prev = row.chain_hash!;
      expectedSeq += 1;
      checked += 1;
    }
    after = rows[rows.length - 1]!.chain_seq!;
    onProgress?.(checked, chained);
  }
  if (head && (head.last_seq !== expectedSeq - 1 || head.last_hash !== (checked ? prev : head.last_hash))) {
    return fail(null, `the chain head records entry ${head.last_seq} but the chain ends at ${expectedSeq - 1}: entries were removed from the end`);
  }
  if (!head && checked > 0) return fail(null, 'the chain head is missing');
  // Rows waiting for the chainer must still carry a valid seal.
  const waiting = (await db.selectFrom('journal').selectAll().where('chain_seq', 'is', null).orderBy('id').execute()) as unknown as Row[];
  for (const row of waiting) {
    if (!sealMatches(auditKey, row)) return fail(row, 'an entry awaiting chaining does not match its seal: it was altered or forged');
  }
  return { ok: true, checked, unchained };
}

function sealMatches(auditKey: string, row: Row): boolean {
  const expected = sealOf(auditKey, {
    nonce: row.nonce,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    organisationId: row.organisation_id,
    supplierId: row.supplier_id,
    summary: row.summary,
    changes: row.changes,
  });
  return expected === row.seal;
}
