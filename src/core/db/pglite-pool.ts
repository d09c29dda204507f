import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite is one connection in this process. Kysely's PostgreSQL dialect wants a pool, so this
 * hands the single connection to one borrower at a time: a transaction holds it until it
 * releases, and every other query waits its turn. That is exactly PostgreSQL's own semantics for
 * one session, so the same Kysely code runs unchanged on both engines.
 */
export class PGlitePool {
  private queue: Array<() => void> = [];
  private busy = false;

  constructor(readonly pglite: PGlite) {}

  async connect() {
    if (this.busy) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.busy = true;
    let released = false;
    const pglite = this.pglite;
    return {
      query: async (sql: string, params: unknown[] = []) => {
        // A migration file is many statements; only the simple protocol (exec) runs those.
        if (params.length === 0 && isMultiStatement(sql)) {
          const results = await pglite.exec(sql);
          const last = results[results.length - 1];
          return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0, command: commandOf(sql) };
        }
        const result = await pglite.query(sql, params, { rowMode: 'object' });
        return {
          rows: result.rows,
          rowCount: result.affectedRows ?? result.rows.length,
          command: commandOf(sql),
        };
      },
      release: () => {
        if (released) return;
        released = true;
        const next = this.queue.shift();
        if (next) next();
        else this.busy = false;
      },
    };
  }

  async end() {
    await this.pglite.close();
  }
}

function commandOf(sql: string): string {
  return sql.trimStart().split(/\s/, 1)[0]!.toUpperCase();
}

function isMultiStatement(sql: string): boolean {
  return /;\s*\S/.test(sql);
}
