import { Journal } from '../components/Journal.tsx';

/**
 * A button that opens one record's journal (who changed it, when, from what to what) below it.
 * The page keeps one open at a time: the journal's heading is the page's "History".
 */
export function History({ path, what, open, onToggle }: { path: string; what: string; open: boolean; onToggle: () => void }) {
  const id = `history-${path.replace(/[^A-Za-z0-9-]/g, '-')}`;
  return (
    <div className="sl-history">
      <button type="button" className="button button--secondary" aria-expanded={open} aria-controls={open ? id : undefined} onClick={onToggle}>
        {open ? 'Hide' : 'Show'} the history<span className="visually-hidden"> of {what}</span>
      </button>
      {open && (
        <div id={id}>
          <Journal path={path} refresh={0} />
        </div>
      )}
    </div>
  );
}

/** Which history is open on the page, and how a card opens or closes its own. */
export interface HistoryControl {
  /** Whether the reader may read journals (staff, auditors). */
  shown: boolean;
  open: string | null;
  toggle(path: string): void;
}
