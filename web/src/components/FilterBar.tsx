import type { ReactNode } from 'react';
import type { FilterControl, Filters } from '../hooks.ts';

/**
 * A list page's search form (role search, named for what it searches) with its Search button, and
 * Clear once the address holds something to clear. The page puts in only its own filters.
 */
export function FilterBar<K extends string>({ label, filters, children }: { label: string; filters: Filters<K>; children: ReactNode }) {
  return (
    <form className="filters" role="search" aria-label={label} onSubmit={filters.submit}>
      {children}
      <div className="filters__actions">
        <button type="submit" className="button">
          Search
        </button>
        {filters.changed && (
          <button type="button" className="button button--secondary" onClick={filters.clear}>
            Clear
          </button>
        )}
      </div>
    </form>
  );
}

interface FilterProps {
  id: string;
  label: string;
  field: FilterControl;
}

/**
 * A typed filter. `search` makes it the form's free-text search, the widest field; `upper` is for
 * codes (ODS, supplier), kept in capitals as they are typed so the address shows what is searched.
 */
export function FilterText({ id, label, field, search, upper, short, maxLength }: FilterProps & { search?: boolean; upper?: boolean; short?: boolean; maxLength: number }) {
  return (
    <div className={search ? 'field field--grow' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input id={id} type={search ? 'search' : undefined} className={short ? 'input--short' : undefined} value={field.value} onChange={(e) => field.set(upper ? e.target.value.toUpperCase() : e.target.value)} maxLength={maxLength} />
    </div>
  );
}

/** Choices as value → label, or as pairs where their order is not a record's. */
export type Choices = Readonly<Record<string, string>> | ReadonlyArray<readonly [value: string, label: string]>;

/** A filter chosen from a list; `any` names the choice of no filter at all (the empty value). */
export function FilterSelect({ id, label, field, any, choices }: FilterProps & { any?: string; choices: Choices }) {
  const pairs = Array.isArray(choices) ? choices : Object.entries(choices);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={field.value} onChange={(e) => field.set(e.target.value)}>
        {any !== undefined && <option value="">{any}</option>}
        {pairs.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A yes-or-nothing filter: ticked puts `true` in the address, unticked leaves it out. */
export function FilterCheck({ id, label, field }: FilterProps) {
  return (
    <div className="check">
      <input id={id} type="checkbox" checked={field.value === 'true'} onChange={(e) => field.set(e.target.checked ? 'true' : '')} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}
