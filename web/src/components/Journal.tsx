import { Link } from 'react-router-dom';
import { ProblemMessage } from './ProblemMessage.tsx';
import { ShowMore } from './PagedList.tsx';
import { usePagedList } from '../hooks.ts';
import { fieldLabel, formatDateTime, inWords } from '../labels.ts';
import { journalValue, recordOfJournal } from './journal-values.ts';
import type { JournalEntry } from '../types.ts';

const ACTIONS: Record<string, string> = { created: 'Created', updated: 'Changed', deleted: 'Deleted' };

function Value({ record, field, value }: { record: string; field: string; value: unknown }) {
  const words = journalValue(record, field, value);
  return words.href ? <Link to={words.href}>{words.text}</Link> : <>{words.text}</>;
}

/** A record's journal, newest first: who did what when, and each field from what to what. */
export function Journal({ path, refresh }: { path: string; refresh: number }) {
  const list = usePagedList<JournalEntry>(path, { limit: 20 }, refresh);
  const record = recordOfJournal(path);
  return (
    <section aria-labelledby="journal-heading" className="journal">
      <h2 id="journal-heading">History</h2>
      {list.error && <ProblemMessage error={list.error} />}
      {list.loaded && list.items.length === 0 && <p>Nothing has been recorded yet.</p>}
      <ol className="timeline">
        {list.items.map((entry) => (
          <li key={entry.id} className="timeline__entry">
            <p className="timeline__head">
              <strong>{ACTIONS[entry.action] ?? inWords(entry.action)}</strong> by <strong>{entry.actor}</strong>{' '}
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
                      <td className="change-before">
                        <Value record={record} field={c.field} value={c.before} />
                      </td>
                      <td className="change-after">
                        <Value record={record} field={c.field} value={c.after} />
                      </td>
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
