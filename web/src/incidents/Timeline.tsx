import { useEffect, type ReactNode } from 'react';
import type { Page } from '../api.ts';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { useResource } from '../hooks.ts';
import { fieldLabel, formatDateTime, formatValue, inWords } from '../labels.ts';
import type { JournalEntry } from '../types.ts';
import { categoryLabel, levelLabel, NOTE_KIND_LABELS, resolutionLabel, stateLabel, type EmailMessage, type Note } from './types.ts';

/** Journal actions in words; the entry's own summary says the rest. */
const ACTION_LABELS: Record<string, string> = {
  logged: 'Logged',
  assigned: 'Assigned',
  handed_off: 'Handed to a supplier',
  accepted: 'Accepted',
  question: 'Question to the caller',
  answered: 'Answered',
  resolved: 'Resolved',
  confirmed: 'Confirmed resolved',
  reopened: 'Reopened',
  closed: 'Closed',
  cancelled: 'Cancelled',
  in_progress: 'Moved to in progress',
  pending_customer: 'Waiting on the customer',
  pending_supplier: 'Waiting on the supplier',
  updated: 'Details changed',
  declared_major: 'Declared a major incident',
  linked: 'Linked to a major incident',
  children_linked: 'Incidents linked',
  sla_warning: 'SLA warning',
  sla_breached: 'SLA breached',
  ola_warning: 'OLA warning',
  ola_breached: 'OLA breached',
  underpinning_warning: 'Underpinning contract warning',
  underpinning_breached: 'Underpinning contract breached',
};

/** The notes as the practice reads them in the portal: the desk's questions are for them, the answers theirs. */
const CUSTOMER_NOTE_LABELS: Record<string, string> = {
  comment: 'Message',
  question: 'Question for you',
  answer: 'Your answer',
  resolution: 'What we did',
  major_update: 'Update on a wider fault',
};

/** The journal records each note too; the note itself is shown, so its journal twin is not. */
const NOTE_ACTIONS = new Set(['note', 'work_note', 'major_update']);
const EMAIL_EVENTS: Record<string, string> = {
  assignment: 'assignment',
  customer_update: 'update',
  question: 'question',
  warning: 'SLA warning',
  breach: 'SLA breach',
  resolution: 'resolution',
  supplier_hand_off: 'hand-off to the supplier',
  major_update: 'major incident update',
};

/**
 * What became of an e-mail, where it is not simply sent or received: queued, not sent (with the
 * server's reason, "not sent: no SMTP relay is configured", read as "Not sent — no SMTP relay is
 * configured"), or an inbound one not taken. A customer is told that it was not sent, not why:
 * the reason is for the desk to put right.
 */
function emailOutcome(m: EmailMessage, customer: boolean): { label: string; colour: string; reason: string | null } | null {
  const reason = customer ? null : (m.reason?.replace(/^not sent:\s*/i, '') || null);
  if (m.state === 'queued') return { label: 'Queued', colour: 'yellow', reason: null };
  if (m.state === 'failed') return { label: 'Not sent', colour: 'red', reason };
  if (m.state === 'rejected') return { label: 'Not added to the incident', colour: 'red', reason };
  return null;
}

interface Entry {
  key: string;
  at: string;
  node: ReactNode;
}

/** An instant as the journal stores it (ISO 8601, UTC), to be shown as a date and time. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function changeValue(field: string, value: unknown): string {
  if (typeof value === 'string' && field === 'state') return stateLabel(value);
  if (typeof value === 'string' && field === 'resolutionCode') return resolutionLabel(value);
  if (typeof value === 'string' && field === 'category') return categoryLabel(value);
  if (typeof value === 'string' && (field === 'impact' || field === 'urgency')) return levelLabel(value);
  if (typeof value === 'string' && INSTANT.test(value)) return formatDateTime(value);
  return formatValue(value);
}

/**
 * A changed field in words. Newer service level entries name their target in words already
 * ("SLA resolution target breached"); older ones named the clock by id ("clock 140 breachedAt"),
 * which says nothing to a reader: the entry's summary names the target.
 */
function changeLabel(field: string): string {
  const oldClock = /^clock \d+ (warnedAt|breachedAt)$/.exec(field);
  if (oldClock) return oldClock[1] === 'warnedAt' ? 'Warning reached' : 'Breached';
  return field.includes(' ') ? field : fieldLabel(field);
}

/**
 * One timeline of an incident, newest first: what people wrote (notes, questions, answers), what
 * changed and who changed it (the journal, for those who may read it), and the e-mail n3sp sent
 * or received about it (where the notifications route answers).
 */
export function Timeline({ incidentId, journal, emails, refresh, heading = 'Timeline', customer = false }: { incidentId: number; journal: boolean; emails: boolean; refresh: number; heading?: string; customer?: boolean }) {
  const notes = useResource<Note[]>(`/incidents/${incidentId}/notes`);
  const changes = useResource<Page<JournalEntry>>(journal ? `/incidents/${incidentId}/journal` : null, { limit: 200 });
  const mail = useResource<Page<EmailMessage>>(emails ? '/notifications' : null, { recordType: 'incident', recordId: incidentId, sort: '-createdAt', limit: 100 });
  const { reload: reloadNotes } = notes;
  const { reload: reloadChanges } = changes;
  const { reload: reloadMail } = mail;
  useEffect(() => {
    if (!refresh) return;
    reloadNotes();
    reloadChanges();
    reloadMail();
  }, [refresh, reloadNotes, reloadChanges, reloadMail]);

  const entries: Entry[] = [];
  for (const n of notes.data ?? []) {
    entries.push({
      key: `n${n.id}`,
      at: n.createdAt,
      node: (
        <>
          <p className="timeline__head">
            <span className={`tag tag--${n.kind === 'work_note' ? 'grey' : n.kind === 'question' ? 'yellow' : n.kind === 'major_update' ? 'red' : 'blue'}`}>{(customer ? CUSTOMER_NOTE_LABELS[n.kind] : undefined) ?? NOTE_KIND_LABELS[n.kind] ?? inWords(n.kind)}</span> by <strong>{n.author}</strong>{' '}
            <time dateTime={n.createdAt} className="muted">
              {formatDateTime(n.createdAt)}
            </time>
            {n.source === 'email' && <span className="muted"> (by e-mail)</span>}
          </p>
          <p className="note-body">{n.body}</p>
        </>
      ),
    });
  }
  for (const e of changes.data?.items ?? []) {
    if (NOTE_ACTIONS.has(e.action)) continue;
    const shown = e.action === 'logged' ? [] : e.changes.filter((c) => c.field !== 'description');
    entries.push({
      key: `j${e.id}`,
      at: e.at,
      node: (
        <>
          <p className="timeline__head">
            <strong>{ACTION_LABELS[e.action] ?? fieldLabel(e.action)}</strong> by <strong>{e.actor}</strong>{' '}
            <time dateTime={e.at} className="muted">
              {formatDateTime(e.at)}
            </time>
            {e.chained && (
              <span className="tag tag--blue timeline__chain" title="Linked into the hash-chained audit trail">
                In audit chain
              </span>
            )}
          </p>
          {e.summary && <p className="timeline__summary">{e.summary}</p>}
          {shown.length > 0 && (
            <ul className="changes">
              {shown.map((c) => (
                <li key={c.field}>
                  {changeLabel(c.field)}: <span className="change-before">{changeValue(c.field, c.before)}</span> → <span className="change-after">{changeValue(c.field, c.after)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      ),
    });
  }
  for (const m of mail.data?.items ?? []) {
    const at = m.sentAt ?? m.receivedAt ?? m.createdAt;
    const outcome = emailOutcome(m, customer);
    entries.push({
      key: `m${m.id}`,
      at,
      node: (
        <>
          <p className="timeline__head">
            <span className="tag tag--grey">{m.state === 'sent' ? 'E-mail sent' : m.state === 'received' ? 'E-mail received' : 'E-mail'}</span>{' '}
            {m.direction === 'out' ? (
              <>
                to <strong>{m.to.map((t) => t.name ?? t.address).join(', ')}</strong>
                {m.event && <span className="muted"> ({EMAIL_EVENTS[m.event] ?? inWords(m.event)})</span>}
              </>
            ) : (
              <>
                from <strong>{m.from.address}</strong>
              </>
            )}
            {outcome && (
              <>
                : <span className={`tag tag--${outcome.colour}`}>{outcome.label}</span>
                {outcome.reason && <> — {outcome.reason}</>}
              </>
            )}{' '}
            <time dateTime={at} className="muted">
              {formatDateTime(at)}
            </time>
          </p>
          <details className="email">
            <summary>{m.subject}</summary>
            <p className="note-body">{m.text}</p>
            {m.state === 'sent' && m.reason && !customer && <p className="muted">{m.reason}</p>}
          </details>
        </>
      ),
    });
  }
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.key < b.key ? 1 : -1));

  return (
    <section aria-labelledby="timeline-heading" className="journal">
      <h2 id="timeline-heading">{heading}</h2>
      {notes.error && <ProblemMessage error={notes.error} />}
      {changes.error && <ProblemMessage error={changes.error} />}
      {!notes.data && !notes.error && <p role="status">Loading the timeline…</p>}
      {notes.data && entries.length === 0 && <p>Nothing has been written yet.</p>}
      <ol className="timeline">
        {entries.map((e) => (
          <li key={e.key} className="timeline__entry">
            {e.node}
          </li>
        ))}
      </ol>
      {changes.data?.nextCursor && <p className="muted">Older changes are in the journal beyond the last 200 entries.</p>}
    </section>
  );
}
