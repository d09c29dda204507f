import type { AppContext } from './context.ts';
import type { Db } from './db/database.ts';
import type { Tx } from './journal/journal.ts';
import { actorOf, type Principal } from './access/principal.ts';
import { problems } from './errors.ts';
import { recordHistory } from './journal/history.ts';
import type { PageRequest } from './http/pagination.ts';

/**
 * Settings a service manager edits, one JSON document per key in `service_setting` (the incident
 * priority matrix, the request auto-close window, …): read with their version for If-Match, the
 * defaults until someone saves, each save journalled. Each module defines its own with
 * `serviceSettings(key, defaults)` and validates before it saves; this is only the storage.
 */
export interface ServiceSettings<T extends object> {
  readonly key: string;
  readonly defaults: T;
  /** The settings in force, with their version for If-Match (0 before the first save). */
  read(db: Db | Tx, owner?: object): Promise<Versioned<T>>;
  /** Drops this process's copy, so the next read sees a change at once. Call after commit. */
  forget(owner: object): void;
  /** Saves (If-Match: `expected` is the version read; 412 otherwise) and journals the change. */
  save(tx: Tx, ctx: AppContext, principal: Principal, expected: number, next: T): Promise<Versioned<T>>;
  /** Every save, newest first: who changed what, from what to what (the journal's entries for this key). */
  history(db: Db, page: PageRequest): ReturnType<typeof recordHistory>;
}

export interface Versioned<T> {
  settings: T;
  version: number;
}

/**
 * Settings are consulted on hot paths (every incident read), so each process keeps them for a few
 * seconds, per database (`owner`, normally ctx.db). A change is seen at once in the process that
 * made it; another n3sp process sees it within SETTINGS_TTL_MS. A read inside a transaction that
 * must not act on a stale copy passes the transaction itself as owner.
 */
export const SETTINGS_TTL_MS = 5_000;

/**
 * `cacheMs: 0` reads the table every time: for settings read off the hot path whose change must
 * apply at once in every process, so nothing needs to call forget after a save.
 */
export interface ServiceSettingsOptions {
  cacheMs?: number;
}

export function serviceSettings<T extends object>(key: string, defaults: T, { cacheMs = SETTINGS_TTL_MS }: ServiceSettingsOptions = {}): ServiceSettings<T> {
  const cache = new WeakMap<object, { value: Versioned<T>; until: number }>();
  const fields = Object.keys(defaults) as Array<keyof T & string>;
  // A field added after the settings were first saved takes its default until the next save.
  const withDefaults = (stored: unknown): T => ({ ...defaults, ...(stored as Partial<T>) });

  return {
    key,
    defaults,
    async read(db, owner = db) {
      const hit = cache.get(owner);
      if (hit && hit.until > Date.now()) return hit.value;
      const row = await db.selectFrom('service_setting').select(['value', 'version']).where('key', '=', key).executeTakeFirst();
      const value = row ? { settings: withDefaults(row.value), version: row.version } : { settings: defaults, version: 0 };
      if (cacheMs > 0) cache.set(owner, { value, until: Date.now() + cacheMs });
      return value;
    },
    forget(owner) {
      cache.delete(owner);
    },
    async save(tx, ctx, principal, expected, next) {
      const current = await tx.selectFrom('service_setting').select(['value', 'version']).where('key', '=', key).forUpdate().executeTakeFirst();
      if ((current?.version ?? 0) !== expected) throw problems.preconditionFailed();
      const value = JSON.stringify(next);
      const saved = current
        ? await tx.updateTable('service_setting').set({ value, version: expected + 1, updated_at: new Date() }).where('key', '=', key).returning('version').executeTakeFirstOrThrow()
        : await tx.insertInto('service_setting').values({ key, value, updated_at: new Date() }).returning('version').executeTakeFirstOrThrow();
      await ctx.journal.recordUpdate(tx, actorOf(principal), {
        entityType: 'service_setting',
        entityId: key,
        before: current ? withDefaults(current.value) : defaults,
        after: next,
        fields,
      });
      return { settings: next, version: saved.version };
    },
    history(db, page) {
      return recordHistory(db, 'service_setting', key, page);
    },
  };
}
