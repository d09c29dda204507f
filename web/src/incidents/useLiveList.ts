import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ApiError, type Page, type Query } from '../api.ts';

export interface LiveList<T> {
  items: T[];
  loaded: boolean;
  loading: boolean;
  error: ApiError | null;
  hasMore: boolean;
  /** Rows that changed, or arrived, since the list was first shown. */
  updated: ReadonlySet<number>;
  /** When the list was last read from the server. */
  checkedAt: Date | null;
  loadMore(): void;
  /** Reads the rows shown again now (after a change made on this page). */
  refresh(): void;
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
  const key = `${path}?${JSON.stringify(query)}`;
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [updated, setUpdated] = useState<ReadonlySet<number>>(new Set());
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const generation = useRef(0);
  const shown = useRef<T[]>([]);
  const busy = useRef(false);
  shown.current = items;

  const read = useCallback(
    (cursor: string | null, limit: number, mode: 'first' | 'more' | 'refresh') => {
      const mine = ++generation.current;
      busy.current = true;
      if (mode !== 'refresh') setLoading(true);
      api.get<Page<T>>(path, { ...query, limit, cursor }).then(
        ({ data }) => {
          if (mine !== generation.current) return;
          busy.current = false;
          if (mode === 'refresh') {
            const before = new Map(shown.current.map((i) => [i.id, i.version]));
            const changed = data.items.filter((i) => before.get(i.id) !== i.version).map((i) => i.id);
            if (changed.length) setUpdated((u) => new Set([...u, ...changed]));
          }
          setItems((previous) => (mode === 'more' ? [...previous, ...data.items] : data.items));
          setNextCursor(data.nextCursor);
          setLoaded(true);
          setLoading(false);
          setError(null);
          setCheckedAt(new Date());
        },
        (e: ApiError) => {
          if (mine !== generation.current) return;
          busy.current = false;
          setError(e);
          setLoading(false);
        },
      );
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for path and query
    [key],
  );

  useEffect(() => {
    setItems([]);
    setNextCursor(null);
    setLoaded(false);
    setUpdated(new Set());
    read(null, pageSize, 'first');
  }, [read, pageSize]);

  const refresh = useCallback(() => read(null, Math.min(200, Math.max(pageSize, shown.current.length)), 'refresh'), [read, pageSize]);

  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === 'visible' && !busy.current) refresh();
    };
    const timer = window.setInterval(tick, POLL_MS);
    const onVisible = () => document.visibilityState === 'visible' && tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);

  return {
    items,
    loaded,
    loading,
    error,
    hasMore: nextCursor !== null,
    updated,
    checkedAt,
    loadMore: () => nextCursor && read(nextCursor, pageSize, 'more'),
    refresh,
  };
}
