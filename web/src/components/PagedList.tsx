import type { ReactNode } from 'react';
import type { ApiError, Query } from '../api.ts';
import { usePagedList } from '../hooks.ts';
import { ItemTable, type Column } from './ItemTable.tsx';
import { ProblemMessage } from './ProblemMessage.tsx';

/** What the parts below need of a keyset-paged list (usePagedList, useLiveList, or useAll's capped list). */
export interface ListState {
  items: readonly unknown[];
  loaded: boolean;
  loading?: boolean;
  error: ApiError | null;
  hasMore: boolean;
  loadMore?(): void;
}

/** A thing counted, singular and plural: ['connection', 'connections']. */
export type Noun = readonly [one: string, many: string];

/**
 * How many rows a list shows, in one sentence that a screen reader hears as it changes, after the
 * problem if reading the list failed. `filtered` turns "there are none" into "none match";
 * `more` says what to do about the rows not shown. Anything in `children` is said after it;
 * `aside` stands beside the sentence without being announced with it.
 */
export function ResultCount({ list, noun, filtered = false, empty, more = 'there are more', children, aside }: { list: ListState; noun: Noun; filtered?: boolean; empty?: string; more?: string; children?: ReactNode; aside?: ReactNode }) {
  const [one, many] = noun;
  const shown = list.items.length;
  let text: string;
  if (!list.loaded) text = `Loading ${many}…`;
  else if (shown === 0) text = filtered ? `No ${many} match your search.` : (empty ?? `There are no ${many} to show.`);
  else if (list.hasMore) text = `Showing the first ${shown} ${shown === 1 ? one : many}; ${more}.`;
  else text = `Showing ${shown} ${shown === 1 ? one : many}.`;
  const count = (
    <p className="result-count" role="status" aria-live="polite">
      {text}
      {children}
    </p>
  );
  return (
    <>
      {list.error && <ProblemMessage error={list.error} />}
      {aside ? (
        <div className="result-row">
          {count}
          {aside}
        </div>
      ) : (
        count
      )}
    </>
  );
}

/** The button that appends the next page of a keyset-paged list, there while the server has more. */
export function ShowMore({ list, label = 'Show more' }: { list: ListState; label?: string }) {
  if (!list.hasMore || !list.loadMore) return null;
  return (
    <button type="button" className="button button--secondary" onClick={list.loadMore} disabled={list.loading}>
      {list.loading ? 'Loading…' : label}
    </button>
  );
}

/**
 * A record's page's list of related records as a section: its heading, the table (or what to say
 * when there is none), and "Show more". Keyed by `id`, which also names the heading.
 */
export function ListSection<T>({ id, title, caption = title, path, query = {}, empty, columns, rowKey, more }: { id: string; title: string; caption?: string; path: string; query?: Query; empty: string; columns: ReadonlyArray<Column<T> | false>; rowKey(item: T): string | number; more?: string }) {
  const list = usePagedList<T>(path, { limit: 50, ...query });
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {list.error && <ProblemMessage error={list.error} />}
      {list.loaded && list.items.length === 0 && <p>{empty}</p>}
      <ItemTable caption={caption} columns={columns} items={list.items} rowKey={rowKey} />
      <ShowMore list={list} label={more} />
    </section>
  );
}
