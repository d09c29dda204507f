import type { JournalChange } from '../core/db/tables.ts';

/**
 * The fields that differ between two versions of a record, with before and after. A created
 * record has every field with `before: null`; only the named fields are compared, so internal
 * columns (version, timestamps, password hashes) never reach the journal.
 */
export function changedFields<T extends object>(before: T | null, after: T | null, fields: readonly (keyof T & string)[]): JournalChange[] {
  const changes: JournalChange[] = [];
  for (const field of fields) {
    const was = before ? normalise(before[field]) : null;
    const now = after ? normalise(after[field]) : null;
    if (!sameValue(was, now)) changes.push({ field, before: was, after: now });
  }
  return changes;
}

function normalise(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
