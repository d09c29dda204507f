import { ProblemMessage } from './ProblemMessage.tsx';
import { ShowMore } from './PagedList.tsx';
import { usePagedList } from '../hooks.ts';
import { fieldLabel, formatDate, formatDateTime, formatValue, kindLabel, stateLabel } from '../labels.ts';
import type { JournalEntry } from '../types.ts';

const ACTIONS: Record<string, string> = { created: 'Created', updated: 'Changed', deleted: 'Deleted' };

/** An action the list above does not name, as words: connection_linked → Connection linked. */
const sentenceCase = (code: string) => code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

function valueText(field: string, value: unknown): string {
  if (typeof value === 'string' && field === 'kind') return kindLabel(value);
  if (typeof value === 'string' && field === 'state') return stateLabel(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  return formatValue(value);
}

/** A record's journal, newest first: who did what when, and each field from what to what. */
export function Journal({ path, refresh }: { path: string; refresh: number }) {
  const list = usePagedList<JournalEntry>(path, { limit: 20 }, refresh);
  return (
    <section aria-labelledby="journal-heading" className="journal">
      <h2 id="journal-heading">History</h2>
      {list.error && <ProblemMessage error={list.error} />}
      {list.loaded && list.items.length === 0 && <p>Nothing has been recorded yet.</p>}
      <ol className="timeline">
        {list.items.map((entry) => (
          <li key={entry.id} className="timeline__entry">
            <p className="timeline__head">
              <strong>{ACTIONS[entry.action] ?? sentenceCase(entry.action)}</strong> by <strong>{entry.actor}</strong>{' '}
              <time dateTime={entry.at} className="muted">
                {formatDateTime(entry.at)}
              </time>
              {entry.chained && (
                <span className="tag tag--blue timeline__chain" title="Linked into the hash-chained audit trail">
                  In audit chain
                </span>
              )}
            </p>
            {entry.summary && <p className="timeline__summary">{entry.summary}</p>}
            {entry.changes.length > 0 && (
              <table className="table table--compact">
                <caption className="visually-hidden">Fields changed by this entry</caption>
                <colgroup>
                  <col className="col-field" />
                  <col />
                  <col />
                </colgroup>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {entry.changes.map((c) => (
                    <tr key={c.field}>
                      <th scope="row">{fieldLabel(c.field)}</th>
                      <td className="change-before">{valueText(c.field, c.before)}</td>
                      <td className="change-after">{valueText(c.field, c.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ol>
      <ShowMore list={list} label="Show older entries" />
    </section>
  );
}
