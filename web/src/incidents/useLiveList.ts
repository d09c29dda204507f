import { useCallback, useEffect, useRef, useState } from 'react';
import type { Query } from '../api.ts';
import { usePagedList, type PagedList } from '../hooks.ts';

export interface LiveList<T> extends PagedList<T> {
  /** Rows that changed, or arrived, since the list was first shown. */
  updated: ReadonlySet<number>;
  /** Reads the rows shown again now, after a change made on this page to `changedHere`, which are not marked. */
  refresh(changedHere?: number[]): void;
}

/** How often an open, visible queue asks the server for changes. */
export const POLL_MS = 10_000;

/**
 * A keyset-paged list that keeps itself current: while the tab is visible it reads the rows shown
 * again every ten seconds (and at once when the tab comes back), replaces them, and remembers
 * which rows changed or arrived so the page can mark them. Polling works the same however many
 * n3sp processes serve the API, with nothing held open between requests.
 */
export function useLiveList<T extends { id: number; version: number }>(path: string, query: Query, pageSize = 25): LiveList<T> {
  const [updated, setUpdated] = useState<ReadonlySet<number>>(new Set());
  // Rows this page just changed itself: the next reread does not mark them as changed by others.
  const changedHere = useRef<ReadonlySet<number>>(new Set());
  const markChanged = useCallback((before: T[], after: T[]) => {
    const versions = new Map(before.map((i) => [i.id, i.version]));
    const changed = after.filter((i) => versions.get(i.id) !== i.version && !changedHere.current.has(i.id)).map((i) => i.id);
    changedHere.current = new Set();
    if (changed.length) setUpdated((u) => new Set([...u, ...changed]));
  }, []);
  const list = usePagedList<T>(path, { ...query, limit: pageSize }, 0, markChanged);
  const key = `${path}?${JSON.stringify(query)}#${pageSize}`;
  useEffect(() => setUpdated(new Set()), [key]);

  const { reread } = list;
  useEffect(() => {
    const tick = () => document.visibilityState === 'visible' && reread(true);
    const timer = window.setInterval(tick, POLL_MS);
    document.addEventListener('visibilitychange', tick);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [reread]);

  return {
    ...list,
    updated,
    refresh: (ids = []) => {
      changedHere.current = new Set(ids);
      reread();
    },
  };
}
