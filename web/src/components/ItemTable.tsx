import type { ReactNode } from 'react';

/** One column of a table of records: its header, what it shows of a record, and its class (numeric, nowrap) for both. */
export interface Column<T> {
  head: ReactNode;
  cell(item: T): ReactNode;
  className?: string;
  /** The column that names each row, read out as the row's header. */
  rowHeader?: boolean;
}

/**
 * Records as a table, a row each, with a caption for screen readers; nothing at all while there
 * are no records (the count above says so). The page says only its columns.
 */
export function ItemTable<T>({ caption, columns, items, rowKey, rowClassName, className = 'table' }: { caption: ReactNode; columns: ReadonlyArray<Column<T> | false>; items: readonly T[]; rowKey(item: T): string | number; rowClassName?(item: T): string | undefined; className?: string }) {
  if (items.length === 0) return null;
  const shown = columns.filter((c): c is Column<T> => c !== false);
  return (
    <table className={className}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {shown.map((c, i) => (
            <th key={i} scope="col" className={c.className}>
              {c.head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={rowKey(item)} className={rowClassName?.(item)}>
            {shown.map((c, i) =>
              c.rowHeader ? (
                <th key={i} scope="row" className={c.className}>
                  {c.cell(item)}
                </th>
              ) : (
                <td key={i} className={c.className}>
                  {c.cell(item)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
