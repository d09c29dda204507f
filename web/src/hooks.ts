import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, ApiError, type Page, type Query } from './api.ts';

export interface Loaded<T> {
  data: T | null;
  etag: string | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

/** One GET, re-run when the path or query changes; the newest answer wins. */
export function useResource<T>(path: string | null, query: Query = {}): Loaded<T> {
  const key = path === null ? null : `${path}?${JSON.stringify(query)}`;
  const [state, setState] = useState<{ data: T | null; etag: string | null; error: ApiError | null; loading: boolean }>({ data: null, etag: null, error: null, loading: path !== null });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    api.get<T>(path, query).then(
      ({ data, etag }) => current && setState({ data, etag, error: null, loading: false }),
      (error: ApiError) => current && setState({ data: null, etag: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for path and query
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

export interface PagedList<T> {
  items: T[];
  /** True once the first page has arrived. */
  loaded: boolean;
  loading: boolean;
  error: ApiError | null;
  hasMore: boolean;
  /** When the rows shown were last read from the server. */
  checkedAt: Date | null;
  loadMore(): void;
  /** Starts again from the first page. */
  reload(): void;
  /** Reads the rows shown again in place (as many as are shown, up to 200); `unlessBusy` skips it while another read is under way. */
  reread(unlessBusy?: boolean): void;
}

/**
 * A keyset-paginated list: the first page for the query (its `limit` is the page size), then
 * loadMore appends the next with the server's cursor. A new `refresh` value starts again from the
 * first page (after a change elsewhere on the page); `onReread` is shown the rows before and after
 * each reread, so a live list can mark what changed. Only the newest read's answer is used.
 */
export function usePagedList<T>(path: string, query: Query, refresh = 0, onReread?: (before: T[], after: T[]) => void): PagedList<T> {
  const key = `${path}?${JSON.stringify(query)}#${refresh}`;
  const pageSize = Number(query.limit) || 25;
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const [round, setRound] = useState(0);
  const generation = useRef(0);
  const busy = useRef(false);
  const shown = useRef<T[]>([]);
  shown.current = items;
  const tell = useRef(onReread);
  tell.current = onReread;

  const read = useCallback(
    (cursor: string | null, limit: number, mode: 'first' | 'more' | 'again') => {
      const mine = ++generation.current;
      busy.current = true;
      // A reread happens behind the rows shown: nothing says "loading" and an error stays until it is answered.
      if (mode !== 'again') {
        setLoading(true);
        setError(null);
      }
      api.get<Page<T>>(path, { ...query, limit, cursor }).then(
        ({ data }) => {
          if (mine !== generation.current) return;
          busy.current = false;
          if (mode === 'again') tell.current?.(shown.current, data.items);
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
    read(null, pageSize, 'first');
  }, [read, round]); // eslint-disable-line react-hooks/exhaustive-deps -- pageSize is part of `read`'s key

  const reread = useCallback(
    (unlessBusy = false) => {
      if (unlessBusy && busy.current) return;
      read(null, Math.min(200, Math.max(pageSize, shown.current.length)), 'again');
    },
    [read, pageSize],
  );

  return {
    items,
    loaded,
    loading,
    error,
    hasMore: nextCursor !== null,
    checkedAt,
    loadMore: () => nextCursor && read(nextCursor, pageSize, 'more'),
    reload: () => setRound((r) => r + 1),
    reread,
  };
}

export interface Settings<T> extends Loaded<T> {
  editing: boolean;
  edit(): void;
  cancel(): void;
  /** Sends the whole document with If-Match; on success the form closes and the document is read again. */
  save(next: T): Promise<void>;
  saving: boolean;
  /** Why the last save was refused: a field (beside it), the range, or a change made meanwhile (412). */
  refusal: ApiError | null;
}

/**
 * A settings document (`GET`/`PUT` on one path, versioned by ETag, "0" before its first change):
 * read, opened in a form, saved with If-Match. Every settings panel works the same way.
 */
export function useSettings<T>(path: string): Settings<T> {
  const loaded = useResource<T>(path);
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const save = async (next: T) => {
    setRefusal(null);
    setSaving(true);
    try {
      await api.put(path, next, loaded.etag ?? '"0"');
      setEditing(false);
      loaded.reload();
    } catch (e) {
      setRefusal(e as ApiError);
    } finally {
      setSaving(false);
    }
  };
  const edit = () => {
    setRefusal(null);
    setEditing(true);
  };
  return { ...loaded, editing, edit, cancel: () => setEditing(false), save, saving, refusal };
}

/** A whole number typed into a field, or null when it is not one (the form says so itself). */
export function wholeNumber(typed: string): number | null {
  return /^-?\d+$/.test(typed.trim()) ? Number(typed.trim()) : null;
}

/** False until the first page has shown: a page opened fresh keeps the browser's own focus, so Tab reaches the skip link. */
let shownOnce = false;

/**
 * Sets the document title and, on moving from one page to another inside the application, moves
 * focus to the new page's heading so that a screen reader announces it.
 */
export function usePageTitle(title: string | null) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!title) return;
    document.title = `${title} — n3sp`;
    if (shownOnce) heading.current?.focus({ preventScroll: true });
    shownOnce = true;
  }, [title]);
  return heading;
}

/** One filter's value in a search form's draft, and how to change it. */
export interface FilterControl {
  value: string;
  set(value: string): void;
}

export interface Filters<K extends string> {
  /** What the address asks for now (each filter not in it at its default): what the list shows. */
  applied: Record<K, string>;
  /** What the form holds, not yet searched for. */
  draft: Record<K, string>;
  field(key: K): FilterControl;
  /** A filter other than the order (`sort`) is away from its default, so an empty list means "nothing matches". */
  filtered: boolean;
  /** Something in the address differs from the defaults: there is something to clear. */
  changed: boolean;
  submit(event: FormEvent): void;
  clear(): void;
}

/**
 * A list page's search form. The filters live in the address, so a search can be shared and the
 * back button works; the form edits a draft that follows the address. A filter at its default is
 * left out of the address, and the address's other parameters (a map's extent) are kept.
 */
export function useFilters<K extends string>(defaults: Record<K, string>): Filters<K> {
  const keys = Object.keys(defaults) as K[];
  const [params, setParams] = useSearchParams();
  const read = () => Object.fromEntries(keys.map((k) => [k, params.get(k) || defaults[k]])) as Record<K, string>;
  const applied = read();
  const address = params.toString();
  const [draft, setDraft] = useState(applied);
  // The draft follows the address when it changes from elsewhere (back, a link). An address this
  // form wrote itself is left alone: the draft already says it, and whatever was typed after a
  // click on Search or Clear, before the address changed, must not be overwritten.
  const written = useRef<string | null>(null);
  useEffect(() => {
    if (address !== written.current) setDraft(read());
    written.current = null;
  }, [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const go = (next: URLSearchParams) => {
    written.current = next.toString();
    setParams(next);
  };
  const away = (k: K) => applied[k] !== defaults[k];

  function withFilters(values: Partial<Record<K, string>>) {
    const next = new URLSearchParams(params);
    for (const k of keys) {
      const value = values[k]?.trim();
      if (value && value !== defaults[k]) next.set(k, value);
      else next.delete(k);
    }
    return next;
  }

  return {
    applied,
    draft,
    field: (key) => ({ value: draft[key], set: (value) => setDraft((d) => ({ ...d, [key]: value })) }),
    filtered: keys.some((k) => k !== 'sort' && away(k)),
    changed: keys.some(away),
    submit(event) {
      event.preventDefault();
      go(withFilters(draft));
    },
    clear: () => {
      setDraft(defaults);
      go(withFilters({}));
    },
  };
}
