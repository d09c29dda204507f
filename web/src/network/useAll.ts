import { useEffect, useState } from 'react';
import { api, type ApiError, type Page, type Query } from '../api.ts';

export interface All<T> {
  items: T[];
  loaded: boolean;
  error: ApiError | null;
  /** True when there were more than `cap` and only the first `cap` are here. */
  capped: boolean;
}

/** Every record of a list, following the server's cursors page by page up to `cap` (for a map,
 *  which shows them all at once). An empty path loads nothing (the caller may not read it). */
export function useAll<T>(path: string, query: Query, cap = 5000): All<T> {
  const key = `${path}?${JSON.stringify(query)}`;
  const [state, setState] = useState<All<T>>({ items: [], loaded: false, error: null, capped: false });
  useEffect(() => {
    let current = true;
    if (!path) {
      setState({ items: [], loaded: true, error: null, capped: false });
      return;
    }
    setState({ items: [], loaded: false, error: null, capped: false });
    (async () => {
      const items: T[] = [];
      let cursor: string | null = null;
      do {
        const { data }: { data: Page<T> } = await api.get<Page<T>>(path, { ...query, limit: 200, cursor });
        items.push(...data.items);
        cursor = data.nextCursor;
      } while (cursor && items.length < cap && current);
      if (current) setState({ items: items.slice(0, cap), loaded: true, error: null, capped: cursor !== null });
    })().catch((error: ApiError) => current && setState({ items: [], loaded: true, error, capped: false }));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for path and query
  }, [key]);
  return state;
}
