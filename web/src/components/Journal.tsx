import { ProblemMessage } from './ProblemMessage.tsx';
import { ShowMore } from './PagedList.tsx';
import { usePagedList } from '../hooks.ts';
import { londonTime } from '../../../src/domain/london-time.ts';
import { fieldLabel, formatDate, formatDateTime, formatValue, inWords, kindLabel, ORGANISATION_STATE_LABELS } from '../labels.ts';
import { REQUEST_STATE_LABELS } from '../requests/types.ts';
import type { JournalEntry } from '../types.ts';

const ACTIONS: Record<string, string> = { created: 'Created', updated: 'Changed', deleted: 'Deleted' };

/** An instant as the journal stores it (ISO 8601, UTC): shown as London's wall clock. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A state in words, whichever record's it is: an organisation's, a request's, else the code as words (a connection's). */
const stateText = (state: string) => ORGANISATION_STATE_LABELS[state] ?? REQUEST_STATE_LABELS[state] ?? inWords(state);

function valueText(field: string, value: unknown): string {
  if (typeof value === 'string' && field === 'kind') return kindLabel(value);
  if (typeof value === 'string' && field === 'state') return stateText(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (typeof value === 'string' && INSTANT.test(value)) return londonTime(value);
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
